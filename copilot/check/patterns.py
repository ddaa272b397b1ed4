"""Forbidden constructions with a varying middle (有本事…投诉), kept as data in knowledge/checker.yaml."""

from __future__ import annotations

import re

from copilot.check.draft import Draft
from copilot.check.lexicon import allowed_spans, inside_any, key_of
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet


class PatternDetector:
    def __init__(self, rules: RuleSet, allowed: object) -> None:
        self._allowed = allowed
        self._patterns: list[tuple[re.Pattern[str], Rule]] = []
        for entry, rule in rules.patterns:
            gap = f".{{0,{entry.max_gap}}}?"
            parts = [_alternatives(part) for part in entry.parts]
            self._patterns.append((re.compile(gap.join(parts)), rule))

    def detect(self, draft: Draft) -> list[Violation]:
        norm = draft.norm.text
        allowed = allowed_spans(self._allowed, norm)
        found = []
        for pattern, rule in self._patterns:
            for match in pattern.finditer(norm):
                if not inside_any(match.start(), match.end(), allowed):
                    found.append(draft.violation_at_norm(match.start(), match.end(), rule, "pattern"))
        return found


def _alternatives(part: str | list[str]) -> str:
    options = [part] if isinstance(part, str) else part
    return "(?:" + "|".join(re.escape(key_of(o)) for o in options) + ")"
