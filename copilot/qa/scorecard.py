"""Scorecards as QA leads write them (`knowledge/scorecards/*.yaml`), checked against the sources and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from copilot.check.models import RuleCitation
from copilot.errors import KnowledgeInvalid
from copilot.knowledge import Knowledge
from copilot.rulebook.loader import cite
from copilot.rulebook.models import Category, Channel, Phrasing
from copilot.text.normalize import match_key

Role = Literal["agent", "customer"]
Part = Literal["opening", "closing", "anchor", "after", "anywhere"]


class Cues(BaseModel):
    """Wording that counts: any of `any` (matched ignoring script, width and punctuation) or of `regex`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", description="What this wording is, shown when it is missing (e.g. 自报身份).")
    any: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list, description="Matched against the normalised text.")
    echo_digits: int | None = Field(
        default=None, ge=3, le=8,
        description="Also counts: the last N digits of the number the customer gave in the anchor turn.")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:  # not a ValueError, so pydantic would let it escape
                raise ValueError(f"regex {pattern!r} does not compile: {exc}") from exc
        return patterns

    @model_validator(mode="after")
    def _not_empty(self) -> Cues:
        if not (self.any or self.regex or self.echo_digits):
            raise ValueError("cues need `any`, `regex` or `echo_digits`")
        return self


class Condition(Cues):
    """A turn that makes an item apply: by role and wording, by a run of digits (a number given), or by what the
    checker found in it (an agent turn that shirks or refuses leaves the matter unsolved)."""

    role: Role
    digits: int | None = Field(default=None, ge=3, le=20, description="A run of at least this many digits.")
    categories: list[Category] = Field(default_factory=list, description="Checker findings that also count.")

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not (self.any or self.regex or self.digits or self.categories):
            raise ValueError("a condition needs `any`, `regex`, `digits` or `categories`")
        return self


class Where(BaseModel):
    model_config = ConfigDict(extra="forbid")

    part: Part = Field(description="opening/closing: the first/last agent turns; anchor: the turn that made the "
                                   "item apply; after: agent turns after it; anywhere: every agent turn.")
    agent_turns: int = Field(default=1, ge=1, le=10, description="How many agent turns opening/closing/after span.")


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    weight: float = Field(gt=0)
    kind: Literal["required", "forbidden", "wait"]
    fatal: bool = Field(default=False, description="Failing it scores the whole conversation 0 (一票否决).")
    source: str | None = Field(default=None, description="Document id; defaults to the scorecard's source.")
    quote: str = Field(description="The standard's words this item enforces, verbatim.")
    coaching: str | None = Field(default=None, description="Rulebook scenario whose approved phrasing coaches it.")
    # required
    when: list[Condition] = Field(default_factory=list, description="Applies only if these turns occur, in order.")
    where: Where | None = None
    all: list[Cues] = Field(default_factory=list, description="Each group must be found where the item looks.")
    # forbidden
    categories: list[Category | Literal["any"]] = Field(default_factory=list)
    severity: Literal["block", "warn", "any"] = "block"
    model_share: float = Field(
        default=0.0, ge=0, le=1,
        description="A finding of the compliance model counts only when the item's categories hold at least this "
        "share of the probability the model gives the forbidden categories for the clause. For a fatal item "
        "(一票否决): the model must be sure of what was wrong, not only that something was (a curt 那就这样 it "
        "cannot place is not 粗俗). Exact evidence always counts.")
    # wait
    max_seconds: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> Item:
        if self.kind == "required" and (self.where is None or not self.all):
            raise ValueError(f"{self.id}: a required item needs `where` and `all`")
        if self.where is not None and self.where.part in ("anchor", "after") and not self.when:
            raise ValueError(f"{self.id}: `where: {self.where.part}` needs `when` (the turn it is relative to)")
        if self.kind == "forbidden" and not self.categories:
            raise ValueError(f"{self.id}: a forbidden item needs `categories`")
        if self.kind == "wait" and (self.max_seconds is None or not self.when):
            raise ValueError(f"{self.id}: a wait item needs `max_seconds` and `when` (the turn the wait starts at)")
        return self


class ScorecardFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    channel: Channel
    source: str
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ScorecardFile:
        ids = [item.id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate item ids in scorecard {self.id}")
        return self


@dataclass(frozen=True)
class ScoredItem:
    """An item with what the product adds: its citation and the standard's phrasing to coach with."""

    item: Item
    citation: RuleCitation
    coaching: str | None


@dataclass(frozen=True)
class Scorecard:
    id: str
    title: str
    channel: Channel
    items: list[ScoredItem]


def _coaching(item: Item, approved: list[Phrasing]) -> str:
    """The approved phrasing that has the most of the wording the item asks for (the first on a tie)."""
    def covered(phrasing: Phrasing) -> int:
        key = match_key(phrasing.text)
        return sum(any(match_key(w) in key for w in group.any) for group in item.all)

    return max(approved, key=covered).text


def load_scorecards(knowledge: Knowledge, folder: Path) -> dict[str, Scorecard]:
    """Every scorecard in `folder`, by id. Raises KnowledgeInvalid naming the file and what is wrong."""
    cards: dict[str, Scorecard] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        raw = _read(path)
        if raw.id in cards:
            raise KnowledgeInvalid(f"{path.name}: duplicate scorecard id {raw.id!r}", {"file": path.name})
        cards[raw.id] = Scorecard(raw.id, raw.title, raw.channel,
                                  [_scored(path.name, raw, item, knowledge) for item in raw.items])
    return cards


def _read(path: Path) -> ScorecardFile:
    try:
        return ScorecardFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except yaml.YAMLError as exc:
        raise KnowledgeInvalid(f"{path.name}: not valid YAML: {exc}", {"file": path.name}) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeInvalid(f"{path.name}: {where}: {first['msg']}", {"file": path.name}) from exc


def _scored(file: str, card: ScorecardFile, item: Item, knowledge: Knowledge) -> ScoredItem:
    doc_id = item.source or card.source
    document = knowledge.documents.get(doc_id)
    citation = cite(document, item.quote) if document else None
    if citation is None:
        raise KnowledgeInvalid(f"{file}: item {item.id}: quote not found in {doc_id}: {item.quote!r}",
                               {"file": file, "item": item.id})
    coaching = None
    if item.coaching is not None:
        try:
            coaching = _coaching(item, knowledge.rulebook.scenario(item.coaching).approved)
        except KeyError:
            raise KnowledgeInvalid(f"{file}: item {item.id}: unknown coaching scenario {item.coaching!r}",
                                   {"file": file, "item": item.id}) from None
    return ScoredItem(item, RuleCitation.of(citation), coaching)
