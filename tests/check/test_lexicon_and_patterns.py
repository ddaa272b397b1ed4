"""Exact detectors, with the fake embedder: fast, and independent of any model."""

from __future__ import annotations

import pytest

from copilot.check.models import CheckRequest
from copilot.rulebook.models import Category
from copilot.runtime import Copilot
from copilot.text.normalize import match_key

EXACT = {"lexicon", "pattern"}
RULES = {"lexicon", "pattern", "style"}  # everything but the model-dependent semantic detector


def _to_traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


OBFUSCATIONS = {
    "verbatim": lambda t: t,
    "traditional": _to_traditional,
    "spaces": lambda t: " ".join(t),
    "symbols": lambda t: "*".join(t),
    "full-width-symbols": lambda t: "＊".join(t),
    "repeated": lambda t: "".join(c * 2 for c in t),
    "full-width": _full_width,
}


def _blocking_forbidden(copilot: Copilot) -> list[tuple[str, str]]:
    return [(s.id, f.text) for s in copilot.knowledge.rulebook.scenarios for f in s.forbidden
            if f.severity == "block" and f.category != Category.VAGUE]


@pytest.mark.parametrize("how", sorted(OBFUSCATIONS))
def test_every_forbidden_phrasing_is_caught_with_exact_spans(fake_copilot: Copilot, how: str) -> None:
    missed = []
    for scenario_id, phrase in _blocking_forbidden(fake_copilot):
        written = OBFUSCATIONS[how](phrase)
        draft = f"先生，{written}。"
        response = fake_copilot.check.check(CheckRequest(draft=draft), EXACT)
        begin, end = 3, 3 + len(written)
        hits = [v for v in response.violations if v.severity == "block" and v.start < end and begin < v.end]
        if not hits:
            missed.append((scenario_id, written))
            continue
        for violation in hits:
            assert begin <= violation.start < violation.end <= end, (draft, violation)
            assert violation.text == draft[violation.start : violation.end]
            assert match_key(violation.text)  # a span of real characters, not just inserted symbols
    assert missed == []


def test_every_approved_phrasing_raises_no_blocking_violation(fake_copilot: Copilot) -> None:
    offending = []
    for scenario in fake_copilot.knowledge.rulebook.scenarios:
        for phrasing in scenario.approved:
            for channel in scenario.channels:
                response = fake_copilot.check.check(CheckRequest(draft=phrasing.text, channel=channel), EXACT)
                offending += [(phrasing.text, v.text) for v in response.violations if v.severity == "block"]
    assert offending == []


@pytest.mark.parametrize(
    ("draft", "span"),
    [("你有本事现在就去投诉我", "有本事现在就去投诉"),
     ("这种事情不归我们部门管", "不归我们部门管"),
     ("你为啥自己不看一下页面", "你为啥自己不看"),
     ("我保证明天钱全部给您退款", "保证明天钱全部给您退款")],
)
def test_patterns_bridge_a_varying_middle(fake_copilot: Copilot, draft: str, span: str) -> None:
    response = fake_copilot.check.check(CheckRequest(draft=draft), {"pattern"})
    assert [v.text for v in response.violations] == [span]
    assert response.violations[0].detector == "pattern"


@pytest.mark.parametrize(
    ("draft", "spans"),
    [("我没办法保证具体哪一天。不过退款我们今天已经发起了", []),
     ("您放心，我保证！今天一定给您退款", []),
     ("我保证。退款今天到", ["保证。退款"]),  # a bare mark between the parts is an evasion, not a sentence
     ("我保证，明天钱全部给您退款", ["保证，明天钱全部给您退款"])],
)
def test_a_pattern_does_not_bridge_two_sentences(fake_copilot: Copilot, draft: str, spans: list[str]) -> None:
    response = fake_copilot.check.check(CheckRequest(draft=draft), {"pattern"})
    assert [v.text for v in response.violations] == spans


