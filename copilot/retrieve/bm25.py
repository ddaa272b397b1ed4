"""BM25 ranking (bm25s) over a fixed list of texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from copilot.retrieve.tokenize import tokenize


class Bm25Index:
    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self._size = len(texts)
        self._model = bm25s.BM25()
        # an empty token list would break the vocabulary; a placeholder keeps positions aligned
        corpus = [tokenize(text) or ["\u0000"] for text in texts]
        self._model.index(corpus, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize(query) if t in self._model.vocab_dict]
        if not tokens:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (position, score) with a positive score; `mask` keeps only allowed positions."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
