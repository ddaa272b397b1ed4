from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copilot.ask.highlight import bigram_recall, sentences

TEXT = "我都忙死了。\n”“我也不想的。\n”遇到客户情绪激烈,破口大骂:好吗?”同时应调整好心态"


def test_sentences_split_at_ends_and_drop_leftover_quotes() -> None:
    found = sentences(TEXT)
    assert [s.text for s in found] == ["我都忙死了。", "“我也不想的。", "遇到客户情绪激烈,破口大骂:好吗?",
                                       "同时应调整好心态"]


def test_a_heading_only_passage_is_its_own_sentence() -> None:
    assert [s.text for s in sentences("倾听")] == ["倾听"]


@given(st.text(alphabet="客户您好请稍等。！？;，”\n 电话ab1", max_size=80))
def test_offsets_always_point_at_the_sentence(text: str) -> None:
    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


@given(st.text(max_size=30), st.text(max_size=30))
def test_bigram_recall_is_a_share(question: str, sentence: str) -> None:
    assert 0.0 <= bigram_recall(question, sentence) <= 1.0


def test_bigram_recall_reads_traditional_as_simplified() -> None:
    assert bigram_recall("换班几次", "每月換班不得超過3次") > 0.3
