"""The load run: mixed suggest/check traffic against `copilot serve`, with a knowledge change half-way through.

Bounded by a duration and a request count. The change (a new document uploaded through the admin API) builds
and validates a new version and swaps it in while requests are in flight; every request must still succeed.
Against running replicas (`urls`), the traffic is spread over them, the change goes through the first, and the
others must pick it up (from the Chroma server they share) while the traffic goes on.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from pydantic import BaseModel, Field

from copilot.bench.server import Served, serve
from copilot.bench.traffic import EndpointSummary, drive, mixed, summarise, workload

# A short standard an admin might add: its passages are new, so the change embeds them and reuses the rest.
NEW_STANDARD = """营业厅夜间服务规范
一、夜间值班
1.夜间值班坐席应在铃响三声内接听来电，首句为“您好，夜间服务热线，请问有什么可以帮您？”
2.无法当场处理的问题，应登记客户的联系方式，并告知客户次日上午十点前回复。
二、安全提示
1.涉及账户资金的操作，夜间只受理挂失，其他业务请客户于工作时间办理。
"""


class LoadOptions(BaseModel):
    duration_s: float = Field(default=60, gt=0, description="Traffic runs at least this long…")
    max_requests: int = Field(default=3000, ge=1, description="…and stops after this many requests.")
    clients: int = Field(default=8, ge=1, le=64)
    checks_per_suggest: int = Field(default=3, ge=0)
    reindex_at: float = Field(default=0.3, ge=0, le=1, description="Share of the duration before the change.")
    data_dir: Path | None = Field(default=None, description="Serve this data directory (default: a fresh one).")
    urls: list[str] = Field(default_factory=list,
                            description="Running replicas to load instead of starting a server (clients spread "
                            "over them; the knowledge change goes through the first).")
    follow_timeout_s: float = Field(default=60, gt=0,
                                    description="How long the other replicas get to serve the new version.")


class Reindex(BaseModel):
    started_at_s: float
    seconds: float
    status: int
    version_before: str
    version_after: str
    error: str = ""
    followed: bool = Field(default=True, description="Every replica served the new version before the end.")
    followed_s: float = Field(default=0.0, description="From the change's answer until every replica served it.")


class LoadReport(BaseModel):
    options: LoadOptions
    ready_s: float
    wall_s: float
    requests: int
    errors: int
    error_samples: list[str]
    endpoints: dict[str, EndpointSummary]
    replicas: dict[str, int] = Field(default_factory=dict, description="Requests per replica URL.")
    reindex: Reindex
    rss_mib_before: float | None = Field(description="The server's memory; unknown for replicas not started here.")
    rss_mib_after: float | None
    peak_rss_mib: float | None

    @property
    def passed(self) -> bool:
        return self.errors == 0 and self.reindex.status == 200 and self.reindex.followed and \
            self.reindex.version_after != self.reindex.version_before


def run_load(options: LoadOptions) -> LoadReport:
    if options.urls:
        return _measure(options, options.urls, None)
    with tempfile.TemporaryDirectory(prefix="copilot-load-") as scratch:
        data_dir = options.data_dir or Path(scratch)
        with serve({"COPILOT_PATHS__DATA_DIR": str(data_dir)}, timeout=600) as served:
            return _measure(options, [served.url], served)


def _measure(options: LoadOptions, urls: list[str], served: Served | None) -> LoadReport:
    checks, suggests = workload()
    calls = mixed(checks, suggests, options.checks_per_suggest)
    drive(urls, calls, clients=len(urls), max_requests=20 * len(urls), duration_s=60)  # warm-up, not counted
    rss_before = served.rss_mib() if served else None
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.perf_counter()
        traffic = pool.submit(drive, urls, calls, clients=options.clients, max_requests=options.max_requests,
                              stop=stop)
        time.sleep(options.duration_s * options.reindex_at)
        reindex = _reindex(urls, time.perf_counter() - started, options.follow_timeout_s)
        # traffic goes on after the switch: requests must also succeed on the new version
        time.sleep(max(1.0, options.duration_s - (time.perf_counter() - started)))
        stop.set()
        run = traffic.result()
    return LoadReport(
        options=options, ready_s=served.ready_s if served else 0.0, wall_s=round(run.wall_s, 2),
        requests=len(run.samples), errors=sum(not s.ok for s in run.samples),
        error_samples=sorted({f"{s.endpoint} {s.status} {s.error}" for s in run.samples if not s.ok})[:10],
        endpoints=summarise(run), replicas=dict(Counter(s.url for s in run.samples)), reindex=reindex,
        rss_mib_before=rss_before, rss_mib_after=served.rss_mib() if served else None,
        peak_rss_mib=served.peak_rss_mib() if served else None,
    )


def _version(url: str) -> str:
    return str(httpx.get(f"{url}/readyz", timeout=10).json().get("knowledge_version", ""))


def _reindex(urls: list[str], at_s: float, follow_timeout_s: float) -> Reindex:
    before = _version(urls[0])
    started = time.perf_counter()
    files = {"file": ("night-service.txt", NEW_STANDARD.encode("utf-8"), "text/plain")}
    response = httpx.post(f"{urls[0]}/v1/knowledge/documents", files=files, timeout=600)
    seconds = time.perf_counter() - started
    after = _version(urls[0])
    answered = time.perf_counter()
    waiting = [url for url in urls[1:] if response.is_success]
    while waiting and time.perf_counter() - answered < follow_timeout_s:
        waiting = [url for url in waiting if _version(url) != after]
        time.sleep(0.2 if waiting else 0)
    return Reindex(started_at_s=round(at_s, 2), seconds=round(seconds, 2), status=response.status_code,
                   version_before=before, version_after=after,
                   error="" if response.is_success else response.text[:300], followed=not waiting,
                   followed_s=round(time.perf_counter() - answered, 2))
