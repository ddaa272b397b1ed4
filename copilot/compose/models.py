"""Request and response models of the LLM composition (they extend the extractive suggest and rewrite)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.check.models import CheckRequest, CheckResponse, Position, RewriteResponse, Violation
from copilot.suggest.models import SuggestRequest, SuggestResponse

Origin = Literal["llm", "standard"]
FallbackReason = Literal[
    "llm_not_configured", "blocked", "unsupported_claim", "others_data", "timeout", "error", "empty", "too_long",
    "prompt_leak",
]


class Composed(BaseModel):
    """A reply written by the LLM and passed by the checker, or else text taken from the standard."""

    text: str
    origin: Origin = Field(
        description="llm: the model's text, which passed the checker; standard: the standard's own wording "
        "(the best approved phrasing, or the rule-based rewrite) because the model was not used or failed."
    )
    fallback_reason: FallbackReason | None = Field(
        default=None,
        description="Why the standard's wording was returned: no LLM configured; the model's text was blocked "
        "twice by the checker; it twice stated an action, remedy, amount, duration or date that neither the "
        "conversation nor the standard's text supports (unsupported_claim); it went along with a request for "
        "another person's data (others_data); timeout; error; an empty reply; a reply over the channel's length "
        "twice; or a reply repeating its instructions.",
    )
    attempts: int = Field(ge=0, le=2, description="Model calls made (a blocked first draft is retried once).")
    check: CheckResponse = Field(description="The checker's verdict on `text`.")


class ComposeSuggestRequest(SuggestRequest):
    compose: bool = Field(default=False, description="Also compose a reply with the LLM, grounded in the phrasings.")
    position: Position | None = Field(default=None, description="Where the reply stands, for the checker.")


class ComposedSuggestResponse(SuggestResponse):
    composed: Composed | None = Field(
        default=None, description="Present when `compose` was asked and a scenario was found."
    )


class RewriteRequest(CheckRequest):
    fluent: bool = Field(
        default=True, description="With an LLM configured, also return a fluent rewrite of a flagged draft."
    )
    targets: list[tuple[int, int]] | None = Field(
        default=None, max_length=50,
        description="Only fix the findings overlapping these [start, end) spans (the sidebar's 替换 on one "
        "finding); by default every finding with an alternative is fixed.",
    )


class FluentRewriteResponse(RewriteResponse):
    composed: Composed | None = Field(
        default=None,
        description="The LLM's fluent rewrite (or the rule-based one as fallback); only for a flagged draft "
        "with an LLM configured and `fluent` true.",
    )


class RetryNotice(BaseModel):
    """Streamed when the first draft was blocked: discard the text so far, a second draft follows."""

    reason: FallbackReason
    violations: list[Violation]
