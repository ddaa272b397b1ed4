"""Style warnings (never blocking): 你 for 您, slang, vague words in return visits, promises, missing greeting."""

from __future__ import annotations

import re

from copilot.check.draft import Draft
from copilot.check.lexicon import allowed_spans, inside_any, key_of
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet, StyleList
from copilot.rulebook.models import Category

CLAUSE_WITH_QUESTION = re.compile(r"[^，。！？；,.!?;\n]*[？?]")
WORD_LISTS = {"informal_you": Category.IMPROPER_ADDRESS, "colloquial": Category.COLLOQUIAL,
              "vague": Category.VAGUE, "promise": Category.UNAUTHORISED_PROMISE}


class StyleDetector:
    def __init__(self, rules: RuleSet, allowed: object) -> None:
        self._style = rules.style
        self._allowed = allowed

    def _rule(self, name: str, category: str) -> tuple[StyleList, Rule] | None:
        entry = self._style.get(name)
        if entry is None:
            return None
        style, rule = entry
        return style, Rule(rule.id, rule.text, category, "warn", rule.alternative, rule.citation, None)

    def detect(self, draft: Draft) -> list[Violation]:
        found = []
        allowed = allowed_spans(self._allowed, draft.norm.text)
        for name, category in WORD_LISTS.items():
            if name == "vague" and draft.channel != "outbound":
                continue
            found.extend(self._words(draft, name, category, allowed))
        found.extend(self._rhetorical(draft))
        found.extend(self._missing(draft, "greeting", "opening", "missing_greeting", at_end=False))
        found.extend(self._missing(draft, "closing", "closing", "missing_closing", at_end=True))
        return found

    def _words(self, draft: Draft, name: str, category: str, allowed: list[tuple[int, int]]) -> list[Violation]:
        entry = self._rule(name, category)
        if entry is None:
            return []
        style, rule = entry
        norm, taken = draft.norm.text, [False] * len(draft.norm.text)
        out = []
        for word in sorted((key_of(w) for w in style.words), key=len, reverse=True):  # 你们 before 你
            for match in re.finditer(re.escape(word), norm):
                start, end = match.span()
                if any(taken[start:end]) or inside_any(start, end, allowed):
                    continue
                taken[start:end] = [True] * (end - start)
                out.append(draft.violation_at_norm(start, end, rule, "style"))
        return out

    def _rhetorical(self, draft: Draft) -> list[Violation]:
        entry = self._rule("rhetorical", Category.RHETORICAL)
        if entry is None:
            return []
        style, rule = entry
        markers = [key_of(m) for m in style.endings]
        return [
            draft.violation(m.start(), m.end(), rule, "style")
            for m in CLAUSE_WITH_QUESTION.finditer(draft.text)
            if any(marker in key_of(m.group()) for marker in markers)
        ]

    def _missing(self, draft: Draft, name: str, position: str, category: str, *, at_end: bool) -> list[Violation]:
        entry = self._rule(name, category)
        if entry is None or draft.position != position:
            return []
        style, rule = entry
        if any(key_of(w) in draft.norm.text for w in style.words):
            return []
        at = len(draft.text) if at_end else 0
        return [draft.violation(at, at, rule, "style")]
