"""A proposed rulebook entry and its review state."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

from copilot.rulebook.models import Category

ProposalKind = Literal["forbidden", "approved", "wording"]
ProposalStatus = Literal["pending", "approved", "rejected"]
CategorySource = Literal["cue", "model", "admin", "none"]


class Proposal(BaseModel):
    """One entry the extractor read from a document. `quote` is `cleaned_text[start:end]` (code points)."""

    id: str = Field(description="Stable: the same document text gives the same ids.")
    document: str
    kind: ProposalKind
    text: str = Field(description="The wording the rulebook will use; the quote unless an admin edited it.")
    quote: str = Field(description="The standard's words, verbatim.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    section: str = Field(description="The heading the quote sits under.")
    situation: str | None = Field(default=None, description="When it applies, in the standard's words.")
    slot: str | None = Field(default=None, description="Required wording: opening, closing or transfer.")
    category: Category | None = Field(default=None, description="Forbidden phrasings: the kind of fault.")
    category_source: CategorySource = "none"
    confidence: float = Field(ge=0, le=1, description="How sure the extractor is of kind and category.")
    status: ProposalStatus = "pending"


def proposal_id(document: str, kind: str, quote: str, situation: str | None) -> str:
    digest = hashlib.sha256("\0".join([document, kind, quote, situation or ""]).encode()).hexdigest()
    return f"{document}:{kind[0]}{digest[:10]}"
