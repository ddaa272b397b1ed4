"""The fact reader's corpus: clauses of agents' replies, each with the conversation it answers, as written in
`knowledge/training/claims/*.jsonl`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from copilot.train.corpus import CorpusRecord, read_records


class ReplyClause(CorpusRecord):
    context: str = Field(min_length=1, max_length=2000, description="The conversation the reply answers.")
    clause: str = Field(min_length=1, max_length=200, description="One clause of the agent's reply.")
    label: Literal["fact", "other"] = Field(
        description="fact: states something about the case (a status, cause, record, action, amount, time, policy "
        "or a third party's doing); other: apologises, asks, says what will be checked, supposes, or gives back the "
        "customer's own words as theirs.")
    supported: bool | None = Field(default=None, description="fact only: whether the conversation backs it.")
    kind: str = Field(min_length=1, description="What the clause does (status, cause, apology, will-check…).")


def load_clauses(directory: Path) -> list[ReplyClause]:
    """Every `*.jsonl` file of the folder in name order; a bad line is an error naming file and line."""
    return read_records(directory, ReplyClause, lambda c: None)
