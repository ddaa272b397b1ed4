"""The load run: mixed suggest/check traffic against `copilot serve`, with a knowledge change half-way through.

Bounded by a duration and a request count. The change (a new document uploaded through the admin API) builds
and validates a new version and swaps it in while requests are in flight; every request must still succeed.
"""

from __future__ import annotations

import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from pydantic import BaseModel, Field

from copilot.bench.server import serve
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


class Reindex(BaseModel):
    started_at_s: float
    seconds: float
    status: int
    version_before: str
    version_after: str
    error: str = ""


class LoadReport(BaseModel):
    options: LoadOptions
    ready_s: float
    wall_s: float
    requests: int
    errors: int
    error_samples: list[str]
    endpoints: dict[str, EndpointSummary]
    reindex: Reindex
    rss_mib_before: float
    rss_mib_after: float
    peak_rss_mib: float

    @property
    def passed(self) -> bool:
        return self.errors == 0 and self.reindex.status == 200 and \
            self.reindex.version_after != self.reindex.version_before


def run_load(options: LoadOptions) -> LoadReport:
    with tempfile.TemporaryDirectory(prefix="copilot-load-") as scratch:
        data_dir = options.data_dir or Path(scratch)
        with serve({"COPILOT_PATHS__DATA_DIR": str(data_dir)}, timeout=600) as served:
            checks, suggests = workload()
            calls = mixed(checks, suggests, options.checks_per_suggest)
            drive(served.url, calls, clients=1, max_requests=20, duration_s=60)  # warm-up, not counted
            rss_before = served.rss_mib()
            stop = threading.Event()
            with ThreadPoolExecutor(max_workers=1) as pool:
                started = time.perf_counter()
                traffic = pool.submit(drive, served.url, calls, clients=options.clients,
                                      max_requests=options.max_requests, stop=stop)
                time.sleep(options.duration_s * options.reindex_at)
                reindex = _reindex(served.url, time.perf_counter() - started)
                # traffic goes on after the switch: requests must also succeed on the new version
                time.sleep(max(1.0, options.duration_s - (time.perf_counter() - started)))
                stop.set()
                run = traffic.result()
            return LoadReport(
                options=options, ready_s=served.ready_s, wall_s=round(run.wall_s, 2), requests=len(run.samples),
                errors=sum(not s.ok for s in run.samples),
                error_samples=sorted({f"{s.endpoint} {s.status} {s.error}" for s in run.samples if not s.ok})[:10],
                endpoints=summarise(run), reindex=reindex, rss_mib_before=rss_before,
                rss_mib_after=served.rss_mib(), peak_rss_mib=served.peak_rss_mib(),
            )


def _reindex(url: str, at_s: float) -> Reindex:
    before = httpx.get(f"{url}/readyz", timeout=10).json().get("knowledge_version", "")
    started = time.perf_counter()
    files = {"file": ("night-service.txt", NEW_STANDARD.encode("utf-8"), "text/plain")}
    response = httpx.post(f"{url}/v1/knowledge/documents", files=files, timeout=600)
    seconds = time.perf_counter() - started
    after = httpx.get(f"{url}/readyz", timeout=10).json().get("knowledge_version", "")
    return Reindex(started_at_s=round(at_s, 2), seconds=round(seconds, 2), status=response.status_code,
                   version_before=before, version_after=after,
                   error="" if response.is_success else response.text[:300])
