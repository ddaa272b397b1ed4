"""Find a scorecard's wording in a turn, ignoring script (繁/简), width and punctuation, at original offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

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

    def digit_runs(self, least: int) -> list[str]:
        """Runs of digits of at least `least` length, as spoken numbers are written in transcripts (138 0013 8000
        is one number: separators are dropped before matching)."""
        return [m.group() for m in DIGIT_RUN.finditer(self.norm.text) if len(m.group()) >= least]


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


def holds(condition: Condition, turn: TurnText) -> tuple[int, int] | None:
    """The span that makes `condition` true of `turn`, or None."""
    if turn.role != condition.role:
        return None
    if condition.digits:
        for match in DIGIT_RUN.finditer(turn.norm.text):
            if len(match.group()) >= condition.digits:
                return turn.span(*match.span())
    if condition.any or condition.regex:
        return find(condition, turn)
    return None
