from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.settings import Settings


@pytest.fixture
def client(fake_settings: Settings) -> Iterator[TestClient]:
    app = create_app(fake_settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        yield test_client


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["scenarios"] >= 40


def test_suggest_contract(client: TestClient) -> None:
    body = {"transcript": [{"role": "customer", "text": "你们电话太难打了"}], "top_k": 2, "channel": "voice"}
    response = client.post("/v1/suggest", json=body)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"scenario", "suggestions"}
    assert set(data["scenario"]) == {"id", "title", "confidence"}
    assert 1 <= len(data["suggestions"]) <= 2
    first = data["suggestions"][0]
    assert {"text", "scenario_id", "score", "citation"} <= set(first)
    assert {"document", "section", "quote", "start", "end"} <= set(first["citation"])


@pytest.mark.parametrize(
    "body",
    [{"transcript": "x", "top_k": 0}, {"transcript": "x", "top_k": 11}, {"transcript": "x", "channel": "fax"},
     {}, {"transcript": "   "}, {"transcript": [{"role": "boss", "text": "x"}]}],
)
def test_bad_input_gets_the_error_envelope(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/v1/suggest", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["message"]


def test_scenarios(client: TestClient) -> None:
    scenarios = client.get("/v1/scenarios").json()
    assert any(s["id"] == "slow-pickup" and s["approved"] for s in scenarios)


def test_loading_is_503_with_envelope(fake_settings: Settings) -> None:
    client = TestClient(create_app(fake_settings))  # no lifespan: the index never starts loading
    response = client.post("/v1/suggest", json={"transcript": "你好"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready"
    assert client.get("/readyz").json()["status"] == "loading"


def test_failed_load_says_why(fake_settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_settings.paths.knowledge_dir = tmp_path / "empty"
    app = create_app(fake_settings)
    with TestClient(app) as client:
        app.state.holder.wait(60)
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "failed" and "sources" in ready.json()["error"]
        assert client.post("/v1/suggest", json={"transcript": "你好"}).status_code == 503


def test_unknown_route_uses_envelope(client: TestClient) -> None:
    response = client.get("/v1/nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
