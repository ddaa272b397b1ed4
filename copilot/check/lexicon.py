"""Exact forbidden phrases (Aho-Corasick over normalised text), with an allow-list that wins."""

from __future__ import annotations

import re
from typing import Any

from copilot.check.draft import Draft
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet, WholeAnswers
from copilot.rulebook.models import Category
from copilot.text.normalize import collapsed_key, is_separator

CLAUSE = re.compile(r"[^，。！？；、,.!?;…\s]+")
# A clause of a longer forbidden phrase stands alone as a key from this length on: shorter clauses are often
# harmless alone (不好意思, 再讲一次, 听不清楚 are clauses of forbidden sentences and of polite ones).
MIN_CLAUSE_KEY = 5
# A blank the standard leaves for the agent to fill (我的工号是××, 打××电话): a clause with one needs its filler to
# mean anything, and without it is often harmless (an agent giving the 工号 when asked), so it is no key alone.
BLANK = re.compile(r"[×xX*＊]{2,}|\[[^\]]*\]|【[^】]*】")


def _automaton(entries: dict[str, list[Any]]) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key, values in entries.items():
        automaton.add_word(key, (len(key), values))
    if entries:
        automaton.make_automaton()
    return automaton


def inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


class LexiconDetector:
    def __init__(self, rules: RuleSet) -> None:
        allowed_keys = [collapsed_key(t) for t in rules.allowed]
        entries: dict[str, list[Rule]] = {}
        for rule in rules.forbidden:
            for key in self._keys(rule.text, allowed_keys):
                entries.setdefault(key, []).append(rule)
        self.key_count = len(entries)
        self._forbidden = _automaton(entries)
        self.allowed = _automaton({k: [] for k in allowed_keys if k})
        self.whole_answers = rules.whole_answers
        negators = rules.negators.words if rules.negators else []
        self.negators = tuple(k for k in (collapsed_key(w) for w in negators) if k)

    @staticmethod
    def _keys(text: str, allowed_keys: list[str]) -> set[str]:
        """The whole phrase, and each long clause of it that no approved phrasing contains."""
        keys = {collapsed_key(text)}
        for clause in CLAUSE.findall(text):
            if BLANK.search(clause):
                continue
            key = collapsed_key(clause)
            if len(key) >= MIN_CLAUSE_KEY and not any(key in allowed for allowed in allowed_keys):
                keys.add(key)
        return {k for k in keys if k}

    def matches(self, text: str) -> list[tuple[int, int, Rule]]:
        """(start, end, rule) in the normalised text, before context rules; for benchmarks and tests."""
        if not len(self._forbidden):
            return []
        out: list[tuple[int, int, Rule]] = []
        for end, (length, rules) in self._forbidden.iter(text):
            out.extend((end + 1 - length, end + 1, rule) for rule in rules)
        return out

    def detect(self, draft: Draft) -> list[Violation]:
        """Longest match first: where phrases overlap, the fullest one is kept (an uploaded standard's
        `这事不归我们管，你自己找商家去` over another standard's `不归我们管`), and its rule is cited; on the same
        words, a rule that is the whole phrase before one that only has it as a clause of a longer phrase."""
        found = [(start, end, rule) for start, end, rule in self.matches(draft.norm.text)
                 if not inside_any(start, end, draft.allowed) and self._applies(rule, draft, start, end)
                 and not _in_a_longer_clause(self.whole_answers, rule, draft, start, end)
                 and not self._negated(draft, start)]
        found.sort(key=lambda m: (m[0] - m[1], len(collapsed_key(m[2].text)) != m[1] - m[0], m[0]))
        return [draft.violation_at_norm(start, end, rule, "lexicon") for start, end, rule in found]

    def _negated(self, draft: Draft, start: int) -> bool:
        """Just after 不用 or 无需 a listed phrase is what the agent says is not needed (不用你明天再打来)."""
        return bool(self.negators) and draft.norm.text.endswith(self.negators, 0, start)

    @staticmethod
    def _applies(rule: Rule, draft: Draft, start: int, end: int) -> bool:
        if rule.category == Category.VAGUE and draft.channel != "outbound":
            return False  # vague words are a fault in return visits only
        if end - start == 1:  # a lone character (喂, 嘿) counts only where a clause begins
            return draft.clause_starts_at(start)
        return True


def _in_a_longer_clause(whole: WholeAnswers | None, rule: Rule, draft: Draft, start: int, end: int) -> bool:
    """A short listed answer (我没办法, 打错了) with more words in its clause: 电话里我没办法给您答复 says what cannot
    be done, which the standard asks to say with the reason and what will be done instead; 是我把门牌号打错了 owns a
    slip. The model judges such a clause as it judges any other (这个我没办法 it blocks); said as the whole clause
    (我没办法。/ 我没办法啊) it is the listed offence."""
    if whole is None or rule.category not in whole.categories or end - start > whole.max_chars:
        return False
    norm = draft.norm
    if not draft.clause_starts_at(start):
        return True
    if end == len(norm.text):
        return False
    between = draft.text[norm.origin[end - 1] + 1 : norm.origin[end]]  # repeats of its last character, separators
    return not any(is_separator(c) for c in between) and norm.text[end] not in whole.finals
