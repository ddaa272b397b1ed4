"""Two apps (two replicas in one process, fake embedder) on a real redis-server: a session pushed to one is
followed and resumed on the other; with Redis gone live sessions answer 503 state_unavailable and sockets close
with a reason, while suggest, check and rewrite go on. Replicas as processes: tests/integration/test_replicas.py."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.websockets import WebSocketDisconnect

from copilot.api import create_app
from copilot.settings import Settings
from tests.conftest import make_settings
from tests.servers import RedisServer

CUSTOMER = {"role": "customer", "text": "你们电话怎么这么难打，等了半个小时"}
FORBIDDEN = {"role": "agent", "text": "这事不归我管，你自己去看"}
PREFIXES = itertools.count()


def _settings(tmp: Path, redis_url: str, prefix: str) -> Settings:
    settings = make_settings(tmp)
    settings.state.redis_url = SecretStr(redis_url)
    settings.state.key_prefix = prefix
    settings.state.timeout_s = 0.5
    return settings


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def replicas(redis: RedisServer, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    if not redis.running:  # a test before stopped it
        redis.start()
    prefix = f"r{next(PREFIXES)}:"
    with ExitStack() as stack:
        clients = []
        for name in ("a", "b"):
            app = create_app(_settings(tmp_path / name, redis.url, prefix))
            clients.append(stack.enter_context(TestClient(app)))
            app.state.holder.wait(120)
        yield clients[0], clients[1]


def test_a_session_pushed_to_one_replica_is_followed_and_resumed_on_the_other(
        replicas: tuple[TestClient, TestClient]) -> None:
    a, b = replicas
    with b.websocket_connect("/v1/sessions/call-1/live?channel=voice") as follower:
        assert follower.receive_json()["session"]["resumed"] is False
        pushed = a.post("/v1/sessions/call-1/turns", json={"turns": [CUSTOMER, FORBIDDEN]})
        assert pushed.status_code == 200 and pushed.json()["session"]["channel"] == "voice"
        received = [follower.receive_json() for _ in range(3)]
        assert [e["type"] for e in received] == ["scenario", "suggestions", "check"]
        assert received == pushed.json()["events"]
    with a.websocket_connect("/v1/sessions/call-1/live") as resumed:
        session = resumed.receive_json()["session"]
        assert session["resumed"] and session["turns"] == 2 and session["scenario"] == received[0]["scenario"]
        resumed.send_json({"type": "turn", **CUSTOMER})
        assert resumed.receive_json()["turn"] == 2  # numbered after the turns pushed to the other replica
    assert b.get("/v1/sessions/call-1").json()["turns"] == 3
    assert b.delete("/v1/sessions/call-1").status_code == 204
    assert a.get("/v1/sessions/call-1").status_code == 404


def test_chat_history_follows_the_session_to_the_other_replica(replicas: tuple[TestClient, TestClient]) -> None:
    a, b = replicas
    assert a.post("/v1/chat", json={"question": "投诉当场答复不了怎么办？", "session_id": "chat-1"}).status_code == 200
    assert b.post("/v1/chat", json={"question": "那要多久？", "session_id": "chat-1"}).status_code == 200
    session = a.get("/v1/sessions/chat-1").json()
    assert session["turns"] == 0  # chat only: no transcript turns


def test_without_redis_live_sessions_answer_503_and_the_rest_goes_on(
        replicas: tuple[TestClient, TestClient], redis: RedisServer) -> None:
    a, _ = replicas
    with a.websocket_connect("/v1/sessions/call-2/live") as following:
        assert following.receive_json()["type"] == "session"
        redis.stop()
        assert following.receive_json()["error"]["code"] == "state_unavailable"
        with pytest.raises(WebSocketDisconnect) as closed:
            following.receive_json()
    assert (closed.value.code, closed.value.reason) == (1013, "state_unavailable")
    for method, path, body in (("post", "/v1/sessions/call-2/turns", {"turns": [CUSTOMER]}),
                               ("get", "/v1/sessions/call-2", None), ("delete", "/v1/sessions/call-2", None),
                               ("post", "/v1/chat", {"question": "怎么办", "session_id": "chat-2"})):
        response = a.request(method, path, json=body)
        assert response.status_code == 503 and response.headers["retry-after"] == "2", (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "state_unavailable" and "Redis" in error["message"] and error["details"]["request_id"]
    with a.websocket_connect("/v1/sessions/call-3/live") as refused:
        assert refused.receive_json()["error"]["code"] == "state_unavailable"
        with pytest.raises(WebSocketDisconnect) as closed:
            refused.receive_json()
    assert (closed.value.code, closed.value.reason) == (1013, "state_unavailable")
    assert a.post("/v1/suggest", json={"transcript": "你们电话太难打了"}).status_code == 200
    assert a.post("/v1/check", json={"draft": "这事不归我管"}).json()["flagged"]
    assert a.post("/v1/rewrite", json={"draft": "这事不归我管"}).status_code == 200
    assert a.post("/v1/chat", json={"question": "怎么办"}).status_code == 200  # no session: no state needed
    assert a.get("/readyz").json()["state"] == {"mode": "redis", "reachable": False}
    redis.start()  # back: no restart of the replica needed
    assert a.post("/v1/sessions/call-2/turns", json={"turns": [CUSTOMER]}).status_code == 200
    assert a.get("/readyz").json()["state"] == {"mode": "redis", "reachable": True}
