"""A text cut into clauses and pairs of neighbouring clauses: the windows the checker model judges."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from copilot.text.normalize import collapsed_key

CLAUSE = re.compile(r"[^，。！？；,.!?;…\n]+")
SENTENCE_END = "。！？!?；;"  # marks that end a sentence, not just a clause
MIN_WINDOW = 3  # normalised characters; shorter clauses carry too little meaning to judge


@dataclass(frozen=True)
class Window:
    start: int
    end: int
    text: str
    parts: tuple[int, ...] = ()  # for a pair: the indices of its two clauses among the windows


def clauses(text: str) -> list[Window]:
    """Each clause of at least MIN_WINDOW normalised characters, at its offsets in `text`."""
    found = []
    for match in CLAUSE.finditer(text):
        piece = match.group().strip()
        if len(collapsed_key(piece)) >= MIN_WINDOW:
            offset = text.index(piece, match.start())
            found.append(Window(offset, offset + len(piece), piece))
    return found


def windows(text: str) -> list[Window]:
    """Each clause, then each pair of neighbouring clauses (an offence often spans two: 嫌贵？那就别买)."""
    single = clauses(text)
    pairs = [
        Window(a.start, b.end, text[a.start : b.end], (i, i + 1))
        for i, (a, b) in enumerate(itertools.pairwise(single))
    ]
    return single + pairs
