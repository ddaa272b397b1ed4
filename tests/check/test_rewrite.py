"""Applying alternatives clause by clause: the result reads as one reply."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from copilot.check.models import RuleCitation, Violation
from copilot.check.rewrite import apply_alternatives, swap_words

CITATION = RuleCitation(document="d", document_title="t", section="s", quote="q")
ALT = "很抱歉，这项业务不在我们的服务范围内，我帮您查一下可以办理的部门，好吗？"
WORDS = {"你们": "您", "你": "您", "啥": "什么", "呗": ""}


def finding(draft: str, text: str, category: str = "shirking", alternative: str | None = ALT) -> Violation:
    start = draft.index(text)
    return Violation(start=start, end=start + len(text), text=text, category=category, severity="block",
                     rule_id=f"r/{category}", reason="x", alternative=alternative, citation=CITATION,
                     detector="semantic")


def test_the_whole_clause_is_replaced_and_joined_with_punctuation() -> None:
    draft = "您好，这个不归我们管，您自己去营业厅问吧。"
    found = [finding(draft, "不归我们管"), finding(draft, "您自己去营业厅问吧")]
    text, changes = apply_alternatives(draft, found, WORDS)
    assert text == "您好，" + ALT
    # the second finding's alternative is the same: its clause goes
    assert [(c.before, c.after) for c in changes] == [("这个不归我们管", ALT), ("您自己去营业厅问吧", "")]


def test_one_finding_at_a_time_never_repeats_an_alternative() -> None:
    draft = "您好，这个我们处理不了，您自己去营业厅问吧。"
    first, _ = apply_alternatives(draft, [finding(draft, "这个我们处理不了")], WORDS)
    assert first == "您好，" + ALT + "您自己去营业厅问吧。"
    second, changes = apply_alternatives(first, [finding(first, "您自己去营业厅问吧")], WORDS)
    assert second == "您好，" + ALT
    assert changes[0].after == ""


def test_kept_clauses_after_an_alternative_form_their_own_sentence() -> None:
    draft = "这事不归我管，还有别的问题吗？"
    text, _ = apply_alternatives(draft, [finding(draft, "这事不归我管")], WORDS)
    assert text == ALT + "还有别的问题吗？"


def test_a_clause_the_alternative_already_says_is_dropped() -> None:
    draft = "这项业务不在我们服务范围，你找别人去"
    text, _ = apply_alternatives(draft, [finding(draft, "你找别人去")], WORDS)
    assert text == ALT


def test_wording_findings_swap_the_word_in_place() -> None:
    draft = "你要办啥业务呗？我帮您查。"
    found = [finding(draft, "你", "improper_address", None), finding(draft, "啥", "colloquial", "什么")]
    text, changes = apply_alternatives(draft, found, WORDS)
    assert text == "您要办什么业务？我帮您查。"
    assert changes[0].before == "你要办啥业务呗"


def test_swap_words_takes_the_longest_word_first() -> None:
    assert swap_words("你们好", WORDS) == "您好"
    assert swap_words("您好", WORDS) is None


@given(st.lists(st.sampled_from(["您好", "这个不归我们管", "您去问厂家吧", "我帮您查一下", "好吗", "请稍等"]),
                min_size=1, max_size=6),
       st.lists(st.sampled_from(["，", "。", "？", "！", ","]), min_size=6, max_size=6),
       st.integers(min_value=0, max_value=5))
def test_no_splice_marks_whatever_is_replaced(clauses: list[str], marks: list[str], pick: int) -> None:
    draft = "".join(c + m for c, m in zip(clauses, marks, strict=False))
    target = clauses[pick % len(clauses)]
    text, _ = apply_alternatives(draft, [finding(draft, target)], WORDS)
    assert ALT in text
    assert not re.search(r"[？！。?!][，,。]|[，,][，,。？！]|^[，,。]", text), text
    assert text[-1] in "。！？!?"
