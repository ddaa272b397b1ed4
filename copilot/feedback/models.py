"""Feedback events and the per-scenario summary QA reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Action = Literal["shown", "copied", "inserted", "replaced", "dismissed"]
ACTIONS: tuple[Action, ...] = ("shown", "copied", "inserted", "replaced", "dismissed")


class FeedbackEvent(BaseModel):
    """One thing an agent did. No conversation text is stored: only which phrasing or rule it concerned."""

    action: Action
    scenario_id: str | None = Field(default=None, max_length=100, description="The suggestion's scenario.")
    kind: Literal["approved", "passage", "composed", "alternative", "answer"] | None = Field(
        default=None, description="What was acted on: a rulebook phrasing, a passage, an LLM reply, a checker "
        "alternative or a chat answer.")
    rule_id: str | None = Field(default=None, max_length=200, description="For `replaced`: the checker rule.")
    rank: int | None = Field(default=None, ge=0, le=50, description="Position of the suggestion shown (0 = first).")
    session_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$")


class FeedbackBatch(BaseModel):
    events: list[FeedbackEvent] = Field(min_length=1, max_length=100)


class FeedbackAccepted(BaseModel):
    stored: int


class ScenarioFeedback(BaseModel):
    scenario_id: str
    counts: dict[str, int] = Field(description="Events per action.")
    use_rate: float = Field(description="(copied + inserted) / shown; 0 when nothing was shown.")


class FeedbackStats(BaseModel):
    total: int
    by_action: dict[str, int]
    scenarios: list[ScenarioFeedback] = Field(description="Most shown first.")
    rules_replaced: dict[str, int] = Field(description="Checker rules whose alternative agents applied, per rule.")
