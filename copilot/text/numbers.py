"""Chinese and Arabic numerals read as integers, so that 三百元, 300元 and ３００块 are one amount."""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
SHORTHAND_FROM = 100  # 一百五, 三千五, 一万二: the unit of a trailing digit is implied from 百 on
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# A number as written: Arabic digits (half or full width, with a decimal part) or a run of Chinese numerals.
NUMBER = re.compile(rf"[0-9０-９]+(?:[.．][0-9０-９]+)?|[{CHINESE_NUMERAL}]+")


def chinese_to_int(text: str) -> int | None:
    """三百五十 → 350, 二十四 → 24, 十五 → 15, 一万二千 → 12000, 三五 → 35 (digit by digit), and as people say
    them, 一百五 → 150, 一万二 → 12000 (a last digit right after 百, 千 or 万 counts in the next unit down);
    None if `text` is not a well-formed Chinese numeral."""
    if not text or any(ch not in CHINESE_NUMERAL for ch in text):
        return None
    if not any(ch in SMALL_UNITS or ch in LARGE_UNITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))  # read out digit by digit: 一零零八六
    total, section, digit, unit, placeholder = 0, 0, None, 1, False
    for ch in text:
        if ch in "零〇":
            digit, placeholder = None, True  # a placeholder inside a unit numeral: 三百零五
        elif ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None  # two digits in a row inside a unit numeral: 三四百 (a range, not a number)
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit, unit, placeholder = None, SMALL_UNITS[ch], False
        else:
            total = (total + section + (digit or 0)) * LARGE_UNITS[ch]
            section, digit, unit, placeholder = 0, None, LARGE_UNITS[ch], False
    if digit is not None and unit >= SHORTHAND_FROM and not placeholder:
        return total + section + digit * unit // 10
    return total + section + (digit or 0)


def leading_value(text: str) -> float | None:
    """The value of the longest start of a Chinese run that reads as a number: 一千八一分不能少 runs the 一 of
    一分 into 一千八, which alone reads as 1800."""
    for end in range(len(text), 0, -1):
        value = number_value(text[:end])
        if value is not None:
            return value
    return None


def number_value(text: str) -> float | None:
    """The value of one NUMBER match: Arabic (full width folded) or Chinese."""
    folded = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if folded[0].isdigit():
        return float(folded)
    value = chinese_to_int(text)
    return None if value is None else float(value)
