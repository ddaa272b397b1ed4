"""Pure ASGI middleware (streaming-safe): request ids, body-size limit, access log and request metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copilot.api.errors import error_response
from copilot.errors import ErrorCode
from copilot.observability.context import reset_request_id, set_request_id
from copilot.observability.metrics import Metrics

log = logging.getLogger("copilot.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
UPLOAD_PREFIX = "/v1/knowledge/documents"


class _BodyTooLarge(Exception):
    pass


class RequestMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get("x-request-id", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = set_request_id(request_id)
        started = time.perf_counter()
        status = {"code": 500}
        limit = self.max_upload if scope["path"].startswith(UPLOAD_PREFIX) else self.max_body

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            declared = headers.get("content-length", "")
            if declared.isdigit():
                if int(declared) > limit:
                    raise _BodyTooLarge
            elif scope["method"] in ("POST", "PUT", "PATCH"):
                receive = await _buffered(receive, limit)
            await self.app(scope, receive, send_with_id)
        except _BodyTooLarge:
            response = error_response(413, ErrorCode.PAYLOAD_TOO_LARGE, f"request body over {limit} bytes",
                                      {"limit_bytes": limit})
            await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route_of(scope)
            self.metrics.observe_request(route, scope["method"], status["code"], seconds)
            log.info("%s %s %s", scope["method"], route, status["code"], extra={
                "request_id": request_id, "status": status["code"], "duration_ms": round(seconds * 1000, 2),
                "principal": getattr(scope.get("state", {}).get("principal"), "name", None)})
            reset_request_id(token)


async def _buffered(receive: Receive, limit: int) -> Receive:
    """A chunked body has no Content-Length: read it up to the limit before the app sees it, then replay it."""
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > limit:
            raise _BodyTooLarge
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _route_of(scope: Scope) -> str:
    """The route template (bounded label values), not the raw path."""
    route = scope.get("route")
    return getattr(route, "path", None) or ("unmatched" if scope.get("path", "").startswith("/v1") else "other")
