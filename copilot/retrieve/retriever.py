"""The hybrid retriever over the index documents."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder, Vectors
from copilot.index.documents import SCENARIO_KINDS, DocumentKind, IndexDocument
from copilot.index.store import ChromaCollection
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
    """BM25 is kept in memory; dense search is exact over vectors read once from Chroma when the knowledge base is
    small enough (`memory_vectors_max`), else asks Chroma. Both work on simplified text."""

    def __init__(
        self,
        documents: list[IndexDocument],
        collection: ChromaCollection,
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
        self._kinds = np.array([d.kind for d in documents])
        # One BM25 index per group of kinds searched together: a ranking of scenarios then owes nothing to the
        # passages' word statistics, so uploading a document (passages only, until its rules are approved)
        # leaves every suggestion as it was.
        self._bm25: dict[tuple[str, ...], tuple[Bm25Index | None, np.ndarray]] = {}
        self._bm25_lock = threading.Lock()
        for kinds in (SCENARIO_KINDS, ("passage",)):
            self._bm25_over(kinds)
        # The scenario texts are few (about a thousand): their vectors are kept here and searched exactly, so a
        # suggestion needs no Chroma round trip to rank scenarios. A knowledge base of a few thousand passages is
        # kept whole: its Chroma query cost a suggestion nearly as much as the model call (4.4 and 5.3 of 12.9 ms in
        # process).
        whole = len(documents) <= settings.memory_vectors_max
        self._local_kinds = {d.kind for d in documents} if whole else set(SCENARIO_KINDS)
        self._local = self._local_vectors(tuple(sorted(self._local_kinds)))
        self._subsets: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    @property
    def mode(self) -> str:
        return self._settings.mode

    def search(
        self, query: str, *, kinds: tuple[DocumentKind, ...], k: int = 10, mode: str | None = None,
        vector: Vectors | None = None,
    ) -> list[Hit]:
        vectors = None if vector is None else vector[None, :]
        return self.search_many([query], kinds=kinds, k=k, mode=mode, vectors=vectors)[0]

    def search_many(
        self, queries: list[str], *, kinds: tuple[DocumentKind, ...], k: int = 10, mode: str | None = None,
        vectors: Vectors | None = None,
    ) -> list[list[Hit]]:
        """Each query's hits; the queries share one model call and at most one Chroma call (cheaper than one each).
        `vectors`: the queries' embeddings when the caller already has them (from `embed_many`)."""
        mode = mode or self._settings.mode
        n = self._settings.candidates
        bm25 = [self.bm25_ranking(q, kinds, n) if mode in ("bm25", "hybrid") else [] for q in queries]
        if mode in ("dense", "hybrid"):
            dense = self.dense_rankings(self.embed_many(queries) if vectors is None else vectors, kinds, n)
        else:
            dense = [[] for _ in queries]
        out = []
        for query, bm25_ranked, dense_ranked in zip(queries, bm25, dense, strict=True):
            rankings: list[tuple[float, list[int]]] = []
            if mode in ("bm25", "hybrid"):
                rankings.append((self._settings.bm25_weight if mode == "hybrid" else 1.0, bm25_ranked))
            if mode in ("dense", "hybrid"):
                rankings.append((self._settings.dense_weight if mode == "hybrid" else 1.0, dense_ranked))
            hits = self.fuse(rankings, bm25_ranked, dense_ranked)
            if self._reranker is not None:
                hits = self._reranker(query, hits)
            out.append(hits[:k])
        return out

    def embed(self, query: str) -> Vectors:
        return self._embedder.embed_query(to_simplified(query))

    def embed_many(self, queries: list[str]) -> Vectors:
        """One model call for several queries: cheaper than one call each."""
        return self._embedder.embed_queries([to_simplified(q) for q in queries])

    def bm25_ranking(self, query: str, kinds: tuple[DocumentKind, ...], n: int) -> list[int]:
        index, positions = self._bm25_over(kinds)
        return [int(positions[i]) for i, _ in index.search(query, n)] if index is not None else []

    def _bm25_over(self, kinds: tuple[DocumentKind, ...]) -> tuple[Bm25Index | None, np.ndarray]:
        """The BM25 index of the documents of these kinds (built on first use) and their positions."""
        key = tuple(sorted(kinds))
        with self._bm25_lock:
            if key not in self._bm25:
                positions = np.flatnonzero(np.isin(self._kinds, kinds))
                texts = [self.documents[i].simplified for i in positions]
                self._bm25[key] = (Bm25Index(texts) if texts else None, positions)
            return self._bm25[key]

    def dense_ranking(self, vector: Vectors, kinds: tuple[DocumentKind, ...], n: int) -> list[int]:
        return self.dense_rankings(vector[None, :], kinds, n)[0]

    def dense_rankings(self, vectors: Vectors, kinds: tuple[DocumentKind, ...], n: int) -> list[list[int]]:
        if self._local is not None and set(kinds) <= self._local_kinds:
            return self._local_rankings(vectors, kinds, n)
        where: dict[str, Any] = {"kind": kinds[0]} if len(kinds) == 1 else {"kind": {"$in": list(kinds)}}
        result = self._collection.query(
            query_embeddings=vectors.tolist(), n_results=n, where=where, include=["metadatas"]
        )
        return [[self._by_key[str(m["key"])] for m in metadatas if str(m["key"]) in self._by_key]
                for metadatas in result["metadatas"]]

    def _local_vectors(self, kinds: tuple[DocumentKind, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        """(positions, unit vectors) of the documents of these kinds, read once from the collection; None when
        the collection lacks any of them (then Chroma is asked as before)."""
        positions = np.flatnonzero(np.isin(self._kinds, kinds))
        if not len(positions):
            return None
        found = self._collection.get(where={"kind": {"$in": list(kinds)}}, include=["embeddings", "metadatas"])
        by_key = {str(m["key"]): v for m, v in zip(found["metadatas"], found["embeddings"], strict=True)}
        keys = [self.documents[i].key for i in positions]
        if any(key not in by_key for key in keys):
            return None
        matrix = np.asarray([by_key[key] for key in keys], dtype=np.float32)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return positions, matrix

    def _local_rankings(self, vectors: Vectors, kinds: tuple[DocumentKind, ...], n: int) -> list[list[int]]:
        positions, matrix = self._subset(kinds)
        similarities = np.asarray(vectors, dtype=np.float32) @ matrix.T  # cosine: both sides are unit vectors
        n = min(n, len(positions))
        rankings = []
        for row in similarities:
            top = np.argpartition(-row, n - 1)[:n] if n < len(row) else np.arange(len(row))
            rankings.append([int(positions[i]) for i in top[np.argsort(-row[top], kind="stable")]])
        return rankings

    def _subset(self, kinds: tuple[DocumentKind, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The kept vectors of these kinds, cut once per group of kinds (copying them on every query would cost
        as much as the search)."""
        assert self._local is not None
        key = tuple(sorted(kinds))
        subset = self._subsets.get(key)
        if subset is None:
            positions, matrix = self._local
            keep = np.isin(self._kinds[positions], kinds)
            subset = self._subsets[key] = (positions[keep], matrix[keep])
        return subset

    def fuse(self, rankings: list[tuple[float, list[int]]], bm25_ranked: list[int],
             dense_ranked: list[int]) -> list[Hit]:
        fused = reciprocal_rank_fusion(rankings, self._settings.rrf_k)
        scale = best_possible([w for w, _ in rankings], self._settings.rrf_k) or 1.0
        bm25_pos = {d: r for r, d in enumerate(bm25_ranked, start=1)}
        dense_pos = {d: r for r, d in enumerate(dense_ranked, start=1)}
        return [
            Hit(self.documents[i], score / scale, bm25_pos.get(i), dense_pos.get(i))
            for i, score in sorted(fused.items(), key=lambda item: -item[1])
        ]
