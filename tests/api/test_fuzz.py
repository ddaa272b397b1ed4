"""Fuzz the API from its own OpenAPI schema (schemathesis): no generated input may cause a 5xx, and every
response must match what the schema documents. Knowledge writes are left out: each one is a full re-index."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from copilot.api import create_app
from tests.conftest import make_settings

app = create_app(make_settings(Path(tempfile.mkdtemp(prefix="fuzz-"))))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
_client = TestClient(app)


def setup_module() -> None:
    _client.__enter__()
    app.state.holder.wait(120)


def teardown_module() -> None:
    _client.__exit__(None, None, None)


@schema.include(path_regex=r"^/(v1/(suggest|suggest/stream|check|rewrite|scenarios|knowledge|knowledge/versions)"
                           r"|metrics|healthz|readyz)$").include(method="GET").parametrize()
@hypothesis_settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_reads_never_fail(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, response.text


@schema.include(path_regex=r"^/v1/(suggest|suggest/stream|check|rewrite)$").include(method="POST").parametrize()
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_agent_routes_never_fail(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    content_type = (response.headers.get("content-type") or [""])[0]  # schemathesis keeps header lists
    if content_type.startswith("application/json") and response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "details"}
