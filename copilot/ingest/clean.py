"""Remove web-page debris from copies of service standards while keeping their own words and script.

The copies come from document-sharing sites: download disclaimers, advert and link-farm lines,
breadcrumbs, page furniture, pinyin glosses inserted after characters, mojibake and stray scripts.
Each rule below is small and named for what it removes; `clean_text` applies them in order.
The rules are idempotent: cleaning a cleaned text changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from copilot.text.normalize import to_simplified

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Phrases (simplified) that only occur in site furniture: a line holding one of them is not the standard.
BOILERPLATE_MARKERS: tuple[str, ...] = (
    "本文档共", "原创力文档", "book118", "本站", "版权申诉", "举报电话", "二次下载", "下载文档",
    "下载本文档", "VIP", "侵权", "版权说明", "文档简介", "查看更多", "实名认证", "内容提供者",
    "文档贡献者", "该用户很懒", "精品文档", "+ 关注", "人人文库", "您现在的位置", "文章来源",
    "发布时间", "浏览量", "仅部分预览", "上传文档", "一经付费", "付费前", "如您付费", "付费下载",
)  # not 付费 alone: a metro's 付费区 (the paid area inside the gates) is the standard's own word
# A line that starts one of these ends the document: everything after is comments and related links.
FOOTER_MARKERS: tuple[str, ...] = ("文档评论", "温馨提示", "最新文档", "相关文档", "评论")
# Watermarks a converter stamped into the running text.
WATERMARKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"文档来源为\s*[:：]\s*从网络收集整理\s*[.．]?\s*word\s*版本可编辑\s*[.．]?\s*欢迎下载支持\s*[.．]?"),
    re.compile(r"\bPAGE(?:\s+PAGE)*\s*\d*\b"),
)
FILE_NAME_TITLE = re.compile(r"\.(?:docx?|pdf|pptx?|txt|wps)(?:VIP)?\s*$", re.IGNORECASE)
PINYIN_GLOSS = re.compile(rf"(?<=[{CJK}])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,6}}\s?)\)")
BROKEN_RUN = re.compile(r"(?:\?{2,}|\ufffd+)[^,，。;；、!！?？\s]*")
FOREIGN_SCRIPT = re.compile(r"[\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff]+")  # Thai, Lao, Khmer
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}，。、；：！？“”）])[ \t\u3000]+(?=[{CJK}，。、；：！？“”（])")

LineRule = Callable[[str], bool]


def title_from_file_name(line: str) -> str:
    """`呼叫中心坐席服务行为规范.docx` → `呼叫中心坐席服务行为规范` (the site shows the upload's file name)."""
    return FILE_NAME_TITLE.sub("", line).strip()


def remove_watermarks(text: str) -> str:
    for pattern in WATERMARKS:
        text = pattern.sub(" ", text)
    return text


def remove_pinyin_glosses(text: str) -> str:
    """`首頁(yè)` → `首頁`: some mirrors insert the reading after rarer characters."""
    return PINYIN_GLOSS.sub("", text)


def mark_broken_runs(text: str) -> str:
    """Mojibake shows as `??` followed by garbage up to the clause end; the words are lost, mark the gap."""
    return BROKEN_RUN.sub("…", text)


def remove_foreign_script(text: str) -> str:
    """Scripts no Chinese standard uses (a converter spliced Thai into 002)."""
    return FOREIGN_SCRIPT.sub("", text)


def join_split_words(text: str) -> str:
    """PDF extraction leaves spaces inside words (`新 手啦`); Chinese text has none between characters."""
    return SPACE_BETWEEN_CJK.sub("", text)


def is_boilerplate(line: str) -> bool:
    simplified = to_simplified(line)
    return len(line) <= 300 and any(marker in simplified for marker in BOILERPLATE_MARKERS)


def is_footer(line: str) -> bool:
    simplified = to_simplified(line.strip())
    return any(simplified.startswith(marker) for marker in FOOTER_MARKERS)


def is_table_row(line: str) -> bool:
    """`| 情形 | 规范用语 | 不规范用语 |`: a Markdown table row (and how a .docx table is read), the standard's own
    layout, however short its cells."""
    stripped = line.strip()
    return len(stripped) > 2 and stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3


def is_link_farm(line: str) -> bool:
    """Adverts and place-name lists: many short segments separated by `|` (a table row is not one)."""
    if is_table_row(line):
        return False
    segments = [s.strip() for s in line.split("|") if s.strip()]
    return len(segments) >= 4 and all(len(s) <= 24 for s in segments)


def is_vertical_fragment(line: str) -> bool:
    """Table cells read column-wise come out as short, space-separated runs of characters (a table row read as a
    row is kept)."""
    if is_table_row(line):
        return False
    tokens = line.split()
    if len(tokens) < 3 or sum(len(t) for t in tokens) > 40 or re.search(r"[A-Za-z0-9]{2,}", line):
        return False
    if all(len(t) == 1 for t in tokens):
        return True
    # three words with PDF word-splits are still a sentence; four or more short runs are a table read sideways
    return len(tokens) >= 4 and all(len(t) <= 6 for t in tokens)


def is_furniture(line: str) -> bool:
    """Page numbers and lines with no words at all (`03`, `→ →`, `◆`)."""
    stripped = line.strip()
    if not stripped:
        return False
    if re.fullmatch(r"\d{1,3}", stripped):
        return True
    return not re.search(rf"[{CJK}A-Za-z0-9]", stripped)


LINE_RULES: tuple[LineRule, ...] = (is_boilerplate, is_link_farm, is_vertical_fragment, is_furniture)
TEXT_RULES: tuple[Callable[[str], str], ...] = (
    remove_watermarks, remove_pinyin_glosses, mark_broken_runs, remove_foreign_script, join_split_words,
)


def clean_line(line: str) -> str:
    for rule in TEXT_RULES:
        line = rule(line)
    return re.sub(r"[ \t]{2,}", " ", line).strip()


def clean_text(raw: str) -> str:
    """Clean a whole document; the first line of the result is its title."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    kept: list[str] = []
    for raw_line in lines:
        if not kept and FILE_NAME_TITLE.search(raw_line):
            raw_line = title_from_file_name(raw_line)  # before the rules: `….docVIP` is a title, not an advert
        if is_footer(raw_line) and kept:
            break
        if any(rule(raw_line) for rule in LINE_RULES):
            continue
        line = clean_line(raw_line)
        if not line or any(rule(line) for rule in LINE_RULES):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n" if kept else ""


def debris_found(text: str) -> list[str]:
    """Debris a cleaned document must not contain; empty when clean (used by tests and `copilot ingest`)."""
    found: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for rule in LINE_RULES:
            if line and rule(line):
                found.append(f"line {number}: {rule.__name__}: {line[:40]}")
        for pattern in (PINYIN_GLOSS, BROKEN_RUN, FOREIGN_SCRIPT, *WATERMARKS):
            match = pattern.search(line)
            if match:
                found.append(f"line {number}: {pattern.pattern[:30]}: {match.group(0)[:20]}")
    return found


HEADING_START = re.compile(r"[一二三四五六七八九十]+、|第[一二三四五六七八九十\d]+[章节]")


def document_title(cleaned: str, fallback: str) -> str:
    """The first line, cut before its first numbered heading (some copies run title and text together)."""
    first = cleaned.split("\n", 1)[0].strip()
    match = HEADING_START.search(first)
    if match and match.start() >= 4:
        first = first[: match.start()]
    return first[:40].strip() or fallback
