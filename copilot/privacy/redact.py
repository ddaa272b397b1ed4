"""Find phone, ID-card, bank-card numbers and e-mail addresses, replace them with placeholders, restore them.

Numbers are matched on a copy of the text with full-width digits folded to ASCII (one code point each, so
offsets carry over). Candidates are validated before they count: ID numbers by their ISO 7064 check digit and a
real birth date, card numbers by Luhn, mobiles by their 1[3-9] prefix. Prices, dates, order amounts and the
like are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class PiiKind(StrEnum):
    MOBILE = "电话"
    LANDLINE = "座机"
    ID_NUMBER = "身份证号"
    CARD_NUMBER = "银行卡号"
    EMAIL = "邮箱"


_FULLWIDTH = str.maketrans("０１２３４５６７８９－＋（）＠．", "0123456789-+()@.")
_SEP = r"[ \-]?"
# Boundaries are ASCII classes, not \w: \w includes CJK, and numbers are usually written right after Chinese.
_NO_DIGIT_BEFORE = r"(?<![0-9A-Za-z])"
_NO_DIGIT_AFTER = r"(?![0-9A-Za-z])"

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                    r"(?![A-Za-z])")
_ID = re.compile(_NO_DIGIT_BEFORE + r"[1-9]\d{5}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[0-9Xx]" + _NO_DIGIT_AFTER)
_CARD = re.compile(_NO_DIGIT_BEFORE + r"\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?" + _NO_DIGIT_AFTER
                   + r"|" + _NO_DIGIT_BEFORE + r"\d{16,19}" + _NO_DIGIT_AFTER)
_MOBILE = re.compile(_NO_DIGIT_BEFORE + r"(?:\+?86[ \-]?)?1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4}"
                     + _NO_DIGIT_AFTER)
_LANDLINE = re.compile(_NO_DIGIT_BEFORE + r"(?:\(0\d{2,3}\)|0\d{2,3}[ \-])\d{7,8}" + _NO_DIGIT_AFTER
                       + r"|" + _NO_DIGIT_BEFORE + r"0(?:10|2\d|[3-9]\d{2})\d{7,8}" + _NO_DIGIT_AFTER)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """18-digit resident ID: ISO 7064 MOD 11-2 check character and a birth date that exists."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17].upper():
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _valid(kind: PiiKind, text: str) -> bool:
    if kind is PiiKind.ID_NUMBER:
        return id_number_valid(text)
    if kind is PiiKind.CARD_NUMBER:
        digits = _digits(text)
        return 16 <= len(digits) <= 19 and luhn_valid(digits)
    return True


# Order matters: an ID number is tried before it could be read as a card number, a card before a phone.
_PATTERNS: tuple[tuple[PiiKind, re.Pattern[str]], ...] = (
    (PiiKind.EMAIL, _EMAIL),
    (PiiKind.ID_NUMBER, _ID),
    (PiiKind.CARD_NUMBER, _CARD),
    (PiiKind.MOBILE, _MOBILE),
    (PiiKind.LANDLINE, _LANDLINE),
)


@dataclass(frozen=True)
class Finding:
    kind: PiiKind
    start: int
    end: int
    value: str


def find_pii(text: str) -> list[Finding]:
    """Non-overlapping findings, in text order."""
    folded = text.translate(_FULLWIDTH)
    taken: list[Finding] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if not _valid(kind, match.group()):
                continue
            if any(start < f.end and f.start < end for f in taken):
                continue
            taken.append(Finding(kind, start, end, text[start:end]))
    return sorted(taken, key=lambda f: f.start)


@dataclass
class Redaction:
    """Placeholders like [电话1] mapped back to what they replaced; one mapping per conversation."""

    placeholders: dict[str, str] = field(default_factory=dict)
    _by_value: dict[tuple[PiiKind, str], str] = field(default_factory=dict)
    _counts: dict[PiiKind, int] = field(default_factory=dict)

    def redact(self, text: str) -> str:
        out, last = [], 0
        for finding in find_pii(text):
            out.append(text[last:finding.start])
            out.append(self._placeholder(finding))
            last = finding.end
        out.append(text[last:])
        return "".join(out)

    def restore(self, text: str) -> str:
        if not self.placeholders:
            return text
        return _PLACEHOLDER.sub(lambda m: self.placeholders.get(m.group(), m.group()), text)

    def _placeholder(self, finding: Finding) -> str:
        key = (finding.kind, _digits(finding.value) or finding.value.lower())
        if key not in self._by_value:
            self._counts[finding.kind] = self._counts.get(finding.kind, 0) + 1
            placeholder = f"[{finding.kind.value}{self._counts[finding.kind]}]"
            self._by_value[key] = placeholder
            self.placeholders[placeholder] = finding.value
        return self._by_value[key]


_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(k.value for k in PiiKind) + r")\d+\]")
# Longest prefix of a placeholder a stream may have cut: "[", "[电", "[电话1" ...
_PARTIAL = re.compile(r"\[(?:" + "|".join(k.value for k in PiiKind) + r"|[^\]\s]{0,4})?\d*$")


def redact(text: str) -> str:
    """One-way redaction (for logs): placeholders are not kept."""
    return Redaction().redact(text)


def mask(text: str) -> str:
    """Each character of a phone, ID or card number (or e-mail) replaced by `*`: the length stays, so offsets
    into the text still point at the same words (QA evidence)."""
    chars = list(text)
    for finding in find_pii(text):
        chars[finding.start:finding.end] = "*" * (finding.end - finding.start)
    return "".join(chars)


class StreamRestorer:
    """Restores placeholders in streamed chunks, holding back a chunk's tail that may be half a placeholder."""

    def __init__(self, redaction: Redaction) -> None:
        self._redaction = redaction
        self._pending = ""

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        match = _PARTIAL.search(text)
        cut = match.start() if match else len(text)
        self._pending = text[cut:]
        return self._redaction.restore(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._redaction.restore(text)
