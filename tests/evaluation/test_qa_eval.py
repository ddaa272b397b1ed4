"""QA cases in suites: labels, verdict accuracy per item, the report section and its gate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from copilot.cli import app
from copilot.evaluation.qa_metrics import QAReport, QAResult, run_qa
from copilot.evaluation.report import EvalReport
from copilot.evaluation.suite import load_suites
from copilot.qa.service import QAService
from tests.conftest import SUITES

runner = CliRunner()
CASE = {"id": "q1", "task": "qa", "channel": "voice",
        "expect": {"fail": ["closing", "greeting"], "na": ["hold-length"]},
        "turns": [{"role": "agent", "text": "您好，工号1035为您服务。"}, {"role": "customer", "text": "没事了，谢谢"},
                  {"role": "agent", "text": "好的"}]}


def _suite(tmp_path: Path, *cases: dict[str, object]) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def test_labels_default_to_pass_and_bad_labels_are_reported(tmp_path: Path) -> None:
    bad = {**CASE, "id": "q2", "expect": {"fail": [], "wrong": []}}
    suite = load_suites([_suite(tmp_path, CASE, bad)])
    case = suite.qa_cases[0]
    assert [c.id for c in suite.qa_cases] == ["q1"] and "expect.wrong" in suite.problems[0]
    assert (case.expected("closing"), case.expected("hold-length"), case.expected("confirm-need")) == (
        "fail", "n/a", "pass")


def test_accuracy_counts_every_item_of_the_scorecard(qa_service: QAService, tmp_path: Path) -> None:
    case = load_suites([_suite(tmp_path, CASE)]).qa_cases[0]
    report = run_qa(qa_service, [case])
    verdicts = report.results[0].verdicts()
    assert len(verdicts) == len(qa_service.scorecards["voice-inbound"].items)
    wrong = [v for v in verdicts if v[1] != v[2]]
    assert report.accuracy == 1 - len(wrong) / len(verdicts)
    assert ("greeting", "fail", "pass") in wrong  # the label says fail; the call did greet
    precision, recall = report.fail_detection()
    assert recall == 0.5 and 0 < precision <= 1  # closing found, greeting not
    assert QAReport([QAResult(case, report.results[0].score, 1.0)]).per_item()["closing"] == (1, 1.0)


def test_unknown_item_labels_are_listed(qa_service: QAService, tmp_path: Path) -> None:
    typo = {**CASE, "expect": {"fail": ["closng"]}}
    case = load_suites([_suite(tmp_path, typo)]).qa_cases[0]
    assert run_qa(qa_service, [case]).results[0].unknown_labels == ["closng"]


def test_eval_run_reports_qa_and_gates_on_it(fake_env: None, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    path = _suite(tmp_path, CASE)
    result = runner.invoke(app, ["eval", "run", str(path), "--json", str(out), "--html", str(tmp_path / "r.html"),
                                 "--min-qa-accuracy", "0.99"])
    assert result.exit_code == 1 and "QA item accuracy" in result.output
    report = EvalReport.model_validate_json(out.read_text(encoding="utf-8"))
    assert report.qa and report.qa.cases == 1 and report.qa.mismatches[0].id == "q1"
    assert report.thresholds[-1].name == "QA item accuracy >=" and not report.thresholds[-1].passed
    assert "质检评分" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_project_qa_suites_cover_every_channel_with_good_and_bad_calls() -> None:
    for name in ("qa.jsonl", "qa-heldout.jsonl"):
        cases = load_suites([SUITES / name]).qa_cases
        assert len(cases) >= 30
        for channel in ("voice", "chat", "outbound"):
            mine = [c for c in cases if c.channel == channel]
            assert any(not c.expect.fail for c in mine) and any(len(c.expect.fail) >= 3 for c in mine)
