"""Deterministic embeddings from hashed character n-grams: fast, dependency-free, for unit tests only."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from copilot.embedding.base import Embedder, Vectors, normalise_rows
from copilot.text.normalize import match_key


class FakeEmbedder(Embedder):
    name = "fake-ngram"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            key = match_key(text)
            grams = [key[i : i + n] for n in (1, 2) for i in range(len(key) - n + 1)]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
                matrix[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        return normalise_rows(matrix)
