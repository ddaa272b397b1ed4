"""The checker's rules: the rulebook's forbidden phrasings plus `knowledge/checker.yaml`, all cited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copilot.check.models import RuleCitation
from copilot.errors import KnowledgeInvalid
from copilot.knowledge import Knowledge
from copilot.rulebook.loader import cite
from copilot.rulebook.models import Category, Citation, Severity

FALLBACK_REASON = "不符合服务规范。"
REASON_KEYS = {c.value for c in Category} | {"missing_greeting", "missing_closing"}


class _Cited(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    quote: str


class TermEntry(_Cited):
    text: str
    category: Category
    scenario: str
    severity: Severity = "block"


class PatternEntry(_Cited):
    id: str
    parts: list[str | list[str]] = Field(min_length=2, description="In order; a list part means any of them.")
    max_gap: int = Field(ge=0, le=20)
    category: Category
    scenario: str


class AllowEntry(_Cited):
    text: str


class CompliantEntry(_Cited):
    text: str


class StyleList(_Cited):
    words: list[str] = Field(default_factory=list)
    endings: list[str] = Field(default_factory=list)
    clause_final: list[str] = Field(
        default_factory=list,
        description="Words that are slang only at the end of a clause: particles such as 哈 (您留意下电话哈, not "
        "哈尔滨), and 拜拜 (not 拜访).")


class WholeAnswers(_Cited):
    """Short listed answers that are the offence only as the whole answer of their clause."""

    categories: list[Category] = Field(default_factory=list)
    max_chars: int = Field(default=0, ge=0, le=8, description="Longest listed phrase (normalised) the rule covers.")
    finals: str = Field(default="", description="Sentence-final particles that leave the answer whole (我没办法啊).")


class Negators(_Cited):
    """Words that, just before a listed phrase, say it is not needed (不用你明天再打来)."""

    words: list[str] = Field(default_factory=list)


class Questions(_Cited):
    """Findings of these categories inside a question to the customer are not reported."""

    categories: list[Category] = Field(default_factory=list)
    openers: list[str] = Field(default_factory=list, description="Words that open a question clause (请问).")
    addressing: list[str] = Field(default_factory=list,
                                  description="A clause ended by a question mark asks the customer when it names "
                                  "them (您): 大概下周吧？ is a hedge said with a rising tone.")


class Replacements(_Cited):
    words: dict[str, str] = Field(description="Word → the standard's word (empty: drop it).")


class CheckerData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terms: list[TermEntry] = Field(default_factory=list)
    patterns: list[PatternEntry] = Field(default_factory=list)
    allow: list[AllowEntry] = Field(default_factory=list)
    compliant: list[CompliantEntry] = Field(default_factory=list)
    style: dict[str, StyleList] = Field(default_factory=dict)
    replacements: list[Replacements] = Field(default_factory=list)
    reasons: dict[str, str] = Field(default_factory=dict, description="The one-line reason shown per category.")
    whole_answers: WholeAnswers | None = None
    questions: Questions | None = None
    negators: Negators | None = None


@dataclass(frozen=True)
class Rule:
    """One thing the checker can report, with everything a violation needs."""

    id: str
    text: str
    category: str
    severity: Severity
    alternative: str | None
    citation: RuleCitation
    scenario_id: str | None
    reason: str = FALLBACK_REASON


@dataclass(frozen=True)
class RuleSet:
    forbidden: list[Rule]  # rulebook forbidden phrasings and checker terms (lexicon + semantic exemplars)
    patterns: list[tuple[PatternEntry, Rule]]
    allowed: list[str]  # approved phrasings and allow entries
    compliant: list[str]  # approved phrasings and compliant exemplars (semantic counter-examples)
    style: dict[str, tuple[StyleList, Rule]]
    replacements: dict[str, str]  # wording findings: the word to say instead
    reasons: dict[str, str]  # category → the reason a violation states
    own: frozenset[str] = frozenset()  # documents of the customer's own standards (uploaded, approved)
    whole_answers: WholeAnswers | None = None
    questions: Questions | None = None
    negators: Negators | None = None

    def reason(self, category: str) -> str:
        return self.reasons.get(category, FALLBACK_REASON)


def load_rules(knowledge: Knowledge, path: Path) -> RuleSet:
    data = _read(path)
    if missing := sorted(REASON_KEYS - set(data.reasons)):
        raise KnowledgeInvalid(f"{path.name}: reasons: no reason for {', '.join(missing)}")

    def reason(category: str) -> str:
        return data.reasons.get(category, FALLBACK_REASON)

    rulebook = knowledge.rulebook
    scenario_ids = {s.id for s in rulebook.scenarios}

    def alternative(scenario_id: str) -> str | None:
        return rulebook.scenario(scenario_id).approved[0].text if scenario_id in scenario_ids else None

    def cited(entry: _Cited, what: str) -> RuleCitation:
        document = knowledge.documents.get(entry.source)
        citation = cite(document, entry.quote) if document else None
        if citation is None:
            raise KnowledgeInvalid(f"{path.name}: {what}: quote not found in {entry.source}: {entry.quote!r}")
        return _rule_citation(citation)

    forbidden = []
    for scenario in rulebook.scenarios:
        for i, phrasing in enumerate(scenario.forbidden):
            assert phrasing.citation is not None
            forbidden.append(Rule(f"{scenario.id}/forbidden/{i}", phrasing.text, phrasing.category,
                                  phrasing.severity, scenario.approved[0].text,
                                  _rule_citation(phrasing.citation), scenario.id, reason(phrasing.category)))
    for i, phrasing in enumerate(rulebook.forbidden):
        # a standard's forbidden list: no scenario, so no alternative to offer (a finding needs a person)
        assert phrasing.citation is not None
        forbidden.append(Rule(f"{phrasing.source}/forbidden/{i}", phrasing.text, phrasing.category,
                              phrasing.severity, None, _rule_citation(phrasing.citation), None,
                              reason(phrasing.category)))
    for i, term in enumerate(data.terms):
        _known(term.scenario, scenario_ids, path)
        forbidden.append(Rule(f"term/{i}", term.text, term.category, term.severity,
                              alternative(term.scenario), cited(term, term.text), term.scenario, reason(term.category)))
    patterns = []
    for entry in data.patterns:
        _known(entry.scenario, scenario_ids, path)
        shown = "…".join(p if isinstance(p, str) else "/".join(p) for p in entry.parts)
        rule = Rule(f"pattern/{entry.id}", shown, entry.category, "block",
                    alternative(entry.scenario), cited(entry, entry.id), entry.scenario, reason(entry.category))
        patterns.append((entry, rule))
    approved = [p.text for s in rulebook.scenarios for p in s.approved]
    for allow in data.allow:
        cited(allow, allow.text)
    for example in data.compliant:
        cited(example, example.text)
    style = {
        name: (entry, Rule(f"style/{name}", name, name, "warn", None, cited(entry, name), None))
        for name, entry in data.style.items()
    }
    compliant = approved + [c.text for c in data.compliant]
    replacements: dict[str, str] = {}
    for table in data.replacements:
        cited(table, "replacements")
        replacements.update(table.words)
    for rule_data, what in ((data.whole_answers, "whole_answers"), (data.questions, "questions"),
                            (data.negators, "negators")):
        if rule_data:
            cited(rule_data, what)
    return RuleSet(forbidden, patterns, approved + [a.text for a in data.allow], compliant, style, replacements,
                   data.reasons, frozenset(rulebook.uploaded), data.whole_answers, data.questions, data.negators)


def _read(path: Path) -> CheckerData:
    try:
        return CheckerData.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeInvalid(f"{path.name}: {exc}", {"file": str(path)}) from exc


def _known(scenario_id: str, known: set[str], path: Path) -> None:
    if scenario_id not in known:
        raise KnowledgeInvalid(f"{path.name}: unknown scenario {scenario_id!r}")


def _rule_citation(citation: Citation) -> RuleCitation:
    return RuleCitation.of(citation)
