"""Offsets over a cleaned standard: quoted speech, list items, trimming. Everything is (start, end) in code points of
the text as given, so `text[start:end]` is always the standard's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"'}
MAX_QUOTE = 300
BULLETS = "◆➢❑•●▪■★☆"
EDGE = set(" \t\n\u3000，,。.！!？?；;：:、…-—*◆➢❑•●▪■“”「」『』\"")
# Where a list item starts: bullets, and enumerators 一、 (1) （一） ① 1、 1. 1) at a boundary.
ITEM_START = re.compile(
    r"[◆➢❑•●▪■★☆✓✔]"
    r"|(?:^|(?<=[\s。；;！!？?”」:：]))(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]、?"
    r"|\d{1,2}\s?[、.．)）](?!\d)|[①-⑳])",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def trim(text: str, start: int, end: int) -> Span:
    """Shrink to the words: no spaces or punctuation at either edge, no trailing 等 (`…，等`)."""
    while True:
        while start < end and (text[start] in EDGE or text[start].isspace()):
            start += 1
        while end > start and (text[end - 1] in EDGE or text[end - 1].isspace()):
            end -= 1
        if end - start > 1 and text[end - 1] == "等" and text[end - 2] in EDGE | set("么啦吧啊呢了"):
            end -= 1
            continue
        if text[start:end] == "等":  # a list's closing 等 on its own
            return Span(start, start)
        return Span(start, end)


def quotes(text: str) -> list[Span]:
    """Inner spans of quoted speech. A quote left open (the next one opens first) ends at its first sentence end."""
    found: list[Span] = []
    at = 0
    while at < len(text):
        opening = text[at]
        closing = QUOTES.get(opening)
        if closing is None:
            at += 1
            continue
        end = text.find(closing, at + 1, at + 1 + MAX_QUOTE)
        reopened = text.find(opening, at + 1, end) if opening != closing and end > 0 else -1
        if end < 0 or reopened >= 0:
            stop = min((i for i in (text.find(c, at + 1, at + 1 + MAX_QUOTE) for c in "。！!？?") if i >= 0),
                       default=-1)
            if stop < 0:
                at += 1
                continue
            found.append(Span(at + 1, stop + 1))
            at = stop + 1
            continue
        found.append(Span(at + 1, end))
        at = end + 1
    return found


def items(text: str, start: int, end: int) -> list[Span]:
    """Split `text[start:end]` into list items at lines, bullets and enumerators (markers left out)."""
    markers = [(m.start(), m.end()) for m in ITEM_START.finditer(text, start, end)]
    markers += [(i, i + 1) for i in range(start, end) if text[i] == "\n"]
    spans: list[Span] = []
    begin = start
    for marker_start, marker_end in sorted(markers):
        if marker_start > begin:
            spans.append(Span(begin, marker_start))
        begin = max(begin, marker_end)
    if end > begin:
        spans.append(Span(begin, end))
    return spans


WAIT_WORDS = ("稍等", "久等", "请等")  # a list's last word that ends in 等 (请您稍等), not the list's closing 等


def split_at(text: str, span: Span, separators: str) -> list[Span]:
    """Pieces of `span` between any of `separators`, trimmed, empty ones dropped; a list's closing 等 is cut
    (`喂、不知道、你问我我问谁等。`)."""
    pieces: list[Span] = []
    begin = span.start
    for i in range(span.start, span.end + 1):
        if i == span.end or text[i] in separators:
            piece = trim(text, begin, i)
            if piece.end > piece.start:
                pieces.append(piece)
            begin = i + 1
    last = pieces[-1] if len(pieces) > 1 else None
    if (last is not None and text[last.end - 1] == "等" and last.end - last.start > 2
            and not text.endswith(WAIT_WORDS, last.start, last.end)):
        pieces[-1] = trim(text, last.start, last.end - 1)
    return pieces


def line_bounds(text: str, at: int) -> Span:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return Span(start, len(text) if end < 0 else end)
