"""A draft under check: the text as typed, its normalised form, and how to report a span of it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from copilot.check.models import Detector, Violation
from copilot.check.rules import Rule
from copilot.text.normalize import NormalizedText, normalize


@dataclass(frozen=True)
class Draft:
    text: str
    channel: str | None = None
    position: str | None = None
    allow: Any = None  # Aho-Corasick automaton of compliant wording that contains forbidden terms
    author: str = "agent"  # "model": text an LLM wrote, held to the stricter bar

    @cached_property
    def allowed(self) -> list[tuple[int, int]]:
        """Normalised spans of compliant wording; a finding inside one is not a violation."""
        if self.allow is None or not len(self.allow):
            return []
        return [(end + 1 - length, end + 1) for end, (length, _) in self.allow.iter(self.norm.text)]

    @cached_property
    def norm(self) -> NormalizedText:
        """Simplified, half-width, lower case, without separators and with repeats collapsed."""
        return normalize(self.text, collapse_repeats=True)

    def violation(self, start: int, end: int, rule: Rule, detector: Detector) -> Violation:
        """A violation at the original span [start, end)."""
        return Violation(
            start=start, end=end, text=self.text[start:end], category=rule.category, severity=rule.severity,
            rule_id=rule.id, reason=rule.reason, alternative=rule.alternative, citation=rule.citation,
            detector=detector,
        )

    def violation_at_norm(self, start: int, end: int, rule: Rule, detector: Detector) -> Violation:
        """A violation at the normalised span [start, end), reported at the characters the agent typed."""
        original_start, original_end = self.norm.span(start, end)
        return self.violation(original_start, original_end, rule, detector)
