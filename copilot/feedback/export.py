"""False alarms agents reported, written as candidate check cases in the eval suites' format."""

from __future__ import annotations

import json
from pathlib import Path

from copilot.feedback.models import FalseAlarm


def as_check_case(number: int, alarm: FalseAlarm) -> dict[str, object]:
    """A compliant-draft case (`expect_flag: false`) for QA to confirm or correct before it joins a suite."""
    case: dict[str, object] = {
        "id": f"fa-{number:04d}", "task": "check", "scenario": "false-alarm", "draft": alarm.draft,
        "expect_flag": False, "flagged_text": alarm.draft[alarm.start : alarm.end], "rule_id": alarm.rule_id,
        "category": alarm.category, "reported_at": round(alarm.at, 3),
    }
    if alarm.channel:
        case["channel"] = alarm.channel
    return case


def write_false_alarms(alarms: list[FalseAlarm], path: Path) -> int:
    """One JSON line per distinct draft; returns how many were written."""
    seen: set[str] = set()
    lines: list[str] = []
    for alarm in alarms:
        if alarm.draft in seen:
            continue
        seen.add(alarm.draft)
        lines.append(json.dumps(as_check_case(len(lines) + 1, alarm), ensure_ascii=False))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
