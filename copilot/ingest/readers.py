"""Read source documents (.txt, .md, .docx) into plain text."""

from __future__ import annotations

from pathlib import Path

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

    document = docx.Document(str(path))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def list_documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
