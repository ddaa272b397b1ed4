"""Write a benchmark run as JSON, a Markdown page and PNG plots (matplotlib, English labels: no CJK font needed)."""

from __future__ import annotations

from pathlib import Path

from copilot.bench.run import BenchReport
from copilot.bench.stats import Percentiles

PLOTS = ("http.png", "stages.png", "check-growth.png", "suggest-growth.png")


def write_report(report: BenchReport, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmarks.json").write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(markdown(report), encoding="utf-8")
    plot(report, out)
    return [out / "benchmarks.json", out / "README.md", *(out / name for name in PLOTS)]


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _ms(p: Percentiles) -> tuple[str, str, str]:
    return f"{p.p50_ms:.2f}", f"{p.p95_ms:.2f}", f"{p.p99_ms:.2f}"


def markdown(report: BenchReport) -> str:
    s, lex, dense = report.startup, report.lexicon_baseline, report.suggest_baseline
    lines = [
        "# Benchmarks",
        "",
        f"Run {report.created} on {report.machine.cpus} CPUs, Python {report.machine.python}, "
        f"{report.machine.platform}; no GPU, no LLM." + (" **Short mode: a smoke run, not for comparison.**"
                                                          if report.options.short else ""),
        "Regenerate with `make bench` (`copilot bench run --out docs/benchmarks`). Raw numbers: "
        "[benchmarks.json](benchmarks.json).",
        "",
        "## Targets",
        "",
        _row("target", "limit", "measured", "met"), _row("---", "---", "---", "---"),
        *(_row(t.name, t.limit, f"{t.measured:g} {t.unit}", "yes" if t.met else "**no**") for t in report.targets),
        "",
        "## HTTP on loopback",
        "",
        "Closed-loop clients (threads in one Python process on the same two cores as the server). Check drafts "
        "are the check suites' drafts in turn; after the first pass their clause embeddings are cached, as when an "
        "agent's draft is re-checked while typing. Suggest transcripts are the suggest suites' (no cache).",
        "",
        _row("endpoint", "clients", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"),
        _row(*["---"] * 8),
        *(_row(r.endpoint, r.clients, r.requests, r.errors, r.throughput_rps, *_ms(r.latency)) for r in report.http),
        "",
        "![HTTP latency and throughput](http.png)",
        "",
        "## Start-up and memory",
        "",
        _row("measure", "value"), _row("---", "---"),
        _row("index build (`copilot ingest`, empty data directory, incl. model load)", f"{s.index_build_s} s"),
        _row("start to ready (`copilot serve` to /readyz 200, index present)", f"{s.ready_s} s"),
        _row("server peak RSS after all HTTP runs", f"{s.server_peak_rss_mib} MiB"),
        _row("ingest peak RSS", f"{s.ingest_peak_rss_mib} MiB"),
        "",
        "## Stages, in process",
        "",
        f"{report.stages.drafts} drafts and {report.stages.queries} transcripts from the eval suites. `semantic` and "
        "`check` run with the clause cache emptied before each draft; `check (re-check)` is the same draft again.",
        "",
        _row("stage", "p50 ms", "p95 ms", "p99 ms"), _row("---", "---", "---", "---"),
        *(_row(name.replace("_", " "), *_ms(getattr(report.stages, name))) for name in _STAGES),
        "",
        "![Stage timings](stages.png)",
        "",
        "## Growth",
        "",
        "Check latency by draft length (distinct drafts cut from the suites' drafts joined; clause cache empty):",
        "",
        _row("chars", "drafts", "check p50 ms", "check p99 ms", "lexicon only p50 ms"), _row(*["---"] * 5),
        *(_row(p.chars, p.drafts, f"{p.check.p50_ms:.2f}", f"{p.check.p99_ms:.2f}", f"{p.lexicon.p50_ms:.2f}")
          for p in report.check_growth),
        "",
        "Suggest latency by knowledge-base size. Added passages are synthetic: halves of two real passages joined, "
        "their vector the normalised sum of the two real vectors plus noise, so BM25 and the dense search see a "
        "corpus of the stated size without tens of thousands of model calls. Up to `retrieval.memory_vectors_max` "
        "indexed documents (20,000) the vectors are searched in memory; above it, Chroma's HNSW searches the "
        "passages.",
        "",
        _row("size", "passages", "indexed documents", "build s", "suggest p50 ms", "p99 ms"), _row(*["---"] * 6),
        *(_row(f"{p.factor}x", p.passages, p.documents, p.build_s, f"{p.suggest.p50_ms:.2f}",
               f"{p.suggest.p99_ms:.2f}") for p in report.suggest_growth),
        "",
        "![Check growth](check-growth.png) ![Suggest growth](suggest-growth.png)",
        "",
        "## Baselines, same run",
        "",
        f"Lexicon stage over {lex.chars:,} characters of the check suites' drafts: Aho-Corasick over "
        f"{lex.automaton_keys} keys on normalised text {lex.ours_chars_per_s / 1e6:.1f}M chars/s "
        f"({lex.ours_matches} matches) vs a Python "
        f"`re` alternation of the {lex.phrases} forbidden phrases on naively normalised text (`lower()`, spaces "
        f"removed) {lex.regex_chars_per_s / 1e6:.1f}M chars/s ({lex.regex_matches} matches): **{lex.speedup}x**. "
        f"With each side's normalisation included: {lex.ours_with_normalisation_chars_per_s / 1e6:.1f}M vs "
        f"{lex.regex_with_normalisation_chars_per_s / 1e6:.1f}M chars/s ({lex.speedup_with_normalisation}x): ours "
        "folds 繁體, full-width forms, separators and repeats and keeps a map back to the typed characters, "
        "which is what lets it find what the regex misses.",
        "",
        f"Suggest vs plain dense search in Chroma over the raw passages ({dense.cases} suite cases): "
        f"hit@3 {dense.ours_hit_at_3:.3f} vs {dense.dense_hit_at_3:.3f}; p50 {dense.ours_latency.p50_ms:.1f} ms vs "
        f"{dense.dense_latency.p50_ms:.1f} ms (ours costs {dense.latency_ratio}x the time).",
        "",
    ]
    return "\n".join(lines)


_STAGES = ("normalise", "lexicon", "semantic", "check", "check_recheck", "embed_query", "bm25", "dense_scenarios",
           "dense_passages", "fusion", "suggest")


def plot(report: BenchReport, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for endpoint in ("check", "suggest"):
        runs = [r for r in report.http if r.endpoint == endpoint]
        clients = [r.clients for r in runs]
        left.plot(clients, [r.throughput_rps for r in runs], marker="o", label=endpoint)
        right.plot(clients, [r.latency.p50_ms for r in runs], marker="o", label=f"{endpoint} p50")
        right.plot(clients, [r.latency.p99_ms for r in runs], marker="x", linestyle="--", label=f"{endpoint} p99")
    left.set(xlabel="concurrent clients", ylabel="requests/s", title="Throughput over HTTP")
    right.set(xlabel="concurrent clients", ylabel="ms", title="Latency over HTTP", yscale="log")
    for axis in (left, right):
        axis.legend()
        axis.grid(alpha=0.3)
    _save(fig, out / "http.png")

    fig, axis = plt.subplots(figsize=(8, 4))
    values = [getattr(report.stages, name).p50_ms for name in _STAGES]
    axis.barh([n.replace("_", " ") for n in _STAGES], values)
    axis.set(xlabel="p50 ms (log)", xscale="log", title="Stage timings, in process")
    axis.invert_yaxis()
    _save(fig, out / "stages.png")

    fig, axis = plt.subplots(figsize=(6, 4))
    chars = [p.chars for p in report.check_growth]
    axis.plot(chars, [p.check.p50_ms for p in report.check_growth], marker="o", label="check p50")
    axis.plot(chars, [p.check.p99_ms for p in report.check_growth], marker="x", linestyle="--", label="check p99")
    axis.plot(chars, [p.lexicon.p50_ms for p in report.check_growth], marker="s", label="lexicon only p50")
    axis.set(xscale="log", yscale="log", xlabel="draft length (chars)", ylabel="ms", title="Check cost by length")
    axis.legend()
    axis.grid(alpha=0.3)
    _save(fig, out / "check-growth.png")

    fig, axis = plt.subplots(figsize=(6, 4))
    passages = [p.passages for p in report.suggest_growth]
    axis.plot(passages, [p.suggest.p50_ms for p in report.suggest_growth], marker="o", label="suggest p50")
    axis.plot(passages, [p.suggest.p99_ms for p in report.suggest_growth], marker="x", linestyle="--",
              label="suggest p99")
    axis.set(xscale="log", xlabel="passages in the knowledge base", ylabel="ms",
             title="Suggest cost by knowledge size")
    axis.legend()
    axis.grid(alpha=0.3)
    _save(fig, out / "suggest-growth.png")


def _save(figure: object, path: Path) -> None:
    import matplotlib.pyplot as plt

    figure.tight_layout()  # type: ignore[attr-defined]
    figure.savefig(path, dpi=110)  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
