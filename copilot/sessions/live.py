"""Turn in, events out: a final customer turn gets the standard's phrasings for the conversation so far, an
agent turn that breaks the standard gets the checker's findings, and a change of scenario is announced."""

from __future__ import annotations

from collections.abc import Sequence

from anyio import to_thread

from copilot.check.models import CheckRequest
from copilot.rulebook.models import Channel
from copilot.runtime import Copilot
from copilot.sessions.hub import LiveHub
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


def info(session: Session, resumed: bool) -> SessionInfo:
    return SessionInfo(id=session.id, channel=session.channel, turns=session.count, scenario=session.scenario,
                       resumed=resumed, expires_in_s=round(session.expires_in_s, 1))


async def push_turns(copilot: Copilot, store: SessionStore, hub: LiveHub, session_id: str, owner: str,
                     turns: Sequence[TurnIn], channel: Channel | None = None) -> tuple[Session, bool, list[LiveEvent]]:
    """Add the turns to the session (one change, under its lock) and send their events to every follower.
    Returns the session after them, whether it existed, and the events."""

    async def change(session: Session) -> list[LiveEvent]:
        events: list[LiveEvent] = []
        for turn in turns:
            events += await to_thread.run_sync(push, copilot, session, turn)
        return events

    events, session, existed = await store.update(session_id, owner, change, channel)
    await hub.publish(session_id, events)
    return session, existed, events


def push(copilot: Copilot, session: Session, turn: TurnIn) -> list[LiveEvent]:
    """Blocking (model calls): run it off the event loop. Interim turns are not stored and get no events."""
    if not turn.final or not turn.text.strip():
        return []
    index = session.add_turn(Turn(role=turn.role, text=turn.text), copilot.settings.sessions.turns_kept)
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
