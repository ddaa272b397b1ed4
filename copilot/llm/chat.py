"""Chat-model backends through LangChain, chosen by `llm.mode`. Imports happen inside the factories."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from copilot.errors import ConfigurationInvalid
from copilot.registry import Registry
from copilot.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

ChatFactory = Callable[[LLMSettings], Any]
chat_models: Registry[ChatFactory] = Registry("llm")


@chat_models.register("none")
def _none(settings: LLMSettings) -> None:
    return None


@chat_models.register("openai")
def _openai(settings: LLMSettings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    if not settings.model:
        raise ConfigurationInvalid("llm mode openai needs a model name (COPILOT_LLM__MODEL)", {"field": "llm.model"})
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        # OpenAI-compatible servers (vLLM, Ollama, llama.cpp) speak chat completions, not the Responses API.
        use_responses_api=False,
        **token_limit(settings),
    )


def token_limit(settings: LLMSettings) -> dict[str, Any]:
    """ChatOpenAI's arguments for the token limit. LangChain renames its `max_tokens` to max_completion_tokens,
    which llama.cpp's server ignores, so the plain field goes in the request body itself."""
    field = settings.max_tokens_field
    limit: dict[str, Any] = {}
    if field in ("both", "max_completion_tokens"):
        limit["max_tokens"] = settings.max_tokens
    if field in ("both", "max_tokens"):
        limit["extra_body"] = {"max_tokens": settings.max_tokens}
    return limit


@chat_models.register("fake")
def _fake(settings: LLMSettings) -> BaseChatModel:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    return FakeListChatModel(responses=list(settings.fake_responses))


def create_chat_model(settings: LLMSettings) -> BaseChatModel | None:
    model: BaseChatModel | None = chat_models.get(settings.mode)(settings)
    return model
