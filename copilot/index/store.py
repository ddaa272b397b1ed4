"""Vector-store backends (Chroma embedded, Chroma server, in-memory), chosen by `vector_store.mode`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast

from copilot.errors import BackendUnavailable
from copilot.registry import Registry
from copilot.settings import Settings

# Chroma's results: column name -> one list per id (per query for `query`).
Columns = Mapping[str, Any]
Where = Mapping[str, Any]


class ChromaCollection(Protocol):
    """The part of a Chroma collection the copilot uses (Chroma itself is imported only when first needed)."""

    @property
    def name(self) -> str: ...

    def get(self, *, ids: list[str] | None = None, where: Where | None = None,
            include: Sequence[str] = ...) -> Columns: ...

    def query(self, *, query_embeddings: Any, n_results: int, where: Where | None = None,
              include: Sequence[str] = ...) -> Columns: ...

    def add(self, *, ids: list[str], embeddings: Any, metadatas: Any = None) -> None: ...

    def upsert(self, *, ids: list[str], embeddings: Any, documents: Any = None, metadatas: Any = None) -> None: ...

    def delete(self, *, ids: list[str] | None = None, where: Where | None = None) -> None: ...


class ChromaClient(Protocol):
    """The part of a Chroma client the copilot uses."""

    def get_or_create_collection(self, *, name: str, embedding_function: Any = None,
                                 metadata: Mapping[str, Any] | None = None) -> ChromaCollection: ...

    def create_collection(self, *, name: str, embedding_function: Any = None,
                          metadata: Mapping[str, Any] | None = None) -> ChromaCollection: ...

    def delete_collection(self, name: str) -> None: ...


ClientFactory = Callable[[Settings], Any]
STORES: Registry[ClientFactory] = Registry("vector store")
register_store = STORES.register


def create_client(settings: Settings) -> ChromaClient:
    return cast(ChromaClient, STORES.get(settings.vector_store.mode)(settings))


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


@register_store("persistent")
def _persistent(settings: Settings) -> Any:
    import chromadb

    path = settings.paths.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


@register_store("http")
def _http(settings: Settings) -> Any:
    from urllib.parse import urlparse

    import chromadb

    if not settings.vector_store.url:
        raise BackendUnavailable("vector_store.mode is http but COPILOT_VECTOR_STORE__URL is not set")
    url = urlparse(settings.vector_store.url)
    try:
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https",
            settings=_chroma_settings(),
        )
    except Exception as exc:  # connection refused, wrong version: say which server
        raise BackendUnavailable(f"cannot reach Chroma at {settings.vector_store.url}: {exc}") from exc


@register_store("memory")
def _memory(settings: Settings) -> Any:
    import chromadb

    return chromadb.EphemeralClient(settings=_chroma_settings())


def collection_name(prefix: str, model_name: str) -> str:
    """Chroma names allow [a-zA-Z0-9._-], 3-512 chars, alphanumeric at both ends."""
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"{prefix}-{model_name}").strip("-._")
    return name[:500] if len(name) >= 3 else f"{name}-idx"
