"""Run the detectors on a draft and merge what they find into one list of violations."""

from __future__ import annotations

from typing import Protocol

from copilot.check.draft import Draft
from copilot.check.lexicon import LexiconDetector
from copilot.check.models import (
    Change,
    CheckRequest,
    CheckResponse,
    RewriteResponse,
    Violation,
)
from copilot.check.patterns import PatternDetector
from copilot.check.rules import RuleSet
from copilot.check.semantic import SemanticDetector
from copilot.check.style import StyleDetector
from copilot.embedding.base import Embedder
from copilot.errors import PayloadTooLarge
from copilot.settings import CheckSettings


class DraftDetector(Protocol):
    def detect(self, draft: Draft) -> list[Violation]: ...


class CheckService:
    def __init__(self, rules: RuleSet, embedder: Embedder, settings: CheckSettings) -> None:
        self.settings = settings
        self.rules = rules
        self.lexicon = LexiconDetector(rules)
        detectors: dict[str, DraftDetector] = {
            "lexicon": self.lexicon,
            "pattern": PatternDetector(rules),
            "style": StyleDetector(rules),
        }
        if "semantic" in settings.detectors:
            detectors["semantic"] = SemanticDetector(rules, embedder, settings)
        # precedence: exact evidence (lexicon, pattern) before inference (semantic) before advice (style)
        order = ("lexicon", "pattern", "semantic", "style")
        self.detectors = [(name, detectors[name]) for name in order if name in settings.detectors]

    def check(self, request: CheckRequest, detectors: set[str] | None = None) -> CheckResponse:
        violations = merge(self.findings(request, detectors))
        return CheckResponse(flagged=any(v.severity == "block" for v in violations), violations=violations)

    def findings(self, request: CheckRequest, detectors: set[str] | None = None) -> list[Violation]:
        """Everything each detector found, before overlaps are merged away (QA judges categories separately:
        a 你 inside a blocking phrase still counts against the address item)."""
        if len(request.draft) > self.settings.max_draft_chars:
            raise PayloadTooLarge(
                f"draft has {len(request.draft)} characters; the limit is {self.settings.max_draft_chars}",
                {"limit": self.settings.max_draft_chars, "field": "draft"},
            )
        draft = Draft(request.draft, request.channel, request.position, self.lexicon.allowed)
        found: list[Violation] = []
        for name, detector in self.detectors:
            if detectors is None or name in detectors:
                found.extend(detector.detect(draft))
        return found

    def rewrite(self, request: CheckRequest, result: CheckResponse | None = None) -> RewriteResponse:
        """Replace each blocking span with the standard's alternative; list what a human must still fix.

        `result` is this draft's check when the caller already has it."""
        result = result or self.check(request)
        text, changes, needs_human = request.draft, [], []
        for violation in sorted(result.violations, key=lambda v: -v.start):
            if violation.severity != "block":
                continue
            if violation.alternative is None:
                needs_human.append(violation)
                continue
            text = text[: violation.start] + violation.alternative + text[violation.end :]
            changes.append(Change(start=violation.start, end=violation.end, before=violation.text,
                                  after=violation.alternative, rule_id=violation.rule_id))
        changes.reverse()
        flagged = self.check(CheckRequest(draft=text, channel=request.channel, position=request.position)).flagged
        return RewriteResponse(draft=text, changes=changes, needs_human=needs_human[::-1], flagged=flagged)


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
