"""Split a cleaned document into passages with stable ids, section headings and character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.text.normalize import to_simplified

SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』]?|\n")
INLINE_HEADING = re.compile(
    r"(?:(?<=^)|(?<=[\s。；;!！]))"
    r"((?:[一二三四五六七八九十]+、|[(（]\s*[一二三四五六七八九十]+\s*[)）]|第[一二三四五六七八九十\d]+[章节])"
    r"\s*[^\s，。；：:,“”!！?？]{2,18})"
)
LINE_HEADING_MAX = 30
FIRST_ITEM = re.compile(r"(?<=\S)\d+[.．、](?!\d)")


@dataclass(frozen=True)
class Passage:
    """A span of a cleaned source document, the unit that is retrieved and cited."""

    id: str
    document_id: str
    document_title: str
    section: str
    start: int
    end: int
    text: str

    @property
    def simplified(self) -> str:
        return to_simplified(self.text)


@dataclass(frozen=True)
class Heading:
    start: int
    title: str


def find_headings(text: str) -> list[Heading]:
    """Headings are short lines without closing punctuation, or numbered titles inside running text."""
    headings: list[Heading] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if 2 <= len(stripped) <= LINE_HEADING_MAX and not re.search(r"[。；;，,！!？?]$", stripped):
            headings.append(Heading(offset + line.index(stripped), stripped))
        offset += len(line) + 1
    for match in INLINE_HEADING.finditer(text):
        title = re.sub(r"\s+", "", match.group(1))
        # in copies that run title and text together, a heading ends where its first numbered item starts
        title = FIRST_ITEM.split(title, maxsplit=1)[0]
        headings.append(Heading(match.start(1), title))
    headings.sort(key=lambda h: h.start)
    return headings


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text`, whitespace trimmed, never empty."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _split_long(span: tuple[int, int], text: str, limit: int) -> list[tuple[int, int]]:
    start, end = span
    pieces = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("，"), window.rfind(","), window.rfind(" "))
        cut = cut + 1 if cut > limit // 3 else limit
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, end))
    return pieces


def split_passages(
    document_id: str, title: str, text: str, *, target: int = 160, limit: int = 260
) -> list[Passage]:
    """Greedy grouping of whole sentences up to `target` chars; a new section always starts a passage."""
    headings = find_headings(text)
    heading_starts = {h.start for h in headings}
    spans = [piece for span in sentence_spans(text) for piece in _split_long(span, text, limit)]
    groups: list[tuple[int, int]] = []
    for s, e in spans:
        starts_section = any(s <= h < e for h in heading_starts)
        if groups and not starts_section and e - groups[-1][0] <= target:
            groups[-1] = (groups[-1][0], e)
        else:
            groups.append((s, e))
    passages = []
    for s, e in groups:
        section = _section_at(headings, s, e, title)
        passages.append(Passage(f"{document_id}:{s}-{e}", document_id, title, section, s, e, text[s:e]))
    return passages


def _section_at(headings: list[Heading], start: int, end: int, default: str) -> str:
    current = default
    for heading in headings:
        if heading.start < end and heading.start <= start + 2:
            current = heading.title
        elif heading.start > start + 2:
            break
    return current
