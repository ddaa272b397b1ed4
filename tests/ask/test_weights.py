"""Support weights a question's bigrams by how rare they are in the standards."""

from __future__ import annotations

import pytest

from copilot.ask.highlight import BigramWeights, bigram_recall

CORPUS = ["请问您还有什么需要帮助的吗", "请问您怎么称呼", "请问有什么可以帮您", "换班每月不得超过三次"]


def test_common_question_words_count_less_than_rare_terms() -> None:
    weights = BigramWeights(CORPUS)
    assert weights.weight("请问") < weights.weight("换班") < weights.weight("红烧")  # unseen weighs most
    question = "请问怎么做红烧肉"
    generic = CORPUS[1]  # shares only 请问/怎么
    assert bigram_recall(question, generic) > 0.25
    assert weights.recall(question, generic) < bigram_recall(question, generic)
    assert weights.recall("换班有次数限制吗", CORPUS[3]) > bigram_recall("换班有次数限制吗", CORPUS[3]) / 2


@pytest.mark.parametrize("question", ["", "？"])
def test_empty_questions_have_no_support(question: str) -> None:
    assert BigramWeights(CORPUS).recall(question, CORPUS[0]) == 0.0
