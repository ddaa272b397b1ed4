from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import InvalidInput
from copilot.ingest.readers import list_documents, read_document


def test_reads_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("客服规范")
    document.add_paragraph("请您稍等，我帮您查询。")
    path = tmp_path / "standard.docx"
    document.save(str(path))
    assert read_document(path) == "客服规范\n请您稍等，我帮您查询。"


def test_reads_gb18030_text(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("服务忌语：你问我，我问谁".encode("gb18030"))
    assert read_document(path) == "服务忌语：你问我，我问谁"


def test_rejects_unknown_type(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(InvalidInput, match="unsupported"):
        read_document(path)


def test_lists_supported_only(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.pdf"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in list_documents(tmp_path)] == ["a.txt", "b.md"]


def test_reads_docx_tables_as_pipe_rows_in_document_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("第八条 客户询问年费时")
    table = document.add_table(rows=2, cols=2)
    cells = ["规范用语", "不规范用语", "“请您稍等，我帮您查询。”", "“自己查去。”"]
    for cell, text in zip(table._cells, cells, strict=True):
        cell.text = text
    document.add_paragraph("第九条")
    path = tmp_path / "standard.docx"
    document.save(str(path))
    assert read_document(path) == ("第八条 客户询问年费时\n| 规范用语 | 不规范用语 |\n"
                                   "| “请您稍等，我帮您查询。” | “自己查去。” |\n第九条")
