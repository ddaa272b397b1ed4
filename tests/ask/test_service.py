"""The ask flow with the fake embedder and LangChain's fake chat model (the real model is in integration)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from copilot.ask.models import NO_RULE, ChatRequest, ChatResponse, ChatTurn
from copilot.ask.service import AskService, Done, Passages
from copilot.llm.loop import Token, open_llm
from copilot.runtime import Copilot
from tests.conftest import make_settings

QUESTION = ChatRequest(question="投诉当场答复不了，要多久给客户回复？我的电话13812345678")


def _service(copilot: Copilot, tmp: Path, *replies: str, min_support: float = 0.0) -> AskService:
    llm = {"llm__mode": "fake", "llm__fake_responses": list(replies)} if replies else {}
    settings = make_settings(tmp, ask__min_support=min_support, **llm)
    return AskService.build(settings, copilot.knowledge.rulebook, copilot.retriever, copilot.embedder,
                            copilot.check, open_llm(settings))


def _ask(service: AskService, request: ChatRequest = QUESTION) -> ChatResponse:
    return asyncio.run(service.answer(request, []))


def test_without_an_llm_the_answer_is_the_best_passage_sentence(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path))
    best = response.citations[0]
    assert response.answered and response.origin == "passages"
    assert response.fallback_reason == "llm_not_configured" and response.cited == [1]
    assert response.answer == best.sentence == best.quote[best.highlight_start : best.highlight_end]
    assert len(response.citations) == 3 and [c.number for c in response.citations] == [1, 2, 3]


def test_below_the_support_threshold_the_answer_is_no_rule(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path, "不该被调用 [1]", min_support=99))
    assert not response.answered and response.answer == NO_RULE
    assert response.citations and not response.rules  # the nearest passages, for reference


def test_a_cited_llm_answer_is_kept(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path, "应尽快给出明确答复，可以说“很抱歉，我们会尽快答复您” [2]"))
    assert response.origin == "llm" and response.cited == [2] and response.fallback_reason is None
    assert response.check is not None and not response.check.flagged


def test_an_answer_with_a_number_no_passage_gives_falls_back(fake_copilot: Copilot, tmp_path: Path) -> None:
    # a deadline the cited passages do not state is the model's own invention
    response = _ask(_service(fake_copilot, tmp_path, "应在37个工作日内给出明确答复 [2]"))
    assert (response.origin, response.fallback_reason) == ("passages", "unsupported_claim")


def test_an_uncited_llm_answer_falls_back_to_the_passages(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path, "一般三天内回复就行。 [9]"))  # [9] was never given
    assert (response.origin, response.fallback_reason) == ("passages", "uncited")
    assert response.answer == response.citations[0].sentence


def test_the_model_saying_no_rule_is_not_answered(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path, f"{NO_RULE}。"))
    assert not response.answered and response.answer == NO_RULE and response.origin == "llm"


def test_forbidden_customer_phrasing_in_the_answer_falls_back(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path, "直接跟客户说“你爱到哪儿告到哪儿告去” [1]"))
    assert (response.origin, response.fallback_reason) == ("passages", "blocked")


def test_quoting_what_must_not_be_said_is_not_blocked(fake_copilot: Copilot, tmp_path: Path) -> None:
    response = _ask(_service(fake_copilot, tmp_path, "不能说“你爱到哪儿告到哪儿告去”，也不能说「这事不归我管」 [1]"))
    assert response.origin == "llm" and response.check is None


def test_the_stream_sends_passages_then_tokens_then_the_answer(fake_copilot: Copilot, tmp_path: Path) -> None:
    service = _service(fake_copilot, tmp_path, "应尽快答复您的电话13812345678 [1]")

    async def collect() -> list[object]:
        return [event async for event in service.events(QUESTION, [], stream=True)]

    events = asyncio.run(collect())
    assert isinstance(events[0], Passages) and isinstance(events[-1], Done)
    tokens = "".join(e.text for e in events if isinstance(e, Token))
    assert tokens.strip() == events[-1].response.answer  # the number is restored, not a placeholder


def test_a_follow_up_is_read_with_the_question_before_it(fake_copilot: Copilot, tmp_path: Path) -> None:
    service = _service(fake_copilot, tmp_path)
    alone = service.find(ChatRequest(question="那要多久？"), [])
    follow_up = service.find(ChatRequest(question="那要多久？"),
                             [ChatTurn(role="agent", text="投诉当场答复不了怎么办")])
    assert [c.quote for c in alone.citations] != [c.quote for c in follow_up.citations]
