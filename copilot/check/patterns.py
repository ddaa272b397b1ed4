"""Forbidden constructions with a varying middle (有本事…投诉), kept as data in knowledge/checker.yaml."""

from __future__ import annotations

import re

from copilot.check.draft import Draft
from copilot.check.lexicon import inside_any
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet
from copilot.text.normalize import collapsed_key


class PatternDetector:
    def __init__(self, rules: RuleSet) -> None:
        self._patterns: list[tuple[re.Pattern[str], Rule]] = []
        for entry, rule in rules.patterns:
            gap = f".{{0,{entry.max_gap}}}?"
            parts = [_alternatives(part) for part in entry.parts]
            self._patterns.append((re.compile(gap.join(parts)), rule))

    def detect(self, draft: Draft) -> list[Violation]:
        found = []
        for pattern, rule in self._patterns:
            for match in pattern.finditer(draft.norm.text):
                if not inside_any(match.start(), match.end(), draft.allowed):
                    found.append(draft.violation_at_norm(match.start(), match.end(), rule, "pattern"))
        return found


def _alternatives(part: str | list[str]) -> str:
    options = [part] if isinstance(part, str) else part
    return "(?:" + "|".join(re.escape(collapsed_key(o)) for o in options) + ")"
