"""What a live session receives (turns) and sends (events), over a WebSocket or the HTTP fallback."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from copilot.check.models import CheckResponse
from copilot.rulebook.models import Channel
from copilot.suggest.models import ScenarioMatch, Suggestion
from copilot.suggest.transcript import Role

SESSION_ID = r"^[A-Za-z0-9_.:-]{1,128}$"


class TurnIn(BaseModel):
    type: Literal["turn"] = "turn"
    role: Role
    text: str = Field(min_length=1, max_length=4000)
    final: bool = Field(default=True, description="false: an interim ASR result; only final turns are acted on.")


class TurnsRequest(BaseModel):
    turns: list[TurnIn] = Field(min_length=1, max_length=50)
    channel: Channel | None = Field(default=None, description="Set on the first request; kept for the session.")


class SessionInfo(BaseModel):
    id: str
    channel: Channel | None
    turns: int = Field(description="Final turns received so far (the last `turns_kept` are used).")
    scenario: ScenarioMatch | None
    resumed: bool = Field(description="true when the session already existed (a reconnect or a later request).")
    expires_in_s: float


class SessionEvent(BaseModel):
    """Sent first on every connection: the session as the server has it."""

    type: Literal["session"] = "session"
    session: SessionInfo


class SuggestionsEvent(BaseModel):
    """For each final customer turn: the same content as /v1/suggest for the session's last turns."""

    type: Literal["suggestions"] = "suggestions"
    turn: int = Field(description="Index of the customer turn this answers (0-based, over the session).")
    scenario: ScenarioMatch | None
    suggestions: list[Suggestion]


class ScenarioEvent(BaseModel):
    """The detected scenario changed (sent before the suggestions that go with it)."""

    type: Literal["scenario"] = "scenario"
    turn: int
    scenario: ScenarioMatch | None
    previous: str | None = Field(description="The scenario id before this turn.")


class CheckEvent(BaseModel):
    """An agent turn that breaks the standard (only flagged or warned turns are sent)."""

    type: Literal["check"] = "check"
    turn: int
    text: str
    check: CheckResponse


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    error: dict[str, Any] = Field(description="{code, message, details}, as in the HTTP error body.")


LiveEvent = Annotated[SessionEvent | SuggestionsEvent | ScenarioEvent | CheckEvent | ErrorEvent,
                      Field(discriminator="type")]


class TurnsResponse(BaseModel):
    session: SessionInfo
    events: list[LiveEvent]
