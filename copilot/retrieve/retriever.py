"""The hybrid retriever over the index documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder
from copilot.index.documents import DocumentKind, IndexDocument
from copilot.retrieve.bm25 import Bm25Index
from copilot.retrieve.fusion import best_possible, reciprocal_rank_fusion
from copilot.settings import RetrievalSettings
from copilot.text.normalize import to_simplified


@dataclass(frozen=True)
class Hit:
    document: IndexDocument
    score: float  # fused score scaled to [0, 1]
    bm25_rank: int | None
    dense_rank: int | None


Reranker = Callable[[str, list[Hit]], list[Hit]]


class HybridRetriever:
    """BM25 is kept in memory; dense search asks Chroma. Both work on simplified text."""

    def __init__(
        self,
        documents: list[IndexDocument],
        collection: Any,
        embedder: Embedder,
        settings: RetrievalSettings,
        reranker: Reranker | None = None,
    ) -> None:
        self.documents = documents
        self._by_key = {d.key: i for i, d in enumerate(documents)}
        self._collection = collection
        self._embedder = embedder
        self._settings = settings
        self._reranker = reranker
        self._bm25 = Bm25Index([d.simplified for d in documents])
        self._kinds = np.array([d.kind for d in documents])

    def search(
        self, query: str, *, kinds: tuple[DocumentKind, ...], k: int = 10, mode: str | None = None
    ) -> list[Hit]:
        mode = mode or self._settings.mode
        n = self._settings.candidates
        rankings: list[tuple[float, list[int]]] = []
        bm25_ranked: list[int] = []
        dense_ranked: list[int] = []
        if mode in ("bm25", "hybrid"):
            mask = np.isin(self._kinds, kinds)
            bm25_ranked = [i for i, _ in self._bm25.search(query, n, mask)]
            rankings.append((self._settings.bm25_weight if mode == "hybrid" else 1.0, bm25_ranked))
        if mode in ("dense", "hybrid"):
            dense_ranked = self._dense(query, kinds, n)
            rankings.append((self._settings.dense_weight if mode == "hybrid" else 1.0, dense_ranked))
        fused = reciprocal_rank_fusion(rankings, self._settings.rrf_k)
        scale = best_possible([w for w, _ in rankings], self._settings.rrf_k) or 1.0
        bm25_pos = {d: r for r, d in enumerate(bm25_ranked, start=1)}
        dense_pos = {d: r for r, d in enumerate(dense_ranked, start=1)}
        hits = [
            Hit(self.documents[i], score / scale, bm25_pos.get(i), dense_pos.get(i))
            for i, score in sorted(fused.items(), key=lambda item: -item[1])
        ]
        if self._reranker is not None:
            hits = self._reranker(query, hits)
        return hits[:k]

    def _dense(self, query: str, kinds: tuple[DocumentKind, ...], n: int) -> list[int]:
        vector = self._embedder.embed_query(to_simplified(query))
        where: dict[str, Any] = {"kind": kinds[0]} if len(kinds) == 1 else {"kind": {"$in": list(kinds)}}
        result = self._collection.query(
            query_embeddings=[vector.tolist()], n_results=n, where=where, include=["metadatas"]
        )
        ranked = []
        for metadata in result["metadatas"][0]:
            position = self._by_key.get(str(metadata["key"]))
            if position is not None:
                ranked.append(position)
        return ranked
