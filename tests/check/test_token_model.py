"""The whole-draft model's plumbing: pieces of a long draft, and token labels from offending spans."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from copilot.check.token_model import pieces
from copilot.train.token_finetune import IGNORED, token_labels


@given(st.text(alphabet="您好我们，。！？ab", max_size=400), st.integers(min_value=4, max_value=60))
def test_pieces_cover_the_text_in_order_within_the_limit(text: str, limit: int) -> None:
    spans = pieces(text, limit)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(0 < end - start <= limit for start, end in spans) or text == ""


def test_a_long_draft_is_cut_after_a_clause_end() -> None:
    text = "您好，" + "我帮您查一下" * 10 + "。好的"
    assert pieces(text, 40) == [(0, 3), (3, 43), (43, len(text))]  # no clause end in reach: cut at the limit
    assert pieces("短句。", 40) == [(0, 3)]


def test_tokens_inside_an_offending_span_take_its_label() -> None:
    offsets = [(0, 0), (0, 1), (1, 2), (2, 3), (3, 4), (0, 0)]
    special = [1, 0, 0, 0, 0, 1]
    assert token_labels(offsets, special, [(2, 4)], label=5, compliant=0) == [IGNORED, 0, 0, 5, 5, IGNORED]
    assert token_labels(offsets, special, [], label=0, compliant=0) == [IGNORED, 0, 0, 0, 0, IGNORED]
