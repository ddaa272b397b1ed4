"""Finished conversations in, scores out: the request and response models of conversation QA."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot.check.models import RuleCitation
from copilot.rulebook.models import Channel

Status = Literal["pass", "fail", "n/a"]


class QATurn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["agent", "customer"]
    text: str = Field(max_length=5000)
    start: float | None = Field(default=None, ge=0, description="Seconds from the start of the conversation.")
    end: float | None = Field(default=None, ge=0, description="When the turn ended (seconds); defaults to start.")


class Conversation(BaseModel):
    """One finished conversation: a line of the JSONL file `copilot qa score` reads."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=200)
    channel: Channel
    turns: list[QATurn] = Field(min_length=1, max_length=500)
    scorecard: str | None = Field(default=None, description="Scorecard id; defaults to the channel's.")

    @property
    def timed(self) -> bool:
        return all(t.start is not None for t in self.turns)


class ScoreRequest(BaseModel):
    conversations: list[Conversation] = Field(min_length=1, max_length=200)


class Evidence(BaseModel):
    """Where in the conversation an item passed or failed; the text has phone, ID and card numbers masked."""

    turn: int = Field(description="Index into `turns`.")
    start: int = Field(description="Code-point offset into that turn's text.")
    end: int = Field(description="End offset, exclusive.")
    text: str
    note: str | None = Field(default=None, description="What was found there (category, wait length…).")


class ItemResult(BaseModel):
    id: str
    title: str
    weight: float
    status: Status
    fatal: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Required wording not found, by name.")
    detail: str = Field(description="One line in Chinese: why it passed, failed or does not apply.")
    coaching: str | None = Field(default=None, description="The standard's approved phrasing, for a failed item.")
    citation: RuleCitation


class ConversationScore(BaseModel):
    id: str
    channel: Channel
    scorecard: str
    score: float = Field(description="0-100: weight of passed items over weight of applicable ones; 0 if fatal.")
    fatal: bool = Field(description="A fatal item failed.")
    passed: int
    failed: int
    items: list[ItemResult]

    def item(self, item_id: str) -> ItemResult:
        for result in self.items:
            if result.id == item_id:
                return result
        raise KeyError(item_id)


class ItemSummary(BaseModel):
    id: str
    title: str
    applicable: int
    failed: int
    fail_rate: float


class BatchSummary(BaseModel):
    """What a QA lead reads first: how scores spread, which items fail most, which conversations to hear."""

    conversations: int
    mean_score: float
    median_score: float
    histogram: dict[str, int] = Field(description="Conversations per 10-point band, e.g. '90-100'.")
    fatal: int
    by_channel: dict[str, float] = Field(description="Mean score per channel.")
    weakest_items: list[ItemSummary]
    worst: list[str] = Field(description="Ids of the lowest-scoring conversations, worst first.")
    seconds: float = Field(description="Time spent scoring.")
    per_second: float = Field(description="Conversations scored per second.")

    @model_validator(mode="after")
    def _rounded(self) -> BatchSummary:
        self.mean_score, self.median_score = round(self.mean_score, 1), round(self.median_score, 1)
        return self


class ScoreResponse(BaseModel):
    results: list[ConversationScore]
    summary: BatchSummary
