"""How cost grows: check latency by draft length, suggest latency by knowledge-base size.

Larger knowledge bases are synthetic: each added passage joins the halves of two real passages, and its vector
is the normalised sum of theirs plus a little noise, so 100x does not need tens of thousands of model calls.
The search (BM25 over the texts; the vectors in memory, or in Chroma's HNSW above `memory_vectors_max`) sees
a corpus of the real size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from pydantic import BaseModel

from copilot.bench.stages import semantic_detector, timed
from copilot.bench.stats import Percentiles, percentiles
from copilot.check.models import CheckRequest
from copilot.index.documents import IndexDocument
from copilot.index.store import ChromaClient, ChromaCollection
from copilot.retrieve.retriever import HybridRetriever
from copilot.runtime import Copilot
from copilot.suggest.models import SuggestRequest
from copilot.suggest.service import SuggestService

CHROMA_BATCH = 4000


class CheckGrowthPoint(BaseModel):
    chars: int
    drafts: int
    check: Percentiles  # clause cache empty
    lexicon: Percentiles


class SuggestGrowthPoint(BaseModel):
    factor: int
    passages: int
    documents: int
    build_s: float
    suggest: Percentiles


def drafts_of_length(texts: Sequence[str], length: int, count: int) -> list[str]:
    """`count` distinct drafts of exactly `length` characters, cut from the texts joined end to end."""
    corpus = "。".join(texts)
    while len(corpus) < length + count * 97:
        corpus += "。" + corpus
    return [corpus[i * 97 : i * 97 + length] for i in range(count)]


def check_growth(copilot: Copilot, texts: Sequence[str], lengths: Sequence[int], count: int) -> list[CheckGrowthPoint]:
    semantic = semantic_detector(copilot)
    points = []
    for length in lengths:
        checks, lexicon = [], []
        for draft in drafts_of_length(texts, length, count):
            if semantic is not None:
                semantic.clear_cache()
            checks.append(timed(copilot.check.check, CheckRequest(draft=draft))[1])
            lexicon.append(timed(copilot.check.check, CheckRequest(draft=draft), {"lexicon"})[1])
        points.append(CheckGrowthPoint(chars=length, drafts=count, check=percentiles(checks),
                                       lexicon=percentiles(lexicon)))
    return points


def suggest_growth(copilot: Copilot, transcripts: Sequence[str], factors: Sequence[int],
                   seed: int = 7) -> list[SuggestGrowthPoint]:
    import chromadb

    documents = copilot.retriever.documents
    stored = copilot.collection.get(include=["embeddings", "metadatas"])
    keyed = {str(m["key"]): v for m, v in zip(stored["metadatas"], np.asarray(stored["embeddings"],
                                                                              dtype=np.float32), strict=True)}
    passages = [d for d in documents if d.kind == "passage"]
    client = cast(ChromaClient, chromadb.EphemeralClient())
    points = []
    for factor in factors:
        rng = np.random.default_rng(seed)
        extra = [_synthetic(i, passages, keyed, rng) for i in range((factor - 1) * len(passages))]
        corpus = list(documents) + [doc for doc, _ in extra]
        corpus_vectors = [keyed[d.key] for d in documents] + [vector for _, vector in extra]
        (collection, retriever), build_ms = timed(_index, client, factor, corpus, corpus_vectors, copilot)
        service = SuggestService(copilot.knowledge.rulebook, retriever, copilot.settings.suggest)
        latencies = [timed(service.suggest, SuggestRequest(transcript=t))[1] for t in transcripts]
        client.delete_collection(collection.name)
        points.append(SuggestGrowthPoint(factor=factor, passages=len(passages) * factor, documents=len(corpus),
                                         build_s=round(build_ms / 1000, 2), suggest=percentiles(latencies)))
    return points


def _synthetic(i: int, passages: list[IndexDocument], vectors: dict[str, np.ndarray],
               rng: np.random.Generator) -> tuple[IndexDocument, np.ndarray]:
    a, b = (passages[int(j)] for j in rng.choice(len(passages), size=2, replace=False))
    text = a.text[: len(a.text) // 2] + b.text[len(b.text) // 2 :]
    vector = vectors[a.key] + vectors[b.key] + rng.normal(0, 0.02, size=vectors[a.key].shape).astype(np.float32)
    doc = IndexDocument(f"synthetic-{i}", "passage", text, metadata={**a.metadata, "document": "synthetic"})
    return doc, (vector / np.linalg.norm(vector)).astype(np.float32)


def _index(client: ChromaClient, factor: int, corpus: list[IndexDocument], vectors: list[np.ndarray],
           copilot: Copilot) -> tuple[ChromaCollection, HybridRetriever]:
    collection = client.create_collection(
        name=f"growth-{factor}x", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    for start in range(0, len(corpus), CHROMA_BATCH):
        part = corpus[start : start + CHROMA_BATCH]
        collection.add(ids=[d.key for d in part], embeddings=np.vstack(vectors[start : start + CHROMA_BATCH]),
                       metadatas=[d.chroma_metadata() for d in part])
    retriever = HybridRetriever(corpus, collection, copilot.embedder, copilot.settings.retrieval)
    return collection, retriever
