from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot.text.numbers import NUMBER, chinese_to_int, number_value

DIGIT = "零一二三四五六七八九"


def spoken(n: int) -> str:
    """An integer below 100 000 000 as it is written in Chinese (the reference the reader is checked against)."""
    if n == 0:
        return "零"
    parts, zero = [], False
    for value, unit in ((10_000_000, "千"), (1_000_000, "百"), (100_000, "十"), (10_000, ""), (1000, "千"),
                        (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            parts.append(("零" if zero and parts else "") + DIGIT[digit] + unit)
            zero = False
        else:
            zero = True
        if value == 10_000 and n >= 10_000:
            if not parts[-1].endswith("万") and n // 10_000 % 10 == 0:
                parts.append("")
            parts[-1] += "万"
            zero = False
    return "".join(parts)


@pytest.mark.parametrize(("text", "value"), [
    ("三百五十", 350), ("二十四", 24), ("十五", 15), ("一万二千", 12000), ("三百零五", 305), ("两", 2),
    ("一零零八六", 10086), ("五十", 50), ("十", 10), ("一百五", 150), ("一万二", 12000), ("三千五", 3500),
    ("一万零二", 10002), ("二十四", 24),
])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_int(text) == value


def test_a_range_is_not_a_number() -> None:
    assert chinese_to_int("三四百") is None and chinese_to_int("abc") is None


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_spoken_number_reads_back(n: int) -> None:
    assert chinese_to_int(spoken(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_and_full_width_digits(n: int) -> None:
    full = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert number_value(str(n)) == n == number_value(full)
    assert NUMBER.fullmatch(str(n)) and NUMBER.fullmatch(full)
