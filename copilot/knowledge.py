"""The knowledge base: cleaned sources, the rulebook checked against them, and what gets indexed."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.errors import KnowledgeInvalid
from copilot.index.documents import IndexDocument, build_index_documents
from copilot.ingest.sources import SourceDocument, load_sources
from copilot.rulebook.loader import load_rulebook
from copilot.rulebook.models import Rulebook
from copilot.settings import PathSettings


@dataclass(frozen=True)
class Knowledge:
    documents: dict[str, SourceDocument]
    rulebook: Rulebook
    index_documents: list[IndexDocument]

    @property
    def passage_count(self) -> int:
        return sum(len(d.passages) for d in self.documents.values())


def load_knowledge(paths: PathSettings) -> Knowledge:
    sources = paths.sources_dir
    if not sources.is_dir():
        raise KnowledgeInvalid(f"no sources folder at {sources}")
    documents = load_sources(sources)
    if not documents:
        raise KnowledgeInvalid(f"no documents in {sources}")
    rulebook = load_rulebook(paths.rulebook_dir, documents)
    return Knowledge(documents, rulebook, build_index_documents(documents, rulebook))
