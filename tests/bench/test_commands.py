"""The benchmark and load commands, in their short modes, against the real server (CI proves they work;
no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from copilot.bench.load import LoadOptions, run_load
from copilot.bench.report import PLOTS
from copilot.bench.run import BenchReport
from copilot.bench.server import copilot_command
from copilot.settings import REPO_ROOT

pytestmark = pytest.mark.integration


def test_bench_short_writes_json_markdown_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks"
    done = subprocess.run(copilot_command("bench", "run", "--short", "--out", str(out)), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = BenchReport.model_validate(json.loads((out / "benchmarks.json").read_text(encoding="utf-8")))
    assert report.options.short
    assert {(r.endpoint, r.clients) for r in report.http} == {(e, c) for e in ("check", "suggest") for c in (1, 4, 16)}
    assert all(r.errors == 0 and r.requests > 0 for r in report.http)
    assert len(report.targets) == 11 and report.targets[0].met
    assert [p.factor for p in report.suggest_growth] == [1, 3]
    assert report.suggest_growth[1].documents > report.suggest_growth[0].documents
    assert report.suggest_baseline.ours_hit_at_3 > report.suggest_baseline.dense_hit_at_3
    page = (out / "README.md").read_text(encoding="utf-8")
    assert "## Targets" in page and "Short mode" in page
    for name in PLOTS:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_load_short_has_no_errors_across_a_knowledge_change() -> None:
    report = run_load(LoadOptions(duration_s=12, max_requests=2000, clients=4, reindex_at=0.2))
    assert report.errors == 0, report.error_samples
    assert report.reindex.status == 200, report.reindex.error
    assert report.reindex.version_after != report.reindex.version_before
    assert set(report.endpoints) == {"check", "suggest"}
    assert report.requests > 50
    assert report.rss_mib_before > 0 and report.peak_rss_mib >= report.rss_mib_after > 0
    assert report.passed
