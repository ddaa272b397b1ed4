"""Request and response models of /v1/chat."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.check.models import CheckResponse
from copilot.citations import AskCitation as AskCitation  # re-exported

NO_RULE = "规范中没有相关规定"
AskOrigin = Literal["passages", "llm"]
AskFallback = Literal[
    "llm_not_configured", "uncited", "blocked", "unsupported_claim", "prompt_leak", "timeout", "error", "empty",
]


class ChatTurn(BaseModel):
    role: Literal["agent", "copilot"] = Field(description="agent: a question asked; copilot: the answer given.")
    text: str = Field(min_length=1, max_length=2000)


class ChatRequest(BaseModel):
    question: str = Field(min_length=1, max_length=500, description="The agent's question, in their own words.")
    history: list[ChatTurn] = Field(
        default_factory=list, max_length=20,
        description="Earlier questions and answers, oldest first. Leave empty to use the session's history.",
    )
    session_id: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$",
        description="Keep the chat history server-side under this id (bounded; expires with the session).",
    )
    top_k: int = Field(default=3, ge=1, le=8, description="How many passages to cite.")


class RuleEntry(BaseModel):
    """A rulebook scenario related to the question, with what to say and what never to say."""

    scenario_id: str
    title: str
    situation: str
    approved: list[str]
    forbidden: list[str]
    document: str
    section: str


class ChatResponse(BaseModel):
    question: str
    answered: bool = Field(description=f"false: the standards do not cover it; `answer` is “{NO_RULE}”.")
    answer: str = Field(
        description="With an LLM: its short answer citing passages as [1], [2]… Without one (or when the model "
        "failed): the highlighted sentence of the best passage. Not answered: the no-rule sentence.",
    )
    origin: AskOrigin
    fallback_reason: AskFallback | None = None
    cited: list[int] = Field(default_factory=list, description="Citation numbers the answer relies on.")
    citations: list[AskCitation] = Field(description="Best passages first; when not answered, the nearest ones.")
    rules: list[RuleEntry] = Field(default_factory=list)
    check: CheckResponse | None = Field(
        default=None, description="The checker's verdict on the phrasing the answer suggests saying to customers "
        "(its quoted text), when it has any.",
    )
    session_id: str | None = None
