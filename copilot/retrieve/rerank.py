"""Optional rerankers after fusion, chosen by `retrieval.reranker`. None ships offline today; `none` keeps
the fused order. A cross-encoder registered here would receive (query, hits) and return hits reordered."""

from __future__ import annotations

from collections.abc import Callable

from copilot.registry import Registry
from copilot.retrieve.retriever import Reranker
from copilot.settings import RetrievalSettings

RerankerFactory = Callable[[RetrievalSettings], Reranker | None]
RERANKERS: Registry[RerankerFactory] = Registry("reranker")


@RERANKERS.register("none")
def _none(settings: RetrievalSettings) -> Reranker | None:
    return None


def create_reranker(settings: RetrievalSettings) -> Reranker | None:
    return RERANKERS.get(settings.reranker)(settings)
