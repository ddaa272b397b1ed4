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
    assert set(data) == {"scenario", "suggestions", "phase", "unsure"}
    assert data["phase"] == "opening" and data["unsure"] is False  # no agent turn yet; no recogniser (fake vectors)
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


def test_check_contract(client: TestClient) -> None:
    response = client.post("/v1/check", json={"draft": "有 本 事 就 投 訴 我", "channel": "chat"})
    assert response.status_code == 200
    data = response.json()
    assert data["flagged"] is True
    violation = data["violations"][0]
    assert {"start", "end", "text", "category", "severity", "rule_id", "reason", "alternative", "citation",
            "detector"} <= set(violation)
    assert (violation["start"], violation["end"]) == (0, 13) and violation["category"] == "provoking"
    assert {"document", "section", "quote"} <= set(violation["citation"])


def test_rewrite_contract(client: TestClient) -> None:
    data = client.post("/v1/rewrite", json={"draft": "这事不归我管"}).json()
    assert data["changes"][0]["before"] == "这事不归我管"
    assert data["draft"] == data["changes"][0]["after"]
    assert set(data) == {"draft", "changes", "needs_human", "flagged"}


def test_empty_draft_is_422(client: TestClient) -> None:
    for body in ({"draft": ""}, {}, {"draft": "好", "position": "end"}):
        response = client.post("/v1/check", json=body)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"


def test_a_long_draft_is_413_naming_the_limit(client: TestClient, fake_settings: Settings) -> None:
    response = client.post("/v1/check", json={"draft": "好" * 6000})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert str(fake_settings.check.max_draft_chars) in error["message"]
    assert error["details"]["limit"] == fake_settings.check.max_draft_chars


def test_a_one_megabyte_body_is_413_before_parsing(client: TestClient, fake_settings: Settings) -> None:
    response = client.post("/v1/check", json={"draft": "好" * 1_000_000})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and error["details"]["limit_bytes"] == 1_000_000
    assert error["details"]["request_id"] == response.headers["x-request-id"]

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"draft": "'
        for _ in range(200):
            yield "好".encode() * 2000
        yield b'"}'

    chunked = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413 and "content-length" not in {k.lower() for k in chunked.request.headers}
