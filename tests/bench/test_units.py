from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot.bench.growth import drafts_of_length
from copilot.bench.stats import percentiles
from copilot.bench.traffic import Call, Run, Sample, mixed, summarise


@given(st.lists(st.floats(min_value=0, max_value=1e5), min_size=1, max_size=200))
def test_percentiles_are_ordered_and_bounded(values: list[float]) -> None:
    p = percentiles(values)
    assert p.count == len(values)
    assert min(values) - 1e-3 <= p.p50_ms <= p.p95_ms <= p.p99_ms <= p.max_ms + 1e-3


def test_no_samples_is_all_zero() -> None:
    assert percentiles([]).count == 0


@pytest.mark.parametrize("length", [1, 10, 100, 1000, 10000])
def test_drafts_have_the_asked_length_and_differ(length: int) -> None:
    drafts = drafts_of_length(["您好，请问有什么可以帮您", "这个问题我们会尽快处理"], length, 5)
    assert all(len(d) == length for d in drafts)
    assert len(set(drafts)) == (5 if length > 1 else len(set(drafts)))


def test_mixed_interleaves_checks_per_suggestion() -> None:
    checks = [Call("check", {"draft": str(i)}) for i in range(2)]
    suggests = [Call("suggest", {"transcript": str(i)}) for i in range(2)]
    calls = mixed(checks, suggests, 3)
    assert [c.endpoint for c in calls] == ["suggest", "check", "check", "check"] * 2
    assert [c.body["draft"] for c in calls if c.endpoint == "check"] == ["0", "1", "0", "1", "0", "1"]


def test_summary_counts_errors_and_leaves_them_out_of_latency() -> None:
    run = Run([Sample("check", 10, 200), Sample("check", 1000, 500, "boom"), Sample("suggest", 30, 200)], 2.0)
    summary = summarise(run)
    assert summary["check"].requests == 2 and summary["check"].errors == 1
    assert summary["check"].latency.max_ms == 10
    assert summary["check"].throughput_rps == 0.5  # answered requests only
    assert summary["suggest"].errors == 0
