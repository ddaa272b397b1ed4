"""Measure index build time, cold start to ready, and /v1/suggest latency over HTTP on loopback.

Usage: .venv/bin/python bench/foundation.py [--requests N]
Prints numbers; asserts nothing. Uses a fresh data directory so the index is built from scratch.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
UTTERANCES = [json.loads(line)["transcript"]
              for line in (ROOT / "eval/suites/suggest-heldout.jsonl").read_text(encoding="utf-8").splitlines()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def time_to_ready(data_dir: str) -> tuple[float, subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "COPILOT_PATHS__DATA_DIR": data_dir}
    started = time.perf_counter()
    process = subprocess.Popen([str(Path(sys.executable).with_name("copilot")), "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return time.perf_counter() - started, process, port
        except httpx.HTTPError:
            pass
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("copilot")), "ingest"], cwd=ROOT, check=True,
                       env={**os.environ, "COPILOT_PATHS__DATA_DIR": data_dir}, capture_output=True)
        build = time.perf_counter() - started
        ready, process, port = time_to_ready(data_dir)
        try:
            latencies = []
            with httpx.Client(timeout=30) as client:
                for i in range(args.requests):
                    body = {"transcript": UTTERANCES[i % len(UTTERANCES)], "top_k": 3}
                    t0 = time.perf_counter()
                    client.post(f"http://127.0.0.1:{port}/v1/suggest", json=body).raise_for_status()
                    latencies.append((time.perf_counter() - t0) * 1000)
        finally:
            process.terminate()
            process.wait(30)
    latencies.sort()
    print(f"ingest from scratch (process start to index built): {build:.1f} s")
    print(f"cold start of `copilot serve` to /readyz 200 (index present): {ready:.1f} s")
    print(f"/v1/suggest over HTTP, one client, {len(latencies)} requests: "
          f"p50 {statistics.median(latencies):.1f} ms, p95 {latencies[int(0.95 * len(latencies)) - 1]:.1f} ms, "
          f"p99 {latencies[int(0.99 * len(latencies)) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
