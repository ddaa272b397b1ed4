"""The hybrid retriever as a LangChain `BaseRetriever`, for users' own chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from copilot.index.documents import DocumentKind
from copilot.retrieve.retriever import HybridRetriever


class CopilotRetriever(BaseRetriever):
    """Returns passages and rulebook entries with their metadata and fused score."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    kinds: tuple[DocumentKind, ...] = ("passage", "approved")
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        hits = self.retriever.search(query, kinds=self.kinds, k=self.k)
        return [
            Document(
                page_content=hit.document.text,
                metadata={**hit.document.chroma_metadata(), "score": hit.score},
                id=hit.document.key,
            )
            for hit in hits
        ]
