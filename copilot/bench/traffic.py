"""Closed-loop HTTP clients on loopback: each client sends its next request as soon as the last one answered."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import BaseModel

from copilot.bench.stats import Percentiles, percentiles
from copilot.evaluation.suite import load_suites
from copilot.settings import REPO_ROOT

Endpoint = Literal["check", "suggest"]
SUITES = REPO_ROOT / "eval" / "suites"


@dataclass(frozen=True)
class Call:
    endpoint: Endpoint
    body: dict[str, Any]


@dataclass(frozen=True)
class Sample:
    endpoint: Endpoint
    ms: float
    status: int  # 0 when the request never got an answer
    error: str = ""
    url: str = ""  # the replica that answered (or failed to)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0


class EndpointSummary(BaseModel):
    requests: int
    errors: int
    throughput_rps: float
    latency: Percentiles


def workload(suites: Path = SUITES) -> tuple[list[Call], list[Call]]:
    """Check calls (every draft of the check suites) and suggest calls (every transcript of the suggest suites)."""
    suite = load_suites(sorted(suites.glob("*.jsonl")))
    checks = [Call("check", {"draft": c.draft, "channel": c.channel, "position": c.position})
              for c in suite.check_cases]
    suggests = [Call("suggest", {"transcript": c.transcript if isinstance(c.transcript, str)
                                 else [t.model_dump() for t in c.transcript], "top_k": 3, "channel": c.channel})
                for c in suite.suggest_cases]
    return checks, suggests


def mixed(checks: Sequence[Call], suggests: Sequence[Call], checks_per_suggest: int) -> list[Call]:
    """Interleave: `checks_per_suggest` checks (drafts are checked on every typing pause) per suggestion."""
    out: list[Call] = []
    check_cycle = itertools.cycle(checks)
    for suggest in suggests:
        out.append(suggest)
        out.extend(next(check_cycle) for _ in range(checks_per_suggest))
    return out


def drive(url: str | Sequence[str], calls: Sequence[Call], *, clients: int, max_requests: int,
          duration_s: float = 0, stop: threading.Event | None = None, headers: dict[str, str] | None = None) -> Run:
    """Send `calls` in turn (cycling) from `clients` threads until `max_requests` are sent or, with `stop`,
    it is set, or else `duration_s` has passed. With several URLs (replicas), client i talks to URL i mod n."""
    urls = [url] if isinstance(url, str) else list(url)
    counter = itertools.count()
    lock = threading.Lock()
    run = Run()
    deadline = time.perf_counter() + duration_s

    def going() -> bool:
        return not stop.is_set() if stop is not None else time.perf_counter() < deadline

    def client(base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=60, headers=headers or {}) as session:
            while going():
                with lock:
                    index = next(counter)
                if index >= max_requests:
                    return
                call = calls[index % len(calls)]
                sample = _send(session, call)
                with lock:
                    run.samples.append(sample)

    threads = [threading.Thread(target=client, args=(urls[i % len(urls)],), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.wall_s = time.perf_counter() - started
    return run


def _send(session: httpx.Client, call: Call) -> Sample:
    started = time.perf_counter()
    try:
        response = session.post(f"/v1/{call.endpoint}", json=call.body)
    except httpx.HTTPError as exc:
        return Sample(call.endpoint, (time.perf_counter() - started) * 1000, 0, type(exc).__name__,
                      str(session.base_url))
    ms = (time.perf_counter() - started) * 1000
    error = "" if response.is_success else response.text[:200]
    return Sample(call.endpoint, ms, response.status_code, error, str(session.base_url))


def summarise(run: Run) -> dict[str, EndpointSummary]:
    out: dict[str, EndpointSummary] = {}
    for endpoint in sorted({s.endpoint for s in run.samples}):
        samples = [s for s in run.samples if s.endpoint == endpoint]
        out[endpoint] = EndpointSummary(
            requests=len(samples), errors=sum(not s.ok for s in samples),
            # answered requests only: fast refusals are not throughput
            throughput_rps=round(sum(s.ok for s in samples) / run.wall_s, 2) if run.wall_s else 0.0,
            latency=percentiles([s.ms for s in samples if s.ok]),
        )
    return out
