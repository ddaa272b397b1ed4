"""`copilot serve` in a child process on loopback, with its start-up time and memory as /proc reports them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from copilot.settings import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _failed(answer: httpx.Response) -> bool:
    try:
        body = answer.json()
    except ValueError:  # not the copilot's /readyz (a proxy's page)
        return False
    return isinstance(body, dict) and body.get("status") == "failed"


def wait_ready(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before it was ready")
        try:
            answer = httpx.get(url, timeout=2)
        except httpx.HTTPError:
            answer = None
        if answer is not None and answer.status_code == 200:
            return
        if answer is not None and _failed(answer):  # it will not become ready: say why now, not at the timeout
            raise RuntimeError(f"the server failed to load: {answer.json().get('error')}")
        time.sleep(0.05)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s")


def copilot_command(*args: str) -> list[str]:
    """The `copilot` command of this checkout, run by the running interpreter."""
    return [sys.executable, "-m", "copilot.cli", *args]


def child_environment(overrides: dict[str, str]) -> dict[str, str]:
    # The child inherits this process's environment (PATH, HF_HUB_OFFLINE…) plus the benchmark's settings, and
    # imports this checkout's code first (an installed copy of the package may be another checkout's).
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **overrides}


def proc_status_kib(pid: int, field: str) -> int:
    """A memory figure of a live process from /proc (VmRSS: now; VmHWM: peak), in KiB; 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    ready_s: float  # process start to the first /readyz 200

    def rss_mib(self) -> float:
        return round(proc_status_kib(self.process.pid, "VmRSS") / 1024, 1)

    def peak_rss_mib(self) -> float:
        return round(proc_status_kib(self.process.pid, "VmHWM") / 1024, 1)


@contextmanager
def serve(env: dict[str, str], timeout: float = 300, log: Path | None = None) -> Iterator[Served]:
    """Start `copilot serve` with these extra environment variables; stop it on exit.

    The per-key rate limit is lifted (unless `env` sets one): a benchmark measures capacity, not the policy."""
    env = {"COPILOT_LIMITS__RATE_LIMIT": "1000000/minute", **env}
    port = free_port()
    # the output goes to a file even without `log`, so a server that dies before it is ready can say why
    with log.open("w+b") if log else tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(copilot_command("serve", "--host", "127.0.0.1", "--port", str(port)),
                                   cwd=REPO_ROOT, env=child_environment(env), stdout=output, stderr=output)
        try:
            url = f"http://127.0.0.1:{port}"
            try:
                wait_ready(f"{url}/readyz", timeout, process)
            except RuntimeError as error:
                raise RuntimeError(f"{error}; its output ended:\n{_tail(output)}") from error
            yield Served(url, process, round(time.perf_counter() - started, 2))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _tail(output: IO[bytes], lines: int = 20) -> str:
    output.flush()
    output.seek(0)
    return "\n".join(output.read().decode("utf-8", "replace").splitlines()[-lines:])
