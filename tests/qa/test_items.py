"""Which findings a forbidden item counts: exact evidence always, a model finding only when placed."""

from __future__ import annotations

from copilot.check.models import RuleCitation, Violation
from copilot.qa.items import _matching
from copilot.qa.scorecard import Item

CITATION = RuleCitation(document="doc", document_title="标准", section="一", quote="庸俗骂人的话及口头禅不说")


def _finding(text: str, category: str, probabilities: dict[str, float] | None) -> Violation:
    detector = "semantic" if probabilities is not None else "lexicon"
    return Violation(start=0, end=len(text), text=text, category=category, severity="block", rule_id="r",
                     reason="原因", alternative=None, citation=CITATION, detector=detector,
                     confidence=0.92 if probabilities is not None else None, probabilities=probabilities)


def _veto(share: float) -> Item:
    return Item(id="provoking-vulgar", title="不激化矛盾", weight=10, kind="forbidden", fatal=True,
                categories=["provoking", "vulgar"], quote="庸俗骂人的话及口头禅不说", model_share=share)


def test_a_fatal_item_counts_a_model_finding_only_when_the_model_places_it_there() -> None:
    unsure = _finding("那就这样", "vulgar", {"vulgar": 0.33, "colloquial": 0.2, "impatient": 0.13, "rushing": 0.26})
    sure = _finding("你要投诉就投诉吧", "provoking", {"provoking": 0.6, "vulgar": 0.2, "impatient": 0.05})
    assert _matching(_veto(0.5), [unsure]) == []
    assert _matching(_veto(0.5), [sure]) == [sure]  # 0.8 of it in the item's two categories
    assert _matching(_veto(0.0), [unsure]) == [unsure]  # the default: every finding of the categories counts
    # the share is of the offence, not of everything: a clause the model half suspects, most of it as swearing
    muttered = _finding("这破系统又他妈卡住了", "vulgar", {"vulgar": 0.3, "provoking": 0.2, "impatient": 0.1})
    assert _matching(_veto(0.5), [muttered]) == [muttered]


def test_exact_evidence_counts_whatever_the_share() -> None:
    listed = _finding("有本事你去投诉", "provoking", None)
    assert _matching(_veto(0.9), [listed]) == [listed]


def test_the_model_s_probabilities_stay_out_of_responses() -> None:
    finding = _finding("那就这样", "vulgar", {"vulgar": 0.33})
    assert "probabilities" not in finding.model_dump()
    assert "probabilities" not in finding.model_dump_json()
