"""Quotations in a draft: offsets any text can break."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copilot.check.draft import QUOTE_PAIRS, quoted_spans

MARKS = "".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values())


@given(st.text(alphabet=st.sampled_from(list(MARKS + "您说好，的我没办法")), max_size=40))
def test_each_span_lies_between_a_pair_of_marks_and_spans_do_not_overlap(text: str) -> None:
    last = 0
    for start, end in quoted_spans(text):
        assert 1 <= start < end < len(text) and start - 1 >= last
        assert text[end] == QUOTE_PAIRS[text[start - 1]]
        assert QUOTE_PAIRS[text[start - 1]] not in text[start:end]
        last = end + 1


def test_the_words_inside_each_kind_of_mark() -> None:
    text = "您说“你怎么不早说”，师傅回「不归我管」，还有\"随便你\"、'我正忙着呢'和一个“没有合上"
    assert [text[s:e] for s, e in quoted_spans(text)] == ["你怎么不早说", "不归我管", "随便你", "我正忙着呢"]
