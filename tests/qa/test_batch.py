"""Batch scoring: the summary, and the JSON, CSV and HTML reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from copilot.evaluation.qa_report import write_reports
from copilot.qa.batch import read_conversations, score_batch
from copilot.qa.models import Conversation
from copilot.qa.service import QAService

GOOD = {"id": "good", "channel": "voice", "turns": [
    {"role": "agent", "text": "您好，工号1035为您服务。"}, {"role": "customer", "text": "我的号码13812345678停机了"},
    {"role": "agent", "text": "您的号码是13812345678，对吗？"},
    {"role": "agent", "text": "请问还有其他需要吗？感谢您的来电，再见。"}]}
BAD = {"id": "bad", "channel": "chat", "turns": [
    {"role": "agent", "text": "在"}, {"role": "customer", "text": "我要退货"},
    {"role": "agent", "text": "你自己看说明<b>"}]}


def _file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    batch = read_conversations(_file(tmp_path, [json.dumps(GOOD), "{oops", json.dumps({"id": "x", "channel": "fax"}),
                                                "", json.dumps(BAD)]))
    assert [c.id for c in batch.conversations] == ["good", "bad"]
    assert batch.problems[0].startswith("line 2: not JSON") and batch.problems[1].startswith("line 3: channel")


def test_summary_reports_and_masking(qa_service: QAService, tmp_path: Path) -> None:
    conversations = [Conversation.model_validate(GOOD), Conversation.model_validate(BAD)]
    seen: list[int] = []
    scored = score_batch(qa_service, conversations, seen.append)
    assert seen == [1, 1]
    summary = scored.summary
    assert summary.conversations == 2 and sum(summary.histogram.values()) == 2
    assert summary.worst[0] == "bad" and summary.per_second > 0
    rates = [i.fail_rate for i in summary.weakest_items]
    assert rates == sorted(rates, reverse=True) and summary.weakest_items[0].failed >= 1
    paths = write_reports(scored, conversations, tmp_path / "reports", "batch-1")
    assert [p.name for p in paths] == ["batch-1.json", "batch-1.csv", "batch-1.html"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["summary"]["conversations"] == 2 and data["results"][1]["id"] == "bad"
    rows = list(csv.DictReader(io.StringIO(paths[1].read_text(encoding="utf-8-sig"))))
    assert rows[1]["id"] == "bad" and "greeting" in rows[1]["failed_items"] and rows[1]["greeting"] == "fail"
    page = paths[2].read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;b&gt;" in page and "13812345678" not in page
    assert "得分最低的对话" in page and "规范话术" in page and "依据" in page