def test_allow_list_wins_over_shorter_forbidden_match(fake_copilot: Copilot) -> None:
    # 大约 is vague in return visits, but 「大约会占用您…」 is the standard's own outbound wording
    draft = "我们大约会占用您两分钟时间，请问现在方便吗？"
    response = fake_copilot.check.check(CheckRequest(draft=draft, channel="outbound"), RULES)
    assert [v for v in response.violations if v.category == "vague"] == []
    vague = fake_copilot.check.check(CheckRequest(draft="退保手续大约要一周", channel="outbound"), RULES)
    assert [v.text for v in vague.violations if v.category == "vague"] == ["大约"]


def test_lone_character_counts_only_at_clause_start(fake_copilot: Copilot) -> None:
    flagged = fake_copilot.check.check(CheckRequest(draft="喂，您好"), EXACT)
    assert [v.text for v in flagged.violations] == ["喂"]
    assert fake_copilot.check.check(CheckRequest(draft="宝宝喂奶的时间"), EXACT).violations == []


def test_violation_carries_rule_reason_alternative_and_citation(fake_copilot: Copilot) -> None:
    response = fake_copilot.check.check(CheckRequest(draft="这个你问我，我问谁？"), EXACT)
    violation = response.violations[0]
    assert violation.category == "rhetorical" and violation.severity == "block"
    assert violation.rule_id == "unknown-answer/forbidden/2"
    assert violation.reason and violation.alternative == "很抱歉，请您稍等一下，我帮您核实。"
    assert violation.citation.document == "call-centre-manual" and "我问谁" in violation.citation.quote
    assert response.flagged


@pytest.mark.parametrize("draft", ["我没办法。", "我没办法啊", "不行，我没办法，你找别人吧", "我不知道呢",
                                   "我 不 清 楚！"])
def test_a_short_listed_answer_said_whole_is_caught(fake_copilot: Copilot, draft: str) -> None:
    response = fake_copilot.check.check(CheckRequest(draft=draft), EXACT)
    assert response.flagged and {v.category for v in response.violations} <= {"refusal", "shirking"}


@pytest.mark.parametrize("draft", ["电话里我没办法给您答复，我帮您约周三的门诊",
                                   "我不知道您指的是哪一笔扣费，麻烦您说一下日期", "我不清楚具体原因，我马上帮您查",
                                   "抱歉，是我把您的门牌号打错了，已经改好"])
def test_a_short_listed_answer_in_a_longer_clause_is_left_to_the_model(fake_copilot: Copilot, draft: str) -> None:
    """checker.yaml `whole_answers`: 我没办法给您答复 says what cannot be done; the model judges such a clause."""
    assert fake_copilot.check.check(CheckRequest(draft=draft), EXACT).violations == []


def test_whole_answers_cover_only_their_categories(fake_copilot: Copilot) -> None:
    """A swear word followed by more words is still one (神经病 is vulgar, not a whole answer)."""
    response = fake_copilot.check.check(CheckRequest(draft="你神经病吗"), EXACT)
    assert [v.category for v in response.violations] == ["vulgar"]


def test_a_rushing_answer_is_one_only_said_whole(fake_copilot: Copilot) -> None:
    assert fake_copilot.check.check(CheckRequest(draft="请快点！"), EXACT).flagged
    assert fake_copilot.check.check(CheckRequest(draft="请快点击短信里的链接完成验证"), EXACT).violations == []


@pytest.mark.parametrize("draft", ["您说“你怎么不早说”，确实是我们通知晚了，抱歉",
                                   "师傅回您「这事不归我管」，实在不应该，我马上改派",
                                   '您说上一位客服回了"有本事就投诉我"，我已上报'])
def test_listed_words_in_quotation_marks_are_not_the_agents(fake_copilot: Copilot, draft: str) -> None:
    """Somebody's words given back: no exact finding (the semantic detector judges the sentence)."""
    assert fake_copilot.check.check(CheckRequest(draft=draft), RULES).violations == []


