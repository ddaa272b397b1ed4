from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from copilot.feedback.export import write_false_alarms
from copilot.feedback.models import FeedbackEvent
from copilot.feedback.sqlite import SqliteFeedbackStore


def alarm(draft: str, **extra: object) -> FeedbackEvent:
    return FeedbackEvent.model_validate({"action": "false_alarm", "rule_id": "shirking/0", "category": "shirking",
                                         "draft": draft, "start": 0, "end": 4, "channel": "chat", **extra})


def test_false_alarms_are_stored_masked_and_exported_as_check_cases(tmp_path: Path) -> None:
    store = SqliteFeedbackStore(tmp_path / "f.sqlite3")
    store.add([alarm("我看一下，您的手机号13812345678对吗"), alarm("我看一下，您的手机号13812345678对吗"),
               alarm("是这样吗？"), FeedbackEvent(action="shown", scenario_id="dialect")], "desk-1")
    alarms = store.false_alarms()
    assert alarms[0].draft == "我看一下，您的手机号***********对吗"
    assert store.stats().by_action["false_alarm"] == 3
    out = tmp_path / "cases.jsonl"
    assert write_false_alarms(alarms, out) == 2  # the same draft twice is one case
    cases = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert cases[0] | {"reported_at": 0} == {
        "id": "fa-0001", "task": "check", "scenario": "false-alarm", "draft": "我看一下，您的手机号***********对吗",
        "expect_flag": False, "flagged_text": "我看一下", "rule_id": "shirking/0", "category": "shirking",
        "channel": "chat", "reported_at": 0}
    assert cases[1]["draft"] == "是这样吗？"


@pytest.mark.parametrize("missing", ["draft", "start", "end", "rule_id"])
def test_a_false_alarm_must_say_what_was_flagged(missing: str) -> None:
    data = {"action": "false_alarm", "rule_id": "r", "draft": "d", "start": 0, "end": 1}
    del data[missing]
    with pytest.raises(ValidationError):
        FeedbackEvent.model_validate(data)


def test_a_span_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError):
        alarm("您好", start=3, end=1)
