from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.check.models import CheckRequest
from copilot.check.service import merge
from copilot.errors import PayloadTooLarge
from copilot.runtime import Copilot

RULES = {"lexicon", "pattern", "style"}  # everything but the model-dependent semantic detector

PIECES = ["你", "您", "问我", "我问谁", "有本事", "投诉", "喂", "，", " ", "＊", "不归", "管", "好的", "吗？",
          "大约", "保证", "退款", "A", "ｂ", "😀", "規範", "再见", "哈", "拜拜", "～", "好嘞"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12),
       st.sampled_from([None, "voice", "chat", "outbound"]),
       st.sampled_from([None, "opening", "middle", "closing"]))
def test_spans_always_lie_inside_the_draft(fake_copilot: Copilot, pieces: list[str], channel, position) -> None:  # type: ignore[no-untyped-def]
    draft = "".join(pieces)
    response = fake_copilot.check.check(CheckRequest(draft=draft, channel=channel, position=position))
    for v in response.violations:
        assert 0 <= v.start <= v.end <= len(draft)
        assert v.text == draft[v.start : v.end]
    assert response.flagged == any(v.severity == "block" for v in response.violations)


def test_style_warnings(fake_copilot: Copilot) -> None:
    response = fake_copilot.check.check(CheckRequest(draft="你们这个问题咋处理？", position="opening"), RULES)
    categories = {(v.category, v.severity) for v in response.violations}
    assert ("improper_address", "warn") in categories  # 你们 where 您 is due
    assert ("colloquial", "warn") in categories  # 咋
    assert ("missing_greeting", "warn") in categories
    assert not response.flagged
    closing = fake_copilot.check.check(CheckRequest(draft="好的，已经帮您处理完了", position="closing"), RULES)
    assert [v.category for v in closing.violations] == ["missing_closing"]
    polite = fake_copilot.check.check(CheckRequest(draft="您好，请问有什么可以帮您？", position="opening"), RULES)
    assert polite.violations == []


@pytest.mark.parametrize(("draft", "found"), [
    ("您留意下电话哈。", ["哈"]),
    ("查到啦～您看一下", ["啦"]),
    ("好的，拜拜", ["拜拜"]),
    ("好嘞，收到", ["好嘞"]),  # one finding, not 好嘞 and its 嘞
    ("哈尔滨的网点在中央大街", []),
    ("我们下周去拜访您", []),
    ("这件事已经给您办妥了。", []),
])
def test_slang_particles_count_only_at_the_end_of_a_clause(fake_copilot: Copilot, draft: str,
                                                            found: list[str]) -> None:
    response = fake_copilot.check.check(CheckRequest(draft=draft, channel="chat"), RULES)
    assert [v.text for v in response.violations if v.category == "colloquial"] == found


def test_draft_over_the_limit_names_it(fake_copilot: Copilot) -> None:
    limit = fake_copilot.check.settings.max_draft_chars
    with pytest.raises(PayloadTooLarge, match=str(limit)):
        fake_copilot.check.check(CheckRequest(draft="好" * (limit + 1)))


def test_rewrite_replaces_blocking_spans(fake_copilot: Copilot) -> None:
    result = fake_copilot.check.rewrite(CheckRequest(draft="这事不归我管，你问我，我问谁？"))
    assert [c.before for c in result.changes] == ["这事不归我管", "你问我，我问谁"]
    assert "不归我管" not in result.draft and "我问谁" not in result.draft
    assert result.needs_human == []
    assert not result.flagged


def test_merge_prefers_earlier_blocking_and_drops_covered_warnings(fake_copilot: Copilot) -> None:
    response = fake_copilot.check.check(CheckRequest(draft="你问我，我问谁？"), RULES)
    assert merge(response.violations) == response.violations
    assert all(v.severity == "block" for v in response.violations)  # the 你 warning lies inside the block
