"""`copilot bench run` (benchmarks into docs/benchmarks/) and `copilot bench load` (the load run)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from copilot.console import console

bench_app = typer.Typer(help="Benchmarks and the load run, against the real server on loopback.",
                        no_args_is_help=True)


@bench_app.command("run")
def run(
    out: Annotated[Path, typer.Option(help="Where to write benchmarks.json, README.md and the plots.")] = Path(
        "docs/benchmarks"),
    short: Annotated[bool, typer.Option("--short", help="A quick smoke run (CI): small counts, no 100x.")] = False,
) -> None:
    """Measure latency, throughput, start-up, memory, growth and the baselines; write the report."""
    from copilot.bench.report import write_report
    from copilot.bench.run import BenchOptions, run_benchmarks

    options = BenchOptions.quick() if short else BenchOptions()
    report = run_benchmarks(options, lambda message: console.print(f"[dim]{message}[/dim]"))
    written = write_report(report, out)
    table = Table(title="Targets")
    for column in ("target", "limit", "measured", "met"):
        table.add_column(column)
    for target in report.targets:
        table.add_row(target.name, target.limit, f"{target.measured:g} {target.unit}",
                      "yes" if target.met else "[red]no[/red]")
    console.print(table)
    console.print("wrote " + ", ".join(str(p) for p in written))


@bench_app.command("load")
def load(
    duration: Annotated[float, typer.Option(help="Seconds of traffic (at least).", min=1)] = 60,
    requests: Annotated[int, typer.Option(help="Stop after this many requests.", min=1)] = 3000,
    clients: Annotated[int, typer.Option(help="Concurrent clients.", min=1, max=64)] = 8,
    data_dir: Annotated[Path | None, typer.Option(help="Serve this data directory (default: a fresh one).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report here.")] = None,
    url: Annotated[list[str] | None, typer.Option(
        "--url", help="A running replica to load instead of starting a server; repeat for several (clients are "
        "spread over them, the knowledge change goes through the first).")] = None,
) -> None:
    """Mixed suggest/check traffic with a knowledge change half-way; exits 1 on any failed request, or when a
    replica did not pick up the change."""
    from copilot.bench.load import LoadOptions, run_load

    report = run_load(LoadOptions(duration_s=duration, max_requests=requests, clients=clients, data_dir=data_dir,
                                  urls=[u.rstrip("/") for u in url or []]))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    table = Table(title=f"Load: {report.requests} requests in {report.wall_s} s, {report.errors} errors")
    for column in ("endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column)
    for endpoint, summary in report.endpoints.items():
        latency = summary.latency
        table.add_row(endpoint, str(summary.requests), str(summary.errors), f"{summary.throughput_rps:g}",
                      f"{latency.p50_ms:.1f}", f"{latency.p95_ms:.1f}", f"{latency.p99_ms:.1f}")
    console.print(table)
    change = report.reindex
    console.print(f"knowledge change at {change.started_at_s} s: HTTP {change.status} in {change.seconds} s, "
                  f"{change.version_before} → {change.version_after}")
    if len(report.replicas) > 1:
        console.print(f"requests per replica: {report.replicas}; every replica on the new version "
                      f"{change.followed_s} s after the change" if change.followed else
                      "[red]a replica did not pick up the change[/red]")
    if report.rss_mib_before is not None:
        console.print(f"server RSS {report.rss_mib_before} MiB before, {report.rss_mib_after} MiB after "
                      f"(peak {report.peak_rss_mib} MiB)")
    for sample in report.error_samples:
        console.print(f"[red]{sample}[/red]")
    if not report.passed:
        raise typer.Exit(1)
