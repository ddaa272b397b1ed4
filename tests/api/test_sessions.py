"""Live sessions and /v1/chat through the app (fake embedder; the real stack over uvicorn is in integration)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from copilot.api import create_app
from copilot.api.auth import hash_key
from copilot.settings import ApiKey, Settings
from tests.conftest import make_settings

FORBIDDEN_TURN = {"type": "turn", "role": "agent", "text": "这事不归我管，你自己去看", "final": True}
CUSTOMER_TURN = {"type": "turn", "role": "customer", "text": "你们电话怎么这么难打，等了半个小时", "final": True}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(make_settings(tmp_path_factory.mktemp("sessions")))
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        yield test_client


def test_a_websocket_session_sends_suggestions_checks_and_resumes(client: TestClient) -> None:
    with client.websocket_connect("/v1/sessions/ws-1/live?channel=voice") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "session" and hello["session"]["resumed"] is False
        ws.send_json({**CUSTOMER_TURN, "final": False})  # interim: nothing comes back for it
        ws.send_json(CUSTOMER_TURN)
        scenario, suggestions = ws.receive_json(), ws.receive_json()
        assert scenario["type"] == "scenario" and scenario["previous"] is None
        assert suggestions["type"] == "suggestions" and suggestions["turn"] == 0 and suggestions["suggestions"]
        ws.send_json(FORBIDDEN_TURN)
        check = ws.receive_json()
        assert check["type"] == "check" and check["turn"] == 1 and check["check"]["flagged"]
        ws.send_text("{not json")
        assert ws.receive_json()["error"]["code"] == "invalid_input"
    with client.websocket_connect("/v1/sessions/ws-1/live") as ws:  # reconnect
        session = ws.receive_json()["session"]
        assert session["resumed"] is True and session["turns"] == 2 and session["channel"] == "voice"
        assert session["scenario"]["id"] == scenario["scenario"]["id"]


def test_the_http_fallback_gives_the_same_events(client: TestClient) -> None:
    body = {"channel": "voice", "turns": [{k: v for k, v in t.items() if k != "type"}
                                          for t in (CUSTOMER_TURN, FORBIDDEN_TURN)]}
    response = client.post("/v1/sessions/http-1/turns", json=body)
    assert response.status_code == 200
    assert [e["type"] for e in response.json()["events"]] == ["scenario", "suggestions", "check"]
    assert client.get("/v1/sessions/http-1").json()["turns"] == 2
    assert client.delete("/v1/sessions/http-1").status_code == 204
    assert client.get("/v1/sessions/http-1").json()["error"]["code"] == "not_found"


def test_a_bad_session_id_is_refused(client: TestClient) -> None:
    assert client.post("/v1/sessions/bad id!/turns", json={"turns": [CUSTOMER_TURN]}).status_code == 422
    with client.websocket_connect("/v1/sessions/" + "x" * 200 + "/live") as ws:
        assert ws.receive_json()["error"]["code"] == "invalid_input"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008


def test_chat_answers_with_citations_and_keeps_session_history(client: TestClient) -> None:
    first = client.post("/v1/chat", json={"question": "投诉当场答复不了怎么办？", "session_id": "chat-1"}).json()
    assert first["citations"] and first["answer"] and first["session_id"] == "chat-1"
    citation = first["citations"][0]
    assert citation["quote"][citation["highlight_start"]:citation["highlight_end"]] == citation["sentence"]
    stream = client.post("/v1/chat/stream", json={"question": "那要多久？", "session_id": "chat-1"})
    names = [line.removeprefix("event: ") for line in stream.text.splitlines() if line.startswith("event: ")]
    assert names[0] == "passages" and names[-1] == "final"


def _secured(tmp: Path) -> Settings:
    settings = make_settings(tmp)
    settings.auth.enabled = True
    settings.auth.keys = [ApiKey(name="desk-1", role="agent", sha256=hash_key("k-desk-1-0123456789")),
                          ApiKey(name="desk-2", role="agent", sha256=hash_key("k-desk-2-0123456789"))]
    return settings


def test_with_auth_a_socket_sends_its_key_first_and_sessions_are_per_key(tmp_path: Path) -> None:
    app = create_app(_secured(tmp_path))
    with TestClient(app) as client:
        app.state.holder.wait(120)
        with client.websocket_connect("/v1/sessions/s-1/live") as ws:
            ws.send_json({"type": "auth", "api_key": "k-desk-1-0123456789"})
            assert ws.receive_json()["type"] == "session"
        with client.websocket_connect("/v1/sessions/s-1/live") as ws:
            ws.send_json({"type": "auth", "api_key": "wrong"})
            assert ws.receive_json()["error"]["code"] == "unauthorized"
        with client.websocket_connect("/v1/sessions/s-1/live", headers={"X-API-Key": "k-desk-2-0123456789"}) as ws:
            assert ws.receive_json()["error"]["code"] == "forbidden"  # desk-1's session
        response = client.post("/v1/sessions/s-1/turns", json={"turns": [CUSTOMER_TURN]},
                               headers={"X-API-Key": "k-desk-1-0123456789"})
        assert response.status_code == 200 and response.json()["session"]["resumed"] is True
        assert client.post("/v1/chat", json={"question": "怎么办"}).status_code == 401
        agent = {"X-API-Key": "k-desk-1-0123456789"}
        assert client.post("/v1/feedback", json={"events": [{"action": "shown"}]}, headers=agent).status_code == 200
        assert client.get("/v1/feedback/stats", headers=agent).status_code == 403  # QA's view
