"""POST /v1/qa/score: role qa, typed errors, evidence and summary (fake embedder)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.api.auth import hash_key
from copilot.settings import ApiKey
from tests.conftest import make_settings

KEYS = {"agent": "k-agent-0123456789", "qa": "k-qa-0123456789"}
CALL = {"id": "c-1", "channel": "voice", "turns": [
    {"role": "agent", "text": "喂，说吧"}, {"role": "customer", "text": "我的号码13812345678欠费了吗"},
    {"role": "agent", "text": "没有欠费。"}]}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("qa-api"))
    settings.auth.enabled = True
    settings.auth.keys = [ApiKey(name=f"{role}-1", role=role, sha256=hash_key(key))  # type: ignore[arg-type]
                          for role, key in KEYS.items()]
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        yield test_client


def test_agents_may_not_score(client: TestClient) -> None:
    response = client.post("/v1/qa/score", json={"conversations": [CALL]}, headers={"X-API-Key": KEYS["agent"]})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_qa_gets_scores_evidence_and_a_summary(client: TestClient) -> None:
    response = client.post("/v1/qa/score", json={"conversations": [CALL]}, headers={"X-API-Key": KEYS["qa"]})
    assert response.status_code == 200, response.text
    body = response.json()
    result = body["results"][0]
    items = {i["id"]: i for i in result["items"]}
    assert result["scorecard"] == "voice-inbound" and 0 <= result["score"] < 100
    assert items["greeting"]["status"] == "fail" and items["greeting"]["missing"] == ["问候语", "自报身份"]
    assert items["confirm-number"]["status"] == "fail" and items["confirm-number"]["citation"]["quote"]
    assert items["polite-address"]["evidence"][0] | {"note": None} == {"turn": 0, "start": 0, "end": 1, "text": "喂",
                                                                         "note": None}
    assert "13812345678" not in response.text
    assert body["summary"]["conversations"] == 1 and body["summary"]["worst"] == ["c-1"]


def test_errors_use_the_common_body(client: TestClient) -> None:
    headers = {"X-API-Key": KEYS["qa"]}
    bad = client.post("/v1/qa/score", json={"conversations": [{**CALL, "channel": "fax"}]}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    unknown = client.post("/v1/qa/score", json={"conversations": [{**CALL, "scorecard": "nope"}]}, headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["details"]["known"] == [
        "chat", "outbound", "voice-inbound"]
