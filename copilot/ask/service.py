"""Answer an agent's question from the standards: find the passages, then answer from them or say there is
no rule. Without an LLM the answer is the best passage's highlighted sentence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from anyio import to_thread

from copilot.ask.answer import Answered, Answerer
from copilot.ask.models import NO_RULE, AskFallback, AskOrigin, ChatRequest, ChatResponse, ChatTurn
from copilot.ask.retrieval import Found, PassageFinder
from copilot.check.service import CheckService
from copilot.embedding.base import Embedder
from copilot.llm.loop import GuardedLoop, Token
from copilot.llm.prompts import PromptLibrary
from copilot.retrieve.retriever import HybridRetriever
from copilot.rulebook.models import Rulebook
from copilot.settings import Settings


@dataclass(frozen=True)
class Passages:
    """The passages found, sent first on the stream (safe to show: they are the standard's own text)."""

    found: Found


@dataclass(frozen=True)
class Done:
    response: ChatResponse


AskEvent = Passages | Token | Done


class AskService:
    def __init__(self, finder: PassageFinder, answerer: Answerer | None, min_support: float) -> None:
        self._finder = finder
        self._answerer = answerer
        self._min_support = min_support

    @classmethod
    def build(cls, settings: Settings, rulebook: Rulebook, retriever: HybridRetriever, embedder: Embedder,
              checker: CheckService, llm: GuardedLoop | None) -> AskService:
        finder = PassageFinder(rulebook, retriever, embedder, settings.ask.candidates)
        answerer = None
        if llm is not None:
            prompt = PromptLibrary(settings.paths.prompts_dir, ("ask",))["ask"]
            answerer = Answerer(llm, prompt, checker)
        return cls(finder, answerer, settings.ask.min_support)

    @property
    def instructions(self) -> tuple[str, ...]:
        return self._answerer.instructions if self._answerer else ()

    def find(self, request: ChatRequest, history: list[ChatTurn]) -> Found:
        previous = next((t.text for t in reversed(history) if t.role == "agent"), None)
        return self._finder.find(request.question, previous, request.top_k)

    async def answer(self, request: ChatRequest, history: list[ChatTurn]) -> ChatResponse:
        async for event in self.events(request, history):
            if isinstance(event, Done):
                return event.response
        raise AssertionError("events always end with Done")

    async def events(self, request: ChatRequest, history: list[ChatTurn],
                     stream: bool = False) -> AsyncIterator[AskEvent]:
        found = await to_thread.run_sync(self.find, request, history)  # model call and scoring: off the loop
        yield Passages(found)
        if not found.citations or found.support < self._min_support:
            # Nothing in the standards answers it; a model given these passages could only invent an answer.
            yield Done(_response(request, found, Answered(NO_RULE, answered=False), "passages"))
            return
        if self._answerer is None:
            yield Done(_extractive(request, found, "llm_not_configured"))
            return
        async for event in self._answerer.run(request.question, history, found.citations, stream=stream):
            if isinstance(event, Token):
                yield event
            elif event.fallback is not None:
                yield Done(_extractive(request, found, event.fallback))
            else:
                yield Done(_response(request, found, event, "llm"))


def _extractive(request: ChatRequest, found: Found, reason: AskFallback) -> ChatResponse:
    best = found.citations[0]
    response = _response(request, found, Answered(best.sentence, cited=(best.number,)), "passages")
    response.fallback_reason = reason
    return response


def _response(request: ChatRequest, found: Found, answered: Answered, origin: AskOrigin) -> ChatResponse:
    return ChatResponse(
        question=request.question, answered=answered.answered, answer=answered.text, origin=origin,
        cited=list(answered.cited), citations=found.citations, rules=found.rules if answered.answered else [],
        check=answered.check, session_id=request.session_id,
    )
