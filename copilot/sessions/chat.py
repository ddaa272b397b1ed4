"""The chat history of "ask the standards", kept per session when the client does not send its own."""

from __future__ import annotations

from copilot.ask.models import ChatRequest, ChatResponse, ChatTurn
from copilot.sessions.store import Session, SessionStore

ANSWER_KEPT_CHARS = 2000


async def history_for(store: SessionStore, request: ChatRequest, owner: str) -> list[ChatTurn]:
    """The request's own history when it has one; else the session's (bounded by `sessions.chat_history`)."""
    if request.history or not request.session_id:
        return list(request.history)
    session, _ = await store.open(request.session_id, owner)
    return list(session.chat)


async def remember(store: SessionStore, request: ChatRequest, owner: str, response: ChatResponse) -> None:
    if not request.session_id:
        return

    async def change(session: Session) -> None:
        session.add_chat(request.question, response.answer[:ANSWER_KEPT_CHARS], store.settings.chat_history)

    await store.update(request.session_id, owner, change)
