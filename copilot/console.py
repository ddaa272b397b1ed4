"""Terminal output shared by the `copilot` commands."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from copilot.errors import CopilotError

console = Console()


def fail(heading: str, exc: CopilotError) -> NoReturn:
    """Print a domain error with any problems it lists, and exit 1."""
    console.print(f"[red]{heading}[/red] {exc.message}")
    problems = exc.details.get("problems")
    for problem in problems if isinstance(problems, list) else []:
        console.print(f"  - {problem}")
    raise typer.Exit(1) from exc
