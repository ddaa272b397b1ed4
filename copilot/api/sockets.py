"""The live sockets a replica holds, so that shutting down closes them with a reconnect hint rather than
dropping them."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from fastapi import WebSocket
from starlette.websockets import WebSocketState

log = logging.getLogger("copilot.sessions")

# WebSocket close codes (RFC 6455 / IANA): policy violation (do not retry), service restart (reconnect now,
# another replica will answer), try again later (reconnect after a pause).
CLOSE_POLICY, CLOSE_RESTART, CLOSE_TRY_AGAIN = 1008, 1012, 1013
RESTART_REASON = "server_restarting"


class LiveSockets:
    def __init__(self) -> None:
        self._open: set[WebSocket] = set()

    def add(self, websocket: WebSocket) -> None:
        self._open.add(websocket)

    def discard(self, websocket: WebSocket) -> None:
        self._open.discard(websocket)

    def __len__(self) -> int:
        return len(self._open)

    async def close_all(self, timeout_s: float = 5.0) -> None:
        """Close every socket with 1012 `server_restarting`; the clients reconnect, to another replica."""
        sockets = [s for s in self._open if s.application_state == WebSocketState.CONNECTED]
        if sockets:
            log.info("closing %d live sockets for the restart", len(sockets))
            try:
                await asyncio.wait_for(asyncio.gather(*(_close(s) for s in sockets)), timeout_s)
            except TimeoutError:  # a client that does not answer the close is dropped with the connection
                log.warning("live sockets did not close within %.0f s", timeout_s)


async def _close(websocket: WebSocket) -> None:
    with suppress(RuntimeError, OSError):  # already closing
        await websocket.close(code=CLOSE_RESTART, reason=RESTART_REASON)
