from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot.ingest.clean import clean_text, debris_found, document_title
from copilot.settings import REPO_ROOT

SOURCES = sorted((REPO_ROOT / "knowledge" / "sources").glob("*.txt"))


@pytest.mark.parametrize(
    ("noisy", "kept", "gone"),
    [
        ("标准.docx\n  1. 1、本文档共3页,可阅读全部内容。\n正文第一句。", "正文第一句。", "本文档共"),
        ("标题\n广告一区|精品二区|免费三区|高清四区|在线五区\n正文。", "正文。", "精品二区"),
        ("標題\n首頁(yè)的服務(wù)規範\n", "首頁的服務規範", "(yè)"),
        ("标题\n公司形象??头硇枞I务知识,熟悉流程。", "公司形象…,熟悉流程。", "??"),
        ("标题\nPAGE PAGE 2 客服标准 一、总则", "客服标准", "PAGE"),
        ("标题\n我是新 手啦,联系方 式", "我是新手啦,联系方式", "新 手"),
        ("标题\n文档来源为 :从网络收集整理 .word 版本可编辑 .欢迎下载支持 . 第一条。", "第一条。", "文档来源"),
        ("标题\n正文。\n文档评论(0)\n该用户很懒\n相关文档", "正文。", "该用户很懒"),
        ("标题\n成功功ห้องสมุดไป่ตู้因", "成功功因", "ห้อง"),
        ("标题\n正文。\n张家港市| 宜城市| 青川县| 南京市| 西充县|", "正文。", "张家港"),
        ("标题\n回 访 无 关 的\n正文。", "正文。", "回 访"),
        ("標題\n版權說明:本文檔由用戶提供并上傳\n正文。", "正文。", "版權"),
        ("标题\n文档内容仅供研究参考,付费前请自行鉴别。\n乘客在付费区内停留超过4小时的，按最高票价补票。",
         "乘客在付费区内停留超过4小时的", "付费前"),
    ],
)
def test_rules_remove_debris_and_keep_text(noisy: str, kept: str, gone: str) -> None:
    cleaned = clean_text(noisy)
    assert kept in cleaned
    assert gone not in cleaned


def test_title_from_file_name() -> None:
    cleaned = clean_text("客服部服务标准.docVIP\n  1. 1、成为VIP后下载\n正文。")
    assert cleaned.splitlines()[0] == "客服部服务标准"


def test_document_title_cut_before_first_heading() -> None:
    assert document_title("電信客服手冊一、職責與規範", "x") == "電信客服手冊"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_committed_sources_are_clean(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    assert debris_found(text) == []
    assert clean_text(text) == text  # cleaning is idempotent: the committed text is the cleaner's output
    for marker in ("book118", "下载", "VIP", "(yè)", "??", "PAGE", "文档评论", "侵权"):
        assert marker not in text


def test_five_standards_committed() -> None:
    assert len(SOURCES) == 5


@given(st.text(alphabet=st.sampled_from(list("客服规范用语，。！？ \n|()abc?12")), max_size=200))
def test_clean_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


def test_a_table_row_is_the_standards_layout_however_short_its_cells() -> None:
    text = "标题\n| 规范用语 | 不规范用语 |\n|---|---|\n| 请您稍等 | 等着 |\n| 情形 | 应说 | 不应说 | 备注 |\n"
    cleaned = clean_text(text)
    assert "| 规范用语 | 不规范用语 |" in cleaned and "| 请您稍等 | 等着 |" in cleaned
    assert "| 情形 | 应说 | 不应说 | 备注 |" in cleaned  # four short cells, but a row, not a link farm
    assert "|---|" not in cleaned
