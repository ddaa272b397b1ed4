"""The checker with the trained model: the numbers the README reports, as gates just under what was measured."""

from __future__ import annotations

import pytest

from copilot.check.models import CheckRequest
from copilot.evaluation.check_metrics import run_check
from copilot.evaluation.suite import load_suites
from copilot.runtime import Copilot
from tests.conftest import SUITES

pytestmark = pytest.mark.integration

# Measured with the shipped model, the fourth that reads whole drafts (two members averaged; docs/checker-model.md),
# F1 / false-positive rate: check.jsonl 0.989 / 0.023, check-heldout.jsonl 0.980 / 0.040, check-meaning-heldout.jsonl
# 0.977 / 0.000, -2 0.979 / 0.000, -3 0.980 / 0.013, -4 0.954 / 0.013, -5 0.976 / 0.027, -6 0.984 / 0.013, -7 0.984 /
# 0.008 (all nine seen before this model was trained; pooled 0.977 / 0.013 against the third model's 0.970 / 0.017).
# Its fresh held-out suite is -8 (README; run once: 0.981 / 0.008); -9 was written after a fifth model that was not
# kept, and gives this one 0.969 / 0.023 (run once on each); -10 was written after a four-member candidate that was
# not kept, and gives this one 0.962 / 0.013 (run once on each).
GATES = {"check.jsonl": (0.97, 0.03), "check-heldout.jsonl": (0.97, 0.05), "check-meaning-heldout.jsonl": (0.97, 0.02),
         "check-meaning-heldout-2.jsonl": (0.97, 0.01), "check-meaning-heldout-3.jsonl": (0.97, 0.02),
         "check-meaning-heldout-4.jsonl": (0.95, 0.02), "check-meaning-heldout-5.jsonl": (0.97, 0.03),
         "check-meaning-heldout-6.jsonl": (0.97, 0.02), "check-meaning-heldout-7.jsonl": (0.97, 0.01),
         "check-meaning-heldout-8.jsonl": (0.97, 0.01), "check-meaning-heldout-9.jsonl": (0.96, 0.03),
         "check-meaning-heldout-10.jsonl": (0.95, 0.02),
         # the listed-word suites (half are harmless uses of a listed phrase): 7, 5, 1, 3 and 5 of their 40 (39)
         # harmless drafts flagged, every offence caught but one the lexicon lacks (README, "Listed words used
         # harmlessly"; the fifth, written after the last change, run once)
         "check-listed-heldout.jsonl": (0.9, 0.2), "check-listed-heldout-2.jsonl": (0.93, 0.15),
         "check-listed-heldout-3.jsonl": (0.97, 0.05), "check-listed-heldout-4.jsonl": (0.95, 0.1),
         "check-listed-heldout-5.jsonl": (0.93, 0.15)}


@pytest.mark.parametrize("suite", sorted(GATES))
def test_checker_quality_on_the_suites(real_copilot: Copilot, suite: str) -> None:
    min_f1, max_fpr = GATES[suite]
    report = run_check(real_copilot.check, load_suites([SUITES / suite]).check_cases)
    missed = [r.case.draft for r in report.results if r.case.expect_flag and not r.response.flagged]
    blocked = [r.case.draft for r in report.results if not r.case.expect_flag and r.response.flagged]
    assert report.f1 >= min_f1, missed
    assert report.false_positive_rate <= max_fpr, blocked


def test_no_approved_phrasing_has_a_blocking_finding(real_copilot: Copilot) -> None:
    blocked = [
        (scenario.id, phrasing.text)
        for scenario in real_copilot.knowledge.rulebook.scenarios
        for phrasing in scenario.approved
        for channel in scenario.channels
        if real_copilot.check.check(CheckRequest(draft=phrasing.text, channel=channel)).flagged
    ]
    assert blocked == []


def test_every_offered_alternative_applied_leaves_no_finding_at_all(real_copilot: Copilot) -> None:
    """Rewrite the flagged drafts of the suites with every alternative: the result re-checks clean."""
    cases = [c for c in load_suites([SUITES / "check.jsonl", SUITES / "check-heldout.jsonl"]).check_cases
             if c.expect_flag]
    left = []
    for case in cases:
        request = CheckRequest(draft=case.draft, channel=case.channel, position=case.position)
        rewritten = real_copilot.check.rewrite(request)
        again = real_copilot.check.check(request.model_copy(update={"draft": rewritten.draft}))
        if again.violations or rewritten.needs_human:
            left.append((case.draft, rewritten.draft, [(v.text, v.category) for v in again.violations]))
    assert left == []


@pytest.mark.parametrize("draft", ["这个我没办法", "这事我不知道", "反正我没办法", "你打错了"])
def test_a_short_listed_answer_in_a_clause_of_its_own_words_is_blocked_by_the_model(real_copilot: Copilot,
        draft: str) -> None:
    """The lexicon leaves a short listed answer with other words in its clause to the model (checker.yaml
    `whole_answers`); a topic before it changes nothing, and the model blocks it."""
    response = real_copilot.check.check(CheckRequest(draft=draft))
    assert response.flagged and all(v.detector == "semantic" for v in response.violations if v.severity == "block")


def test_an_agent_draft_is_held_to_a_lower_bar_than_model_text(real_copilot: Copilot) -> None:
    draft = "我都说了三遍了，您怎么还是搞不清楚"
    agent = real_copilot.check.check(CheckRequest(draft=draft))
    model = real_copilot.check.check(CheckRequest(draft=draft, author="model"))
    assert agent.flagged and model.flagged
    assert {(v.start, v.end) for v in agent.violations if v.severity == "block"} <= {
        (v.start, v.end) for v in model.violations if v.severity == "block"}
