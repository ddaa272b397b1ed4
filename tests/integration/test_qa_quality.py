"""Conversation QA with the real checker (m3e-small): verdict accuracy, and evidence for every failed item."""

from __future__ import annotations

import pytest

from copilot.evaluation.qa_metrics import run_qa
from copilot.evaluation.suite import load_suites
from copilot.privacy.redact import mask
from copilot.runtime import Copilot
from copilot.text.normalize import match_key
from tests.conftest import SUITES

pytestmark = pytest.mark.integration

# Measured: qa.jsonl 0.966 (its first run, before the scorecard fixes it prompted, was 0.943); qa-heldout.jsonl,
# written after those fixes and run once, 0.960. The gate sits below both.
MIN_ACCURACY = 0.92


QA_SUITES = ["qa.jsonl", "qa-heldout.jsonl", "qa-heldout-2.jsonl", "qa-heldout-3.jsonl", "qa-heldout-4.jsonl"]


@pytest.mark.parametrize("suite", QA_SUITES)
def test_scorecard_verdicts_match_the_labels(real_copilot: Copilot, suite: str) -> None:
    report = run_qa(real_copilot.qa, load_suites([SUITES / suite]).qa_cases)
    assert report.accuracy >= MIN_ACCURACY
    assert not [label for r in report.results for label in r.unknown_labels]


def test_forbidden_language_items_over_every_suite(real_copilot: Copilot) -> None:
    """Tripwire under the measured verdict accuracy of the language items over the five suites (146
    conversations): service-taboo 0.938, provoking-vulgar 0.952, colloquial 0.986 (the target is 0.95 each)."""
    report = run_qa(real_copilot.qa, load_suites([SUITES / f for f in QA_SUITES]).qa_cases)
    per_item = {item: accuracy for item, (_, accuracy) in report.per_item().items()}
    for item in ("service-taboo", "provoking-vulgar", "colloquial"):
        assert per_item[item] >= 0.93, (item, per_item[item])


def test_every_failed_item_shows_evidence_or_what_is_missing_and_its_source(real_copilot: Copilot) -> None:
    cases = load_suites([SUITES / "qa.jsonl", SUITES / "qa-heldout.jsonl"]).qa_cases
    failed = 0
    for result in run_qa(real_copilot.qa, cases).results:
        for item in result.score.items:
            if item.status != "fail":
                continue
            failed += 1
            assert item.evidence or item.missing, (result.case.id, item.id)
            for evidence in item.evidence:
                turn = mask(result.case.turns[evidence.turn].text)
                assert turn[evidence.start:evidence.end] == evidence.text
            document = real_copilot.knowledge.documents[item.citation.document]
            assert match_key(item.citation.quote) in match_key(document.text)
    assert failed > 100
