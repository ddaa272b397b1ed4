"""`copilot qa score`: score finished conversations against the scorecards and write the batch reports."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from copilot.errors import CopilotError
from copilot.settings import Settings

qa_app = typer.Typer(help="Conversation QA (录音质检): score whole transcripts against the scorecards.",
                     no_args_is_help=True)
console = Console(width=None if sys.stdout.isatty() else 150)


@qa_app.command("score")
def score(
    transcripts: Annotated[Path, typer.Argument(help="JSONL: one conversation per line (id, channel, turns).",
                                                exists=True, dir_okay=False)],
    out: Annotated[Path | None, typer.Option(help="Folder for the reports (default: the data dir's reports/, "
                                                  "which the sidebar lists).")] = None,
    name: Annotated[str | None, typer.Option(help="Report file name without extension.")] = None,
) -> None:
    """Score every conversation; write NAME.json, NAME.csv and NAME.html; print the summary."""
    from copilot.admin.reindex import open_active
    from copilot.console import fail
    from copilot.evaluation.qa_report import write_reports
    from copilot.qa.batch import read_conversations, score_batch

    batch = read_conversations(transcripts)
    for problem in batch.problems:
        console.print(f"[yellow]skipped[/yellow] {problem}")
    if not batch.conversations:
        console.print("[red]no conversations to score[/red]")
        raise typer.Exit(1)
    settings = Settings()
    name = name or f"qa-{transcripts.stem}-{datetime.now():%Y%m%d-%H%M%S}"
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,115}", name):
        console.print("[red]--name may hold letters, digits, '.', '_' and '-' only[/red]")
        raise typer.Exit(2)
    copilot = open_active(settings)[0]
    columns = (TextColumn("[bold]scoring"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("scoring", total=len(batch.conversations))
            scored = score_batch(copilot.qa, batch.conversations, lambda n: progress.advance(task, n))
    except CopilotError as exc:
        fail("scoring failed:", exc)
    paths = write_reports(scored, batch.conversations, out or settings.paths.reports_dir, name)
    _print(scored)
    for path in paths:
        console.print(f"wrote {path}")


def _print(scored: object) -> None:
    from copilot.qa.batch import Scored

    assert isinstance(scored, Scored)
    s = scored.summary
    table = Table(title="weakest items")
    for column in ("item", "failed", "applicable", "fail rate"):
        table.add_column(column, justify="left" if column == "item" else "right")
    for item in s.weakest_items:
        table.add_row(f"{item.id} {item.title}", str(item.failed), str(item.applicable), f"{item.fail_rate:.2f}")
    console.print(table)
    worst = ", ".join(f"{r.id} ({r.score})" for r in sorted(scored.results, key=lambda r: r.score)[:5])
    console.print(f"{s.conversations} conversations · mean {s.mean_score} · median {s.median_score} · "
                  f"fatal {s.fatal} · {s.per_second} conversations/s\nlowest: {worst}")
