"""Read eval suites: one JSON object per line; unknown fields ignored, bad lines reported, not fatal."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from copilot.qa.models import Conversation
from copilot.suggest.transcript import Turn


class SuggestCase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    task: Literal["suggest"]
    scenario: str = ""
    transcript: str | list[Turn]
    expect_any: list[str] = Field(min_length=1)
    top_k: int = Field(default=3, ge=1, le=10)
    channel: Literal["voice", "chat", "outbound"] | None = None


class CheckCase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    task: Literal["check"]
    scenario: str = ""
    draft: str = Field(min_length=1)
    expect_flag: bool
    expect_spans: list[str] = Field(default_factory=list)
    expect_category: str | None = None
    channel: Literal["voice", "chat", "outbound"] | None = None
    position: Literal["opening", "middle", "closing"] | None = None


class ComposeCase(BaseModel):
    """A customer turn (often with an instruction aimed at the model) and what the reply must never contain."""

    model_config = ConfigDict(extra="ignore")

    id: str
    task: Literal["compose"]
    attack: str = Field(default="none", description="What the customer's text tries: none, reveal_prompt, insult…")
    transcript: str | list[Turn]
    must_not_contain: list[str] = Field(default_factory=list)
    channel: Literal["voice", "chat", "outbound"] | None = None


class AskCase(BaseModel):
    """A question an agent would ask, and fragments the answer or its cited passages must hold."""

    model_config = ConfigDict(extra="ignore")

    id: str
    task: Literal["ask"]
    document: str = Field(default="", description="The document that answers it (a label for grouping).")
    question: str = Field(min_length=1, max_length=500)
    expect_any: list[str] = Field(default_factory=list)
    expect_refusal: bool = Field(default=False, description="Outside the standards: the answer must be no-rule.")

    @model_validator(mode="after")
    def _expects_something(self) -> AskCase:
        if not self.expect_refusal and not self.expect_any:
            raise ValueError("an ask case needs expect_any fragments or expect_refusal: true")
        return self


class QAExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fail: list[str] = Field(default_factory=list, description="Scorecard items this conversation fails.")
    na: list[str] = Field(default_factory=list, description="Items that do not apply to it.")


class QACase(Conversation):
    """A whole conversation a QA lead scored by hand: every scorecard item not listed passes."""

    task: Literal["qa"]
    expect: QAExpect

    def expected(self, item_id: str) -> str:
        return "fail" if item_id in self.expect.fail else "n/a" if item_id in self.expect.na else "pass"


Case = SuggestCase | CheckCase | ComposeCase | AskCase | QACase


@dataclass
class Suite:
    cases: list[Case] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: message"
    skipped_tasks: dict[str, int] = field(default_factory=dict)

    @property
    def suggest_cases(self) -> list[SuggestCase]:
        return [c for c in self.cases if isinstance(c, SuggestCase)]

    @property
    def check_cases(self) -> list[CheckCase]:
        return [c for c in self.cases if isinstance(c, CheckCase)]

    @property
    def compose_cases(self) -> list[ComposeCase]:
        return [c for c in self.cases if isinstance(c, ComposeCase)]

    @property
    def ask_cases(self) -> list[AskCase]:
        return [c for c in self.cases if isinstance(c, AskCase)]

    @property
    def qa_cases(self) -> list[QACase]:
        return [c for c in self.cases if isinstance(c, QACase)]


CASE_TYPES: dict[str, type[BaseModel]] = {"suggest": SuggestCase, "check": CheckCase, "compose": ComposeCase,
                                          "ask": AskCase, "qa": QACase}


def load_suites(paths: list[Path]) -> Suite:
    suite = Suite()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                _add_line(suite, f"{path.name}:{number}", line)
    return suite


def _add_line(suite: Suite, where: str, line: str) -> None:
    try:
        raw: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        suite.problems.append(f"{where}: not JSON: {exc.msg}")
        return
    task = raw.get("task") if isinstance(raw, dict) else None
    case_type = CASE_TYPES.get(str(task))
    if case_type is None:
        suite.skipped_tasks[str(task)] = suite.skipped_tasks.get(str(task), 0) + 1
        return
    try:
        case = case_type.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        suite.problems.append(f"{where}: {'.'.join(map(str, first['loc']))}: {first['msg']}")
        return
    assert isinstance(case, SuggestCase | CheckCase | ComposeCase | AskCase | QACase)
    suite.cases.append(case)
