"""The embedding interface: a backend implements `embed_batch`; batching lives here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors (so a dot product is the cosine)."""

    #: Identifies the model; part of the collection name and of every content hash.
    name: str
    dimension: int

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        """Embed one batch. Query/passage distinction matters for e5-style models."""

    def embed_documents(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Callable[[int], None] | None = None
    ) -> Vectors:
        return self._batched(texts, is_query=False, batch_size=batch_size, progress=progress)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embed_batch([text], is_query=True)[0]
        return vector

    def embed_queries(self, texts: Sequence[str], *, batch_size: int = 32) -> Vectors:
        return self._batched(texts, is_query=True, batch_size=batch_size)

    def _batched(self, texts: Sequence[str], *, is_query: bool, batch_size: int,
                 progress: Callable[[int], None] | None = None) -> Vectors:
        """Batches of similar length: a batch is padded to its longest text, so mixing a heading with a
        paragraph makes the heading cost as much as the paragraph (start-up embeds ~1,000 exemplars)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self.embed_batch([texts[i] for i in chosen], is_query=is_query)
            if progress is not None:
                progress(len(chosen))
        return out


def normalise_rows(matrix: npt.ArrayLike) -> Vectors:
    array = np.asarray(matrix, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = (array / norms).astype(np.float32)
    return normalised
