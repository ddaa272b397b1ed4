"""The in-memory session store and the chat history kept in it (the Redis store is in tests/state)."""

from __future__ import annotations

import asyncio

import pytest

from copilot.ask.models import ChatRequest, ChatResponse
from copilot.errors import Forbidden
from copilot.sessions.chat import history_for, remember
from copilot.sessions.store import MemorySessionStore, Session
from copilot.settings import SessionSettings
from copilot.suggest.transcript import Turn
from tests.conftest import run_async as run


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _store(clock: Clock, **settings: object) -> MemorySessionStore:
    return MemorySessionStore(SessionSettings(**settings), clock=clock)  # type: ignore[arg-type]


async def _add_turn(session: Session) -> None:
    session.add_turn(Turn(role="customer", text="你好"), keep=20)


def test_a_session_resumes_within_its_ttl_and_is_new_after() -> None:
    clock = Clock()
    store = _store(clock, ttl_s=60)
    _, session, existed = run(store.update("call-1", "alice", _add_turn, "voice"))
    assert not existed and session.count == 1
    clock.now += 59
    again, existed = run(store.open("call-1", "alice"))
    assert existed and again.channel == "voice" and again.count == 1 and again.expires_in_s == 60
    clock.now += 30
    assert run(store.get("call-1", "alice")).expires_in_s == 30  # type: ignore[union-attr]
    clock.now += 31
    assert run(store.get("call-1", "alice")) is None
    fresh, existed = run(store.open("call-1", "alice"))
    assert not existed and not fresh.turns


def test_only_the_last_turns_are_kept() -> None:
    session = Session(id="s", owner="a")
    indexes = [session.add_turn(Turn(role="customer", text=str(i)), keep=3) for i in range(5)]
    assert [t.text for t in session.turns] == ["2", "3", "4"] and indexes == [0, 1, 2, 3, 4]


def test_a_change_that_fails_stores_nothing() -> None:
    store = _store(Clock())
    run(store.update("s", "k", _add_turn))

    async def broken(session: Session) -> None:
        session.add_turn(Turn(role="agent", text="半句"), keep=20)
        raise RuntimeError("the model call failed")

    with pytest.raises(RuntimeError):
        run(store.update("s", "k", broken))
    assert run(store.get("s", "k")).count == 1  # type: ignore[union-attr]


def test_changes_to_one_session_wait_for_each_other() -> None:
    store = _store(Clock())

    async def slow_turn(session: Session) -> None:
        count = session.count
        await asyncio.sleep(0.01)  # a model call: another change would read the same count meanwhile
        session.count = count + 1

    async def both() -> None:
        await asyncio.gather(*(store.update("s", "k", slow_turn) for _ in range(5)))

    run(both())
    assert run(store.get("s", "k")).count == 5  # type: ignore[union-attr]


def test_the_least_recently_used_session_goes_first() -> None:
    clock = Clock()
    store = _store(clock, max_sessions=2)
    run(store.open("a", "k"))
    clock.now += 1
    run(store.open("b", "k"))
    clock.now += 1
    run(store.open("a", "k"))  # used again: b is now the oldest
    run(store.open("c", "k"))
    assert run(store.get("b", "k")) is None and run(store.get("a", "k")) is not None and len(store) == 2


def test_another_key_cannot_read_or_write_a_session() -> None:
    store = _store(Clock())
    run(store.open("call-1", "alice"))
    with pytest.raises(Forbidden):
        run(store.open("call-1", "mallory"))
    with pytest.raises(Forbidden):
        run(store.get("call-1", "mallory"))
    with pytest.raises(Forbidden):
        run(store.update("call-1", "mallory", _add_turn))


def test_close_forgets_the_session() -> None:
    store = _store(Clock())
    run(store.open("s", "k"))
    assert run(store.close("s", "k")) and run(store.get("s", "k")) is None and not run(store.close("s", "k"))


def test_chat_history_is_kept_per_session_and_bounded() -> None:
    store = _store(Clock(), chat_history=4)
    for n in range(3):
        request = ChatRequest(question=f"问题{n}", session_id="chat-1")
        assert len(run(history_for(store, request, "k"))) == min(2 * n, 4)
        run(remember(store, request, "k", ChatResponse(question=request.question, answered=True, answer=f"答{n}",
                                                       origin="passages", citations=[])))
    history = run(history_for(store, ChatRequest(question="再问", session_id="chat-1"), "k"))
    assert [t.text for t in history] == ["问题1", "答1", "问题2", "答2"]


def test_a_request_with_its_own_history_or_no_session_keeps_nothing() -> None:
    store = _store(Clock())
    request = ChatRequest(question="问", history=[{"role": "agent", "text": "早先的问题"}])  # type: ignore[list-item]
    assert [t.text for t in run(history_for(store, request, "k"))] == ["早先的问题"]
    run(remember(store, ChatRequest(question="问"), "k", ChatResponse(question="问", answered=False, answer="x",
                                                                      origin="passages", citations=[])))
    assert len(store) == 0
