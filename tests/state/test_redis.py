"""The shared state on a real redis-server: two stores and two hubs stand for two replicas of the API."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from copilot.api.auth import Authenticator, Principal
from copilot.errors import Forbidden, RateLimited, StateUnavailable
from copilot.sessions.hub import LOST
from copilot.sessions.models import ErrorEvent
from copilot.sessions.store import Session
from copilot.settings import SessionSettings, Settings, StateSettings
from copilot.state.registry import SharedState, open_state
from copilot.suggest.transcript import Turn
from tests.conftest import run_async
from tests.servers import RedisServer

PREFIXES = itertools.count()


def _settings(url: str, **sessions: object) -> Settings:
    settings = Settings()
    settings.state = StateSettings(redis_url=SecretStr(url), key_prefix=f"t{next(PREFIXES)}:", timeout_s=0.5,
                                   lock_timeout_s=5)
    settings.sessions = SessionSettings(**sessions)  # type: ignore[arg-type]
    return settings


def _replicas(settings: Settings) -> tuple[SharedState, SharedState]:
    return open_state(settings), open_state(settings)


async def _add_turn(session: Session) -> int:
    return session.add_turn(Turn(role="customer", text="你好"), keep=3)


def test_a_session_changed_on_one_replica_is_read_on_the_other(redis_url: str) -> None:
    a, b = _replicas(_settings(redis_url, ttl_s=60))

    async def scenario() -> None:
        _, created, existed = await a.sessions.update("call-1", "desk-1", _add_turn, "voice")
        assert not existed and created.count == 1 and created.expires_in_s == 60
        for _ in range(4):
            await b.sessions.update("call-1", "desk-1", _add_turn)
        seen = await a.sessions.get("call-1", "desk-1")
        assert seen is not None and seen.count == 5 and len(seen.turns) == 3 and seen.channel == "voice"
        assert 59 < seen.expires_in_s <= 60
        with pytest.raises(Forbidden):
            await b.sessions.open("call-1", "desk-2")
        assert await b.sessions.close("call-1", "desk-1")
        assert await a.sessions.get("call-1", "desk-1") is None
        await a.aclose()
        await b.aclose()

    run_async(scenario())


def test_an_idle_session_expires(redis_url: str) -> None:
    (a, _) = _replicas(_settings(redis_url, ttl_s=1))

    async def scenario() -> None:
        await a.sessions.update("s", "k", _add_turn)
        await asyncio.sleep(1.2)
        assert await a.sessions.get("s", "k") is None
        await a.aclose()

    run_async(scenario())


def test_turns_pushed_to_two_replicas_at_once_are_all_kept(redis_url: str) -> None:
    a, b = _replicas(_settings(redis_url))

    async def slow_turn(session: Session) -> None:
        count = session.count
        await asyncio.sleep(0.02)  # a model call: without the lock the other replica would read the same count
        session.count = count + 1

    async def scenario() -> None:
        await asyncio.gather(*(replica.sessions.update("s", "k", slow_turn) for replica in (a, b) * 4))
        session = await a.sessions.get("s", "k")
        assert session is not None and session.count == 8
        await a.aclose()
        await b.aclose()

    run_async(scenario())


def test_events_published_on_one_replica_reach_followers_on_both(redis_url: str) -> None:
    a, b = _replicas(_settings(redis_url))
    event = ErrorEvent(error={"code": "x", "message": "y", "details": {}})

    async def scenario() -> None:
        on_b, on_a = await b.hub.follow("call-1"), await a.hub.follow("call-1")
        other = await b.hub.follow("call-2")
        await a.hub.publish("call-1", [event, event])
        for queue in (on_a, on_b):
            assert [await asyncio.wait_for(queue.get(), 5) for _ in range(2)] == [event.model_dump_json()] * 2
        assert other.empty()
        b.hub.leave("call-1", on_b)
        await a.hub.publish("call-1", [event])
        assert await asyncio.wait_for(on_a.get(), 5) == event.model_dump_json() and on_b.empty()
        await a.aclose()
        await b.aclose()

    run_async(scenario())


def test_the_rate_limit_counts_requests_on_every_replica(redis_url: str) -> None:
    settings = _settings(redis_url)
    settings.limits.rate_limit = "4/minute"
    a, b = (Authenticator(settings, open_state(settings).rate_storage) for _ in range(2))
    desk = Principal("desk-1", "agent")
    for authenticator in (a, b, a, b):
        authenticator.count(desk)
    for authenticator in (a, b):
        with pytest.raises(RateLimited):
            authenticator.count(desk)


@pytest.fixture
def outage() -> Iterator[RedisServer]:
    """A Redis of its own, for tests that stop it."""
    server = RedisServer().start()
    yield server
    server.stop()


def test_without_redis_sessions_fail_with_state_unavailable_and_followers_are_told(outage: RedisServer) -> None:
    state = open_state(_settings(outage.url))

    async def scenario() -> None:
        queue = await state.hub.follow("call-1")
        await state.sessions.update("call-1", "k", _add_turn)
        outage.stop()
        assert await asyncio.wait_for(queue.get(), 10) is LOST
        for call in (state.sessions.open("call-1", "k"), state.sessions.get("call-1", "k"), state.ping(),
                     state.hub.follow("call-2")):
            with pytest.raises(StateUnavailable):
                await call
        with pytest.raises(StateUnavailable):
            await state.sessions.update("call-1", "k", _add_turn)
        outage.start()  # back (empty: no persistence): new sessions work again without a restart
        await state.hub.follow("call-3")
        _, session, existed = await state.sessions.update("call-1", "k", _add_turn)
        assert not existed and session.count == 1
        await state.aclose()

    run_async(scenario())


def test_without_redis_the_rate_limit_is_counted_on_each_replica(outage: RedisServer) -> None:
    settings = _settings(outage.url)
    settings.limits.rate_limit = "3/minute"
    authenticator = Authenticator(settings, open_state(settings).rate_storage)
    desk = Principal("desk-1", "agent")
    authenticator.count(desk)
    outage.stop()
    for _ in range(3):  # no error: counted from here on by this replica alone
        authenticator.count(desk)
    with pytest.raises(RateLimited):
        authenticator.count(desk)
