"""Where live and chat sessions are kept: the store's interface, and the in-memory store of one process.

Every change to a session goes through `update`, under the session's lock, on a copy that replaces the stored
session only when the change completed; with Redis (`copilot/state/on_redis.py`) the lock and the session are
shared by every replica, so a turn pushed to one replica and a turn pushed to another never overwrite each other.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

from pydantic import BaseModel, Field

from copilot.ask.models import ChatTurn
from copilot.errors import Forbidden
from copilot.rulebook.models import Channel
from copilot.settings import SessionSettings
from copilot.suggest.models import ScenarioMatch
from copilot.suggest.transcript import Turn

Clock = Callable[[], float]
T = TypeVar("T")
Change = Callable[["Session"], Awaitable[T]]


class Session(BaseModel):
    id: str
    owner: str
    channel: Channel | None = None
    turns: list[Turn] = Field(default_factory=list, description="The last `turns_kept` final turns.")
    chat: list[ChatTurn] = Field(default_factory=list, description="The last questions and answers of /v1/chat.")
    count: int = 0  # final turns ever received (turns keeps only the last ones)
    agent_turns: int = 0
    scenario: ScenarioMatch | None = None
    expires_in_s: float = Field(default=0.0, exclude=True, description="Set by the store when it hands it out.")

    def add_turn(self, turn: Turn, keep: int) -> int:
        """The turn's index over the whole session."""
        self.turns = [*self.turns, turn][-keep:]
        self.count += 1
        return self.count - 1

    def add_chat(self, question: str, answer: str, keep: int) -> None:
        self.chat = [*self.chat, ChatTurn(role="agent", text=question), ChatTurn(role="copilot", text=answer)]
        self.chat = self.chat[-keep:] if keep else []


def refuse_other_owner(session: Session, owner: str) -> None:
    if session.owner != owner:
        raise Forbidden("this session belongs to another API key", {"session_id": session.id})


class SessionStore(ABC):
    """Sessions with an idle TTL; each belongs to the key that opened it (another key's access is Forbidden)."""

    def __init__(self, settings: SessionSettings) -> None:
        self.settings = settings

    @abstractmethod
    async def open(self, session_id: str, owner: str, channel: Channel | None = None) -> tuple[Session, bool]:
        """A copy of the session (created when new or expired, kept alive when not) and whether it existed; a
        `channel` given here is stored by `update`."""

    @abstractmethod
    async def get(self, session_id: str, owner: str) -> Session | None:
        """The session as stored, or None; does not keep it alive."""

    @abstractmethod
    async def close(self, session_id: str, owner: str) -> bool:
        """Forget it now; False when there was none."""

    @abstractmethod
    def lock(self, session_id: str) -> AbstractAsyncContextManager[None]:
        """One change at a time per session."""

    @abstractmethod
    async def _save(self, session: Session) -> None:
        """Store the session and restart its TTL."""

    async def update(self, session_id: str, owner: str, change: Change[T],
                     channel: Channel | None = None) -> tuple[T, Session, bool]:
        """Apply `change` to the session under its lock and store the result; (its result, the session, existed).
        Nothing is stored when `change` raises."""
        async with self.lock(session_id):
            session, existed = await self.open(session_id, owner, channel)
            result = await change(session)
            await self._save(session)
            session.expires_in_s = self.settings.ttl_s
            return result, session, existed

    async def ping(self) -> None:
        """Raises StateUnavailable when the store cannot be reached."""
        return None

    async def aclose(self) -> None:
        """Release connections."""
        return None


class MemorySessionStore(SessionStore):
    """One process's sessions, least recently used first, bounded by `max_sessions`. Used from the event loop."""

    def __init__(self, settings: SessionSettings, clock: Clock = time.monotonic) -> None:
        super().__init__(settings)
        self._clock = clock
        self._sessions: OrderedDict[str, tuple[Session, float]] = OrderedDict()  # (session, last seen)
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # (lock, holders and waiters)

    async def open(self, session_id: str, owner: str, channel: Channel | None = None) -> tuple[Session, bool]:
        now = self._clock()
        self._expire(now)
        entry = self._sessions.get(session_id)
        stored = Session(id=session_id, owner=owner, channel=channel) if entry is None else entry[0]
        refuse_other_owner(stored, owner)
        self._put(stored, now)
        session = stored.model_copy(deep=True)  # a change is stored by `update` only
        session.channel = channel or session.channel
        session.expires_in_s = self.settings.ttl_s
        return session, entry is not None

    async def get(self, session_id: str, owner: str) -> Session | None:
        now = self._clock()
        self._expire(now)
        entry = self._sessions.get(session_id)
        if entry is None:
            return None
        refuse_other_owner(entry[0], owner)
        session = entry[0].model_copy(deep=True)
        session.expires_in_s = max(0.0, entry[1] + self.settings.ttl_s - now)
        return session

    async def close(self, session_id: str, owner: str) -> bool:
        if await self.get(session_id, owner) is None:
            return False
        return self._sessions.pop(session_id, None) is not None

    @asynccontextmanager
    async def lock(self, session_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(session_id, (asyncio.Lock(), 0))
        self._locks[session_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[session_id]
            if users == 1:
                del self._locks[session_id]
            else:
                self._locks[session_id] = (lock, users - 1)

    async def _save(self, session: Session) -> None:
        self._put(session.model_copy(deep=True), self._clock())

    def _put(self, session: Session, now: float) -> None:
        self._sessions[session.id] = (session, now)
        self._sessions.move_to_end(session.id)
        while len(self._sessions) > self.settings.max_sessions:
            self._sessions.popitem(last=False)

    def __len__(self) -> int:
        return len(self._sessions)

    def _expire(self, now: float) -> None:
        # least recently used first: stop at the first one still alive
        while self._sessions:
            _, seen = next(iter(self._sessions.values()))
            if now - seen < self.settings.ttl_s:
                return
            self._sessions.popitem(last=False)
