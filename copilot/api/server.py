"""uvicorn, stopping the way a replica behind a load balancer should: on SIGTERM it stops accepting connections,
closes its live sockets with 1012 (service restart) so that their clients reconnect to another replica at once,
lets the requests in flight finish (up to `server.drain_s`), then exits."""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI

from copilot.api.sockets import LiveSockets
from copilot.settings import Settings


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, sockets: LiveSockets) -> None:
        super().__init__(config)
        self._sockets = sockets

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:  # no new connection may land here while the sockets go
            server.close()
        # uvicorn would drop them with a bare 1012; closing them here sends the reason the sidebar reads
        await self._sockets.close_all()
        await super().shutdown(sockets)


def run(app: FastAPI, settings: Settings, host: str, port: int) -> None:
    config = uvicorn.Config(app, host=host, port=port, log_config=None,
                            timeout_graceful_shutdown=int(settings.server.drain_s))
    DrainingServer(config, app.state.sockets).run()
