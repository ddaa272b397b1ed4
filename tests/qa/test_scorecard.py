"""Scorecards load from knowledge/, every item cited; a broken file is refused, naming the file and the item."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import KnowledgeInvalid
from copilot.knowledge import Knowledge
from copilot.qa.scorecard import load_scorecards
from copilot.settings import PathSettings
from copilot.text.normalize import match_key

SHIPPED = PathSettings().scorecards_dir
GOOD_ITEM = """
  - id: closing
    title: 结束语
    weight: 5
    kind: required
    where: {part: closing}
    all: [{name: 结束语, any: [再见]}]
    quote: 感谢您的来电,请挂机,再见
"""


def _card(folder: Path, items: str, channel: str = "voice") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "card.yaml").write_text(
        f"id: test-card\ntitle: 测试\nchannel: {channel}\nsource: call-centre-manual\nitems:\n{items}",
        encoding="utf-8")
    return folder


def test_one_default_scorecard_per_channel_each_item_cited_in_its_source(knowledge: Knowledge) -> None:
    cards = load_scorecards(knowledge, SHIPPED)
    assert sorted(c.channel for c in cards.values()) == ["chat", "outbound", "voice"]
    for card in cards.values():
        assert {"greeting", "polite-address", "service-taboo", "closing"} <= {s.item.id for s in card.items}
        for scored in card.items:
            document = knowledge.documents[scored.citation.document]
            assert match_key(scored.citation.quote) in match_key(document.text)
            assert scored.citation.section


def test_coaching_is_the_named_scenarios_phrasing_with_the_wording_asked_for(knowledge: Knowledge) -> None:
    card = {s.item.id: s for s in load_scorecards(knowledge, SHIPPED)["voice-inbound"].items}
    approved = [p.text for p in knowledge.rulebook.scenario("call-ending").approved]
    closing, anything_else = card["closing"].coaching, card["anything-else"].coaching
    assert closing in approved and "再见" in (closing or "")
    assert anything_else in approved and "其它" in (anything_else or "")
    assert card["greeting"].coaching in [p.text for p in knowledge.rulebook.scenario("greeting-voice").approved]


def test_a_quote_missing_from_the_source_is_refused(knowledge: Knowledge, tmp_path: Path) -> None:
    folder = _card(tmp_path, GOOD_ITEM.replace("感谢您的来电,请挂机,再见", "规范里没有这句话"))
    with pytest.raises(KnowledgeInvalid, match=r"card\.yaml: item closing: quote not found"):
        load_scorecards(knowledge, folder)


def test_an_unknown_coaching_scenario_is_refused(knowledge: Knowledge, tmp_path: Path) -> None:
    folder = _card(tmp_path, GOOD_ITEM + "    coaching: no-such-scenario\n")
    with pytest.raises(KnowledgeInvalid, match="unknown coaching scenario 'no-such-scenario'"):
        load_scorecards(knowledge, folder)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    where: {part: closing}\n", "", "needs `where` and `all`"),
    ("{part: closing}", "{part: after}", "needs `when`"),
    ("any: [再见]", "any: []", "cues need"),
    ("any: [再见]", "regex: ['(']", "regex"),
])
def test_incomplete_items_are_refused(knowledge: Knowledge, tmp_path: Path, old: str, new: str,
                                      message: str) -> None:
    folder = _card(tmp_path, GOOD_ITEM.replace(old, new))
    with pytest.raises(KnowledgeInvalid, match=r"card\.yaml") as raised:
        load_scorecards(knowledge, folder)
    assert message in raised.value.message


def test_a_missing_folder_means_no_scorecards(knowledge: Knowledge, tmp_path: Path) -> None:
    assert load_scorecards(knowledge, tmp_path / "none") == {}
