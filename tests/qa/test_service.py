"""Scoring one conversation: required wording, forbidden language, waits, evidence offsets and the total."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.errors import NotFound
from copilot.qa.models import Conversation, ConversationScore
from copilot.qa.service import QAService

GOOD_CALL = [
    ("agent", "您好，这里是燃气客服中心，8号话务员为您服务。"),
    ("customer", "我想查一下我家燃气费交了没有"),
    ("agent", "您是想确认燃气费是否已经缴纳，对吗？请报一下您的户号。"),
    ("customer", "户号是20418876"),
    ("agent", "户号20418876，我帮您查一下，请您稍等。"),
    ("agent", "感谢您的耐心等待，您本月的燃气费已经缴纳。"),
    ("agent", "请问还有其他需要帮助的吗？"),
    ("customer", "没有了"),
    ("agent", "感谢您的来电，再见。"),
]


def _conversation(turns: list[tuple[str, str]], channel: str = "voice", times: list[float] | None = None,
                  **extra: Any) -> Conversation:
    rows = [{"role": r, "text": t, **({"start": times[i]} if times else {})} for i, (r, t) in enumerate(turns)]
    return Conversation.model_validate({"id": "c1", "channel": channel, "turns": rows, **extra})


def _status(result: ConversationScore) -> dict[str, str]:
    return {item.id: item.status for item in result.items}


def test_a_call_done_by_the_book_passes_every_item_that_applies(qa_service: QAService) -> None:
    result = qa_service.score(_conversation(GOOD_CALL))
    assert result.scorecard == "voice-inbound" and result.score == 100.0 and not result.fatal
    status = _status(result)
    assert status["hold-length"] == "n/a"  # no timestamps
    assert status["complaint-promise"] == "n/a"  # no complaint
    assert {s for k, s in status.items() if k not in ("hold-length", "complaint-promise")} == {"pass"}


def test_evidence_offsets_point_at_the_words_in_the_turn(qa_service: QAService) -> None:
    turns = [("agent", "喂，你好，说吧"), ("customer", "我想问下营业时间"), ("agent", "你自己上网查。")]
    conversation = _conversation(turns)
    result = qa_service.score(conversation)
    for item in result.items:
        for evidence in item.evidence:
            text = conversation.turns[evidence.turn].text
            assert text[evidence.start:evidence.end] == evidence.text
    address = result.item("polite-address")
    assert address.status == "fail" and [e.text for e in address.evidence] == ["喂", "你", "你"]
    greeting = result.item("greeting")
    assert greeting.status == "fail" and greeting.missing == ["自报身份"]
    assert [e.note for e in greeting.evidence] == ["问候语"]  # what was there is still shown


def test_missing_items_say_what_is_missing_and_coach_with_the_standard(qa_service: QAService) -> None:
    result = qa_service.score(_conversation([("agent", "说吧什么事"), ("customer", "没事了")]))
    closing = result.item("closing")
    assert closing.status == "fail" and closing.evidence == [] and closing.missing == ["结束语"]
    assert closing.coaching and "再见" in closing.coaching
    assert closing.citation.document == "call-centre-manual" and "再见" in closing.citation.quote
    assert result.item("greeting").coaching is not None
    assert result.item("provoking-vulgar").coaching is None  # passed items carry no coaching


def test_a_fatal_item_scores_the_conversation_zero(qa_service: QAService) -> None:
    turns = [("agent", "您好，我是客服小王。"), ("customer", "你们服务太差了，我要投诉"),
             ("agent", "有本事你就去投诉啊"), ("agent", "再见")]
    result = qa_service.score(_conversation(turns))
    provoking = result.item("provoking-vulgar")
    assert provoking.status == "fail" and provoking.fatal and result.fatal and result.score == 0.0
    assert provoking.evidence[0].turn == 2
    assert result.item("complaint-promise").status == "fail"  # provoking leaves the complaint unsolved


def test_a_number_the_customer_gives_must_be_read_back(qa_service: QAService) -> None:
    turns = [("agent", "您好，工号1035为您服务。"), ("customer", "我的手机号是13812345678"),
             ("agent", "您是要查这个号码的话费对吗？"), ("agent", "好的，话费余额是二十元。")]
    read_back = [*turns[:2], ("agent", "好的，尾号5678，我帮您查话费。"), *turns[3:]]
    assert qa_service.score(_conversation(turns)).item("confirm-number").status == "pass"  # 对吗
    echoed = qa_service.score(_conversation(read_back)).item("confirm-number")
    assert echoed.status == "pass" and echoed.evidence[0].text == "5678"
    silent = [*turns[:2], ("agent", "好的，话费余额是二十元。")]
    assert qa_service.score(_conversation(silent)).item("confirm-number").status == "fail"


def test_customer_numbers_are_masked_in_evidence(qa_service: QAService) -> None:
    turns = [("agent", "您好，工号1035为您服务。"), ("customer", "号码13812345678"),
             ("agent", "您的号码是13812345678，对吗？")]
    result = qa_service.score(_conversation(turns))
    texts = [e.text for item in result.items for e in item.evidence]
    assert not any("13812345678" in t for t in texts)
    number = result.item("confirm-number").evidence[0]
    assert number.text == "对吗"


def test_holding_longer_than_a_minute_fails_with_the_wait_in_seconds(qa_service: QAService) -> None:
    times = [0, 4, 8, 14, 16, 100, 104, 108, 110]
    result = qa_service.score(_conversation(GOOD_CALL, times=times))
    hold = result.item("hold-length")
    assert hold.status == "fail" and hold.evidence[0].turn == 4 and "84 秒" in (hold.evidence[0].note or "")
    quick = qa_service.score(_conversation(GOOD_CALL, times=[0, 4, 8, 14, 16, 40, 44, 48, 50]))
    assert quick.item("hold-length").status == "pass"


def test_chat_replies_slower_than_a_minute_fail(qa_service: QAService) -> None:
    turns = [("agent", "您好，欢迎光临，我是客服小美。"), ("customer", "在吗"), ("agent", "在的，请问有什么可以帮您？")]
    slow = qa_service.score(_conversation(turns, channel="chat", times=[0, 10, 95])).item("reply-wait")
    assert slow.status == "fail" and slow.evidence[0].text == "在吗"
    assert qa_service.score(_conversation(turns, channel="chat", times=[0, 10, 20])).item("reply-wait").status == "pass"


def test_an_unsolved_complaint_needs_an_apology_and_a_time(qa_service: QAService) -> None:
    turns = [("agent", "您好，工号2001为您服务。"), ("customer", "你们乱扣我话费，我要投诉"),
             ("agent", "我把情况反映给后台核实。")]
    missing = qa_service.score(_conversation(turns)).item("complaint-promise")
    assert missing.status == "fail" and missing.missing == ["致歉", "答复时限"]
    promised = [*turns[:2], ("agent", "很抱歉，我把情况反映给后台核实，24小时内给您答复。")]
    assert qa_service.score(_conversation(promised)).item("complaint-promise").status == "pass"


def test_traditional_script_is_matched(qa_service: QAService) -> None:
    turns = [("agent", "您好，這裡是客服中心，我是小林。"), ("customer", "我想查詢帳單明細"),
             ("agent", "您是想查詢本月帳單明細，對嗎？"), ("agent", "請問還有其他需要幫助的嗎？感謝您的來電，再見。")]
    status = _status(qa_service.score(_conversation(turns)))
    assert status["greeting"] == status["confirm-need"] == status["anything-else"] == status["closing"] == "pass"


def test_each_channel_gets_its_own_scorecard_and_unknown_ones_are_not_found(qa_service: QAService) -> None:
    assert qa_service.score(_conversation(GOOD_CALL, channel="outbound")).scorecard == "outbound"
    assert qa_service.score(_conversation(GOOD_CALL, channel="chat")).scorecard == "chat"
    with pytest.raises(NotFound, match="no scorecard 'nope'"):
        qa_service.score(_conversation(GOOD_CALL, scorecard="nope"))
    lone = QAService({}, qa_service.checker)
    with pytest.raises(NotFound, match="no scorecard for channel 'voice'"):
        lone.score(_conversation(GOOD_CALL))
