"""Sessions in memory with an idle TTL and a size bound; each belongs to the key that opened it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from copilot.ask.models import ChatTurn
from copilot.errors import Forbidden
from copilot.rulebook.models import Channel
from copilot.settings import SessionSettings
from copilot.suggest.models import ScenarioMatch
from copilot.suggest.transcript import Turn

Clock = Callable[[], float]


@dataclass
class Session:
    id: str
    owner: str
    channel: Channel | None
    turns: deque[Turn]
    chat: deque[ChatTurn]
    seen: float
    count: int = 0  # final turns ever received (turns keeps only the last ones)
    agent_turns: int = 0
    scenario: ScenarioMatch | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)  # one turn at a time per session


class SessionStore:
    def __init__(self, settings: SessionSettings, clock: Clock = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def open(self, session_id: str, owner: str, channel: Channel | None = None) -> tuple[Session, bool]:
        """The session (created when new or expired) and whether it existed. Another key's session is refused."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id)
            existed = session is not None
            if session is None:
                session = Session(session_id, owner, channel, deque(maxlen=self._settings.turns_kept),
                                  deque(maxlen=self._settings.chat_history), now)
                self._sessions[session_id] = session
                while len(self._sessions) > self._settings.max_sessions:
                    self._sessions.popitem(last=False)
            elif session.owner != owner:
                raise Forbidden("this session belongs to another API key", {"session_id": session_id})
            session.seen = now
            if channel is not None:
                session.channel = channel
            self._sessions.move_to_end(session_id)
            return session, existed

    def get(self, session_id: str, owner: str) -> Session | None:
        with self._lock:
            self._expire(self._clock())
            session = self._sessions.get(session_id)
        if session is not None and session.owner != owner:
            raise Forbidden("this session belongs to another API key", {"session_id": session_id})
        return session

    def close(self, session_id: str, owner: str) -> bool:
        if self.get(session_id, owner) is None:
            return False
        with self._lock:
            return self._sessions.pop(session_id, None) is not None

    def expires_in(self, session: Session) -> float:
        return max(0.0, session.seen + self._settings.ttl_s - self._clock())

    def __len__(self) -> int:
        return len(self._sessions)

    def _expire(self, now: float) -> None:
        # least recently used first: stop at the first one still alive
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.seen < self._settings.ttl_s:
                return
            self._sessions.popitem(last=False)
