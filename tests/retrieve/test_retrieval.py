from __future__ import annotations

from typing import Any, cast

from langchain_core.documents import Document

from copilot.index.documents import SCENARIO_KINDS
from copilot.index.store import ChromaCollection
from copilot.retrieve.bm25 import Bm25Index
from copilot.retrieve.fusion import best_possible, reciprocal_rank_fusion
from copilot.retrieve.langchain import CopilotRetriever
from copilot.retrieve.retriever import HybridRetriever
from copilot.retrieve.tokenize import tokenize
from copilot.runtime import Copilot


def test_rrf_weights_and_order() -> None:
    fused = reciprocal_rank_fusion([(1.0, ["a", "b"]), (2.0, ["b", "c"])], k=10)
    assert max(fused, key=lambda key: fused[key]) == "b"
    assert fused["a"] == 1.0 / 11
    assert best_possible([1.0, 2.0], 10) == 3.0 / 11


def test_tokenize_simplifies_and_drops_stopwords() -> None:
    tokens = tokenize("你們的電話怎麼這麼難打啊")
    assert "电话" in tokens and "啊" not in tokens and "你们" not in tokens


def test_bm25_ranks_and_masks() -> None:
    index = Bm25Index(["宽带断网了", "话费多扣了", "宽带网速慢"])
    ranked = index.search("我家宽带又断网", k=3)
    assert ranked[0][0] == 0
    import numpy as np

    only_last = index.search("宽带", k=3, mask=np.array([False, False, True]))
    assert [i for i, _ in only_last] == [2]
    assert index.search("完全无关的词语", k=3) == []


def test_hybrid_modes(fake_copilot: Copilot) -> None:
    retriever = fake_copilot.retriever
    for mode in ("bm25", "dense", "hybrid"):
        hits = retriever.search("电话打了半天才接通", kinds=("example",), k=5, mode=mode)
        assert hits and all(h.document.kind == "example" for h in hits)
        assert all(0 < h.score <= 1.0 for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_langchain_retriever(fake_copilot: Copilot) -> None:
    lc = CopilotRetriever(retriever=fake_copilot.retriever, kinds=("passage",), k=3)
    docs = lc.invoke("让客户先挂电话")
    assert 1 <= len(docs) <= 3
    assert all(isinstance(d, Document) and d.metadata["kind"] == "passage" for d in docs)


def test_reranker_hook_reorders_and_registry_lists_modes(fake_copilot: Copilot) -> None:
    import pytest

    from copilot.errors import BackendUnavailable
    from copilot.retrieve.rerank import create_reranker
    from copilot.retrieve.retriever import Hit, HybridRetriever

    settings = fake_copilot.settings.retrieval
    assert create_reranker(settings) is None
    with pytest.raises(BackendUnavailable, match="valid modes: none"):
        create_reranker(settings.model_copy(update={"reranker": "cross-encoder"}))

    def reverse(query: str, hits: list[Hit]) -> list[Hit]:
        return hits[::-1]

    plain = fake_copilot.retriever.search("电话打不通", kinds=("example",), k=1000)  # every fused candidate
    reranked = HybridRetriever(fake_copilot.knowledge.index_documents, fake_copilot.collection,
                               fake_copilot.embedder, settings, reranker=reverse)
    assert reranked.search("电话打不通", kinds=("example",), k=1000) == plain[::-1]


def test_scenario_texts_are_searched_in_memory_as_chroma_would(fake_copilot: Copilot) -> None:
    """The scenario texts' vectors are read once from the collection and searched exactly: the same order as
    asking Chroma (whose HNSW search is exact at this size), without the round trip."""
    retriever = fake_copilot.retriever
    vectors = retriever.embed_many(["电话一直打不通", "你们这服务态度太差了"])
    local = retriever.dense_rankings(vectors, SCENARIO_KINDS, 20)
    where = {"kind": {"$in": list(SCENARIO_KINDS)}}
    asked = fake_copilot.collection.query(query_embeddings=vectors.tolist(), n_results=20, where=where,
                                          include=["metadatas"])
    by_key = {d.key: i for i, d in enumerate(retriever.documents)}
    assert local == [[by_key[str(m["key"])] for m in row] for row in asked["metadatas"]]
    examples = retriever.dense_rankings(vectors[:1], ("example",), 5)[0]
    assert len(examples) == 5 and {retriever.documents[i].kind for i in examples} == {"example"}


class _CountingCollection:
    """The real collection, counting the queries it is asked."""

    def __init__(self, collection: ChromaCollection) -> None:
        self._collection = collection
        self.queries = 0

    def get(self, **kwargs: Any) -> Any:
        return self._collection.get(**kwargs)

    def query(self, **kwargs: Any) -> Any:
        self.queries += 1
        return self._collection.query(**kwargs)


def _retriever(copilot: Copilot, memory_vectors_max: int) -> tuple[HybridRetriever, _CountingCollection]:
    counting = _CountingCollection(copilot.collection)
    settings = copilot.settings.retrieval.model_copy(update={"memory_vectors_max": memory_vectors_max})
    retriever = HybridRetriever(copilot.retriever.documents, cast(ChromaCollection, counting), copilot.embedder,
                                settings)
    return retriever, counting


def test_a_small_knowledge_base_is_searched_in_memory_as_chroma_would(fake_copilot: Copilot) -> None:
    """Within `memory_vectors_max` the passages too are searched over vectors kept in memory, in Chroma's order and
    with no query to it; above it Chroma is asked for them (and only the scenario texts stay in memory)."""
    documents = len(fake_copilot.retriever.documents)
    kept, kept_calls = _retriever(fake_copilot, documents)
    asked, asked_calls = _retriever(fake_copilot, documents - 1)
    vectors = kept.embed_many(["投诉怎么处理", "客户情绪激动时怎么办"])
    local = kept.dense_rankings(vectors, ("passage",), 15)
    assert kept_calls.queries == 0
    assert local == asked.dense_rankings(vectors, ("passage",), 15)
    assert asked_calls.queries == 1
    assert all(kept.documents[i].kind == "passage" for row in local for i in row) and len(local[0]) == 15
    asked.dense_rankings(vectors, SCENARIO_KINDS, 5)
    assert asked_calls.queries == 1
