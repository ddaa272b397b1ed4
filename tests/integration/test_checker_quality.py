"""The checker with the real embedding model: the numbers the README reports, as gates."""

from __future__ import annotations

import pytest

from copilot.check.models import CheckRequest
from copilot.evaluation.check_metrics import run_check
from copilot.evaluation.suite import load_suites
from copilot.runtime import Copilot
from tests.conftest import SUITES

pytestmark = pytest.mark.integration

# Measured with m3e-small and the default thresholds: the semantic detector reports (warn or block)
# 0.868 (dev) and 0.864 (held-out) of the paraphrases; compliant near-misses are blocked at a rate of
# 0.023 (dev) and 0.0 (held-out).
MIN_PARAPHRASES_CAUGHT = 0.85
MAX_NEAR_MISS_BLOCK_RATE = 0.05


@pytest.mark.parametrize("suite", ["check.jsonl", "check-heldout.jsonl"])
def test_semantic_detector_catches_paraphrases(real_copilot: Copilot, suite: str) -> None:
    cases = [c for c in load_suites([SUITES / suite]).check_cases if c.scenario == "paraphrase"]
    report = run_check(real_copilot.check, cases, {"semantic"})
    caught = [any(v.detector == "semantic" for v in r.response.violations) for r in report.results]
    missed = [r.case.draft for r, hit in zip(report.results, caught, strict=True) if not hit]
    assert sum(caught) / len(caught) >= MIN_PARAPHRASES_CAUGHT, missed


@pytest.mark.parametrize("suite", ["check.jsonl", "check-heldout.jsonl"])
def test_compliant_near_misses_are_rarely_blocked(real_copilot: Copilot, suite: str) -> None:
    report = run_check(real_copilot.check, load_suites([SUITES / suite]).check_cases)
    blocked = [r.case.draft for r in report.results if not r.case.expect_flag and r.response.flagged]
    assert report.false_positive_rate <= MAX_NEAR_MISS_BLOCK_RATE, blocked


def test_no_approved_phrasing_is_blocked_by_the_real_checker(real_copilot: Copilot) -> None:
    blocked = [
        (scenario.id, phrasing.text)
        for scenario in real_copilot.knowledge.rulebook.scenarios
        for phrasing in scenario.approved
        for channel in scenario.channels
        if real_copilot.check.check(CheckRequest(draft=phrasing.text, channel=channel)).flagged
    ]
    assert blocked == []


def test_uncertain_semantic_findings_warn_and_confident_ones_block(real_copilot: Copilot) -> None:
    response = real_copilot.check.check(CheckRequest(draft="我都说了三遍了，你怎么还是搞不清楚"))
    assert response.flagged
    for violation in response.violations:
        if violation.detector == "semantic" and violation.severity == "warn":
            assert violation.reason.startswith("可能不当")
