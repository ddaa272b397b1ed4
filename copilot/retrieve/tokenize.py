"""Tokens for BM25: jieba's search-mode words over normalised simplified text."""

from __future__ import annotations

import logging
from functools import lru_cache

from copilot.text.normalize import normalize

# Particles and pronouns that every utterance has; they only add noise to BM25.
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 哦 嗯 哈 么 是 我 你 您 他 她 它 我们 你们 这 那 就 都 也 还 和 在 有 给 个 一下".split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    jieba = _jieba()
    simplified = normalize(text).text  # simplified, half-width, lower case, no punctuation
    words = jieba.lcut_for_search(simplified)  # type: ignore[attr-defined]
    return [w for w in words if w.strip() and w not in STOPWORDS]
