"""Feedback events and the per-scenario summary QA reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from copilot.rulebook.models import Channel

Action = Literal["shown", "copied", "inserted", "replaced", "dismissed", "false_alarm"]
ACTIONS: tuple[Action, ...] = ("shown", "copied", "inserted", "replaced", "dismissed", "false_alarm")


class FeedbackEvent(BaseModel):
    """One thing an agent did. No conversation text is stored, only which phrasing or rule it concerned, except
    for a `false_alarm`: the draft the agent says was wrongly flagged, with phone, ID and card numbers masked."""

    action: Action
    scenario_id: str | None = Field(default=None, max_length=100, description="The suggestion's scenario.")
    kind: Literal["approved", "passage", "composed", "alternative", "answer"] | None = Field(
        default=None, description="What was acted on: a rulebook phrasing, a passage, an LLM reply, a checker "
        "alternative or a chat answer.")
    rule_id: str | None = Field(default=None, max_length=200, description="For `replaced`: the checker rule.")
    rank: int | None = Field(default=None, ge=0, le=50, description="Position of the suggestion shown (0 = first).")
    session_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$")
    draft: str | None = Field(default=None, max_length=5000,
                              description="For `false_alarm`: the draft as checked (stored masked).")
    start: int | None = Field(default=None, ge=0, description="For `false_alarm`: the finding's span.")
    end: int | None = Field(default=None, ge=0)
    category: str | None = Field(default=None, max_length=50, description="For `false_alarm`: its category.")
    channel: Channel | None = None

    @model_validator(mode="after")
    def _false_alarm_is_complete(self) -> FeedbackEvent:
        if self.action == "false_alarm" and (self.draft is None or self.start is None or self.end is None
                                             or self.rule_id is None):
            raise ValueError("a false_alarm needs draft, start, end and rule_id")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end before start")
        return self


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


class FalseAlarm(BaseModel):
    """A finding an agent marked as wrong: a candidate check case for QA to review."""

    at: float
    draft: str = Field(description="Masked: phone, ID and card numbers are `*`.")
    start: int
    end: int
    category: str | None
    rule_id: str
    channel: Channel | None
