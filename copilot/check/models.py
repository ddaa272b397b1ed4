"""Request and response models of the checker and the rule-based rewrite."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.citations import RuleCitation as RuleCitation  # re-exported
from copilot.rulebook.models import Channel, Severity

Position = Literal["opening", "middle", "closing"]
Detector = Literal["lexicon", "pattern", "semantic", "style"]
Author = Literal["agent", "model"]


class CheckRequest(BaseModel):
    draft: str = Field(min_length=1, description="The reply the agent is about to send.")
    channel: Channel | None = Field(default=None, description="voice, chat or outbound (return visits).")
    position: Position | None = Field(
        default=None, description="Where the draft stands in the conversation: opening, middle or closing."
    )
    author: Author = Field(
        default="agent",
        description="Who wrote the text: an agent (only confident findings block) or a model (every finding of a "
        "forbidden category blocks; the product checks composed replies, rewrites and answers this way).",
    )


class Violation(BaseModel):
    start: int = Field(description="Code-point offset into the draft as sent.")
    end: int = Field(description="End offset, exclusive.")
    text: str
    category: str
    severity: Severity
    rule_id: str
    reason: str
    alternative: str | None = Field(description="The standard's compliant wording, where it has one.")
    citation: RuleCitation
    detector: Detector
    confidence: float | None = Field(
        default=None, description="The compliance model's confidence (semantic findings; 1 - P(compliant)).")
    # kept out of responses: QA scoring asks how much of the model's belief goes to an item's own categories
    probabilities: dict[str, float] | None = Field(
        default=None, exclude=True,
        description="The model's probability of each forbidden category for the clause (semantic findings).")


class CheckResponse(BaseModel):
    flagged: bool = Field(description="True iff any violation is blocking.")
    violations: list[Violation]


class Change(BaseModel):
    """One replacement. Offsets are into the text it was made to: the draft, or for a change of a later round
    (a finding the earlier replacements left beside them), the draft after the earlier rounds."""

    start: int
    end: int
    before: str
    after: str
    rule_id: str


class RewriteResponse(BaseModel):
    draft: str = Field(description="The draft with every finding's clause replaced by the standard's wording.")
    changes: list[Change]
    needs_human: list[Violation] = Field(description="Blocking violations with no alternative to apply.")
    flagged: bool = Field(description="Whether the rewritten draft still has blocking violations.")
