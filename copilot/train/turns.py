"""The scenario recogniser's corpus: customer turns, some with the conversation before them, as written in
`knowledge/training/scenarios/*.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copilot.errors import KnowledgeInvalid


class CustomerTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    transcript: str = Field(min_length=1, max_length=2000,
                            description="The customer's turn, or a conversation ending with it (role prefixes).")
    scenarios: list[str] = Field(min_length=1, max_length=3, description="The primary scenario first.")
    channel: Literal["voice", "chat", "outbound"]
    tags: list[str] = Field(default_factory=list)


def load_turns(directory: Path, scenario_ids: set[str] | None = None) -> list[CustomerTurn]:
    """Every `*.jsonl` file of the folder in name order; a bad line is an error naming file and line."""
    turns: list[CustomerTurn] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                turn = CustomerTurn.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise KnowledgeInvalid(f"{where}: {exc}", {"file": str(path), "line": number}) from exc
            unknown = [s for s in turn.scenarios if scenario_ids is not None and s not in scenario_ids]
            if turn.id in seen or unknown:
                raise KnowledgeInvalid(f"{where}: " + (f"unknown scenario {unknown}" if unknown
                                                      else f"duplicate id {turn.id!r}"))
            seen.add(turn.id)
            turns.append(turn)
    return turns
