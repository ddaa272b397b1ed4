"""Style warnings (never blocking): 你 for 您, slang, vague words in return visits, promises, missing greeting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.check.draft import CLAUSE_ENDS, QUESTION_MARKS, Draft
from copilot.check.lexicon import inside_any
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet
from copilot.rulebook.models import Category
from copilot.text.normalize import collapsed_key

CLAUSE_WITH_QUESTION = re.compile(f"[^{re.escape(CLAUSE_ENDS)}]*[{QUESTION_MARKS}]")
WORD_LISTS = {"informal_you": Category.IMPROPER_ADDRESS, "colloquial": Category.COLLOQUIAL,
              "internet_slang": Category.COLLOQUIAL, "vague": Category.VAGUE,
              "promise": Category.UNAUTHORISED_PROMISE}
# what may follow a clause-final particle: a break in the sentence, a chat flourish, or the end of the text
CLAUSE_END = r"(?=[\s，。！？；、,.!?;~～…）)」”]|$)"


@dataclass(frozen=True)
class _Style:
    """One style list, normalised once, with the warning it raises."""

    keys: list[str]  # longest first, so 你们 is taken before 你
    rule: Rule
    clause_final: re.Pattern[str] | None = None  # words slang only at a clause's end, on the text as typed


class StyleDetector:
    def __init__(self, rules: RuleSet) -> None:
        self._replacements = {collapsed_key(k): v for k, v in rules.replacements.items()}
        categories = {**WORD_LISTS, "rhetorical": Category.RHETORICAL,
                      "greeting": "missing_greeting", "closing": "missing_closing"}
        self._styles: dict[str, _Style] = {}
        for name, (style, rule) in rules.style.items():
            category = categories.get(name, name)
            keys = sorted({collapsed_key(w) for w in [*style.words, *style.endings]} - {""}, key=len, reverse=True)
            clause_final = (re.compile(f"(?:{'|'.join(map(re.escape, style.clause_final))})+{CLAUSE_END}")
                         if style.clause_final else None)
            self._styles[name] = _Style(keys, Rule(rule.id, rule.text, category, "warn", rule.alternative,
                                                   rule.citation, None, rules.reason(category)), clause_final)

    def detect(self, draft: Draft) -> list[Violation]:
        found = []
        for name in WORD_LISTS:
            if name == "vague" and draft.channel != "outbound":
                continue
            found.extend(self._words(draft, name))
        found.extend(self._rhetorical(draft))
        found.extend(self._missing(draft, "greeting", "opening", at_end=False))
        found.extend(self._missing(draft, "closing", "closing", at_end=True))
        return found

    def _words(self, draft: Draft, name: str) -> list[Violation]:
        style = self._styles.get(name)
        if style is None:
            return []
        norm, taken = draft.norm.text, [False] * len(draft.norm.text)
        out = []
        for word in style.keys:
            for match in re.finditer(re.escape(word), norm):
                start, end = match.span()
                if any(taken[start:end]) or inside_any(start, end, draft.allowed):
                    continue
                taken[start:end] = [True] * (end - start)
                found = draft.violation_at_norm(start, end, style.rule, "style")
                out.append(found.model_copy(update={"alternative": self._replacements.get(word)}))
        return out + self._clause_final(draft, style, out)

    def _clause_final(self, draft: Draft, style: _Style, words: list[Violation]) -> list[Violation]:
        """Clause-final words not already inside a listed word (好嘞 is one finding, not two)."""
        if style.clause_final is None:
            return []
        out = []
        for match in style.clause_final.finditer(draft.text):
            start, end = match.span()
            if any(w.start < end and start < w.end for w in words):
                continue
            found = draft.violation(start, end, style.rule, "style")
            out.append(found.model_copy(update={"alternative": self._replacements.get(collapsed_key(match.group()))}))
        return out

    def _rhetorical(self, draft: Draft) -> list[Violation]:
        style = self._styles.get("rhetorical")
        if style is None:
            return []
        return [
            draft.violation(m.start(), m.end(), style.rule, "style")
            for m in CLAUSE_WITH_QUESTION.finditer(draft.text)
            if any(marker in collapsed_key(m.group()) for marker in style.keys)
        ]

    def _missing(self, draft: Draft, name: str, position: str, *, at_end: bool) -> list[Violation]:
        style = self._styles.get(name)
        if style is None or draft.position != position:
            return []
        if any(key in draft.norm.text for key in style.keys):
            return []
        at = len(draft.text) if at_end else 0
        return [draft.violation(at, at, style.rule, "style")]
