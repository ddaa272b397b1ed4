"""Servers the integration tests start on loopback: a Chroma server, and `copilot serve` processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.bench.server import Served, free_port, serve, wait_ready
from tests.compose.llm_server import Act, ScriptedLLM, scripted_llm
from tests.conftest import make_settings, ready_client
from tests.servers import RedisServer


@contextmanager
def copilot_serve(env: dict[str, str], timeout: float = 240) -> Iterator[str]:
    """`copilot serve` in its own process with these extra environment variables; yields its base URL."""
    with serve(env, timeout) as served:
        yield served.url


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class ServedCopilot:
    url: str
    data_dir: Path


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCopilot]:
    """One `copilot serve` on its defaults (real model, embedded Chroma), shared by the tests that use it."""
    data_dir = tmp_path_factory.mktemp("served")
    with copilot_serve({"COPILOT_PATHS__DATA_DIR": str(data_dir)}) as url:
        yield ServedCopilot(url, data_dir)


@pytest.fixture(scope="session")
def copilot_url(served: ServedCopilot) -> str:
    return served.url


# Browser tests: Debian's Chromium, driven by pytest-playwright (its own browser download does not work here).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's package)")
        pytest.skip("chromium is not installed: apt-get install -y chromium fonts-wqy-microhei")
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(served: ServedCopilot) -> str:
    """Replaces the plugin's own (written as a class method that pytest deprecates): the served copilot."""
    return served.url


@pytest.fixture(scope="module")
def scripted_model() -> Iterator[ScriptedLLM]:
    """A scripted OpenAI-compatible model on loopback; tests set its acts."""
    with scripted_llm(Act(reply="您好")) as server:
        yield server


@pytest.fixture(scope="module")
def scripted_client(scripted_model: ScriptedLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with the real embedder and checker model, composing with the scripted model."""
    settings = make_settings(tmp_path_factory.mktemp("scripted"), embedding="onnx", llm__mode="openai",
                             llm__base_url=scripted_model.base_url, llm__model="scripted", llm__max_retries=0,
                             llm__timeout_s=2.0, llm__deadline_s=5.0)
    with ready_client(settings, timeout=300) as test_client:
        yield test_client


# Replicas with the fake embedder and in-memory Chroma: quick to start, for what does not depend on the index.
FAST = {"COPILOT_EMBEDDING__MODE": "fake", "COPILOT_VECTOR_STORE__MODE": "memory"}


@contextmanager
def replicas(*envs: dict[str, str], timeout: float = 240) -> Iterator[list[Served]]:
    """`copilot serve` processes started side by side on one fresh data directory, as replicas sharing a volume
    do (unless an env names its own)."""
    with ExitStack() as stack, ThreadPoolExecutor(len(envs)) as pool:
        shared = {"COPILOT_PATHS__DATA_DIR": stack.enter_context(tempfile.TemporaryDirectory(prefix="replicas-"))}
        started = [pool.submit(stack.enter_context, serve({**shared, **env}, timeout)) for env in envs]
        yield [future.result() for future in started]


@pytest.fixture(scope="module")
def redis_for_module() -> Iterator[RedisServer]:
    """A redis-server of the module's own: its tests may stop it."""
    server = RedisServer().start()
    yield server
    server.stop()
