from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import KnowledgeInvalid
from copilot.knowledge import Knowledge
from copilot.rulebook.loader import all_quoted, load_rulebook
from copilot.rulebook.models import Category
from copilot.text.normalize import match_key

# Every situation the five standards describe must have a scenario (ids in knowledge/rulebook/*.yaml).
REQUIRED_SCENARIOS = [
    "greeting-voice", "greeting-chat", "silent-call", "customer-too-quiet", "noisy-line", "dialect",
    "ask-repeat", "ask-write-down", "internal-department-number", "slow-pickup", "abusive-customer",
    "blames-agent-slow", "complaint-agent-attitude", "complaint-agent-mistake", "complaint-own-mistake",
    "complaint-deferred", "complaint-closing", "hold-lookup", "unknown-answer", "resume-after-wait",
    "confirm-account", "ask-contact-number", "out-of-scope", "transfer", "praise-thanks", "call-ending",
    "chat-long-wait", "chat-speed-complaint", "chat-platform-stability", "chat-wrong-message", "chat-closing",
    "outbound-opening", "outbound-not-convenient", "outbound-cancel-warning", "outbound-closing",
    "telecom-billing", "telecom-service", "telecom-network", "telecom-business", "privacy",
]


def test_every_required_situation_has_a_scenario(knowledge: Knowledge) -> None:
    ids = {s.id for s in knowledge.rulebook.scenarios}
    assert sorted(set(REQUIRED_SCENARIOS) - ids) == []


def test_every_quote_is_cited_in_its_source(knowledge: Knowledge) -> None:
    for scenario, item in all_quoted(knowledge.rulebook):
        assert item.citation is not None, (scenario.id, item.text)
        document = knowledge.documents[item.citation.document]
        assert document.text[item.citation.start : item.citation.end] == item.citation.quote
        assert match_key(item.cited_wording) == match_key(item.citation.quote)
        if not item.authored and item.quote is None:
            assert match_key(item.text) == match_key(item.citation.quote)


def test_every_category_is_used(knowledge: Knowledge) -> None:
    used = {f.category for s in knowledge.rulebook.scenarios for f in s.forbidden}
    assert used == set(Category)


def test_all_channels_covered(knowledge: Knowledge) -> None:
    channels = {c for s in knowledge.rulebook.scenarios for c in s.channels}
    assert channels == {"voice", "chat", "outbound"}


def _write(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x.yaml").write_text(body, encoding="utf-8")
    return folder


SCENARIO = """
- id: s1
  title: 测试
  channels: [voice]
  source: {source}
  situation: 测试情形
  examples: [你好, 在吗]
  approved:
    - {phrasing}
"""


def test_unfindable_quote_fails_naming_it(knowledge: Knowledge, tmp_path: Path) -> None:
    folder = _write(tmp_path, SCENARIO.format(source="hotline-conduct", phrasing="这句话规范里没有"))
    with pytest.raises(KnowledgeInvalid) as info:
        load_rulebook(folder, knowledge.documents)
    assert "这句话规范里没有" in str(info.value.details["problems"])


def test_quote_found_despite_punctuation_and_script(knowledge: Knowledge, tmp_path: Path) -> None:
    folder = _write(tmp_path, SCENARIO.format(source="hotline-conduct", phrasing="麻煩您記錄一下 好嗎"))
    rulebook = load_rulebook(folder, knowledge.documents)
    assert rulebook.scenarios[0].approved[0].citation is not None


def test_authored_phrasing_needs_the_rule_it_follows(knowledge: Knowledge, tmp_path: Path) -> None:
    phrasing = "{text: 编写的话术, authored: true}"
    folder = _write(tmp_path, SCENARIO.format(source="hotline-conduct", phrasing=phrasing))
    with pytest.raises(KnowledgeInvalid, match="quote"):
        load_rulebook(folder, knowledge.documents)


def test_unknown_source_and_bad_yaml(knowledge: Knowledge, tmp_path: Path) -> None:
    folder = _write(tmp_path / "a", SCENARIO.format(source="nope", phrasing="麻烦您记录一下"))
    with pytest.raises(KnowledgeInvalid) as info:
        load_rulebook(folder, knowledge.documents)
    assert "unknown source" in str(info.value.details["problems"])
    with pytest.raises(KnowledgeInvalid, match=r"x\.yaml"):
        load_rulebook(_write(tmp_path / "b", "- id: [unclosed"), knowledge.documents)
