"""Real servers the tests start on loopback, in temporary directories: redis-server and PostgreSQL, both from
Debian's packages (.ci/run installs them when missing)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from copilot.bench.server import free_port


def missing(what: str, install: str) -> None:
    """Fail in CI (a clean machine must have it), skip on a developer's machine without it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed (.ci/run installs Debian's package)")
    pytest.skip(f"{what} is not installed: apt-get install -y {install}")


def _wait_port(port: int, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class RedisServer:
    """redis-server without persistence; `stop()` and `start()` again on the same port (a Redis outage)."""

    def __init__(self, port: int | None = None) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing("redis-server", "redis-server")
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        assert self.binary is not None
        self._process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, 20, self._process)
        return self

    @property
    def running(self) -> bool:
        return self._process is not None

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def flush(self) -> None:
        subprocess.run([str(Path(self.binary or "").with_name("redis-cli")), "-p", str(self.port), "FLUSHALL"],
                       check=True, capture_output=True)


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway cluster (trust authentication on loopback); yields a connection URL. PostgreSQL refuses to run
    as root, so as root (CI) the cluster is run as the `postgres` user the Debian package creates."""
    binaries = _postgres_bin()
    if binaries is None:
        missing("PostgreSQL", "postgresql")
    assert binaries is not None
    as_user: list[str] = []
    # /tmp rather than pytest's temporary directory: the latter is private to its owner, and postgres must enter it
    data = Path(tempfile.mkdtemp(prefix="copilot-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(data, "postgres")
    port = free_port()
    cluster = data / "cluster"
    try:
        subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(cluster), "-U", "copilot", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(cluster), "-o", options, "-l",
                        str(data / "log"), "-w", "-t", "60", "start"], check=True, capture_output=True)
        try:
            yield f"postgresql://copilot@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "stop"],
                           capture_output=True)
    finally:
        shutil.rmtree(data, ignore_errors=True)
