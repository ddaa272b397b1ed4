"""The shared state on Redis: sessions as JSON values with a TTL, a lock per session, live events over pub/sub,
and the rate-limit counters (the `limits` library's Redis storage). Every replica pointed at the same Redis sees
the same sessions and receives the events of turns pushed to any of them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import Any

import redis.asyncio as aioredis
from limits.storage import RedisStorage
from pydantic import BaseModel
from redis.asyncio.lock import Lock
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import LockError, RedisError
from redis.retry import Retry as SyncRetry

from copilot.errors import StateUnavailable
from copilot.rulebook.models import Channel
from copilot.sessions.hub import Item, LiveHub, MemoryHub
from copilot.sessions.store import Session, SessionStore, refuse_other_owner
from copilot.settings import SessionSettings, StateSettings

log = logging.getLogger("copilot.state")
LOCK_POLL_S = 0.02  # turns of one call follow each other closely: do not make the second wait long


@contextmanager
def unavailable(what: str) -> Iterator[None]:
    """Redis errors as the domain error the API answers 503 state_unavailable with."""
    try:
        yield
    except (RedisError, OSError) as exc:
        raise StateUnavailable(f"the shared state (Redis) is unreachable: {what}",
                               {"reason": type(exc).__name__, "retry_after_s": 2}) from exc


def connect(settings: StateSettings) -> aioredis.Redis:
    """No connection is made here: the pool connects on first use, on the serving event loop."""
    assert settings.redis_url is not None
    # One immediate retry (a connection the server closed while idle), then fail fast: a live call is waiting.
    return aioredis.Redis.from_url(
        settings.redis_url.get_secret_value(), decode_responses=True, retry=Retry(NoBackoff(), 1),
        socket_connect_timeout=settings.timeout_s, socket_timeout=settings.timeout_s)


def rate_storage(settings: StateSettings) -> RedisStorage:
    assert settings.redis_url is not None
    options: dict[str, Any] = {"socket_connect_timeout": settings.timeout_s, "socket_timeout": settings.timeout_s,
                               "retry": SyncRetry(NoBackoff(), 1)}
    return RedisStorage(settings.redis_url.get_secret_value(), key_prefix=f"{settings.key_prefix}limits",
                        wrap_exceptions=True, **options)


class RedisSessionStore(SessionStore):
    def __init__(self, settings: SessionSettings, state: StateSettings, client: aioredis.Redis) -> None:
        super().__init__(settings)
        self._client = client
        self._prefix = state.key_prefix
        self._lock_timeout = state.lock_timeout_s

    def _key(self, session_id: str) -> str:
        return f"{self._prefix}session:{session_id}"

    async def open(self, session_id: str, owner: str, channel: Channel | None = None) -> tuple[Session, bool]:
        ttl = int(self.settings.ttl_s) or 1
        with unavailable("opening the session"):
            raw = await self._client.getex(self._key(session_id), ex=ttl)  # read and keep alive at once
            if raw is None:
                session = Session(id=session_id, owner=owner, channel=channel)
                if await self._client.set(self._key(session_id), session.model_dump_json(), ex=ttl, nx=True):
                    session.expires_in_s = ttl
                    return session, False
                raw = await self._client.get(self._key(session_id))  # another replica created it meanwhile
                if raw is None:
                    return await self.open(session_id, owner, channel)
        session = Session.model_validate_json(raw)
        refuse_other_owner(session, owner)
        session.channel = channel or session.channel
        session.expires_in_s = ttl
        return session, True

    async def get(self, session_id: str, owner: str) -> Session | None:
        with unavailable("reading the session"):
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.get(self._key(session_id))
                pipe.pttl(self._key(session_id))
                raw, ttl_ms = await pipe.execute()
        if raw is None:
            return None
        session = Session.model_validate_json(raw)
        refuse_other_owner(session, owner)
        session.expires_in_s = max(0.0, ttl_ms / 1000)
        return session

    async def close(self, session_id: str, owner: str) -> bool:
        if await self.get(session_id, owner) is None:
            return False
        with unavailable("ending the session"):
            return bool(await self._client.delete(self._key(session_id)))

    @asynccontextmanager
    async def lock(self, session_id: str) -> AsyncIterator[None]:
        # The lock expires on its own: a replica killed while it holds it frees the session after lock_timeout_s.
        lock = Lock(self._client, f"{self._prefix}lock:{session_id}", timeout=self._lock_timeout,
                    sleep=LOCK_POLL_S, blocking_timeout=self._lock_timeout)
        with unavailable("locking the session"):
            if not await lock.acquire():
                raise StateUnavailable("the session stayed busy with another turn", {"session_id": session_id})
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:  # held longer than lock_timeout_s: the change was stored anyway
                log.warning("the lock of session %s expired before its turn finished", session_id)
            except (RedisError, OSError):
                log.warning("could not release the lock of session %s; it expires on its own", session_id)

    async def _save(self, session: Session) -> None:
        with unavailable("storing the session"):
            await self._client.set(self._key(session.id), session.model_dump_json(), ex=int(self.settings.ttl_s) or 1)

    async def ping(self) -> None:
        with unavailable("ping"):
            await self._client.ping()

    async def aclose(self) -> None:
        await self._client.aclose()


class RedisHub(LiveHub):
    """One pattern subscription per replica receives every session's events; the local followers of a session
    get them from there, those of the replica that published included (so the order is Redis's, everywhere)."""

    def __init__(self, state: StateSettings, client: aioredis.Redis) -> None:
        self._client = client
        self._prefix = f"{state.key_prefix}live:"
        self._timeout = state.timeout_s
        self._local = MemoryHub()
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def follow(self, session_id: str) -> asyncio.Queue[Item]:
        async with self._starting:
            if self._reader is None or self._reader.done():
                self._reader = await self._subscribe()
        return self._local.follow_now(session_id)

    def leave(self, session_id: str, queue: asyncio.Queue[Item]) -> None:
        self._local.leave(session_id, queue)

    async def publish(self, session_id: str, events: Sequence[BaseModel]) -> None:
        if not events:
            return
        with unavailable("publishing the session's events"):
            async with self._client.pipeline(transaction=False) as pipe:
                for event in events:
                    pipe.publish(self._prefix + session_id, event.model_dump_json())
                await pipe.execute()

    async def _subscribe(self) -> asyncio.Task[None]:
        pubsub = self._client.pubsub()
        with unavailable("following the session"):
            await pubsub.psubscribe(self._prefix + "*")
            # wait for the confirmation: from then on no event published anywhere is missed
            message = await pubsub.get_message(timeout=self._timeout)
        if message is None or message["type"] != "psubscribe":
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            raise StateUnavailable("the shared state (Redis) did not confirm the subscription", {"retry_after_s": 2})
        return asyncio.create_task(self._read(pubsub), name="copilot-live-events")

    async def _read(self, pubsub: aioredis.client.PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message["type"] == "pmessage":
                    self._local.deliver(message["channel"].removeprefix(self._prefix), [message["data"]])
        except (RedisError, OSError) as exc:
            log.warning("live events from Redis stopped (%s); following sockets are closed", type(exc).__name__)
        finally:
            # its followers would wait forever: they close, and their clients reconnect once Redis is back
            self._local.lose_all()
            with suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
