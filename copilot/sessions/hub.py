"""Fan-out of a live session's events to every socket following it: the desktop integration that pushes the
turns and the agent's sidebar that shows the suggestions may be two connections to the same session."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from pydantic import BaseModel

QUEUE_LIMIT = 256  # a follower this far behind is dropped events rather than growing memory without bound


class LiveHub:
    """Used from the event loop only (publishing happens after the worker thread has returned)."""

    def __init__(self) -> None:
        self._followers: dict[str, set[asyncio.Queue[BaseModel]]] = defaultdict(set)

    def follow(self, session_id: str) -> asyncio.Queue[BaseModel]:
        queue: asyncio.Queue[BaseModel] = asyncio.Queue(QUEUE_LIMIT)
        self._followers[session_id].add(queue)
        return queue

    def leave(self, session_id: str, queue: asyncio.Queue[BaseModel]) -> None:
        followers = self._followers.get(session_id)
        if followers is not None:
            followers.discard(queue)
            if not followers:
                del self._followers[session_id]

    def publish(self, session_id: str, events: list[BaseModel]) -> None:
        for queue in list(self._followers.get(session_id, ())):
            for event in events:
                if not queue.full():
                    queue.put_nowait(event)

    def followers(self, session_id: str) -> int:
        return len(self._followers.get(session_id, ()))
