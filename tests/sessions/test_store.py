from __future__ import annotations

import pytest

from copilot.ask.models import ChatRequest, ChatResponse
from copilot.errors import Forbidden
from copilot.sessions.chat import history_for, remember
from copilot.sessions.store import SessionStore
from copilot.settings import SessionSettings
from copilot.suggest.transcript import Turn


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _store(clock: Clock, **settings: object) -> SessionStore:
    return SessionStore(SessionSettings(**settings), clock=clock)  # type: ignore[arg-type]


def test_a_session_resumes_within_its_ttl_and_is_new_after() -> None:
    clock = Clock()
    store = _store(clock, ttl_s=60)
    session, existed = store.open("call-1", "alice", "voice")
    session.turns.append(Turn(role="customer", text="你好"))
    assert not existed
    clock.now += 59
    again, existed = store.open("call-1", "alice")
    assert existed and again is session and again.channel == "voice"
    clock.now += 61
    assert store.get("call-1", "alice") is None
    fresh, existed = store.open("call-1", "alice")
    assert not existed and not fresh.turns


def test_only_the_last_turns_are_kept() -> None:
    session, _ = _store(Clock(), turns_kept=3).open("s", "a")
    for i in range(5):
        session.turns.append(Turn(role="customer", text=str(i)))
    assert [t.text for t in session.turns] == ["2", "3", "4"]


def test_the_least_recently_used_session_goes_first() -> None:
    clock = Clock()
    store = _store(clock, max_sessions=2)
    store.open("a", "k")
    clock.now += 1
    store.open("b", "k")
    clock.now += 1
    store.open("a", "k")  # used again: b is now the oldest
    store.open("c", "k")
    assert store.get("b", "k") is None and store.get("a", "k") is not None and len(store) == 2


def test_another_key_cannot_read_or_write_a_session() -> None:
    store = _store(Clock())
    store.open("call-1", "alice")
    with pytest.raises(Forbidden):
        store.open("call-1", "mallory")
    with pytest.raises(Forbidden):
        store.get("call-1", "mallory")


def test_close_forgets_the_session() -> None:
    store = _store(Clock())
    store.open("s", "k")
    assert store.close("s", "k") and store.get("s", "k") is None and not store.close("s", "k")


def test_chat_history_is_kept_per_session_and_bounded() -> None:
    store = _store(Clock(), chat_history=4)
    for n in range(3):
        request = ChatRequest(question=f"问题{n}", session_id="chat-1")
        assert len(history_for(store, request, "k")) == min(2 * n, 4)
        remember(store, request, "k", ChatResponse(question=request.question, answered=True, answer=f"答{n}",
                                                   origin="passages", citations=[]))
    history = history_for(store, ChatRequest(question="再问", session_id="chat-1"), "k")
    assert [t.text for t in history] == ["问题1", "答1", "问题2", "答2"]


def test_a_request_with_its_own_history_or_no_session_keeps_nothing() -> None:
    store = _store(Clock())
    request = ChatRequest(question="问", history=[{"role": "agent", "text": "早先的问题"}])  # type: ignore[list-item]
    assert [t.text for t in history_for(store, request, "k")] == ["早先的问题"]
    remember(store, ChatRequest(question="问"), "k", ChatResponse(question="问", answered=False, answer="x",
                                                                  origin="passages", citations=[]))
    assert len(store) == 0
