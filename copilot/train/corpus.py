"""The checker's training corpus: agent utterances as written in `knowledge/training/checker/*.jsonl`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from copilot.check.model import COMPLIANT
from copilot.errors import KnowledgeInvalid
from copilot.rulebook.models import Category, Channel

LABELS: tuple[str, ...] = (COMPLIANT, *(c.value for c in Category))
Label = Literal[
    "compliant", "rhetorical", "impatient", "shirking", "blaming", "rushing", "provoking", "vulgar", "refusal",
    "vague", "colloquial", "improper_address", "unauthorised_promise",
]


class CorpusRecord(BaseModel):
    """A line of a training corpus: every record has an id of its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)


class Utterance(CorpusRecord):
    """One agent utterance with its label and, when forbidden, the clause(s) that carry the offence."""

    text: str = Field(min_length=1, max_length=300)
    label: Label
    spans: list[str] = Field(default_factory=list, description="Offending substrings of `text`.")
    channel: Channel
    rule: str = Field(description="The rulebook scenario whose approved phrasing is the alternative.")
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _spans_fit(self) -> Utterance:
        if (self.label == COMPLIANT) != (not self.spans):
            raise ValueError("a compliant utterance has no spans; a forbidden one has at least one")
        missing = [s for s in self.spans if s not in self.text]
        if missing:
            raise ValueError(f"spans not in the text: {missing}")
        return self

    def span_offsets(self) -> list[tuple[int, int]]:
        """Code-point ranges of every occurrence of every span."""
        out = []
        for span in self.spans:
            start = self.text.find(span)
            while start >= 0:
                out.append((start, start + len(span)))
                start = self.text.find(span, start + 1)
        return out


def load_corpus(directory: Path, scenario_ids: set[str] | None = None) -> list[Utterance]:
    """Every `*.jsonl` file of the folder, in name order; a bad line is an error naming file and line."""
    return read_records(directory, Utterance, lambda u: None if scenario_ids is None or u.rule in scenario_ids
                        else f"unknown scenario {u.rule!r}")


Record = TypeVar("Record", bound=CorpusRecord)


def read_records(directory: Path, model: type[Record], problem: Callable[[Record], str | None]) -> list[Record]:
    """The records of a training corpus (every `*.jsonl` of the folder, in name order), each validated as `model`.
    A line that does not parse, repeats an id or has a `problem` is an error naming its file and line."""
    records: list[Record] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                record = model.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise KnowledgeInvalid(f"{where}: {exc}", {"file": str(path), "line": number}) from exc
            record_id = record.id
            found = f"duplicate id {record_id!r}" if record_id in seen else problem(record)
            if found:
                raise KnowledgeInvalid(f"{where}: {found}", {"file": str(path), "line": number})
            seen.add(record_id)
            records.append(record)
    return records


def corpus_digest(directory: Path) -> str:
    """A hash of every corpus file's name and bytes: a changed corpus gets a new model."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.jsonl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
