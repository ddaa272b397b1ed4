"""Replicas when things go wrong, as processes on loopback with a real redis-server: the rate limit is counted
across replicas, Redis going away stops live sessions only, a replica killed mid-call leaves the sidebar to
reconnect (through a load balancer, in Chromium) to another replica where the call resumes, and SIGTERM drains."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.compose.llm_server import Act, scripted_llm
from tests.integration.balancer import balancer
from tests.integration.conftest import FAST, replicas
from tests.servers import RedisServer

pytestmark = pytest.mark.integration
COMPLAINT = {"role": "customer", "text": "你们这热线也太难打了，我拨了四十分钟才通"}
REFUND = {"role": "customer", "text": "我要退款，东西坏了"}
CUT_OFF = ("WebSocket", "ERR_EMPTY_RESPONSE", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED")


def _shared(redis: RedisServer, **extra: str) -> dict[str, str]:
    return {**FAST, "COPILOT_STATE__REDIS_URL": redis.url, "COPILOT_STATE__TIMEOUT_S": "0.5", **extra}


@pytest.fixture
def redis(redis_for_module: RedisServer) -> RedisServer:
    if not redis_for_module.running:  # a test before stopped it
        redis_for_module.start()
    return redis_for_module


def test_the_rate_limit_counts_requests_on_both_replicas(redis: RedisServer) -> None:
    redis.flush()
    with replicas(*[_shared(redis, COPILOT_LIMITS__RATE_LIMIT="5/minute")] * 2) as (a, b):
        for url in (a.url, b.url, a.url, b.url, a.url):
            assert httpx.post(f"{url}/v1/check", json={"draft": "您好"}).status_code == 200
        for url in (a.url, b.url):
            refused = httpx.post(f"{url}/v1/check", json={"draft": "您好"})
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"


def test_without_redis_live_sessions_answer_503_and_suggest_check_rewrite_go_on(redis: RedisServer) -> None:
    with replicas(_shared(redis)) as (a,), connect(a.url.replace("http://", "ws://") + "/v1/sessions/call-9/live") \
            as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "session"
        redis.stop()
        assert json.loads(socket.recv(timeout=10))["error"]["code"] == "state_unavailable"
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1013, "state_unavailable")  # type: ignore[union-attr]
        pushed = httpx.post(f"{a.url}/v1/sessions/call-9/turns", json={"turns": [COMPLAINT]})
        assert pushed.status_code == 503 and pushed.json()["error"]["code"] == "state_unavailable"
        assert httpx.post(f"{a.url}/v1/suggest", json={"transcript": "电话太难打了"}).status_code == 200
        assert httpx.post(f"{a.url}/v1/check", json={"draft": "这事不归我管"}).json()["flagged"]
        assert httpx.post(f"{a.url}/v1/rewrite", json={"draft": "这事不归我管"}).status_code == 200


def test_a_replica_killed_mid_call_the_sidebar_resumes_the_call_on_the_other(
        redis: RedisServer, browser: Browser) -> None:
    with replicas(*[_shared(redis)] * 2) as (a, b), balancer(a.url, b.url) as front:
        page = browser.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            # the dropped socket, and a request the killed replica was answering, are what this test does
            if message.type == "error" and not any(cut in message.text for cut in CUT_OFF):
                errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(front + "/")
        expect(page.locator("#ready")).to_contain_text("就绪", timeout=60_000)
        page.locator("details.live summary").click()
        page.get_by_label("会话编号").fill("call-killed")
        page.locator("#live-btn").click()
        expect(page.locator("#live-state")).to_contain_text("已有 0 轮")
        # the desktop integration pushes the call's turns to the replica it is connected to
        assert httpx.post(f"{a.url}/v1/sessions/call-killed/turns", json={"turns": [COMPLAINT]}).status_code == 200
        expect(page.locator("#cards .card").first).to_be_visible()
        a.process.kill()  # no drain, no close frame: the connection just drops
        a.process.wait(10)
        expect(page.locator("#live-state")).to_contain_text("已有 1 轮", timeout=20_000)  # resumed on b
        assert httpx.post(f"{b.url}/v1/sessions/call-killed/turns", json={"turns": [REFUND]}).status_code == 200
        expect(page.locator("#scenario")).not_to_contain_text("久等", timeout=10_000)
        expect(page.locator("#live-state")).to_contain_text("已连接")
        assert errors == [], errors


@pytest.fixture
def slow_model() -> Iterator[str]:
    with scripted_llm(Act(reply="您好，让您久等了，非常抱歉。", delay_s=3)) as server:
        yield server.base_url


def test_sigterm_closes_sockets_with_a_reconnect_hint_and_finishes_requests_in_flight(
        redis: RedisServer, slow_model: str) -> None:
    llm = {"COPILOT_LLM__MODE": "openai", "COPILOT_LLM__BASE_URL": slow_model, "COPILOT_LLM__MODEL": "scripted",
           "COPILOT_LLM__PROBE_ON_START": "false"}
    with replicas(_shared(redis, **llm)) as (served,), \
            connect(served.url.replace("http://", "ws://") + "/v1/sessions/call-drain/live") as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "session"
        answer: list[httpx.Response] = []
        body = {"transcript": "你们电话太难打了", "compose": True}
        slow = threading.Thread(target=lambda: answer.append(
            httpx.post(f"{served.url}/v1/suggest", json=body, timeout=30)))
        slow.start()
        time.sleep(1.0)  # the request is waiting for the model
        sent = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1012, "server_restarting")  # type: ignore[union-attr]
        assert time.monotonic() - sent < 1.5  # at once, not after the requests in flight
        slow.join(30)
        assert answer and answer[0].status_code == 200, answer
        assert answer[0].json()["composed"]["origin"] == "llm"  # the model's answer arrived after the signal
        # uvicorn re-raises the signal once it has shut down, so that its parent sees why it ended
        assert served.process.wait(30) in (0, -signal.SIGTERM)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{served.url}/healthz")


