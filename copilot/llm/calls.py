"""Calls to a chat model under one deadline: the whole reply, or its chunks as they arrive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Literal

from copilot.privacy.redact import Redaction, StreamRestorer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage


async def invoke_text(chat: BaseChatModel, messages: list[BaseMessage], deadline: float) -> str:
    reply = await asyncio.wait_for(chat.ainvoke(messages), remaining(deadline))
    return reply.text


async def stream_text(chat: BaseChatModel, messages: list[BaseMessage], deadline: float) -> AsyncIterator[str]:
    chunks = aiter(chat.astream(messages))
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(anext(chunks), remaining(deadline))
            except StopAsyncIteration:
                return
            yield chunk.text
    finally:
        await chunks.aclose()  # type: ignore[attr-defined]


async def read_reply(chat: BaseChatModel, messages: list[BaseMessage], deadline: float, redaction: Redaction,
                     stream: bool) -> AsyncIterator[tuple[str, str]]:
    """(raw chunk, text to show) pairs as the reply arrives. The raw text still holds the redaction's
    placeholders; the text to show has them restored, held back while a placeholder may be cut across chunks.
    Without streaming: one pair, the whole reply with nothing to show."""
    if not stream:
        yield await invoke_text(chat, messages, deadline), ""
        return
    restorer = StreamRestorer(redaction)
    async for chunk in stream_text(chat, messages, deadline):
        yield chunk, restorer.feed(chunk)
    yield "", restorer.flush()


def deadline_after(seconds: float) -> float:
    return asyncio.get_running_loop().time() + seconds


def remaining(deadline: float) -> float:
    """Seconds left before the deadline; TimeoutError once it has passed."""
    left = deadline - asyncio.get_running_loop().time()
    if left <= 0:
        raise TimeoutError
    return left


def failure_reason(exc: Exception) -> Literal["timeout", "error"]:
    """timeout or error: openai, httpx and LangChain each have their own timeout class (matched by name, so
    none of them needs importing here)."""
    return "timeout" if any("Timeout" in c.__name__ for c in type(exc).__mro__) else "error"
