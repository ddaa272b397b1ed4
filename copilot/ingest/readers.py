"""Read source documents (.txt, .md, .docx) into plain text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copilot.errors import InvalidInput

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx")


def read_document(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return _read_text(path.read_bytes())
    if suffix == ".docx":
        return _read_docx(path)
    raise InvalidInput(
        f"unsupported document type {suffix!r}: {path.name}",
        {"supported": list(SUPPORTED_SUFFIXES)},
    )


def _read_text(data: bytes) -> str:
    # Chinese web copies are UTF-8 today, but older exports are GB18030.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _read_docx(path: Path) -> str:
    import docx  # python-docx; only needed for .docx sources
    import docx.table

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables, in document order
        if isinstance(block, docx.table.Table):
            lines.extend(_table_rows(block))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _table_rows(table: Any) -> list[str]:
    """A .docx table as Markdown pipe rows, which the extractor reads like a Markdown standard's tables; a
    merged cell repeats in python-docx and is written once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or text != cells[-1]:
                cells.append(text)
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def list_documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
