"""Turn in, events out: a final customer turn gets the standard's phrasings for the conversation so far, an
agent turn that breaks the standard gets the checker's findings, and a change of scenario is announced."""

from __future__ import annotations

from copilot.check.models import CheckRequest
from copilot.runtime import Copilot
from copilot.sessions.models import (
    CheckEvent,
    LiveEvent,
    ScenarioEvent,
    SessionInfo,
    SuggestionsEvent,
    TurnIn,
)
from copilot.sessions.store import Session, SessionStore
from copilot.suggest.models import SuggestRequest
from copilot.suggest.transcript import Turn


def info(store: SessionStore, session: Session, resumed: bool) -> SessionInfo:
    return SessionInfo(id=session.id, channel=session.channel, turns=session.count, scenario=session.scenario,
                       resumed=resumed, expires_in_s=round(store.expires_in(session), 1))


def push(copilot: Copilot, session: Session, turn: TurnIn) -> list[LiveEvent]:
    """Blocking (model calls): run it off the event loop. Interim turns are not stored and get no events."""
    if not turn.final or not turn.text.strip():
        return []
    with session.lock:
        index = session.count
        session.turns.append(Turn(role=turn.role, text=turn.text))
        session.count += 1
        if turn.role == "customer":
            return _suggest(copilot, session, index)
        return _check(copilot, session, index, turn.text)


def _suggest(copilot: Copilot, session: Session, index: int) -> list[LiveEvent]:
    request = SuggestRequest(transcript=list(session.turns), channel=session.channel,
                             top_k=copilot.settings.suggest.default_top_k)
    response = copilot.suggest.suggest(request)
    events: list[LiveEvent] = []
    previous = session.scenario.id if session.scenario else None
    current = response.scenario.id if response.scenario else None
    if current != previous:
        events.append(ScenarioEvent(turn=index, scenario=response.scenario, previous=previous))
    session.scenario = response.scenario
    events.append(SuggestionsEvent(turn=index, scenario=response.scenario, suggestions=response.suggestions))
    return events


def _check(copilot: Copilot, session: Session, index: int, text: str) -> list[LiveEvent]:
    # The first agent turn is the opening: that is where greeting rules apply.
    position = "opening" if session.agent_turns == 0 else "middle"
    session.agent_turns += 1
    draft = text[: copilot.settings.check.max_draft_chars]
    result = copilot.check.check(CheckRequest(draft=draft, channel=session.channel, position=position))
    if not result.violations:
        return []
    return [CheckEvent(turn=index, text=draft, check=result)]
