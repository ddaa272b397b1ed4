"""Keep a Chroma collection equal to a list of index documents, embedding only new content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from copilot.embedding.base import Embedder
from copilot.index.documents import IndexDocument
from copilot.index.store import ChromaClient, ChromaCollection


@dataclass(frozen=True)
class SyncReport:
    embedded: int
    kept: int
    removed: int


def open_collection(client: ChromaClient, name: str, embedder: Embedder) -> ChromaCollection:
    from copilot.index.chroma_embedding import CopilotEmbeddingFunction

    return client.get_or_create_collection(
        name=name,
        embedding_function=CopilotEmbeddingFunction(embedder),
        metadata={"hnsw:space": "cosine", "model": embedder.name},
    )


def sync_collection(
    collection: ChromaCollection,
    documents: list[IndexDocument],
    embedder: Embedder,
    *,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
    seed: ChromaCollection | None = None,
) -> SyncReport:
    """Ids are content hashes: unchanged documents are kept as they are, never re-embedded.

    `seed` is another collection of the same model (the previous knowledge version): vectors it already has
    for wanted ids are copied instead of computed."""
    wanted = {doc.content_hash(embedder.name): doc for doc in documents}
    existing = set(collection.get(include=[])["ids"])
    stale = sorted(existing - wanted.keys())
    if stale:
        collection.delete(ids=stale)
    missing = [h for h in wanted if h not in existing]
    if seed is not None and missing:
        copied = _copy_from(seed, collection, missing, batch_size * 8)
        missing = [h for h in missing if h not in copied]
    if progress is not None:
        progress(len(wanted) - len(missing))
    for start in range(0, len(missing), batch_size):
        ids = missing[start : start + batch_size]
        batch = [wanted[h] for h in ids]
        vectors = embedder.embed_documents([d.simplified for d in batch], batch_size=batch_size)
        collection.upsert(  # upsert: replicas indexing the same version at once do not clash
            ids=ids,
            embeddings=vectors.tolist(),
            documents=[d.text for d in batch],
            metadatas=[d.chroma_metadata() for d in batch],
        )
        if progress is not None:
            progress(len(ids))
    return SyncReport(embedded=len(missing), kept=len(wanted) - len(missing), removed=len(stale))


def _copy_from(seed: ChromaCollection, collection: ChromaCollection, ids: list[str], batch: int) -> set[str]:
    copied: set[str] = set()
    for start in range(0, len(ids), batch):
        found = seed.get(ids=ids[start : start + batch], include=["embeddings", "documents", "metadatas"])
        if found["ids"]:
            collection.upsert(ids=found["ids"], embeddings=found["embeddings"], documents=found["documents"],
                           metadatas=found["metadatas"])
            copied.update(found["ids"])
    return copied
