"""Tables in a standard: Markdown pipe rows (`| 情形 | 规范用语 | 不规范用语 |`), which is also how a .docx
table reaches the cleaned text. Standards often lay their √/× pairs out so, a row per case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from copilot.extract.spans import QUOTES, Span, quotes, trim

ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
RULE_ROW = re.compile(r"^[\s|:：\-—]+$")  # |---|:---:|


@dataclass(frozen=True)
class Table:
    start: int  # where its first row begins
    header: list[Span]
    rows: list[list[Span]]


def pipe_tables(text: str) -> list[Table]:
    """Runs of consecutive pipe rows: the first is the header, rule rows are skipped, each cell trimmed."""
    tables: list[Table] = []
    run: list[re.Match[str]] = []
    for match in [*ROW.finditer(text), None]:
        if match is not None and run and text[run[-1].end() : match.start()].strip() == "":
            run.append(match)
            continue
        if len(run) >= 2:
            cells = [_cells(text, m) for m in run if not RULE_ROW.match(m.group())]
            if len(cells) >= 2:
                tables.append(Table(run[0].start(), cells[0], cells[1:]))
        run = [match] if match is not None else []
    return tables


def _cells(text: str, row: re.Match[str]) -> list[Span]:
    bars = [row.start() + i for i, char in enumerate(row.group()) if char == "|"]
    return [trim(text, left + 1, right) for left, right in pairwise(bars)]


def phrasings(text: str, cell: Span) -> list[Span]:
    """A cell's phrasings: its quotes when it has any (`“A”或“B”`), else the cell."""
    inner = cell.of(text)
    if not any(q in inner for q in QUOTES):
        return [cell] if cell.end > cell.start else []
    start = cell.start - 1 if cell.start > 0 and text[cell.start - 1] in QUOTES else cell.start
    found = quotes(text[start : cell.end + 1])
    return [trim(text, start + q.start, start + q.end) for q in found] or [cell]
