"""Ask the standards: a question in the agent's words → an answer grounded in cited passages, or "no rule"."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse

from copilot.api.auth import require
from copilot.api.deps import CopilotDep, PrincipalDep, SessionsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.api.sse import sse
from copilot.ask.models import ChatRequest, ChatResponse, ChatTurn
from copilot.ask.service import AskService, Done, Passages
from copilot.llm.loop import Token
from copilot.sessions.chat import history_for, remember
from copilot.sessions.store import SessionStore

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[require("agent")])

STREAM_RESPONSES = {**ERROR_RESPONSES, 200: {
    "content": {"text/event-stream": {}},
    "description": "Events: `passages` (the cited passages and rulebook entries, at once), `token` (the model's "
                   "unchecked text, only with an LLM), and last `final` (the whole ChatResponse).",
}}


@router.post("/chat", response_model=ChatResponse, responses=ERROR_RESPONSES)
async def chat(request: ChatRequest, copilot: CopilotDep, sessions: SessionsDep,
               principal: PrincipalDep) -> ChatResponse:
    """Ask the standards a question in your own words.

    Returns the passages that answer it, best first, each with the answering sentence highlighted
    (`highlight_start`/`highlight_end` in `quote`), and related rulebook scenarios. Without an LLM, `answer` is
    the best passage's sentence; with one, a short answer citing passages as [1], [2]… (`cited`), whose
    suggested customer phrasing has been through the checker. When the standards do not cover the question,
    `answered` is false and `answer` is “规范中没有相关规定”, with the nearest passages for reference.
    """
    history = await history_for(sessions, request, principal.name)
    response = await copilot.ask.answer(request, history)
    await remember(sessions, request, principal.name, response)
    return response


@router.post("/chat/stream", responses=STREAM_RESPONSES)
async def chat_stream(request: ChatRequest, copilot: CopilotDep, sessions: SessionsDep,
                      principal: PrincipalDep) -> EventSourceResponse:
    """/v1/chat as Server-Sent Events: `passages` first, then the model's `token`s (unchecked), then `final`."""
    history = await history_for(sessions, request, principal.name)
    return EventSourceResponse(_events(copilot.ask, request, history, sessions, principal.name))


async def _events(ask: AskService, request: ChatRequest, history: list[ChatTurn], sessions: SessionStore,
                  owner: str) -> AsyncIterator[bytes]:
    async for event in ask.events(request, history, stream=True):
        if isinstance(event, Passages):
            yield sse("passages", {"citations": [c.model_dump(mode="json") for c in event.found.citations],
                                   "rules": [r.model_dump(mode="json") for r in event.found.rules]})
        elif isinstance(event, Token):
            yield sse("token", {"text": event.text})
        elif isinstance(event, Done):
            await remember(sessions, request, owner, event.response)
            yield sse("final", event.response)