@pytest.mark.parametrize("draft", ["请问投保时业务员有没有向您说明退保可能产生的损失？",
                                   "好的，请问您大概什么时间方便接听，我们到时候再打给您？",
                                   "为了尽可能不影响您用水，施工安排在上午"])
def test_a_hedge_the_agent_asks_about_is_no_vague_answer(fake_copilot: Copilot, draft: str) -> None:
    response = fake_copilot.check.check(CheckRequest(draft=draft, channel="outbound"), RULES)
    assert [v for v in response.violations if v.category == "vague"] == []


@pytest.mark.parametrize("draft", ["维修大概下周能安排好", "大概下周吧？",
                                   "这个优惠可能下个月就没了，您确定不再考虑一下？"])
def test_a_hedged_answer_is_vague_even_before_a_question(fake_copilot: Copilot, draft: str) -> None:
    response = fake_copilot.check.check(CheckRequest(draft=draft, channel="outbound"), RULES)
    assert [v.category for v in response.violations if v.category == "vague"]


def test_a_listed_phrase_said_not_to_be_needed_is_no_finding(fake_copilot: Copilot) -> None:
    """checker.yaml `negators`: 不用你明天再打来 says the opposite of the brush-off it holds."""
    fine = fake_copilot.check.check(CheckRequest(draft="不用你明天再打来，我明早十点主动打给您"), EXACT)
    assert fine.violations == []
    blocked = fake_copilot.check.check(CheckRequest(draft="今天办不了，你明天再打来"), EXACT)
    assert [v.text for v in blocked.violations] == ["你明天再打来"]


def test_an_unclosed_quotation_mark_quotes_nothing(fake_copilot: Copilot) -> None:
    response = fake_copilot.check.check(CheckRequest(draft="您说“有本事就投诉我"), EXACT)
    assert [v.text for v in response.violations] == ["有本事就投诉我"]


@pytest.mark.parametrize(
    "draft",
    ["请问有什么事需要我帮忙的吗？", "不好意思让您久等了", "麻烦您再讲一次，好吗？",
     "抱歉，我这边听不清楚，麻烦您再说一遍"],
)
def test_polite_wording_that_shares_a_clause_with_forbidden_phrases(fake_copilot: Copilot, draft: str) -> None:
    assert not fake_copilot.check.check(CheckRequest(draft=draft), EXACT).flagged


@pytest.mark.parametrize("draft", ["好的，我的工号是3027，您有任何意见都可以凭工号反馈。",
                                   "我的工號是5186，今天由我負責跟進。"])
def test_a_clause_with_the_standards_blank_is_no_key_alone(fake_copilot: Copilot, draft: str) -> None:
    """`我的工号是××，你要投诉就投诉` is forbidden; an agent giving the 工号 when asked is not."""
    assert fake_copilot.check.check(CheckRequest(draft=draft), EXACT).violations == []
    blocked = fake_copilot.check.check(CheckRequest(draft="我的工号是3027，你要投诉就投诉"), EXACT)
    assert blocked.flagged and any("投诉" in v.text for v in blocked.violations)


def test_the_longest_overlapping_phrase_is_kept_and_cited(fake_copilot: Copilot) -> None:
    """Every forbidden phrase that holds a shorter one: the whole phrase is the finding, its rule cited."""
    rules = fake_copilot.check.rules.forbidden
    keys = {match_key(r.text) for r in rules}
    holders = [r for r in rules if any(k != match_key(r.text) and len(k) >= 3 and k in match_key(r.text)
                                       for k in keys)]
    assert holders
    for rule in holders:
        found = [v for v in fake_copilot.check.check(CheckRequest(draft=rule.text), EXACT).violations
                 if v.detector == "lexicon" and v.severity == "block"]
        assert found and match_key(found[0].text) == match_key(rule.text), (rule.text, found[0].text)
