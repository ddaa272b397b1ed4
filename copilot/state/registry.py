"""The shared state's backend, picked by `state.mode` (memory, or redis when `state.redis_url` is set). Redis's
client is imported only when it is configured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from limits.storage import MemoryStorage, Storage

from copilot.registry import Registry
from copilot.sessions.hub import LiveHub, MemoryHub
from copilot.sessions.store import MemorySessionStore, SessionStore
from copilot.settings import Settings


@dataclass
class SharedState:
    mode: str
    sessions: SessionStore
    hub: LiveHub
    rate_storage: Storage  # the `limits` library's counters

    async def ping(self) -> None:
        """Raises StateUnavailable when the state cannot be reached."""
        await self.sessions.ping()

    async def aclose(self) -> None:
        await self.hub.aclose()
        await self.sessions.aclose()


StateFactory = Callable[[Settings], SharedState]
STATES: Registry[StateFactory] = Registry("state")


@STATES.register("memory")
def _memory(settings: Settings) -> SharedState:
    return SharedState("memory", MemorySessionStore(settings.sessions), MemoryHub(), MemoryStorage())


@STATES.register("redis")
def _redis(settings: Settings) -> SharedState:
    from copilot.state.on_redis import RedisHub, RedisSessionStore, connect, rate_storage

    client = connect(settings.state)
    return SharedState("redis", RedisSessionStore(settings.sessions, settings.state, client),
                       RedisHub(settings.state, client), rate_storage(settings.state))


def open_state(settings: Settings) -> SharedState:
    """Connects lazily: nothing is reached before the first request that needs it."""
    return STATES.get(settings.state.mode)(settings)
