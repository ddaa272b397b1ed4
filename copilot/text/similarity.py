"""How alike two short texts are: Dice similarity of their normalised character bigrams."""

from __future__ import annotations

from copilot.text.normalize import match_key


def bigrams(text: str) -> set[str]:
    key = match_key(text)
    return {key[i : i + 2] for i in range(len(key) - 1)} or ({key} if key else set())


def dice(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    return 2 * len(a & b) / max(len(a) + len(b), 1)
