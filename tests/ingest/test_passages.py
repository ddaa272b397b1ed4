from __future__ import annotations

from copilot.ingest.passages import find_headings, sentence_spans, split_passages
from copilot.ingest.sources import SourceDocument

TEXT = "服务规范\n一、接听电话\n铃响三声内接听。问候客户！请问有什么可以帮您？\n二、结束通话\n让客户先挂电话。"


def test_passages_are_exact_slices_with_sections() -> None:
    passages = split_passages("doc", "服务规范", TEXT, target=20)
    for passage in passages:
        assert TEXT[passage.start : passage.end] == passage.text
        assert passage.id == f"doc:{passage.start}-{passage.end}"
    by_text = {p.text.splitlines()[0]: p.section for p in passages}
    assert any(section == "二、结束通话" for section in by_text.values())


def test_headings_found() -> None:
    titles = [h.title for h in find_headings(TEXT)]
    assert "一、接听电话" in titles and "二、结束通话" in titles


def test_sentence_spans_cover_text_without_empty_spans() -> None:
    spans = sentence_spans("第一句。第二句！  第三句")
    assert [s for s in spans if s[1] <= s[0]] == []
    assert len(spans) == 3


def test_real_sources_split(knowledge) -> None:  # type: ignore[no-untyped-def]
    for document in knowledge.documents.values():
        assert isinstance(document, SourceDocument)
        assert document.passages
        for passage in document.passages:
            assert document.text[passage.start : passage.end] == passage.text
            assert len(passage.text) <= 400


def test_inline_heading_stops_at_its_first_numbered_item() -> None:
    text = "手冊一、職責與規范。(一)核心職責1.業務咨詢解答客服代表需準確解答。(二)工作規范1.儀容儀表保持整潔。"
    titles = [h.title for h in find_headings(text)]
    assert "(一)核心職責" in titles and "(二)工作規范" in titles
