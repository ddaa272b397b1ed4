"""API keys with roles, and the per-key rate limit. Keys are compared by SHA-256; only hashes are configured."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security, WebSocket
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from limits import parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from copilot.errors import Forbidden, RateLimited, Unauthorized
from copilot.settings import Role, Settings

log = logging.getLogger("copilot.auth")

# What each role may do; a role includes the ones before it.
ROLE_RANK: dict[Role, int] = {"agent": 1, "qa": 2, "admin": 3}
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (or use Bearer).")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return f"cpk_{secrets.token_urlsafe(32)}"


class Authenticator:
    def __init__(self, settings: Settings, rate_storage: Storage | None = None) -> None:
        self.enabled = settings.auth.enabled
        self._keys = [(k.sha256, Principal(k.name, k.role)) for k in settings.auth.keys]
        self._limiter = RateLimiter(settings.limits.rate_limit, rate_storage or MemoryStorage())
        if not self.enabled:
            log.warning("AUTH IS OFF: every request is treated as admin. Set COPILOT_AUTH__ENABLED=true with "
                        "COPILOT_AUTH__KEYS for anything but local development.")

    def identify(self, key: str | None, client: str) -> Principal:
        if not self.enabled:
            return Principal(f"anonymous@{client}", "admin")
        if not key:
            raise Unauthorized("an API key is required (X-API-Key header or Authorization: Bearer)")
        digest = hash_key(key)
        for known, principal in self._keys:
            if hmac.compare_digest(known, digest):
                return principal
        raise Unauthorized("unknown API key")

    def authorise(self, principal: Principal, role: Role) -> None:
        if ROLE_RANK[principal.role] < ROLE_RANK[role]:
            raise Forbidden(f"role {principal.role!r} may not use this route; it needs {role!r}",
                            {"role": principal.role, "required": role})

    def count(self, principal: Principal) -> None:
        """One request against the principal's rate limit (RateLimited when it is spent)."""
        self.count_name(principal.name)

    def count_name(self, name: str) -> None:
        self._limiter.hit(name)


class RateLimiter:
    """A moving-window limit per principal, counted in `storage`: memory (each replica counts its own requests) or
    Redis (the replicas count together). While a shared storage fails, this replica counts alone rather than
    refusing or failing the requests: the limit protects capacity, and suggest and check must go on."""

    RETRY_SHARED_S = 5.0

    def __init__(self, spec: str, storage: Storage) -> None:
        self._items = parse_many(spec)
        self._shared = MovingWindowRateLimiter(storage)
        self._alone = MovingWindowRateLimiter(MemoryStorage())
        self._alone_until = 0.0

    def hit(self, who: str) -> None:
        limiter = self._shared if time.monotonic() >= self._alone_until else self._alone
        try:
            self._hit(limiter, who)
        except StorageError as exc:
            log.warning("rate-limit storage unreachable (%s); counting on this replica alone for %.0f s",
                        type(exc.storage_error).__name__, self.RETRY_SHARED_S)
            self._alone_until = time.monotonic() + self.RETRY_SHARED_S
            self._hit(self._alone, who)

    def _hit(self, limiter: MovingWindowRateLimiter, who: str) -> None:
        for item in self._items:
            if not limiter.hit(item, who):
                reset_at, _remaining = limiter.get_window_stats(item, who)
                raise RateLimited(f"rate limit {item} exceeded", {
                    "limit": str(item), "retry_after_s": max(1, int(reset_at - time.time()) + 1)})


def require(role: Role) -> Any:
    """A dependency: the caller's key must exist and have at least `role`."""

    def check(request: Request,
              key: Annotated[str | None, Security(_api_key)] = None,
              bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None) -> Principal:
        authenticator: Authenticator = request.app.state.authenticator
        client = request.client.host if request.client else "unknown"
        principal = authenticator.identify(key or (bearer.credentials if bearer else None), client)
        authenticator.authorise(principal, role)
        authenticator.count(principal)
        request.state.principal = principal
        return principal

    return Depends(check)


SOCKET_AUTH_TIMEOUT_S = 10.0


async def authenticate_socket(websocket: WebSocket, role: Role) -> Principal:
    """A WebSocket's caller: the X-API-Key or Bearer header when the client can set headers (desktop apps);
    otherwise, with auth on, the first message must be {"type": "auth", "api_key": "..."} (browsers cannot set
    headers on a WebSocket, and a key in the URL would end up in access logs)."""
    authenticator: Authenticator = websocket.app.state.authenticator
    client = websocket.client.host if websocket.client else "unknown"
    key = websocket.headers.get("x-api-key")
    scheme, _, credentials = websocket.headers.get("authorization", "").partition(" ")
    if not key and scheme.lower() == "bearer":
        key = credentials.strip()
    if authenticator.enabled and not key:
        try:
            message = await asyncio.wait_for(websocket.receive_json(), SOCKET_AUTH_TIMEOUT_S)
        except (TimeoutError, ValueError) as exc:
            raise Unauthorized('send {"type": "auth", "api_key": "..."} first, or an X-API-Key header') from exc
        if isinstance(message, dict) and message.get("type") == "auth":
            key = str(message.get("api_key") or "")
    principal = authenticator.identify(key, client)
    authenticator.authorise(principal, role)
    return principal
