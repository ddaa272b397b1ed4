"""Servers the integration tests start on loopback: a Chroma server, and `copilot serve` processes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from copilot.bench.server import free_port, serve, wait_ready


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
