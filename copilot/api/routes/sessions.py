"""Live transcript sessions: a WebSocket for systems that push turns as they are spoken, and the same over
plain HTTP for systems without WebSockets."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocketState

from copilot.api.auth import Authenticator, authenticate_socket, require
from copilot.api.deps import CopilotDep, HubDep, PrincipalDep, SessionsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.api.state import RuntimeHolder
from copilot.errors import CopilotError, InvalidInput, NotFound, NotReady
from copilot.rulebook.models import Channel
from copilot.sessions.hub import LiveHub
from copilot.sessions.live import info, push
from copilot.sessions.models import (
    SESSION_ID,
    ErrorEvent,
    LiveEvent,
    SessionEvent,
    SessionInfo,
    TurnIn,
    TurnsRequest,
    TurnsResponse,
)
from copilot.sessions.store import SessionStore

log = logging.getLogger("copilot.sessions")
router = APIRouter(prefix="/v1", tags=["sessions"])
SessionId = Annotated[str, Path(pattern=SESSION_ID, description="Chosen by the caller, e.g. the call id.")]
# WebSocket close codes (RFC 6455 / IANA): policy violation, and "try again later".
CLOSE_POLICY, CLOSE_TRY_AGAIN = 1008, 1013
AUTH_MESSAGE = re.compile(r'^\s*\{\s*"type"\s*:\s*"auth"')


@router.post("/sessions/{session_id}/turns", response_model=TurnsResponse, responses=ERROR_RESPONSES,
             dependencies=[require("agent")])
async def post_turns(session_id: SessionId, request: TurnsRequest, copilot: CopilotDep, sessions: SessionsDep,
                     principal: PrincipalDep, hub: HubDep) -> TurnsResponse:
    """Push turns to a session (created on first use) and get the events they cause, in order.

    The same events as the WebSocket: `scenario` and `suggestions` for a final customer turn, `check` for an
    agent turn that breaks the standard. Interim turns (`final: false`) are accepted and ignored.
    """
    session, existed = sessions.open(session_id, principal.name, request.channel)
    events: list[LiveEvent] = []
    for turn in request.turns:
        events += await run_in_threadpool(push, copilot, session, turn)
    hub.publish(session_id, list(events))  # a sidebar following this session over a WebSocket sees them too
    return TurnsResponse(session=info(sessions, session, existed), events=events)


@router.get("/sessions/{session_id}", response_model=SessionInfo, responses=ERROR_RESPONSES,
            dependencies=[require("agent")])
def get_session(session_id: SessionId, sessions: SessionsDep, principal: PrincipalDep) -> SessionInfo:
    """The session as the server has it (404 once it has expired)."""
    session = sessions.get(session_id, principal.name)
    if session is None:
        raise NotFound(f"no session {session_id!r} (never opened, or expired)", {"session_id": session_id})
    return info(sessions, session, True)


@router.delete("/sessions/{session_id}", status_code=204, responses=ERROR_RESPONSES,
               dependencies=[require("agent")])
def end_session(session_id: SessionId, sessions: SessionsDep, principal: PrincipalDep) -> None:
    """Forget the session and its turns now (at the end of the call) instead of at its TTL."""
    if not sessions.close(session_id, principal.name):
        raise NotFound(f"no session {session_id!r}", {"session_id": session_id})


@router.websocket("/sessions/{session_id}/live")
async def live(websocket: WebSocket, session_id: str,
               channel: Annotated[Channel | None, Query()] = None) -> None:
    """Send `{"type": "turn", "role": "customer"|"agent", "text": "...", "final": true}` messages; receive
    a `session` event, then `scenario`, `suggestions` and `check` events as turns arrive, from this connection
    or any other pushing to the same session. Errors about one message come back to its sender as `error`
    events and the connection stays open."""
    holder: RuntimeHolder = websocket.app.state.holder
    hub: LiveHub = websocket.app.state.live_hub
    sessions: SessionStore = websocket.app.state.sessions
    authenticator: Authenticator = websocket.app.state.authenticator
    await websocket.accept()
    try:
        principal = await authenticate_socket(websocket, "agent")
        if not re.fullmatch(SESSION_ID, session_id):
            raise InvalidInput("session id must be 1-128 of A-Z a-z 0-9 _ . : -", {"field": "session_id"})
        holder.copilot  # noqa: B018 -- NotReady now rather than on the first turn
        session, existed = sessions.open(session_id, principal.name, channel)
        await _send(websocket, SessionEvent(session=info(sessions, session, existed)))
        queue = hub.follow(session_id)
        forward = asyncio.create_task(_forward(websocket, queue))
        try:
            while True:
                raw = await websocket.receive_text()
                events, errors = await _handle(raw, holder, sessions, authenticator, principal.name, session_id)
                hub.publish(session_id, events)
                for error in errors:
                    queue.put_nowait(error)
        finally:
            forward.cancel()
            hub.leave(session_id, queue)
    except WebSocketDisconnect:
        return
    except CopilotError as exc:  # authentication, a bad session id, not ready: say why, then close
        await _send(websocket, _error(exc))
        code = CLOSE_TRY_AGAIN if isinstance(exc, NotReady) else CLOSE_POLICY
        if websocket.application_state == WebSocketState.CONNECTED:
            await websocket.close(code=code, reason=exc.code)


async def _handle(raw: str, holder: RuntimeHolder, sessions: SessionStore, authenticator: Authenticator,
                  owner: str, session_id: str) -> tuple[list[BaseModel], list[BaseModel]]:
    """(events for every follower, errors for the sender only)."""
    if AUTH_MESSAGE.match(raw):  # a client that always authenticates first, talking to a server with auth off
        return [], []
    try:
        turn = TurnIn.model_validate_json(raw)
        authenticator.count_name(owner)
        session, _ = sessions.open(session_id, owner)  # keeps it alive; a new one if it expired meanwhile
        return list(await run_in_threadpool(push, holder.copilot, session, turn)), []
    except ValidationError as exc:
        first = exc.errors()[0]
        return [], [_error(InvalidInput(f"not a turn: {'.'.join(map(str, first['loc']))}: {first['msg']}"))]
    except CopilotError as exc:
        return [], [_error(exc)]


async def _forward(websocket: WebSocket, queue: asyncio.Queue[BaseModel]) -> None:
    while True:
        await _send(websocket, await queue.get())


def _error(exc: CopilotError) -> ErrorEvent:
    return ErrorEvent(error={"code": str(exc.code), "message": exc.message, "details": exc.details})


async def _send(websocket: WebSocket, event: BaseModel) -> None:
    await websocket.send_text(event.model_dump_json())
