"""Two `copilot serve` replicas on one Chroma server and one Redis, as a call centre runs them behind a load
balancer: the desktop integration pushes a call's turns to one replica and the agent's sidebar follows the call on
the other; a reconnect to either resumes the call; traffic spread over both with a knowledge change half-way
through loses no request."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from copilot.bench.load import LoadReport
from copilot.bench.server import child_environment, copilot_command
from copilot.settings import REPO_ROOT
from tests.integration.conftest import copilot_serve
from tests.servers import RedisServer

pytestmark = pytest.mark.integration
GREETING = {"type": "turn", "role": "agent", "text": "您好，欢迎致电客服热线，请问有什么可以帮助您？"}
COMPLAINT = {"type": "turn", "role": "customer", "text": "你们这热线也太难打了，我拨了四十分钟才通"}
SHIRKING = {"type": "turn", "role": "agent", "text": "线路忙我也没办法，你爱到哪儿告到哪儿告去"}


@pytest.fixture(scope="module")
def pair(chroma_server: str, redis_for_module: RedisServer,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Started one after the other: the first builds the index in Chroma, the second finds it there."""
    common = {"COPILOT_VECTOR_STORE__MODE": "http", "COPILOT_VECTOR_STORE__URL": chroma_server,
              "COPILOT_STATE__REDIS_URL": redis_for_module.url, "COPILOT_KNOWLEDGE_ADMIN__POLL_INTERVAL_S": "1"}
    data = tmp_path_factory.mktemp("replicas")
    with copilot_serve({**common, "COPILOT_PATHS__DATA_DIR": str(data / "a")}) as a, \
            copilot_serve({**common, "COPILOT_PATHS__DATA_DIR": str(data / "b")}) as b:
        yield a, b


def _socket(url: str, session_id: str) -> ClientConnection:
    return connect(url.replace("http://", "ws://") + f"/v1/sessions/{session_id}/live?channel=voice")


def _events(ws: ClientConnection, n: int) -> list[dict[str, object]]:
    return [json.loads(ws.recv(timeout=30)) for _ in range(n)]


def test_turns_pushed_on_one_replica_reach_the_sidebar_on_the_other(pair: tuple[str, str]) -> None:
    a, b = pair
    with _socket(b, "call-1") as sidebar, _socket(a, "call-1") as desktop:
        assert _events(sidebar, 1)[0]["type"] == "session" and _events(desktop, 1)[0]["type"] == "session"
        for turn in (GREETING, COMPLAINT):
            desktop.send(json.dumps(turn))
        scenario, suggestions = _events(sidebar, 2)  # the compliant greeting caused no event
        assert scenario["type"] == "scenario" and suggestions["type"] == "suggestions"
        assert suggestions["turn"] == 1 and suggestions["suggestions"]
        desktop.send(json.dumps(SHIRKING))
        check = _events(sidebar, 1)[0]
        assert check["type"] == "check" and check["turn"] == 2
        assert _events(desktop, 3) == [scenario, suggestions, check]  # the pusher sees the same, in the same order


def test_a_reconnect_to_the_other_replica_resumes_the_session(pair: tuple[str, str]) -> None:
    a, b = pair
    pushed = httpx.post(f"{a}/v1/sessions/call-2/turns", timeout=30,
                        json={"channel": "voice", "turns": [{k: v for k, v in t.items() if k != "type"}
                                                            for t in (GREETING, COMPLAINT)]})
    assert pushed.status_code == 200
    scenario = pushed.json()["events"][0]["scenario"]
    with _socket(b, "call-2") as sidebar:
        session = _events(sidebar, 1)[0]["session"]
        assert session == {**session, "resumed": True, "turns": 2, "channel": "voice", "scenario": scenario}
        sidebar.send(json.dumps({**COMPLAINT, "text": "我要投诉你们"}))
        event = _events(sidebar, 1)[0]
        while event["type"] != "suggestions":  # a scenario event first when the scenario changed
            event = _events(sidebar, 1)[0]
        assert event["turn"] == 2  # numbered after the turns pushed to the other replica
    assert httpx.get(f"{a}/v1/sessions/call-2").json()["turns"] == 3


def test_load_across_both_replicas_with_a_knowledge_change_loses_no_request(
        pair: tuple[str, str], tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    args = ["bench", "load", "--url", pair[0], "--url", pair[1], "--duration", "30", "--requests", "100000",
            "--clients", "4", "--json", str(out)]
    done = subprocess.run(copilot_command(*args), cwd=REPO_ROOT, env=child_environment({}), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = LoadReport.model_validate_json(out.read_text(encoding="utf-8"))
    assert report.errors == 0 and report.passed, report.error_samples
    assert set(report.replicas) == set(pair) and min(report.replicas.values()) > 20
    assert report.reindex.followed and report.reindex.version_after != report.reindex.version_before
    assert {httpx.get(f"{url}/readyz").json()["knowledge_version"] for url in pair} == {report.reindex.version_after}
