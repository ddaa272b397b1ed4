"""Form, claims and others' data enforced by the product on model replies, over real HTTP against the scripted
OpenAI-compatible server on loopback (length per channel, prefixes, quotes, the token-limit fields)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from tests.compose.llm_server import Act, ScriptedLLM, scripted_llm
from tests.conftest import make_settings

TRANSCRIPT = "客户：宽带三天断了五次，晚上根本用不了，你们到底管不管"
GOOD = "您好，给您带来不便非常抱歉，我马上为您核实处理，请您稍等。"
LONG = "您好，" + "给您带来不便非常抱歉，" * 8 + "请您稍等。"


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with scripted_llm(Act(reply=GOOD)) as server:
        yield server


def _client(llm: ScriptedLLM, tmp: pytest.TempPathFactory, **overrides: object) -> TestClient:
    options: dict[str, object] = {"llm__mode": "openai", "llm__base_url": llm.base_url, "llm__model": "scripted",
                                  "llm__max_retries": 0, "llm__timeout_s": 2.0, "llm__deadline_s": 5.0}
    settings = make_settings(tmp.mktemp("form"), **(options | overrides))
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def client(llm: ScriptedLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with _client(llm, tmp_path_factory) as test_client:
        test_client.app.state.holder.wait(120)  # type: ignore[attr-defined]
        yield test_client


def _compose(client: TestClient, llm: ScriptedLLM, *acts: Act, channel: str = "voice",
             transcript: str = TRANSCRIPT) -> dict[str, object]:
    llm.acts, llm.requests = list(acts), []
    response = client.post("/v1/suggest", json={"transcript": transcript, "compose": True, "channel": channel})
    assert response.status_code == 200
    composed: dict[str, object] = response.json()["composed"]
    return composed


def test_role_prefixes_and_quotes_are_stripped(client: TestClient, llm: ScriptedLLM) -> None:
    for written in (f"坐席：{GOOD}", f"“{GOOD}”", f"回复：“{GOOD}”", f"Agent: {GOOD}"):
        composed = _compose(client, llm, Act(reply=written))
        assert (composed["origin"], composed["text"]) == ("llm", GOOD), written


def test_a_reply_over_the_channel_length_is_sent_back_then_replaced(client: TestClient, llm: ScriptedLLM) -> None:
    assert 80 < len(LONG) <= 100
    composed = _compose(client, llm, Act(reply=LONG), channel="voice")  # voice: 80 characters
    assert (composed["origin"], composed["fallback_reason"], composed["attempts"]) == ("standard", "too_long", 2)
    assert "80" in llm.requests[1]["messages"][-1]["content"]  # the retry said what the limit is
    assert "不超过80个字" in llm.requests[0]["messages"][0]["content"]  # and so did the prompt
    composed = _compose(client, llm, Act(reply=LONG), channel="chat")  # chat: 100 characters
    assert composed["origin"] == "llm"
    composed = _compose(client, llm, Act(reply=LONG), Act(reply=GOOD), channel="voice")
    assert (composed["origin"], composed["text"], composed["attempts"]) == ("llm", GOOD, 2)


def test_both_token_fields_are_sent_by_default_and_a_server_that_reads_max_tokens_is_capped(
        client: TestClient, llm: ScriptedLLM) -> None:
    _compose(client, llm, Act(reply=GOOD))
    body = llm.requests[0]
    assert body["max_tokens"] == 300 and body["max_completion_tokens"] == 300


@pytest.mark.parametrize(("field", "sent"), [("max_tokens", {"max_tokens"}),
                                             ("max_completion_tokens", {"max_completion_tokens"})])
def test_one_token_field_when_configured(llm: ScriptedLLM, tmp_path_factory: pytest.TempPathFactory, field: str,
                                         sent: set[str]) -> None:
    # a timeout of its own: LangChain shares one HTTP client per (URL, timeout), and each app here runs on an
    # event loop of its own
    timeout = 2.5 if field == "max_tokens" else 2.6
    with _client(llm, tmp_path_factory, llm__max_tokens=40, llm__max_tokens_field=field,
                 llm__timeout_s=timeout) as client:
        client.app.state.holder.wait(120)  # type: ignore[attr-defined]
        composed = _compose(client, llm, Act(reply=LONG, honour_max_tokens=True), channel="voice")
    body = llm.requests[0]
    assert {k for k in ("max_tokens", "max_completion_tokens") if k in body} == sent
    assert all(body[k] == 40 for k in sent)
    if field == "max_tokens":  # the server honoured the cap: the reply came back short enough to use
        assert composed["origin"] == "llm" and len(str(composed["text"])) <= 40
    else:  # a server that only reads max_tokens ignored it: the product's own length check caught the reply
        assert composed["fallback_reason"] == "too_long"


def test_an_invented_action_is_retried_with_what_was_unsupported_then_replaced(client: TestClient,
                                                                               llm: ScriptedLLM) -> None:
    invented = "您好，我们已经安排了技术人员上门检测，请您保持电话畅通。"
    composed = _compose(client, llm, Act(reply=invented))
    assert (composed["origin"], composed["fallback_reason"]) == ("standard", "unsupported_claim")
    assert "安排" in llm.requests[1]["messages"][-1]["content"]
    composed = _compose(client, llm, Act(reply="给您带来不便很抱歉，今晚八点前一定给您修好。"))
    assert composed["fallback_reason"] in ("unsupported_claim", "blocked")  # the checker may see the promise first


def test_a_customers_own_numbers_may_be_restated(client: TestClient, llm: ScriptedLLM) -> None:
    transcript = "客户：这个月话费多扣了我三十八块，上个月也是"
    composed = _compose(client, llm, Act(reply="您好，您反映本月多扣了38元话费，我马上为您核实，请您稍等。"),
                        transcript=transcript)
    assert composed["origin"] == "llm", composed
    composed = _compose(client, llm, Act(reply="您好，多扣的58元会在3个工作日内退回，请您放心。"),
                        transcript=transcript)
    assert composed["origin"] == "standard"


def test_going_along_with_a_request_for_another_customers_data_is_refused(client: TestClient,
                                                                          llm: ScriptedLLM) -> None:
    transcript = "客户：我号码是13912345678，顺便把上一个打进来的客户的电话号码告诉我"
    composed = _compose(client, llm, Act(reply="好的，请您稍等，上一个客户的电话号码我帮您查一下。"),
                        transcript=transcript)
    assert (composed["origin"], composed["fallback_reason"]) == ("standard", "others_data")
    assert "保密" in llm.requests[1]["messages"][-1]["content"]
    refusal = "很抱歉，其他客户的个人信息我们需要严格保密，不便透露，您本人的问题我马上为您核实处理。"
    composed = _compose(client, llm, Act(reply=refusal), transcript=transcript)
    assert composed["origin"] == "llm"
