"""Keys and roles, rate limits, the error contract, request ids and metrics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.api.auth import hash_key
from copilot.errors import ConfigurationInvalid
from copilot.settings import ApiKey, Settings
from tests.conftest import make_settings

KEYS = {"agent": "k-agent-0123456789", "qa": "k-qa-0123456789", "admin": "k-admin-0123456789"}


def _secured(tmp: Path, **overrides: object) -> Settings:
    settings = make_settings(tmp, **overrides)
    settings.auth.enabled = True
    settings.auth.keys = [ApiKey(name=f"{role}-1", role=role, sha256=hash_key(key))  # type: ignore[arg-type]
                          for role, key in KEYS.items()]
    return settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(_secured(tmp_path_factory.mktemp("prod"), limits__rate_limit="1000/minute"))
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        yield test_client


def _as(role: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def test_no_key_is_401_and_an_unknown_key_too(client: TestClient) -> None:
    for headers in ({}, {"X-API-Key": "guess"}, {"Authorization": "Bearer guess"}):
        response = client.post("/v1/check", json={"draft": "您好"}, headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_roles(client: TestClient) -> None:
    assert client.post("/v1/check", json={"draft": "您好"}, headers=_as("agent")).status_code == 200
    assert client.post("/v1/check", json={"draft": "您好"},
                       headers={"Authorization": f"Bearer {KEYS['agent']}"}).status_code == 200
    denied = client.get("/v1/knowledge/versions", headers=_as("agent"))
    assert denied.status_code == 403 and denied.json()["error"]["details"]["required"] == "admin"
    assert client.get("/metrics", headers=_as("agent")).status_code == 403
    assert client.get("/metrics", headers=_as("qa")).status_code == 200
    assert client.get("/v1/knowledge/versions", headers=_as("qa")).status_code == 403
    assert client.get("/v1/knowledge/versions", headers=_as("admin")).status_code == 200
    assert client.post("/v1/check", json={"draft": "您好"}, headers=_as("admin")).status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


def test_rate_limit_is_429_with_retry_after(tmp_path: Path) -> None:
    app = create_app(_secured(tmp_path, limits__rate_limit="3/minute"))
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        codes = [test_client.post("/v1/check", json={"draft": "您好"}, headers=_as("agent")).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = test_client.post("/v1/check", json={"draft": "您好"}, headers=_as("agent"))
        assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1
        # another key has its own budget
        assert test_client.post("/v1/check", json={"draft": "您好"}, headers=_as("qa")).status_code == 200


def test_errors_share_one_envelope_with_the_request_id(client: TestClient) -> None:
    cases = [client.get("/nowhere", headers=_as("agent")), client.put("/v1/check", headers=_as("agent")),
             client.post("/v1/check", content=b"{not json",
                         headers={**_as("agent"), "content-type": "application/json"}),
             client.post("/v1/suggest", json={"transcript": "客户：喂\n" * 60}, headers=_as("agent"))]
    assert [r.status_code for r in cases] == [404, 405, 422, 413]
    for response in cases:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}
        assert error["details"]["request_id"] == response.headers["x-request-id"]
    assert cases[3].json()["error"]["details"]["limit"] == 50


def test_a_request_id_given_is_kept(client: TestClient) -> None:
    response = client.post("/v1/check", json={"draft": "您好"}, headers={**_as("agent"), "X-Request-ID": "desk7-42"})
    assert response.headers["x-request-id"] == "desk7-42"
    odd = client.post("/v1/check", json={"draft": "您好"}, headers={**_as("agent"), "X-Request-ID": "a b;<x>"})
    assert odd.headers["x-request-id"] != "a b;<x>" and len(odd.headers["x-request-id"]) == 32


def test_metrics_count_routes_and_findings(client: TestClient) -> None:
    client.post("/v1/check", json={"draft": "你烦不烦啊"}, headers=_as("agent"))
    text = client.get("/metrics", headers=_as("qa")).text
    assert 'copilot_requests_total{method="POST",route="/v1/check",status="200"}' in text
    assert 'copilot_request_seconds_bucket{le="0.025",route="/v1/check"}' in text
    assert 'copilot_check_violations_total{category="impatient",detector="lexicon",severity="block"}' in text
    assert "copilot_ready 1.0" in text


@pytest.mark.parametrize(("change", "problem"), [
    ({}, "auth is off"),
    ({"auth_on": True}, "no API keys"),
    ({"auth_on": True, "key": "changeme"}, "placeholder"),
    ({"auth_on": True, "key": "a-real-looking-key-123", "llm": True}, "LLM API key"),
])
def test_production_refuses_unsafe_settings(tmp_path: Path, change: dict[str, object], problem: str) -> None:
    settings = make_settings(tmp_path, embedding="sentence-transformers")
    settings.environment = "production"
    settings.auth.enabled = bool(change.get("auth_on"))
    if key := change.get("key"):
        settings.auth.keys = [ApiKey(name="desk", role="agent", sha256=hash_key(str(key)))]
    if change.get("llm"):
        settings.llm.mode, settings.llm.base_url, settings.llm.model = "openai", "https://api.example.com/v1", "m"
    with pytest.raises(ConfigurationInvalid, match=problem):
        create_app(settings)


def test_production_starts_with_real_keys(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, embedding="sentence-transformers")
    settings.environment = "production"
    settings.auth.enabled = True
    settings.auth.keys = [ApiKey(name="desk", role="agent", sha256=hash_key("cpk_9f8e7d6c5b4a"))]
    create_app(settings)  # builds; nothing loads until the server starts
