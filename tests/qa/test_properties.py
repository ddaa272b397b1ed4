"""Whatever the turns hold, evidence stays inside its turn, masks keep offsets, and scores stay in 0-100."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.privacy.redact import mask
from copilot.qa.models import Conversation
from copilot.qa.service import QAService

PIECES = ["您好", "你", "喂", "我是", "稍等", "帮您查", "感谢您的耐心等待", "投诉", "抱歉", "24小时内", "再见",
          "还有其他", "13812345678", "对吗", "，", "。", " ", "ｘ", "這裡", "有本事就投诉", "保证", "1234567", "\n"]
text = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
turn = st.tuples(st.sampled_from(["agent", "customer"]), text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=st.lists(turn, min_size=1, max_size=8), channel=st.sampled_from(["voice", "chat", "outbound"]),
       timed=st.booleans())
def test_evidence_is_inside_its_turn_and_the_score_in_range(qa_service: QAService, turns: list[tuple[str, str]],
                                                            channel: str, timed: bool) -> None:
    rows = [{"role": r, "text": t, **({"start": 30.0 * i} if timed else {})} for i, (r, t) in enumerate(turns)]
    conversation = Conversation.model_validate({"id": "p", "channel": channel, "turns": rows})
    result = qa_service.score(conversation)
    assert 0.0 <= result.score <= 100.0
    assert (result.score == 0.0) if result.fatal else True
    for item in result.items:
        assert item.status in ("pass", "fail", "n/a")
        if item.status == "fail":
            assert item.evidence or item.missing
        for evidence in item.evidence:
            source = conversation.turns[evidence.turn].text
            assert 0 <= evidence.start <= evidence.end <= len(source)
            assert evidence.text == mask(source)[evidence.start:evidence.end]


@given(st.text(max_size=60))
def test_masking_keeps_the_length(value: str) -> None:
    masked = mask(value)
    assert len(masked) == len(value)
    assert all(a == b or b == "*" for a, b in zip(value, masked, strict=True))
