"""The `copilot` command: clean sources, ingest (index), serve, and ask for suggestions."""

from __future__ import annotations

import json
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from copilot.console import console, fail
from copilot.errors import CopilotError
from copilot.settings import Settings

T = TypeVar("T")

app = typer.Typer(help="Agent copilot (坐席助手): cited standard phrasings for call-centre agents.",
                  no_args_is_help=True, add_completion=False)


def _register_subcommands() -> None:
    from copilot.bench.cli import bench_app
    from copilot.cli_admin import keys_app, knowledge_app
    from copilot.cli_qa import qa_app
    from copilot.cli_train import feedback_app, train_app
    from copilot.evaluation.cli import eval_app

    app.add_typer(eval_app, name="eval")
    app.add_typer(bench_app, name="bench")
    app.add_typer(qa_app, name="qa")
    app.add_typer(knowledge_app, name="knowledge")
    app.add_typer(keys_app, name="keys")
    app.add_typer(train_app, name="train")
    app.add_typer(feedback_app, name="feedback")


_register_subcommands()


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, also where this thread already runs an event loop (a notebook, or Playwright's sync API in
    the same process): the coroutine then gets its own loop in a worker thread."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def _build(settings: Settings, *, show_progress: bool = True, smoke: bool = False):  # type: ignore[no-untyped-def]
    """The copilot of the active knowledge version: what `copilot serve` would serve."""
    from copilot.admin.reindex import open_active

    if not show_progress:
        return open_active(settings, smoke=smoke)[0]
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("indexing", total=None)

        def advance(stage: str, step: int, total: int) -> None:
            progress.update(task, total=total, advance=step, description=stage)

        return open_active(settings, advance, smoke=smoke)[0]


@app.command()
def clean(
    source: Annotated[Path, typer.Argument(help="A raw document (.txt, .md, .docx).", exists=True)],
    output: Annotated[Path, typer.Argument(help="Where to write the cleaned text.")],
) -> None:
    """Clean a raw web copy of a standard into a source file for knowledge/sources/."""
    from copilot.ingest.clean import clean_text, debris_found
    from copilot.ingest.readers import read_document

    cleaned = clean_text(read_document(source))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(cleaned, encoding="utf-8")
    left = debris_found(cleaned)
    console.print(f"{source.name} → {output} ({len(cleaned)} chars, {len(left)} debris lines left)")


