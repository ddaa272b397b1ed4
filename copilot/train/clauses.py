"""The corpora of the readers of model-written replies: clauses of agents' replies, each with the conversation it
answers — whether a clause states a case fact (`knowledge/training/claims/*.jsonl`), and whether a stated fact is
the customer's own account or an assertion of the company's side (`knowledge/training/accounts/*.jsonl`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from pydantic import Field

from copilot.train.corpus import CorpusRecord, read_records


class _Clause(CorpusRecord):
    context: str = Field(min_length=1, max_length=2000, description="The conversation the reply answers.")
    clause: str = Field(min_length=1, max_length=200, description="One clause of the agent's reply.")


class ReplyClause(_Clause):
    label: Literal["fact", "other"] = Field(
        description="fact: states something about the case (a status, cause, record, action, amount, time, policy "
        "or a third party's doing); other: apologises, asks, says what will be checked, supposes, or gives back the "
        "customer's own words as theirs.")
    supported: bool | None = Field(default=None, description="fact only: whether the conversation backs it.")
    kind: str = Field(min_length=1, description="What the clause does (status, cause, apology, will-check…).")


def load_clauses(directory: Path) -> list[ReplyClause]:
    """Every `*.jsonl` file of the folder in name order; a bad line is an error naming file and line."""
    return read_records(directory, ReplyClause, lambda c: None)


class FactClause(_Clause):
    """A clause of an agent's reply that states a fact about the case."""

    label: Literal["account", "assertion"] = Field(
        description="account: gives back the customer's own account (their situation, what they did, lived, "
        "noticed, were told or feel) with no 您说 frame; assertion: what only the company's side can establish (a "
        "status, cause, record, rule, action, schedule, price, or a third party's doing).")
    supported: bool = Field(description="Whether the conversation backs it.")
    kind: str = Field(min_length=1, description="situation, did, experienced…; status, cause, policy…")


class Labelled(Protocol):
    """A clause with a label, as both readers' training and metrics read it."""

    @property
    def clause(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def kind(self) -> str: ...


def load_fact_clauses(directory: Path) -> list[FactClause]:
    return read_records(directory, FactClause, lambda c: None)
