"""Score a JSONL file of conversations and write the batch reports (JSON, CSV, HTML) side by side."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from copilot.privacy.redact import mask
from copilot.qa.models import BatchSummary, Conversation, ConversationScore
from copilot.qa.report import render_csv, render_html, render_json, summarise
from copilot.qa.service import QAService


@dataclass(frozen=True)
class Batch:
    conversations: list[Conversation]
    problems: list[str]  # "line N: message" for lines that were skipped


def read_conversations(path: Path) -> Batch:
    """One conversation per line; a malformed line is reported and skipped, not fatal."""
    conversations, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            conversations.append(Conversation.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON: {exc.msg}")
        except ValidationError as exc:
            first = exc.errors()[0]
            problems.append(f"line {number}: {'.'.join(map(str, first['loc']))}: {first['msg']}")
    return Batch(conversations, problems)


@dataclass(frozen=True)
class Scored:
    results: list[ConversationScore]
    summary: BatchSummary


def score_batch(service: QAService, conversations: list[Conversation],
                progress: Callable[[int], None] | None = None) -> Scored:
    started = time.perf_counter()
    results = service.score_all(conversations, progress)
    return Scored(results, summarise(results, time.perf_counter() - started))


def write_reports(scored: Scored, conversations: list[Conversation], folder: Path, name: str) -> list[Path]:
    """`name`.json, .csv and .html in `folder`; the HTML shows turns with phone, ID and card numbers masked."""
    folder.mkdir(parents=True, exist_ok=True)
    turns: dict[str, list[tuple[str, str]]] = {c.id: [(t.role, mask(t.text)) for t in c.turns] for c in conversations}
    paths = [folder / f"{name}.json", folder / f"{name}.csv", folder / f"{name}.html"]
    paths[0].write_text(render_json(scored.summary, scored.results), encoding="utf-8")
    paths[1].write_text(render_csv(scored.results), encoding="utf-8-sig")  # BOM: Excel reads it as UTF-8
    paths[2].write_text(render_html(scored.summary, scored.results, title=f"质检报告 {name}", turns=turns),
                        encoding="utf-8")
    return paths
