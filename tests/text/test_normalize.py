from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot.text.normalize import fold_width, locate, match_key, normalize, to_simplified

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NOISE = st.sampled_from([" ", "　", "*", "·", "，", "、", "!", "～", "\u200b", "-"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("規範服務用語", "规范服务用语"),
        ("ＡＢＣ１２３", "abc123"),
        ("有 本 事 就 投 訴", "有本事就投诉"),
        ("你・真・罗・嗦！", "你真罗嗦"),
    ],
)
def test_match_key(raw: str, expected: str) -> None:
    assert match_key(raw) == expected


def test_to_simplified_keeps_length() -> None:
    text = "電信客服代表工作手冊與投訴處理方案，規範服務"
    assert len(to_simplified(text)) == len(text)


def test_fold_width_is_one_to_one() -> None:
    assert fold_width("Ａ") == "A"
    assert fold_width("　") == " "
    assert fold_width("中") == "中"


def test_collapse_repeats() -> None:
    assert normalize("你你你快快点", collapse_repeats=True).text == "你快点"


@given(st.text(min_size=1, max_size=40))
def test_origin_points_into_the_source(text: str) -> None:
    norm = normalize(text)
    assert len(norm.origin) == len(norm.text)
    assert all(0 <= i < len(text) for i in norm.origin)
    assert norm.origin == sorted(set(norm.origin))


@given(st.lists(CJK, min_size=2, max_size=8), st.lists(NOISE, min_size=0, max_size=8),
       st.text(max_size=10), st.text(max_size=10))
def test_locate_finds_obfuscated_needle(chars: list[str], noise: list[str], before: str, after: str) -> None:
    needle = "".join(chars)
    obfuscated = "".join(c + (noise[i] if i < len(noise) else "") for i, c in enumerate(chars))
    haystack = before + obfuscated + after
    span = locate(haystack, needle)
    assert span is not None
    start, end = span
    assert 0 <= start < end <= len(haystack)
    assert match_key(haystack[start:end]) == match_key(needle)


def test_locate_returns_none_when_absent() -> None:
    assert locate("您好，请问有什么可以帮助您", "我不知道") is None
    assert locate("任何文本", "，。！") is None
