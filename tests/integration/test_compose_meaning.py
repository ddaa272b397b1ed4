"""Model-written text is held to the stricter bar, with the real checker model: rude paraphrases a scripted model
writes (in none of the project's lists, written after the model was frozen) never reach the agent, through
/v1/suggest, the stream's final event and /v1/rewrite; a well-behaved model's replies are used."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.evaluation.suite import load_suites
from copilot.settings import REPO_ROOT
from copilot.text.normalize import match_key
from tests.compose.llm_server import Act, ScriptedLLM, scripted_llm
from tests.conftest import SUITES, make_settings

pytestmark = pytest.mark.integration

SCRIPTED = REPO_ROOT / "eval" / "scripted"
TRANSCRIPT = "客户：我买的空调才用了一个月就不制冷了，你们管不管"
FLAGGED_DRAFT = "这个不归我们管，您自己找厂家去吧"


def replies(name: str) -> list[str]:
    lines = (SCRIPTED / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["reply"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with scripted_llm(Act(reply="您好")) as server:
        yield server


@pytest.fixture(scope="module")
def client(llm: ScriptedLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("meaning"), embedding="onnx", llm__mode="openai",
                             llm__base_url=llm.base_url, llm__model="scripted", llm__max_retries=0,
                             llm__timeout_s=2.0, llm__deadline_s=5.0)
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(300)
        assert app.state.holder.status == "ready", app.state.holder.error
        yield test_client


def _final(client: TestClient, transcript: str) -> dict[str, object]:
    with client.stream("POST", "/v1/suggest/stream", json={"transcript": transcript, "compose": True}) as response:
        body = "".join(response.iter_text())
    events = [dict(line.split(": ", 1) for line in block.splitlines()) for block in body.strip().split("\n\n")]
    final = [json.loads(e["data"]) for e in events if e["event"] == "final"]
    assert len(final) == 1
    composed: dict[str, object] = final[0]["composed"]
    return composed


@pytest.mark.parametrize("reply", replies("rude-replies.jsonl"))
def test_no_rude_paraphrase_reaches_the_agent(client: TestClient, llm: ScriptedLLM, reply: str) -> None:
    llm.acts, llm.requests = [Act(reply=reply)], []
    suggested = client.post("/v1/suggest", json={"transcript": TRANSCRIPT, "compose": True}).json()["composed"]
    streamed = _final(client, TRANSCRIPT)
    rewritten = client.post("/v1/rewrite", json={"draft": FLAGGED_DRAFT, "fluent": True}).json()["composed"]
    for composed in (suggested, streamed, rewritten):
        assert composed["origin"] == "standard", composed
        assert match_key(reply) not in match_key(str(composed["text"]))
        assert not composed["check"]["flagged"]


def test_a_well_behaved_model_is_used(client: TestClient, llm: ScriptedLLM) -> None:
    good = replies("compliant-replies.jsonl")
    transcripts = [c.transcript for c in load_suites([SUITES / "compose.jsonl"]).compose_cases
                   if c.attack == "none"] or [TRANSCRIPT]
    origins = []
    for i, reply in enumerate(good):
        llm.acts, llm.requests = [Act(reply=reply)], []
        response = client.post("/v1/suggest", json={"transcript": transcripts[i % len(transcripts)],
                                                    "compose": True}).json()
        if response["composed"] is not None:
            origins.append(response["composed"]["origin"])
    assert len(origins) >= 20
    assert sum(o == "llm" for o in origins) / len(origins) >= 0.9, origins
