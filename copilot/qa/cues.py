"""Find a scorecard's wording in a turn, ignoring script (繁/简), width and punctuation, at original offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from copilot.check.models import Violation
from copilot.qa.scorecard import Condition, Cues
from copilot.text.normalize import NormalizedText, match_key, normalize

DIGIT_RUN = re.compile(r"\d+")


@dataclass(frozen=True)
class TurnText:
    index: int
    role: str
    text: str

    @cached_property
    def norm(self) -> NormalizedText:
        return normalize(self.text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.span(start, end)


@lru_cache(maxsize=2048)
def _key(word: str) -> str:
    return match_key(word)


@lru_cache(maxsize=512)
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def find(cues: Cues, turn: TurnText, echo: str | None = None) -> tuple[int, int] | None:
    """The first span in `turn` (original offsets) that has this wording, or None.

    `echo` is the number the customer gave; with `echo_digits` set, the agent repeating its last digits counts."""
    text = turn.norm.text
    best: tuple[int, int] | None = None
    for word in cues.any:
        key = _key(word)
        at = text.find(key) if key else -1
        if at >= 0 and (best is None or at < best[0]):
            best = (at, at + len(key))
    for regex in cues.regex:
        match = _pattern(regex).search(text)
        if match and match.end() > match.start() and (best is None or match.start() < best[0]):
            best = match.span()
    if best is None and echo and cues.echo_digits and len(echo) >= cues.echo_digits:
        at = text.find(echo[-cues.echo_digits:])
        if at >= 0:
            best = (at, at + cues.echo_digits)
    return turn.span(*best) if best else None


def holds(condition: Condition, turn: TurnText, findings: list[Violation]) -> tuple[int, int] | None:
    """The span that makes `condition` true of `turn`, or None. `findings` are the checker's on that turn.

    Digits are read on the normalised text, so a number spoken in groups (138 0013 8000) is one run."""
    if turn.role != condition.role:
        return None
    if condition.digits:
        for match in DIGIT_RUN.finditer(turn.norm.text):
            if len(match.group()) >= condition.digits:
                return turn.span(*match.span())
    if condition.any or condition.regex:
        span = find(condition, turn)
        if span is not None:
            return span
    found = next((v for v in findings if v.category in condition.categories), None)
    return (found.start, found.end) if found else None
