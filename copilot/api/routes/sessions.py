"""Live transcript sessions: a WebSocket for systems that push turns as they are spoken, and the same over
plain HTTP for systems without WebSockets."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.websockets import WebSocketState

from copilot.api.auth import Authenticator, authenticate_socket, require
from copilot.api.deps import CopilotDep, HubDep, PrincipalDep, SessionsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.api.sockets import CLOSE_POLICY, CLOSE_RESTART, CLOSE_TRY_AGAIN, LiveSockets
from copilot.api.state import RuntimeHolder
from copilot.errors import CopilotError, InvalidInput, NotFound, NotReady, StateUnavailable
from copilot.rulebook.models import Channel
from copilot.sessions.hub import LOST, Item, LiveHub
from copilot.sessions.live import info, push_turns
from copilot.sessions.models import (
    SESSION_ID,
    ErrorEvent,
    SessionEvent,
    SessionInfo,
    TurnIn,
    TurnsRequest,
    TurnsResponse,
)
from copilot.sessions.store import Session, SessionStore

log = logging.getLogger("copilot.sessions")
router = APIRouter(prefix="/v1", tags=["sessions"])
SessionId = Annotated[str, Path(pattern=SESSION_ID, description="Chosen by the caller, e.g. the call id.")]
AUTH_MESSAGE = re.compile(r'^\s*\{\s*"type"\s*:\s*"auth"')


@router.post("/sessions/{session_id}/turns", response_model=TurnsResponse, responses=ERROR_RESPONSES,
             dependencies=[require("agent")])
async def post_turns(session_id: SessionId, request: TurnsRequest, copilot: CopilotDep, sessions: SessionsDep,
                     principal: PrincipalDep, hub: HubDep) -> TurnsResponse:
    """Push turns to a session (created on first use) and get the events they cause, in order.

    The same events as the WebSocket: `scenario` and `suggestions` for a final customer turn, `check` for an
    agent turn that breaks the standard. Interim turns (`final: false`) are accepted and ignored. Every socket
    following the session receives the events too, on whichever replica it is connected to.
    """
    session, existed, events = await push_turns(copilot, sessions, hub, session_id, principal.name, request.turns,
                                                request.channel)
    return TurnsResponse(session=info(session, existed), events=events)


@router.get("/sessions/{session_id}", response_model=SessionInfo, responses=ERROR_RESPONSES,
            dependencies=[require("agent")])
async def get_session(session_id: SessionId, sessions: SessionsDep, principal: PrincipalDep) -> SessionInfo:
    """The session as the server has it (404 once it has expired)."""
    session = await sessions.get(session_id, principal.name)
    if session is None:
        raise NotFound(f"no session {session_id!r} (never opened, or expired)", {"session_id": session_id})
    return info(session, True)


@router.delete("/sessions/{session_id}", status_code=204, responses=ERROR_RESPONSES,
               dependencies=[require("agent")])
async def end_session(session_id: SessionId, sessions: SessionsDep, principal: PrincipalDep) -> None:
    """Forget the session and its turns now (at the end of the call) instead of at its TTL."""
    if not await sessions.close(session_id, principal.name):
        raise NotFound(f"no session {session_id!r}", {"session_id": session_id})


@router.websocket("/sessions/{session_id}/live")
async def live(websocket: WebSocket, session_id: str,
               channel: Annotated[Channel | None, Query()] = None) -> None:
    """Send `{"type": "turn", "role": "customer"|"agent", "text": "...", "final": true}` messages; receive
    a `session` event, then `scenario`, `suggestions` and `check` events as turns arrive, from this connection
    or any other pushing to the same session (on any replica). Errors about one message come back to its sender
    as `error` events and the connection stays open.

    The server closes the socket with 1013 (try again later) and reason `state_unavailable` or `not_ready` when it
    cannot serve the session now, and with 1012 (service restart) when it shuts down: reconnect, to this address or
    another replica, and the session resumes with its turns."""
    holder: RuntimeHolder = websocket.app.state.holder
    sockets: LiveSockets = websocket.app.state.sockets
    await websocket.accept()
    sockets.add(websocket)
    try:
        principal = await authenticate_socket(websocket, "agent")
        if not re.fullmatch(SESSION_ID, session_id):
            raise InvalidInput("session id must be 1-128 of A-Z a-z 0-9 _ . : -", {"field": "session_id"})
        holder.copilot  # noqa: B018 -- NotReady now rather than on the first turn
        await _follow(websocket, session_id, principal.name, channel)
    except WebSocketDisconnect:
        return
    except CopilotError as exc:  # authentication, a bad session id, not ready, no shared state: say why, then close
        code = CLOSE_TRY_AGAIN if isinstance(exc, NotReady | StateUnavailable) else CLOSE_POLICY
        await _close(websocket, code, exc)
    finally:
        sockets.discard(websocket)


async def _follow(websocket: WebSocket, session_id: str, owner: str, channel: Channel | None) -> None:
    hub: LiveHub = websocket.app.state.live_hub
    sessions: SessionStore = websocket.app.state.sessions
    queue = await hub.follow(session_id)  # before the session event: no turn pushed after it is missed
    try:
        _, session, existed = await sessions.update(session_id, owner, _unchanged, channel)
        await _send(websocket, SessionEvent(session=info(session, existed)).model_dump_json())
        tasks = {asyncio.create_task(_receive(websocket, session_id, owner, queue)),
                 asyncio.create_task(_forward(websocket, queue))}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # the disconnect or the error that ended it
        finally:
            for task in tasks:
                task.cancel()
    finally:
        hub.leave(session_id, queue)


async def _unchanged(session: Session) -> None:
    """Opening a socket stores the session (and the channel it names) without changing its turns."""


async def _receive(websocket: WebSocket, session_id: str, owner: str, queue: asyncio.Queue[Item]) -> None:
    """Turns from this connection; errors about one message go back to it alone, through its queue."""
    holder: RuntimeHolder = websocket.app.state.holder
    authenticator: Authenticator = websocket.app.state.authenticator
    while True:
        raw = await websocket.receive_text()
        if AUTH_MESSAGE.match(raw):  # a client that always authenticates first, talking to a server with auth off
            continue
        try:
            turn = TurnIn.model_validate_json(raw)
            await run_in_threadpool(authenticator.count_name, owner)
            await push_turns(holder.copilot, websocket.app.state.sessions, websocket.app.state.live_hub,
                             session_id, owner, [turn])
        except ValidationError as exc:
            first = exc.errors()[0]
            _tell(queue, InvalidInput(f"not a turn: {'.'.join(map(str, first['loc']))}: {first['msg']}"))
        except StateUnavailable:
            raise
        except CopilotError as exc:
            _tell(queue, exc)


async def _forward(websocket: WebSocket, queue: asyncio.Queue[Item]) -> None:
    while (text := await queue.get()) is not LOST:
        await _send(websocket, str(text))
    raise StateUnavailable("the session's events stopped: the shared state (Redis) is unreachable",
                           {"retry_after_s": 2})


def _error(exc: CopilotError) -> ErrorEvent:
    return ErrorEvent(error={"code": str(exc.code), "message": exc.message, "details": exc.details})


def _tell(queue: asyncio.Queue[Item], exc: CopilotError) -> None:
    if not queue.full():
        queue.put_nowait(_error(exc).model_dump_json())


async def _send(websocket: WebSocket, text: str) -> None:
    if websocket.application_state != WebSocketState.CONNECTED:  # closed by the shutdown meanwhile
        raise WebSocketDisconnect(CLOSE_RESTART)
    await websocket.send_text(text)


async def _close(websocket: WebSocket, code: int, exc: CopilotError) -> None:
    if websocket.application_state != WebSocketState.CONNECTED:
        return
    try:
        await _send(websocket, _error(exc).model_dump_json())
        await websocket.close(code=code, reason=exc.code)
    except (WebSocketDisconnect, RuntimeError, OSError):  # the client went first
        pass
