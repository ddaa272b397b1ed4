"""A draft under check: the text as typed, its normalised form, and how to report a span of it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from copilot.check.models import Detector, Violation
from copilot.check.rules import Rule
from copilot.text.normalize import NormalizedText, is_separator, normalize

# What ends a clause; a clause ended by a question mark asks.
CLAUSE_ENDS = "，。！？；,.!?;\n"
QUESTION_MARKS = "？?"
# Quotation marks: what an agent puts inside them is somebody's words given back (您说“你怎么不早说”), not the
# agent's own. Straight quotes open and close alike; agents typing on a Latin keyboard use the single one too
# (您刚才说'我正忙着呢'). An English apostrophe pair (it's … don't) may quote a few Latin letters, which hold no
# listed phrase.
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"', "＂": "＂", "'": "'", "＇": "＇"}


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
    def quoted(self) -> list[tuple[int, int]]:
        """Spans of the draft inside a closed pair of quotation marks (the marks excluded)."""
        return quoted_spans(self.text)

    def inside_quotes(self, violation: Violation) -> bool:
        return any(start <= violation.start and violation.end <= end for start, end in self.quoted)

    def asks_the_customer(self, violation: Violation, openers: list[str], addressing: list[str]) -> bool:
        """The clause holding the finding asks the customer: it opens with a question word, or a question mark ends
        it and it names the customer."""
        begin = max(self.text.rfind(c, 0, violation.start) for c in CLAUSE_ENDS) + 1
        ends = [i for i in (self.text.find(c, violation.end) for c in CLAUSE_ENDS) if i >= 0]
        end = min(ends, default=len(self.text))
        clause = self.text[begin:end].lstrip()
        if clause.startswith(tuple(openers)):
            return True
        return end < len(self.text) and self.text[end] in QUESTION_MARKS and any(a in clause for a in addressing)

    def clause_starts_at(self, start: int) -> bool:
        """The normalised character at `start` begins a clause of the text as typed: nothing, or a separator, before
        it."""
        begin = self.norm.origin[start]
        return begin == 0 or is_separator(self.text[begin - 1])

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


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Each closed quotation, outermost only; an unclosed mark quotes nothing."""
    spans: list[tuple[int, int]] = []
    at = 0
    while at < len(text):
        closing = QUOTE_PAIRS.get(text[at])
        end = text.find(closing, at + 1) if closing else -1
        if closing and end > at + 1:
            spans.append((at + 1, end))
            at = end + 1
        else:
            at += 1
    return spans
