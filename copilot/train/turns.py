"""The scenario recogniser's corpus: customer turns, some with the conversation before them, as written in
`knowledge/training/scenarios/*.jsonl`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from copilot.train.corpus import CorpusRecord, read_records


class CustomerTurn(CorpusRecord):
    transcript: str = Field(min_length=1, max_length=2000,
                            description="The customer's turn, or a conversation ending with it (role prefixes).")
    scenarios: list[str] = Field(min_length=1, max_length=3, description="The primary scenario first.")
    channel: Literal["voice", "chat", "outbound"]
    tags: list[str] = Field(default_factory=list)


def load_turns(directory: Path, scenario_ids: set[str] | None = None) -> list[CustomerTurn]:
    """Every `*.jsonl` file of the folder in name order; a bad line is an error naming file and line."""
    def unknown(turn: CustomerTurn) -> str | None:
        missing = [s for s in turn.scenarios if scenario_ids is not None and s not in scenario_ids]
        return f"unknown scenario {missing}" if missing else None

    return read_records(directory, CustomerTurn, unknown)
