"""Run the detectors on a draft and merge what they find into one list of violations."""

from __future__ import annotations

from typing import Protocol

from copilot.check.draft import Draft
from copilot.check.lexicon import LexiconDetector
from copilot.check.model import ComplianceModel
from copilot.check.models import (
    Change,
    CheckRequest,
    CheckResponse,
    RewriteResponse,
    Violation,
)
from copilot.check.patterns import PatternDetector
from copilot.check.rewrite import apply_alternatives
from copilot.check.rules import RuleSet
from copilot.check.semantic import WARN_PREFIX, SemanticDetector
from copilot.check.style import StyleDetector
from copilot.errors import PayloadTooLarge
from copilot.rulebook.models import Category
from copilot.settings import CheckSettings

REWRITE_ROUNDS = 3


class DraftDetector(Protocol):
    def detect(self, draft: Draft) -> list[Violation]: ...


class CheckService:
    def __init__(self, rules: RuleSet, model: ComplianceModel | None, settings: CheckSettings) -> None:
        self.settings = settings
        self.rules = rules
        self.model = model  # also names the category of forbidden items read from an uploaded standard
        self.lexicon = LexiconDetector(rules)
        detectors: dict[str, DraftDetector] = {
            "lexicon": self.lexicon,
            "pattern": PatternDetector(rules),
            "style": StyleDetector(rules),
        }
        if "semantic" in settings.detectors and model is not None:
            detectors["semantic"] = SemanticDetector(rules, model, settings)
        # precedence: exact evidence (lexicon, pattern) before inference (semantic) before advice (style)
        order = ("lexicon", "pattern", "semantic", "style")
        self.detectors = [(name, detectors[name]) for name in order if name in settings.detectors]

    def check(self, request: CheckRequest, detectors: set[str] | None = None) -> CheckResponse:
        violations = merge(self.findings(request, detectors))
        bar = self.settings.held_draft_threshold
        flagged = any(v.severity == "block" for v in violations)
        if not flagged and self._suspicions_agree(violations):
            flagged, bar = True, min(bar, self.settings.agreeing_suspicions_threshold)
        if flagged:
            violations = [self._held(v, bar) for v in violations]
        return CheckResponse(flagged=flagged, violations=violations)

    def _suspicions_agree(self, violations: list[Violation]) -> bool:
        """Two separate clauses the model suspects are stronger evidence than either alone: an agent under
        pressure who rushes the customer and then adds why rarely writes one offending clause."""
        bar = self.settings.agreeing_suspicions_threshold
        return sum(self._suspect(v, bar) for v in violations) >= 2

    def _suspect(self, violation: Violation, bar: float) -> bool:
        return (violation.severity == "warn" and violation.confidence is not None and violation.confidence >= bar
                and violation.category in FORBIDDEN_CATEGORIES
                and violation.category not in self.settings.warn_only_categories)

    def _held(self, violation: Violation, bar: float) -> Violation:
        """A draft that cannot be sent anyway: the other clauses the model suspects of a blocking category block
        too from `bar` on, so the agent fixes every clause that carries the offence in one pass (QA, which
        judges each turn's findings, keeps the plain bar)."""
        if not self._suspect(violation, bar):
            return violation
        return violation.model_copy(update={"severity": "block", "reason": violation.reason.removeprefix(WARN_PREFIX)})

    def findings(self, request: CheckRequest, detectors: set[str] | None = None) -> list[Violation]:
        """Everything each detector found, before overlaps are merged away (QA judges categories separately:
        a 你 inside a blocking phrase still counts against the address item)."""
        if len(request.draft) > self.settings.max_draft_chars:
            raise PayloadTooLarge(
                f"draft has {len(request.draft)} characters; the limit is {self.settings.max_draft_chars}",
                {"limit": self.settings.max_draft_chars, "field": "draft"},
            )
        draft = Draft(request.draft, request.channel, request.position, self.lexicon.allowed, request.author)
        found: list[Violation] = []
        for name, detector in self.detectors:
            if detectors is None or name in detectors:
                # words in quotation marks are somebody's given back: no listed word in them is the agent's
                # fault, and the model judges the sentence they stand in
                found.extend(v for v in detector.detect(draft) if name == "semantic" or not draft.inside_quotes(v))
        return [v for v in found if not self._asked(draft, v)]

    def _asked(self, draft: Draft, violation: Violation) -> bool:
        """A hedge in a question to the customer (请问您大概什么时间方便) asks; it does not answer vaguely."""
        questions = self.rules.questions
        return (questions is not None and violation.category in questions.categories
                and draft.asks_the_customer(violation, questions.openers, questions.addressing))

    def rewrite(self, request: CheckRequest, result: CheckResponse | None = None,
                targets: list[tuple[int, int]] | None = None) -> RewriteResponse:
        """Apply the standard's alternative to every finding (or to those overlapping `targets`), clause by
        clause, so the result reads as one reply; list the blocking findings no alternative exists for.

        A replaced clause can leave a finding beside it (喂，你说吧 → the greeting, then 您说吧): without
        targets, the rewritten draft is checked and fixed again, up to REWRITE_ROUNDS times. `result` is this
        draft's check when the caller already has it."""
        result = result or self.check(request)
        text, changes, needs_human = request.draft, list[Change](), list[Violation]()
        for _ in range(REWRITE_ROUNDS):
            chosen = [v for v in result.violations if v.end > v.start
                      and (targets is None or any(v.start < e and s < v.end for s, e in targets))]
            fixed_text, fixed = apply_alternatives(text, chosen, self.rules.replacements)
            applied = {c.rule_id for c in fixed}
            needs_human = [v for v in chosen if v.severity == "block" and v.rule_id not in applied]
            if not fixed or not fixed_text:
                break
            text, changes = fixed_text, changes + fixed
            result = self.check(request.model_copy(update={"draft": text}))
            if targets is not None or not result.violations:
                break
        return RewriteResponse(draft=text, changes=changes, needs_human=needs_human, flagged=result.flagged)


FORBIDDEN_CATEGORIES = frozenset(c.value for c in Category)


def forbidden_findings(response: CheckResponse) -> list[Violation]:
    """Every finding of a forbidden category, warnings included: what rejects model-written text (checked with
    `author="model"`). Missing greetings and closings are advice to agents, not faults of a reply."""
    return [v for v in response.violations if v.category in FORBIDDEN_CATEGORIES]


def merge(found: list[Violation]) -> list[Violation]:
    """Blocking findings that overlap an earlier (higher-precedence) blocking one are dropped; so are
    warnings inside a blocking span or repeating a kept warning's span."""
    kept: list[Violation] = []
    for violation in found:
        if violation.severity == "block":
            clash = any(k.severity == "block" and _overlap(k, violation) for k in kept)
        else:
            clash = any(_overlap(k, violation) and (k.severity == "block" or _same_span(k, violation))
                        for k in kept)
        if not clash:
            kept.append(violation)
    return sorted(kept, key=lambda v: (v.start, v.end))


def _overlap(a: Violation, b: Violation) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start == b.start and a.end == b.end and a.category == b.category
    return a.start < b.end and b.start < a.end


def _same_span(a: Violation, b: Violation) -> bool:
    return (a.start, a.end) == (b.start, b.end)
