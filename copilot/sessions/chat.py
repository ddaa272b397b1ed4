"""The chat history of "ask the standards", kept per session when the client does not send its own."""

from __future__ import annotations

from copilot.ask.models import ChatRequest, ChatResponse, ChatTurn
from copilot.sessions.store import SessionStore


def history_for(store: SessionStore, request: ChatRequest, owner: str) -> list[ChatTurn]:
    """The request's own history when it has one; else the session's (bounded by `sessions.chat_history`)."""
    if request.history or not request.session_id:
        return list(request.history)
    session, _ = store.open(request.session_id, owner)
    return list(session.chat)


def remember(store: SessionStore, request: ChatRequest, owner: str, response: ChatResponse) -> None:
    if not request.session_id:
        return
    session, _ = store.open(request.session_id, owner)
    session.chat.append(ChatTurn(role="agent", text=request.question))
    session.chat.append(ChatTurn(role="copilot", text=response.answer[:2000]))
