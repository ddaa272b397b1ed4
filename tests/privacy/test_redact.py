from __future__ import annotations

import io
import logging
import random

from hypothesis import given
from hypothesis import strategies as st

from copilot.observability.logs import configure_logging
from copilot.privacy.redact import Redaction, StreamRestorer, find_pii, id_number_valid, luhn_valid, redact

PREFIXES = ["我的号码是", "手机", "请打", "卡号", "身份证", "联系我：", "", "号码 "]
SUFFIXES = ["，谢谢", "。", "", " 好的", "吧"]


def _id_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def _luhn_complete(body: str) -> str:
    for last in "0123456789":
        if luhn_valid(body + last):
            return body + last
    raise AssertionError


mobiles = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"),
                    st.text("0123456789", min_size=9, max_size=9))
ids = st.builds(
    lambda region, born, seq: (lambda s17: s17 + _id_check(s17))(f"{region}{born:%Y%m%d}{seq}"),
    st.integers(110000, 659999).map(str),
    st.dates(min_value=__import__("datetime").date(1930, 1, 1), max_value=__import__("datetime").date(2010, 12, 31)),
    st.text("0123456789", min_size=3, max_size=3),
)
cards = st.tuples(st.sampled_from(["62", "4", "5", "35"]), st.integers(16, 19)).flatmap(
    lambda spec: st.text("0123456789", min_size=spec[1] - len(spec[0]) - 1, max_size=spec[1] - len(spec[0]) - 1)
    .map(lambda body: _luhn_complete(spec[0] + body)))
emails = st.builds(lambda user, host: f"{user}@{host}.com", st.from_regex(r"[a-z][a-z0-9._]{1,10}", fullmatch=True),
                   st.from_regex(r"[a-z]{2,8}", fullmatch=True))


@given(st.one_of(mobiles, ids, cards, emails), st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_valid_secrets_are_redacted_and_restored(secret: str, prefix: str, suffix: str) -> None:
    text = f"{prefix}{secret}{suffix}"
    redaction = Redaction()
    redacted = redaction.redact(text)
    assert secret not in redacted
    assert redacted.startswith(prefix) and redacted.endswith(suffix)
    assert redaction.restore(redacted) == text


@given(cards, st.sampled_from([" ", "-"]))
def test_grouped_card_numbers_are_redacted(card: str, sep: str) -> None:
    grouped = sep.join(card[i:i + 4] for i in range(0, len(card), 4))
    assert card[:8] not in redact(f"卡号{grouped}").replace(sep, "")


@given(mobiles)
def test_full_width_and_spaced_mobiles(mobile: str) -> None:
    full_width = mobile.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert redact(f"电话{full_width}") == "电话[电话1]"
    assert redact(f"电话 {mobile[:3]} {mobile[3:7]} {mobile[7:]}") == "电话 [电话1]"
    assert redact(f"+86 {mobile}") == "[电话1]"


DATE_PARTS = (st.integers(1990, 2030), st.integers(1, 12), st.integers(1, 28))


@given(
    st.one_of(
        st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", *DATE_PARTS),
        st.builds(lambda y, m, d: f"{y}年{m}月{d}日", *DATE_PARTS),
        st.builds(lambda y, m, d: f"{y}{m:02d}{d:02d}", *DATE_PARTS),
        st.builds(lambda yuan, fen: f"¥{yuan}.{fen:02d}", st.integers(0, 99999), st.integers(0, 99)),
        st.builds(lambda yuan: f"{yuan}元", st.integers(0, 10**7)),
        st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
        st.integers(0, 10**8).map(str),  # quantities, ids of up to 9 digits, order counts
    ),
    st.sampled_from(PREFIXES),
)
def test_ordinary_numbers_are_left_alone(number: str, prefix: str) -> None:
    text = f"{prefix}{number}，费用已到账"
    assert redact(text) == text


def test_the_same_value_gets_the_same_placeholder() -> None:
    redaction = Redaction()
    text = redaction.redact("打13812345678或者13912345678，再说一遍13812345678")
    assert text == "打[电话1]或者[电话2]，再说一遍[电话1]"


def test_landlines_and_service_numbers() -> None:
    assert redact("座机010-62345678") == "座机[座机1]"
    assert redact("座机(0755)2345678") == "座机[座机1]"
    assert redact("客服热线400-820-8820") == "客服热线400-820-8820"  # a company's number is no secret


def test_checksums() -> None:
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310021")  # wrong check character
    assert not id_number_valid("110105194913310028")  # month 13
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert [f.kind.value for f in find_pii("身份证11010519491231002X")] == ["身份证号"]


@given(st.lists(st.integers(1, 8), min_size=1, max_size=30), st.randoms())
def test_stream_restorer_matches_whole_restore(cuts: list[int], rnd: random.Random) -> None:
    redaction = Redaction()
    redacted = redaction.redact("您好，号码13812345678和邮箱a.b@example.com，卡号6222020200112233445已登记")
    reply = f"已为您核实{redacted}，[电话9]不存在，[括号]照常"
    chunks, i = [], 0
    for cut in cuts:
        chunks.append(reply[i:i + cut])
        i += cut
    chunks.append(reply[i:])
    restorer = StreamRestorer(redaction)
    streamed = "".join(restorer.feed(c) for c in chunks) + restorer.flush()
    assert streamed == redaction.restore(reply)


def test_logs_never_contain_secrets() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", json_lines=True, stream=stream)
    try:
        logging.getLogger("copilot.test").info("customer said %s", "我的手机13812345678，身份证11010519491231002X",
                                               extra={"transcript": "卡号4111111111111111"})
        try:
            raise ValueError("bad card 4111 1111 1111 1111")
        except ValueError:
            logging.getLogger("copilot.test").exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    for secret in ("13812345678", "11010519491231002X", "4111111111111111", "4111 1111 1111 1111"):
        assert secret not in out
    assert "[电话1]" in out and "[银行卡号1]" in out and '"logger": "copilot.test"' in out
