"""The cleaned source documents a rulebook cites, loaded from `knowledge/sources/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from copilot.ingest.clean import clean_text, document_title
from copilot.ingest.passages import Passage, split_passages
from copilot.ingest.readers import list_documents, read_document


@dataclass(frozen=True)
class SourceDocument:
    id: str
    title: str
    text: str
    passages: list[Passage]


def load_sources(folder: Path) -> dict[str, SourceDocument]:
    """Read, clean (a no-op on committed sources) and split every document in `folder`."""
    documents = {}
    for path in list_documents(folder):
        text = clean_text(read_document(path))
        title = document_title(text, path.stem)
        documents[path.stem] = SourceDocument(path.stem, title, text, split_passages(path.stem, title, text))
    return documents
