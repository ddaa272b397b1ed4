"""The citation family: where quoted text stands in a standard. One base, a variant per use, converted here.

- `RuleCitation`: document, title, section and quote (a checker rule, a scorecard item);
- `Citation`: the same with the quote's code-point offsets in the cleaned source (end exclusive);
- `SuggestionCitation`, `AskCitation`: a Citation as /v1/suggest and /v1/chat return it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, Field


class RuleCitation(BaseModel):
    document: str = Field(description="Document id (file stem in knowledge/sources).")
    document_title: str
    section: str
    quote: str = Field(description="The cited text exactly as it stands in the cleaned source.")

    @classmethod
    def of(cls, citation: RuleCitation, **extra: Any) -> Self:
        """`citation` as this variant: the fields both have are copied, others dropped, `extra` added."""
        return cls(**citation.model_dump(include=set(cls.model_fields) - extra.keys()), **extra)


class Citation(RuleCitation):
    """Where a quote stands in a cleaned source document (code-point offsets, end exclusive)."""

    start: int
    end: int

    @classmethod
    def of_passage(cls, text: str, metadata: Mapping[str, Any], **extra: Any) -> Self:
        """A whole indexed passage, from its index metadata."""
        return cls(document=str(metadata["document"]), document_title=str(metadata.get("title", metadata["document"])),
                   section=str(metadata["section"]), quote=text, start=int(metadata["start"]), end=int(metadata["end"]),
                   **extra)


class SuggestionCitation(Citation):
    """The citation of a suggestion: a phrasing's place in the rulebook's source, or a passage."""


class AskCitation(Citation):
    """A passage cited by an answer, with the sentence that answers the question."""

    number: int = Field(description="The number an answer cites it by, from 1.")
    highlight_start: int = Field(description="The answering sentence, as offsets into `quote` (end exclusive).")
    highlight_end: int
    sentence: str = Field(description="quote[highlight_start:highlight_end].")
    score: float = Field(description="How well the sentence answers the question (higher is better).")
