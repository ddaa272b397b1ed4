"""The scenario recogniser's corpus: its size and make-up, and that no eval suite says the same thing."""

from __future__ import annotations

from collections import Counter

import pytest

from copilot.knowledge import Knowledge
from copilot.settings import PathSettings
from copilot.suggest.transcript import parse_transcript
from copilot.train.overlap import near_duplicates
from copilot.train.turns import CustomerTurn, load_turns
from tests.train.test_corpus import eval_texts


@pytest.fixture(scope="module")
def turns(knowledge: Knowledge) -> list[CustomerTurn]:
    return load_turns(PathSettings().scenario_corpus_dir, {s.id for s in knowledge.rulebook.scenarios})


def test_every_scenario_has_thirty_turns_in_every_register(turns: list[CustomerTurn], knowledge: Knowledge) -> None:
    per_scenario = Counter(t.scenarios[0] for t in turns)
    assert len(turns) >= 1350
    assert set(per_scenario) == {s.id for s in knowledge.rulebook.scenarios}
    assert min(per_scenario.values()) >= 30, per_scenario.most_common()[-3:]
    tags = Counter(tag for t in turns for tag in t.tags)
    assert tags["multi-turn"] >= 300 and tags["traditional"] >= 120 and tags["typo"] >= 50
    assert tags["indirect"] >= 2 * tags["direct"]
    assert sum(len(t.scenarios) > 1 for t in turns) >= 100  # mixed intents: a second scenario
    assert {t.channel for t in turns} == {"voice", "chat", "outbound"}


def test_multi_turn_transcripts_end_with_the_customer(turns: list[CustomerTurn]) -> None:
    for turn in turns:
        parsed = parse_transcript(turn.transcript)
        assert parsed and parsed[-1].role == "customer", turn.id
        if "multi-turn" in turn.tags:  # the agent's turns, or several messages of the customer's in a row
            assert len(parsed) > 1, turn.id


def test_no_eval_text_is_a_near_duplicate_of_a_customer_turn(turns: list[CustomerTurn]) -> None:
    """Customer lines, in 繁體 or simplified, with or without punctuation; the agent lines of a multi-turn
    transcript are context (often the standard's own greeting), not what the recogniser learns from."""
    suites = [t.text for text in eval_texts() for t in parse_transcript(text)]
    corpus = [t.text for turn in turns for t in parse_transcript(turn.transcript) if t.role == "customer"]
    assert len(suites) > 800
    assert near_duplicates(corpus, suites, threshold=0.8) == []
