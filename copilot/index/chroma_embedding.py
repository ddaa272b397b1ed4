"""Adapter so Chroma collections carry our embedder instead of Chroma's downloading default."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from copilot.embedding.base import Embedder


@register_embedding_function
class CopilotEmbeddingFunction(EmbeddingFunction[Documents]):
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_documents(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "agent-copilot"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CopilotEmbeddingFunction:
        raise ValueError(
            "this collection was written by agent-copilot; open it through the copilot, which passes "
            f"its embedder ({config.get('model')})"
        )

    def default_space(self) -> Any:
        return "cosine"