@app.command()
def ingest() -> None:
    """Check the rulebook against the sources and (re)build the index of the active knowledge version.

    The shipped `knowledge/` folder is the first version; a changed shipped folder becomes a new one unless an
    admin's version is active (see `copilot knowledge`)."""
    settings = Settings()
    try:
        copilot = _build(settings, smoke=True)
    except CopilotError as exc:
        fail("ingest failed:", exc)
    knowledge = copilot.knowledge
    rulebook = knowledge.rulebook
    report = copilot.sync_report
    table = Table(title="Knowledge base")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, count in (
        ("documents", len(knowledge.documents)),
        ("passages", knowledge.passage_count),
        ("scenarios", len(rulebook.scenarios)),
        ("approved phrasings", sum(len(s.approved) for s in rulebook.scenarios)),
        ("forbidden phrasings", sum(len(s.forbidden) for s in rulebook.scenarios)),
        ("index: embedded now", report.embedded),
        ("index: unchanged, kept", report.kept),
        ("index: removed", report.removed),
    ):
        table.add_row(name, str(count))
    console.print(table)
    timings = ", ".join(f"{k} {v:.2f}" for k, v in copilot.timings.items())
    console.print(f"embedding: {copilot.embedder.name}; timings (s): {timings}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Serve the HTTP API (FastAPI + uvicorn). On SIGTERM: live sockets are closed with a reconnect hint and
    requests in flight finish (up to `server.drain_s`)."""
    from copilot.api import create_app
    from copilot.api.server import run
    from copilot.observability.logs import configure_logging

    settings = Settings()
    configure_logging(settings.logging.level, settings.logging.json_lines)
    run(create_app(settings), settings, host or settings.server.host, port or settings.server.port)


@app.command()
def suggest(
    transcript: Annotated[str, typer.Argument(help="What the customer said; lines may start with 客户：/坐席：.")],
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=10)] = 3,
    channel: Annotated[str | None, typer.Option(help="voice, chat or outbound")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON response.")] = False,
    compose: Annotated[bool, typer.Option("--compose", help="Also compose a reply with the configured LLM.")] = False,
) -> None:
    """Suggest the standard's phrasing for a transcript snippet."""
    from copilot.compose.models import ComposeSuggestRequest

    copilot = _build(Settings(), show_progress=False)
    started = time.perf_counter()
    request = ComposeSuggestRequest.model_validate(
        {"transcript": transcript.replace("\\n", "\n"), "top_k": top_k, "channel": channel, "compose": compose}
    )
    response = _run(copilot.compose.suggest_and_compose(request))
    elapsed = (time.perf_counter() - started) * 1000
    if as_json:
        console.print_json(json.dumps(response.model_dump(exclude_unset=True), ensure_ascii=False))
        return
    if response.scenario:
        console.print(f"[bold]场景[/bold] {response.scenario.title} ({response.scenario.id}, "
                      f"confidence {response.scenario.confidence:.2f})  [dim]{elapsed:.0f} ms[/dim]")
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("建议话术 / 规范原文")
    table.add_column("出处")
    for i, item in enumerate(response.suggestions, start=1):
        mark = "√" if item.kind == "approved" else "§"
        citation = item.citation
        cite = f"{citation.document_title}\n{citation.section}\n[{citation.start}:{citation.end}]"
        note = "\n[dim](编写, 依据规范)[/dim]" if item.authored else ""
        table.add_row(str(i), f"{mark} {item.text}{note}", cite)
    console.print(table)
    if response.composed:
        c = response.composed
        origin = "LLM" if c.origin == "llm" else f"规范话术（{c.fallback_reason}）"
        console.print(f"[bold]组稿[/bold] [dim]{origin}[/dim]\n{c.text}")


@app.command()
def check(
    draft: Annotated[str, typer.Argument(help="The reply you are about to send.")],
    channel: Annotated[str | None, typer.Option(help="voice, chat or outbound")] = None,
    position: Annotated[str | None, typer.Option(help="opening, middle or closing")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON response.")] = False,
) -> None:
    """Check a draft: forbidden spans highlighted (red blocks, yellow warnings), the standard's wording below."""
    from rich.text import Text

    from copilot.check.models import CheckRequest

    copilot = _build(Settings(), show_progress=False)
    request = CheckRequest.model_validate({"draft": draft, "channel": channel, "position": position})
    response = copilot.check.check(request)
    if as_json:
        console.print_json(json.dumps(response.model_dump(), ensure_ascii=False))
        return
    text = Text(draft)
    for violation in response.violations:
        style = "bold white on red" if violation.severity == "block" else "black on yellow"
        text.stylize(style, violation.start, max(violation.end, violation.start + 1))
    console.print(text)
    blocking = sum(v.severity == "block" for v in response.violations)
    console.print(f"[red]有 {blocking} 处需修改[/red]" if response.flagged else "[green]可以发送[/green]")
    for i, v in enumerate(response.violations, start=1):
        console.print(f"{i}. [{'red' if v.severity == 'block' else 'yellow'}]{v.text or '（缺失）'}[/] "
                      f"{v.category} · {v.reason} [dim]({v.detector}, {v.rule_id})[/dim]")
        if v.alternative:
            console.print(f"   [green]规范用语：[/green]{v.alternative}")
        console.print(f"   [dim]出处：{v.citation.document_title} · {v.citation.section} ·「{v.citation.quote}」[/dim]")


if __name__ == "__main__":
    app()
