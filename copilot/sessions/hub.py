"""Fan-out of a live session's events to every socket following it: the desktop integration that pushes the
turns and the agent's sidebar that shows the suggestions may be two connections to the same session, on one
replica (`MemoryHub`) or on several (`copilot/state/on_redis.py`)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel

QUEUE_LIMIT = 256  # a follower this far behind is dropped events rather than growing memory without bound

# What a follower's queue holds: an event as the JSON text the socket sends, or LOST when the events can no longer
# arrive (the shared state went away): the socket then closes and the client reconnects.
Item = str | None
LOST: Item = None


class LiveHub(ABC):
    """Used from the event loop only (publishing happens after the worker thread has returned)."""

    @abstractmethod
    async def follow(self, session_id: str) -> asyncio.Queue[Item]:
        """A queue that receives the session's events from now on, until `leave`."""

    @abstractmethod
    def leave(self, session_id: str, queue: asyncio.Queue[Item]) -> None: ...

    @abstractmethod
    async def publish(self, session_id: str, events: Sequence[BaseModel]) -> None:
        """To every follower of the session, wherever it is connected."""

    async def aclose(self) -> None:
        """Release connections."""
        return None


class MemoryHub(LiveHub):
    def __init__(self) -> None:
        self._followers: dict[str, set[asyncio.Queue[Item]]] = defaultdict(set)

    async def follow(self, session_id: str) -> asyncio.Queue[Item]:
        return self.follow_now(session_id)

    def follow_now(self, session_id: str) -> asyncio.Queue[Item]:
        queue: asyncio.Queue[Item] = asyncio.Queue(QUEUE_LIMIT)
        self._followers[session_id].add(queue)
        return queue

    def leave(self, session_id: str, queue: asyncio.Queue[Item]) -> None:
        followers = self._followers.get(session_id)
        if followers is not None:
            followers.discard(queue)
            if not followers:
                del self._followers[session_id]

    async def publish(self, session_id: str, events: Sequence[BaseModel]) -> None:
        self.deliver(session_id, [event.model_dump_json() for event in events])

    def deliver(self, session_id: str, texts: Sequence[str]) -> None:
        for queue in list(self._followers.get(session_id, ())):
            for text in texts:
                if not queue.full():
                    queue.put_nowait(text)

    def lose_all(self) -> None:
        """Tell every follower its events stopped; they leave on their own."""
        for followers in list(self._followers.values()):
            for queue in list(followers):
                while queue.full():
                    queue.get_nowait()
                queue.put_nowait(LOST)

    def followers(self, session_id: str) -> int:
        return len(self._followers.get(session_id, ()))
