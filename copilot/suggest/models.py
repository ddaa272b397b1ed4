"""Request and response models of "how do I respond to this" (shared by the API and the CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.citations import SuggestionCitation as SuggestionCitation  # re-exported
from copilot.rulebook.models import Channel
from copilot.suggest.transcript import Turn


class SuggestRequest(BaseModel):
    transcript: str | list[Turn] = Field(
        description="The last turns: text with 客户：/坐席： lines, or a list of {role, text}."
    )
    top_k: int = Field(default=3, ge=1, le=10, description="How many suggestions to return.")
    channel: Channel | None = Field(default=None, description="Only scenarios for this channel.")


class Suggestion(BaseModel):
    text: str
    kind: Literal["approved", "passage"] = Field(
        description="approved: a phrasing of the rulebook; passage: supporting text of a standard."
    )
    scenario_id: str | None
    score: float
    authored: bool = Field(default=False, description="Editors' wording; the citation is the rule it follows.")
    citation: SuggestionCitation


class ScenarioMatch(BaseModel):
    id: str
    title: str
    confidence: float = Field(ge=0, le=1)


class SuggestResponse(BaseModel):
    scenario: ScenarioMatch | None
    suggestions: list[Suggestion]
    phase: Literal["opening", "middle", "closing"] | None = Field(
        default=None, description="Where the conversation is: no agent turn yet, under way, or winding up.")
    unsure: bool = Field(default=False, description="The recogniser could not place the customer's turn: the "
                                                    "standard's general wording comes first.")
