"""`copilot qa score` writes the three reports where the sidebar lists them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from copilot.cli import app

runner = CliRunner()
CALL = {"id": "call-7", "channel": "voice", "turns": [
    {"role": "agent", "text": "您好，工号1035为您服务。"}, {"role": "customer", "text": "没事了"},
    {"role": "agent", "text": "感谢您的来电，再见。"}]}


def test_score_writes_json_csv_and_html_into_the_reports_folder(fake_env: None, tmp_path: Path) -> None:
    source = tmp_path / "calls.jsonl"
    source.write_text(json.dumps(CALL, ensure_ascii=False) + "\nnot json\n", encoding="utf-8")
    result = runner.invoke(app, ["qa", "score", str(source), "--name", "week-47"])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "line 2" in result.output and "conversations/s" in result.output
    reports = tmp_path / "reports"
    assert sorted(p.name for p in reports.iterdir()) == ["week-47.csv", "week-47.html", "week-47.json"]
    assert json.loads((reports / "week-47.json").read_text(encoding="utf-8"))["results"][0]["id"] == "call-7"


def test_nothing_to_score_and_bad_names_fail(fake_env: None, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert runner.invoke(app, ["qa", "score", str(empty)]).exit_code == 1
    source = tmp_path / "calls.jsonl"
    source.write_text(json.dumps(CALL) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["qa", "score", str(source), "--name", "../escape"]).exit_code == 2
