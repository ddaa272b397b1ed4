"""`copilot knowledge …` and `copilot keys …`: the admin's commands. Running servers that share the store pick
up a switched version within `knowledge_admin.poll_interval_s`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import BaseModel

from copilot.console import console, fail
from copilot.errors import CopilotError
from copilot.settings import Settings

if TYPE_CHECKING:
    from copilot.admin.service import KnowledgeAdmin
    from copilot.runtime import Copilot

knowledge_app = typer.Typer(help="Knowledge versions: upload, delete, rulebook, activate.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (only their hashes are configured).", no_args_is_help=True)


def _admin() -> KnowledgeAdmin:
    from copilot.admin.reindex import open_active
    from copilot.admin.service import KnowledgeAdmin

    settings = Settings()
    copilot, store, client, version = open_active(settings)
    serving: list[tuple[Copilot | None, str | None]] = [(copilot, version)]

    def switch(new: Copilot, new_version: str) -> None:  # only the pointer matters here; servers follow it
        serving[0] = (new, new_version)

    return KnowledgeAdmin(settings, client, store, lambda: serving[0], switch)


def _report(action: Callable[..., BaseModel], *args: object) -> None:
    try:
        report = action(*args)
    except CopilotError as exc:
        fail(exc.code, exc)
    console.print_json(report.model_dump_json())


@knowledge_app.command("versions")
def versions() -> None:
    """List stored versions, newest first (* = active)."""
    for info in _admin().versions():
        console.print(f"{'*' if info.active else ' '} {info.version}  {info.created}  {info.files} files  {info.note}")


@knowledge_app.command("upload")
def upload(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".txt, .md or .docx")],
           doc_id: Annotated[str | None, typer.Option("--id", help="Document id (default: file name)")] = None,
           approve_all: Annotated[bool, typer.Option("--approve-all", help="Approve every entry read")] = False,
           ) -> None:
    """Add or replace a document (its entries wait for review unless --approve-all), re-index, switch if valid."""
    admin = _admin()
    _report(lambda: admin.put_document(doc_id or path.stem.lower(), path.name, path.read_bytes(),
                                       approve=approve_all))


@knowledge_app.command("extract")
def extract(path: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False,
                                                       help=".txt, .md or .docx; omit with --compare")] = None,
            compare: Annotated[bool, typer.Option("--compare", help="Measure against the curated rulebook on the "
                                                   "shipped standards, per document")] = False,
            misses: Annotated[bool, typer.Option("--misses", help="With --compare: list misses and extras")] = False,
            ) -> None:
    """Print the rulebook entries the extractor reads in PATH (nothing is uploaded), or --compare."""
    from copilot.evaluation.extract_report import agreement_table, extract_file, seed_agreement

    if compare:
        rows = seed_agreement(Settings())
        console.print(agreement_table(rows))
        for row in rows if misses else []:
            for kind in ("forbidden", "approved"):
                part = getattr(row, kind)
                for text in part.missed:
                    console.print(f"missed {kind:9} {row.document}: {text}", markup=False)
                for text in part.extra:
                    console.print(f"extra  {kind:9} {row.document}: {text}", markup=False)
        return
    if path is None:
        raise typer.BadParameter("give a FILE, or --compare")
    for proposal in extract_file(Settings(), path):
        print(proposal.model_dump_json())  # one JSON object a line, for review or piping


@knowledge_app.command("delete")
def delete(doc_id: str) -> None:
    """Remove a document (refused while the rulebook cites it)."""
    _report(_admin().delete_document, doc_id)


@knowledge_app.command("rulebook")
def rulebook(name: str, path: Annotated[Path | None, typer.Argument(help="New YAML; omit to print it")] = None,
             ) -> None:
    """Print a rulebook file, or replace it with PATH (re-index, switch if it validates)."""
    admin = _admin()
    if path is None:
        console.print(admin.rulebook_file(name), markup=False, highlight=False)
        return
    _report(admin.put_rulebook_file, name, path.read_text(encoding="utf-8"))


@knowledge_app.command("activate")
def activate(version: str) -> None:
    """Switch to a stored version (roll back)."""
    _report(_admin().activate, version)


@knowledge_app.command("reload")
def reload() -> None:
    """Rebuild and re-validate the active version."""
    _report(_admin().reload)


@keys_app.command("new")
def new(name: Annotated[str, typer.Option(help="Who holds the key")],
        role: Annotated[str, typer.Option(help="agent, qa or admin")] = "agent") -> None:
    """Make a key: prints it once, and the entry for COPILOT_AUTH__KEYS (which holds only its hash)."""
    from copilot.api.auth import hash_key, new_key
    from copilot.settings import ApiKey

    key = new_key()
    entry = ApiKey.model_validate({"name": name, "role": role, "sha256": hash_key(key)})
    console.print(f"key (shown once): {key}")
    print(json.dumps(entry.model_dump(), ensure_ascii=False))  # one line, for pasting into COPILOT_AUTH__KEYS
