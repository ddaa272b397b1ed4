from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from copilot.cli import app
from copilot.evaluation.report import EvalReport
from tests.conftest import SUITES

runner = CliRunner()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.external += [v for k, v in attrs if k in ("src", "href") and v]


def test_reports_are_valid(fake_env: None, tmp_path: Path) -> None:
    out = {name: tmp_path / f"r.{name}" for name in ("json", "xml", "html")}
    result = runner.invoke(app, ["eval", "run", str(SUITES / "suggest-heldout.jsonl"), str(SUITES / "check.jsonl"),
                                 "--json", str(out["json"]), "--junit", str(out["xml"]), "--html", str(out["html"])])
    assert result.exit_code == 0, result.output
    report = EvalReport.model_validate_json(out["json"].read_text(encoding="utf-8"))
    assert report.schema_version == 1 and report.suggest and report.check
    assert report.suggest.overall.cases == 50 and report.check.overall.cases == 90
    root = ET.fromstring(out["xml"].read_text(encoding="utf-8"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert len(list(suites["suggest"].iter("testcase"))) == 50
    assert len(list(suites["check"].iter("testcase"))) == 90
    assert int(suites["check"].get("failures", "0")) == len(list(suites["check"].iter("failure")))
    collector = _Collector()
    collector.feed(out["html"].read_text(encoding="utf-8"))
    assert "table" in collector.tags and "style" in collector.tags
    assert collector.external == []  # self-contained
    assert "script" not in collector.tags


def test_threshold_failure_exits_non_zero(fake_env: None) -> None:
    result = runner.invoke(app, ["eval", "run", str(SUITES / "check-heldout.jsonl"), "--min-f1", "0.999",
                                 "--max-fpr", "0.0"])
    assert result.exit_code == 1
    assert "FAIL" in result.output


def test_a_foreign_suite_runs_unchanged(fake_env: None, tmp_path: Path) -> None:
    """Someone else's suite: other ids, extra fields, list transcripts, a bad line, an unknown task."""
    lines = [
        {"id": "qa-1", "task": "suggest", "scenario": "自定义", "owner": "质检组",
         "transcript": [{"role": "customer", "text": "你们客服电话老是占线"}], "expect_any": ["久等"]},
        {"id": "qa-2", "task": "check", "draft": "有本事你就投诉", "expect_flag": True, "expect_spans": ["有本事"],
         "reviewer": "x"},
        {"id": "qa-3", "task": "summarise", "text": "not ours"},
    ]
    path = tmp_path / "foreign.jsonl"
    path.write_text("\n".join([*map(lambda d: json.dumps(d, ensure_ascii=False), lines), "not json"]) + "\n",
                    encoding="utf-8")
    out = tmp_path / "f.json"
    result = runner.invoke(app, ["eval", "run", str(path), "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = EvalReport.model_validate_json(out.read_text(encoding="utf-8"))
    assert report.suggest and report.suggest.overall.cases == 1
    assert report.check and report.check.overall.cases == 1
    assert report.problems == ["foreign.jsonl:4: not JSON: Expecting value"]


def test_ablations_print_side_by_side(fake_env: None) -> None:
    result = runner.invoke(app, ["eval", "run", str(SUITES / "suggest-heldout.jsonl"), str(SUITES / "check.jsonl"),
                                 "--ablate", "retrieval", "--ablate", "detectors"])
    assert result.exit_code == 0, result.output
    for variant in ("retrieval=bm25", "retrieval=dense", "retrieval=hybrid", "detectors=lexicon", "detectors=all"):
        assert variant in result.output
