"""Forbidden constructions with a varying middle (有本事…投诉), kept as data in knowledge/checker.yaml."""

from __future__ import annotations

import re

from copilot.check.draft import Draft
from copilot.check.lexicon import inside_any
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet
from copilot.text.clauses import SENTENCE_END
from copilot.text.normalize import collapsed_key


class PatternDetector:
    def __init__(self, rules: RuleSet) -> None:
        self._patterns: list[tuple[re.Pattern[str], Rule]] = []
        for entry, rule in rules.patterns:
            gap = f"(.{{0,{entry.max_gap}}}?)"  # captured: a middle that runs across a sentence end is no bridge
            parts = [_alternatives(part) for part in entry.parts]
            self._patterns.append((re.compile(gap.join(parts)), rule))

    def detect(self, draft: Draft) -> list[Violation]:
        found = []
        for pattern, rule in self._patterns:
            for match in pattern.finditer(draft.norm.text):
                if _spans_sentences(draft, match):
                    continue
                if not inside_any(match.start(), match.end(), draft.allowed):
                    found.append(draft.violation_at_norm(match.start(), match.end(), rule, "pattern"))
        return found


def _spans_sentences(draft: Draft, match: re.Match[str]) -> bool:
    """Whether a middle with words in it crosses a sentence end as typed (保证具体哪一天。不过退款 is two sentences).
    The normalised text has no punctuation, so the typed characters between the parts are read; a bare mark
    between the parts (保证。退款) is an evasion, not a sentence, and still matches."""
    for group in range(1, (match.lastindex or 0) + 1):
        start, end = match.span(group)
        if start == end:
            continue
        between = draft.text[draft.norm.origin[start - 1] + 1 : draft.norm.origin[end]]
        if any(mark in between for mark in SENTENCE_END + "\n"):  # a line break ends one too
            return True
    return False


def _alternatives(part: str | list[str]) -> str:
    options = [part] if isinstance(part, str) else part
    return "(?:" + "|".join(re.escape(collapsed_key(o)) for o in options) + ")"
