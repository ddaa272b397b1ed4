"""Live sessions over a real WebSocket, and asking the standards, against `copilot serve` on loopback with the
real model and index."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.sync.client import connect

from copilot.evaluation.ask_metrics import run_ask
from copilot.evaluation.suite import load_suites
from copilot.runtime import Copilot
from copilot.text.normalize import match_key
from tests.conftest import SUITES

pytestmark = pytest.mark.integration
# Measured with support weighted by bigram rarity (threshold set on eval/dev/ask-dev.jsonl): ask-heldout.jsonl,
# run once, hit rate 0.800, no-rule on out-of-scope 1.000 (12/12), on in-scope 0.100; ask.jsonl (seen before this
# method) 0.700, 1.000 (8/8), 0.100.
MIN_ASK_HIT = 0.70
MIN_REFUSAL = 0.9
MAX_FALSE_REFUSAL = 0.15


def _events(ws: object, n: int) -> list[dict[str, object]]:
    return [json.loads(ws.recv(timeout=30)) for _ in range(n)]  # type: ignore[attr-defined]


def test_a_live_session_over_a_websocket(copilot_url: str) -> None:
    url = copilot_url.replace("http://", "ws://") + "/v1/sessions/call-7/live?channel=voice"
    with connect(url) as ws:
        assert _events(ws, 1)[0]["type"] == "session"
        ws.send(json.dumps({"type": "turn", "role": "agent", "text": "您好，欢迎致电客服热线，请问有什么可以帮助您？"}))
        ws.send(json.dumps({"type": "turn", "role": "customer", "text": "你们这热线也太难打了，我拨了四十分钟才通",
                            "final": True}))
        scenario, suggestions = _events(ws, 2)  # the compliant greeting caused no check event
        assert scenario["type"] == "scenario" and suggestions["type"] == "suggestions"
        texts = [match_key(s["text"]) for s in suggestions["suggestions"]]  # type: ignore[index]
        assert any(match_key("刚才因为线路忙，让您久等了") in t for t in texts), texts
        ws.send(json.dumps({"type": "turn", "role": "agent", "text": "线路忙我也没办法，你爱到哪儿告到哪儿告去"}))
        check = _events(ws, 1)[0]
        assert check["type"] == "check" and check["check"]["flagged"]  # type: ignore[index]
        spans = [v["text"] for v in check["check"]["violations"]]  # type: ignore[index]
        assert "你爱到哪儿告到哪儿告去" in spans
    with connect(url) as ws:  # the reconnect resumes the session
        session = _events(ws, 1)[0]["session"]
        assert session["resumed"] and session["turns"] == 3  # type: ignore[index]


def test_chat_cites_the_standard_and_says_when_there_is_no_rule(copilot_url: str) -> None:
    answered = httpx.post(f"{copilot_url}/v1/chat", json={"question": "让客户在电话那头等着，我最多能离开多久？"},
                          timeout=30).json()
    assert answered["answered"] and answered["citations"][0]["document"] == "service-department-standard"
    outside = httpx.post(f"{copilot_url}/v1/chat", json={"question": "公司食堂周末开不开？"}, timeout=30).json()
    assert not outside["answered"] and outside["answer"] == "规范中没有相关规定" and not outside["rules"]


def test_the_ask_suite_finds_the_right_passage(real_copilot: Copilot) -> None:
    report = run_ask(real_copilot, load_suites([SUITES / "ask.jsonl", SUITES / "ask-heldout.jsonl"]).ask_cases)
    assert {r.case.document for r in report.in_scope} == set(real_copilot.knowledge.documents)  # all five
    assert report.hit_rate >= MIN_ASK_HIT, [r.case.id for r in report.in_scope if not r.correct]
    assert report.refusal_rate >= MIN_REFUSAL, [r.case.id for r in report.out_of_scope if not r.correct]
    assert report.false_refusal_rate <= MAX_FALSE_REFUSAL
