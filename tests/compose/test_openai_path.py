"""LangChain's ChatOpenAI over real HTTP against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from tests.compose.llm_server import Act, ScriptedLLM, scripted_llm
from tests.conftest import make_settings

GOOD = "您好，您反映的宽带断线问题我马上为您核实，请您稍等。"
FORBIDDEN = "你烦不烦啊，有本事你去投诉"
PHONE = "13812345678"
TRANSCRIPT = f"客户：宽带三天断了五次，我的手机号{PHONE}，你们到底管不管"


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with scripted_llm(Act(reply=GOOD)) as server:
        yield server


@pytest.fixture(scope="module")
def client(llm: ScriptedLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("llm"), llm__mode="openai", llm__base_url=llm.base_url,
                             llm__model="scripted", llm__max_retries=0, llm__timeout_s=1.0, llm__deadline_s=3.0)
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        assert app.state.holder.status == "ready", app.state.holder.error
        yield test_client


def _script(llm: ScriptedLLM, *acts: Act) -> None:
    llm.acts, llm.requests = list(acts), []


def _compose(client: TestClient) -> dict[str, object]:
    response = client.post("/v1/suggest", json={"transcript": TRANSCRIPT, "compose": True, "channel": "voice"})
    assert response.status_code == 200
    composed: dict[str, object] = response.json()["composed"]
    return composed


def _stream(client: TestClient) -> list[tuple[str, dict[str, object]]]:
    with client.stream("POST", "/v1/suggest/stream", json={"transcript": TRANSCRIPT, "compose": True}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_a_good_reply_comes_back_and_the_phone_number_never_leaves(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply=GOOD))
    composed = _compose(client)
    assert composed["origin"] == "llm" and composed["text"] == GOOD and composed["fallback_reason"] is None
    sent = json.dumps(llm.requests, ensure_ascii=False)
    assert PHONE not in sent and "[电话1]" in sent
    assert llm.requests[0]["model"] == "scripted" and llm.requests[0]["max_completion_tokens"] == 300


def test_a_forbidden_reply_is_never_returned(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply=FORBIDDEN))
    composed = _compose(client)
    assert composed["origin"] == "standard" and composed["fallback_reason"] == "blocked"
    assert composed["attempts"] == 2 and len(llm.requests) == 2
    assert "烦不烦" not in str(composed["text"]) and composed["check"] == {"flagged": False, "violations": []}
    # the retry told the model what was wrong
    assert "不符合服务规范" in llm.requests[1]["messages"][-1]["content"]


def test_a_server_error_falls_back(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(status=500))
    composed = _compose(client)
    assert (composed["origin"], composed["fallback_reason"], composed["attempts"]) == ("standard", "error", 1)


def test_a_timeout_falls_back(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply=GOOD, delay_s=2.5))
    composed = _compose(client)
    assert (composed["origin"], composed["fallback_reason"]) == ("standard", "timeout")


def test_a_model_that_reveals_its_prompt_is_not_shown(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(echo_system=True))
    composed = _compose(client)
    assert composed["fallback_reason"] == "prompt_leak" and "必须遵守" not in str(composed["text"])


def test_the_stream_ends_with_the_checked_final_event(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply=GOOD))
    events = _stream(client)
    names = [name for name, _ in events]
    assert names[0] == "suggestions" and names[-1] == "final" and names.count("final") == 1
    assert "token" in names
    assert "".join(str(data["text"]) for name, data in events if name == "token") == GOOD
    assert events[-1][1]["composed"]["origin"] == "llm"  # type: ignore[index]


def test_a_blocked_stream_retries_then_falls_back_in_the_final_event(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply=FORBIDDEN))
    events = _stream(client)
    names = [name for name, _ in events]
    assert names.count("retry") == 1 and names[-1] == "final"
    final = events[-1][1]["composed"]
    assert final["origin"] == "standard" and final["fallback_reason"] == "blocked"  # type: ignore[index]
    assert "烦" not in final["text"]  # type: ignore[index]


def test_a_stream_error_still_ends_with_the_final_event(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(status=500))
    events = _stream(client)
    assert events[-1][0] == "final" and events[-1][1]["composed"]["fallback_reason"] == "error"  # type: ignore[index]


def test_fluent_rewrite_is_checked_too(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply="您好，这个问题我需要核实一下，请您稍等，我马上为您查询。"))
    response = client.post("/v1/rewrite", json={"draft": f"我不知道，你自己打{PHONE}问吧"}).json()
    assert response["changes"]  # the rule-based rewrite is still there
    assert response["composed"]["origin"] == "llm" and not response["composed"]["check"]["flagged"]
    assert PHONE not in json.dumps(llm.requests, ensure_ascii=False)
    _script(llm, Act(reply=FORBIDDEN))
    response = client.post("/v1/rewrite", json={"draft": "我不知道"}).json()
    assert response["composed"]["origin"] == "standard" and response["composed"]["text"] == response["draft"]


def test_a_clean_draft_does_not_call_the_model(client: TestClient, llm: ScriptedLLM) -> None:
    _script(llm, Act(reply=GOOD))
    response = client.post("/v1/rewrite", json={"draft": "您好，请问有什么可以帮您？"}).json()
    assert "composed" not in response and llm.requests == []
