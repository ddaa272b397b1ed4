"""`copilot bench run`: every benchmark in one run, on a fresh data directory, against the real components."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from copilot.bench.baselines import LexiconBaseline, SuggestBaseline, lexicon_vs_regex, suggest_vs_dense
from copilot.bench.growth import CheckGrowthPoint, SuggestGrowthPoint, check_growth, suggest_growth
from copilot.bench.server import child_environment, copilot_command, serve
from copilot.bench.stages import StageTimings, measure_stages
from copilot.bench.stats import Percentiles
from copilot.bench.targets import Target, judge
from copilot.bench.traffic import SUITES, Call, drive, summarise, workload
from copilot.evaluation.suite import load_suites
from copilot.settings import REPO_ROOT, Settings

Say = Callable[[str], None]


class BenchOptions(BaseModel):
    short: bool = False
    requests: int = 300  # per endpoint, one client
    concurrent_requests: int = 400  # per endpoint and concurrency level
    concurrency: list[int] = [4, 16]
    draft_lengths: list[int] = [10, 20, 100, 1000, 10000]
    drafts_per_length: int = 20
    growth_factors: list[int] = [1, 10, 100]
    lexicon_chars: int = 5_000_000

    @classmethod
    def quick(cls) -> BenchOptions:
        """Proves the command works end to end in a couple of minutes; its numbers are not for publishing."""
        return cls(short=True, requests=30, concurrent_requests=48, draft_lengths=[10, 20, 100, 1000],
                   drafts_per_length=5, growth_factors=[1, 3], lexicon_chars=300_000)


class HttpRun(BaseModel):
    endpoint: str
    clients: int
    requests: int
    errors: int
    throughput_rps: float
    latency: Percentiles


class StartUp(BaseModel):
    index_build_s: float  # `copilot ingest` on an empty data directory: process start to exit
    ingest_peak_rss_mib: float
    ready_s: float  # `copilot serve` start to the first /readyz 200, index present
    server_peak_rss_mib: float  # after every HTTP run
    server_rss_mib: float


class Machine(BaseModel):
    cpus: int
    python: str
    platform: str


class BenchReport(BaseModel):
    created: str
    options: BenchOptions
    machine: Machine
    startup: StartUp
    http: list[HttpRun]
    stages: StageTimings
    check_growth: list[CheckGrowthPoint]
    suggest_growth: list[SuggestGrowthPoint]
    lexicon_baseline: LexiconBaseline
    suggest_baseline: SuggestBaseline
    targets: list[Target]


def run_benchmarks(options: BenchOptions, say: Say) -> BenchReport:
    with tempfile.TemporaryDirectory(prefix="copilot-bench-") as scratch:
        data_dir = Path(scratch)
        # The suites' transcripts come round again in a run; kept turn vectors would skip their model call, which
        # a new call's turns do not: the benchmark measures every suggestion cold.
        env = {"COPILOT_PATHS__DATA_DIR": str(data_dir), "COPILOT_SUGGEST__TURN_VECTORS_KEPT": "0"}
        say("index build (copilot ingest on an empty data directory)")
        build_s, ingest_rss = _ingest(env)
        checks, suggests = workload()
        say("HTTP: one client, then concurrent clients")
        with serve(env) as served:
            http = _http_runs(served.url, checks, suggests, options, say)
            startup = StartUp(index_build_s=build_s, ingest_peak_rss_mib=ingest_rss, ready_s=served.ready_s,
                              server_peak_rss_mib=served.peak_rss_mib(), server_rss_mib=served.rss_mib())
        report = _in_process(data_dir, options, http, startup, say)
    return report


def _ingest(env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    subprocess.run(copilot_command("ingest"), cwd=REPO_ROOT, env=child_environment(env), check=True,
                   capture_output=True)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return round(seconds, 2), round(peak_kib / 1024, 1)


def _http_runs(url: str, checks: list[Call], suggests: list[Call], options: BenchOptions, say: Say) -> list[HttpRun]:
    runs = []
    plan = [(1, options.requests)] + [(c, options.concurrent_requests) for c in options.concurrency]
    for clients, requests in plan:
        for endpoint, calls in (("check", checks), ("suggest", suggests)):
            say(f"  {endpoint}: {clients} client(s), {requests} requests")
            if clients == 1:  # first requests pay for lazy imports and allocations: not what an agent waits for
                drive(url, calls[-5:], clients=1, max_requests=5, duration_s=60)
            run = drive(url, calls, clients=clients, max_requests=requests, duration_s=600)
            summary = summarise(run)[endpoint]
            runs.append(HttpRun(endpoint=endpoint, clients=clients, **summary.model_dump()))
    return runs


def _in_process(data_dir: Path, options: BenchOptions, http: list[HttpRun], startup: StartUp,
                say: Say) -> BenchReport:
    from copilot.admin.reindex import open_active

    settings = Settings()
    settings.paths.data_dir = data_dir
    # the API refuses drafts over its limit; the growth curve measures what longer ones would cost
    settings.check.max_draft_chars = max(settings.check.max_draft_chars, *options.draft_lengths)
    settings.suggest.turn_vectors_kept = 0  # cold suggestions, as over HTTP
    copilot = open_active(settings)[0]
    suite = load_suites(sorted(SUITES.glob("*.jsonl")))
    drafts = [c.draft for c in suite.check_cases]
    transcripts = [c.transcript for c in suite.suggest_cases if isinstance(c.transcript, str)]
    if options.short:
        drafts, transcripts = drafts[:20], transcripts[:20]
    say("in-process stage timings")
    stages = measure_stages(copilot, drafts, transcripts)
    say("baselines: regex alternation, plain dense search")
    lexicon = lexicon_vs_regex(copilot, drafts, options.lexicon_chars)
    cases = suite.suggest_cases[:20] if options.short else suite.suggest_cases
    dense = suggest_vs_dense(copilot, cases)
    say("growth: draft length")
    by_length = check_growth(copilot, drafts, options.draft_lengths, options.drafts_per_length)
    say("growth: knowledge-base size")
    by_size = suggest_growth(copilot, transcripts[:40], options.growth_factors)
    report = BenchReport(
        created=datetime.now(UTC).isoformat(timespec="seconds"), options=options,
        machine=Machine(cpus=os.cpu_count() or 0, python=platform.python_version(), platform=platform.platform()),
        startup=startup, http=http, stages=stages, check_growth=by_length, suggest_growth=by_size,
        lexicon_baseline=lexicon, suggest_baseline=dense, targets=[],
    )
    report.targets = judge(report)
    return report
