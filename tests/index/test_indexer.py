from __future__ import annotations

from collections.abc import Sequence

from copilot.embedding.base import Vectors
from copilot.embedding.fake import FakeEmbedder
from copilot.index.documents import IndexDocument
from copilot.index.indexer import open_collection, sync_collection
from copilot.index.store import collection_name, create_client
from copilot.settings import Settings


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        self.embedded += len(texts)
        return super().embed_batch(texts, is_query=is_query)


def _docs(texts: list[str]) -> list[IndexDocument]:
    return [IndexDocument(f"k{i}", "passage", t, metadata={"document": "d"}) for i, t in enumerate(texts)]


def test_unchanged_content_is_not_re_embedded(fake_settings: Settings) -> None:
    embedder = CountingEmbedder()
    collection = open_collection(create_client(fake_settings), "copilot-test-sync", embedder)
    first = sync_collection(collection, _docs(["甲乙丙", "丁戊己", "庚辛壬"]), embedder, batch_size=2)
    assert (first.embedded, first.kept, first.removed) == (3, 0, 0)
    assert embedder.embedded == 3
    again = sync_collection(collection, _docs(["甲乙丙", "丁戊己", "庚辛壬"]), embedder)
    assert (again.embedded, again.kept, again.removed) == (0, 3, 0)
    assert embedder.embedded == 3
    changed = sync_collection(collection, _docs(["甲乙丙", "新内容"]), embedder)
    assert (changed.embedded, changed.kept, changed.removed) == (1, 1, 2)
    assert collection.count() == 2


def test_content_hash_depends_on_model_and_text() -> None:
    doc = IndexDocument("k", "passage", "請您稍等")
    assert doc.content_hash("a") != doc.content_hash("b")
    assert doc.content_hash("a") == IndexDocument("k", "passage", "请您稍等").content_hash("a")


def test_collection_names_are_valid_for_chroma() -> None:
    assert collection_name("copilot", "st-m3e-small") == "copilot-st-m3e-small"
    assert collection_name("co pilot", "nano/e5") == "co-pilot-nano-e5"


def test_unknown_store_mode_lists_valid_modes(fake_settings: Settings) -> None:
    import pytest

    from copilot.errors import BackendUnavailable

    fake_settings.vector_store = fake_settings.vector_store.model_copy(update={"mode": "redis"})
    with pytest.raises(BackendUnavailable, match="http, memory, persistent"):
        create_client(fake_settings)
