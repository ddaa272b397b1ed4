"""Script and width normalisation with a map back to the original characters.

Retrieval and matching work on simplified, half-width, case-folded text; what users see keeps the
original script. Every normalised character remembers the index of the original character it came
from, so a match found in normalised text is reported as an exact span of the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Han blocks converted character by character: a substring then converts exactly as it does inside
# a longer text, which matching needs (OpenCC's phrase mode can convert a character differently in context).
_HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    import opencc  # small C extension; imported on first use to keep `import copilot` fast

    converter = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for low, high in _HAN_BLOCKS:
        for code in range(low, high + 1):
            char = chr(code)
            converted: str = converter.convert(char)
            if converted != char and len(converted) == 1:
                table[code] = converted
    return table


def to_simplified(text: str) -> str:
    """Traditional → simplified, one character for one character, so offsets stay valid."""
    return text.translate(_t2s_table())


def fold_width(ch: str) -> str:
    """Full-width ASCII and the ideographic space → their half-width forms (one char to one char)."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if code == 0x3000:
        return " "
    return ch


def is_separator(ch: str) -> bool:
    """Whitespace, punctuation, symbols and controls: what an agent may insert between characters."""
    return unicodedata.category(ch)[0] in "PSZC"


# Planes searched for separators: the BMP and the emoji blocks (an emoji is a favourite filler).
_SEPARATOR_RANGES = ((0, 0xFFFF), (0x1F000, 0x1FAFF))
_GAP = "\x00"


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One translate table: traditional → simplified, full → half width, upper → lower case."""
    table = dict(_t2s_table())
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


@lru_cache(maxsize=1)
def _gap_table() -> dict[int, str]:
    return {
        code: _GAP
        for low, high in _SEPARATOR_RANGES
        for code in range(low, high + 1)
        if unicodedata.category(chr(code))[0] in "PSZC"
    }


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for each of its characters, the index of the source character."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span [start, end) back to a span of the original text."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside normalised text of length {len(self.text)}")
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str, *, drop_separators: bool = True, collapse_repeats: bool = False) -> NormalizedText:
    """Simplified, half-width, lower-case text; optionally without separators and repeated characters.

    Every step maps one character to one character or drops it, so an origin list is enough to map back.
    The dropping is done on code-point arrays: drafts are checked on every pause in typing.
    """
    folded = text.translate(_fold_table())
    if drop_separators:
        folded = folded.translate(_gap_table())
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    keep = codes != 0 if drop_separators else np.ones(len(codes), dtype=bool)
    origin = np.flatnonzero(keep)
    codes = codes[keep]
    if collapse_repeats and len(codes) > 1:
        first_of_run = np.ones(len(codes), dtype=bool)
        first_of_run[1:] = codes[1:] != codes[:-1]
        codes, origin = codes[first_of_run], origin[first_of_run]
    return NormalizedText(codes.tobytes().decode("utf-32-le"), origin.tolist())


def match_key(text: str) -> str:
    """The form two texts are compared in when one is said to quote the other."""
    return normalize(text).text


def collapsed_key(text: str) -> str:
    """The form the draft checker matches in: `match_key` with repeated characters collapsed too."""
    return normalize(text, collapse_repeats=True).text


def locate(haystack: str, needle: str) -> tuple[int, int] | None:
    """Find `needle` in `haystack` ignoring script, width, case and separators.

    Returns the span in the original `haystack`, or None.
    """
    key = match_key(needle)
    if not key:
        return None
    norm = _normalised_haystack(haystack)
    at = norm.text.find(key)
    if at < 0:
        return None
    return norm.span(at, at + len(key))


@lru_cache(maxsize=32)
def _normalised_haystack(text: str) -> NormalizedText:
    """A standard is searched for each of its quotes in turn (hundreds while the rulebook loads): normalise it
    once. (NormalizedText is frozen; its origin list is only read.)"""
    return normalize(text)
