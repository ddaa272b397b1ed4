"""The issue's targets for this 2-core machine, each judged against what the run measured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from copilot.bench.run import BenchReport, HttpRun


class Target(BaseModel):
    name: str
    limit: str
    measured: float
    unit: str
    met: bool


def _http(report: BenchReport, endpoint: str, clients: int) -> HttpRun | None:
    return next((r for r in report.http if r.endpoint == endpoint and r.clients == clients), None)


def judge(report: BenchReport) -> list[Target]:
    targets: list[Target] = []

    def at_most(name: str, measured: float, limit: float, unit: str) -> None:
        targets.append(Target(name=name, limit=f"≤ {limit:g} {unit}", measured=measured, unit=unit,
                              met=measured <= limit))

    failed = sum(r.errors for r in report.http)
    targets.append(Target(name="failed HTTP requests", limit="= 0", measured=failed, unit="", met=failed == 0))

    def at_least(name: str, measured: float, limit: float, unit: str) -> None:
        targets.append(Target(name=name, limit=f"≥ {limit:g} {unit}", measured=measured, unit=unit,
                              met=measured >= limit))

    check, suggest = _http(report, "check", 1), _http(report, "suggest", 1)
    if check is not None:
        at_most("check p50, one client (HTTP)", check.latency.p50_ms, 15, "ms")
        at_most("check p99, one client (HTTP)", check.latency.p99_ms, 40, "ms")
    check_16 = _http(report, "check", 16)
    if check_16 is not None:
        at_least("checks per second, 16 clients (HTTP)", check_16.throughput_rps, 100, "req/s")
    if suggest is not None:
        at_most("suggest p50, one client (HTTP)", suggest.latency.p50_ms, 30, "ms")
        at_most("suggest p99, one client (HTTP)", suggest.latency.p99_ms, 80, "ms")
    lexicon = report.lexicon_baseline
    at_least("lexicon stage throughput", round(lexicon.ours_chars_per_s / 1e6, 2), 5, "M chars/s")
    at_least("lexicon stage vs regex alternation", lexicon.speedup, 5, "x")
    at_most("index build, five standards", report.startup.index_build_s, 30, "s")
    at_most("start to ready", report.startup.ready_s, 10, "s")
    peak = max(report.startup.server_peak_rss_mib, report.startup.ingest_peak_rss_mib)
    at_most("peak RSS (server or ingest)", peak, 1536, "MiB")
    return targets
