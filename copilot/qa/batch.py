"""Score a JSONL file of conversations and sum the batch up (the report files: evaluation/qa_report.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from copilot.qa.models import BatchSummary, Conversation, ConversationScore
from copilot.qa.service import QAService
from copilot.qa.summary import summarise


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
