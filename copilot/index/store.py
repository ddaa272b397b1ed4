"""Vector-store backends (Chroma embedded, Chroma server, in-memory), chosen by `vector_store.mode`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from copilot.errors import BackendUnavailable
from copilot.registry import Registry
from copilot.settings import Settings

ClientFactory = Callable[[Settings], Any]
STORES: Registry[ClientFactory] = Registry("vector store")
register_store = STORES.register


def create_client(settings: Settings) -> Any:
    return STORES.get(settings.vector_store.mode)(settings)


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
