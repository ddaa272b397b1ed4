"""The one loop every model-written text goes through: call the model under a deadline → vet the reply →
(rejected with problems the model can fix: one more try told what they were) → the accepted reply, or why not.

Features (compose, ask) bring their own vetting and decide what a rejection falls back to. The loop is an async
generator so streaming and plain callers share it: tokens are yielded as they arrive (unchecked), and the last
event is always `Done`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar

from copilot.llm.calls import deadline_after, failure_reason, read_reply
from copilot.llm.facts import Claims, open_claims
from copilot.llm.replies import ReplyRules, load_reply_rules
from copilot.privacy.redact import Redaction
from copilot.settings import LLMSettings, Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from copilot.embedding.base import Embedder

log = logging.getLogger("copilot.llm")


class Vetted(Protocol):
    """A feature's verdict on one reply: `reason` None means accepted."""

    @property
    def reason(self) -> str | None: ...

    @property
    def problems(self) -> Sequence[str]: ...  # told to the model when it gets a second try


V = TypeVar("V", bound=Vetted)
Vet = Callable[[str], Awaitable[V]]  # the raw reply (placeholders still in) -> the verdict
Revise = Callable[[str, Sequence[str]], list["BaseMessage"]]  # (raw reply, problems) -> messages to append


@dataclass(frozen=True)
class Token:
    """Model text as it arrives, unchecked."""

    text: str


@dataclass(frozen=True)
class Retry(Generic[V]):
    """The reply was rejected; a second one follows (discard the tokens so far)."""

    verdict: V


@dataclass(frozen=True)
class Done(Generic[V]):
    """The last event. `verdict` is the last reply's (None if none arrived); `failure` says the model call
    itself failed (timeout or error), which outranks any earlier verdict."""

    verdict: V | None
    failure: Literal["timeout", "error"] | None
    attempts: int

    @property
    def accepted(self) -> bool:
        return self.failure is None and self.verdict is not None and self.verdict.reason is None


class GuardedLoop:
    """One chat model under the configured deadline, shared by every feature that calls it, with the rules every
    model-written reply is held to (`rules`, loaded once for all of them, and `claims`, which adds the fact
    reader to their claims grammar)."""

    def __init__(self, chat: BaseChatModel, settings: LLMSettings, rules: ReplyRules,
                 claims: Claims | None = None) -> None:
        self._chat = chat
        self._settings = settings
        self.rules = rules
        self.claims = claims or Claims(rules)

    async def run(self, messages: list[BaseMessage], redaction: Redaction, vet: Vet[V], revise: Revise | None = None,
                  stream: bool = False, deadline_s: float | None = None) -> AsyncIterator[Token | Retry[V] | Done[V]]:
        """Tokens (when streaming), at most one Retry (only with `revise`), then exactly one Done. The deadline
        is the configured one unless `deadline_s` is given."""
        deadline = deadline_after(deadline_s or self._settings.deadline_s)
        messages = list(messages)
        tries = 2 if revise is not None else 1
        attempts, verdict = 0, None
        failure: Literal["timeout", "error"] | None = None
        try:
            for attempt in range(1, tries + 1):
                attempts = attempt
                raw = ""
                async for chunk, shown in read_reply(self._chat, messages, deadline, redaction, stream):
                    raw += chunk
                    if shown:
                        yield Token(shown)
                verdict = await vet(raw)
                if verdict.reason is None or not verdict.problems or revise is None or attempt == tries:
                    break
                yield Retry(verdict)
                messages += revise(raw, verdict.problems)
        except TimeoutError:
            failure = "timeout"
        except Exception as exc:  # any model/client failure ends in the feature's fallback, never in a 500
            failure = failure_reason(exc)
            log.warning("llm call failed: %s", type(exc).__name__)
        yield Done(verdict, failure, attempts)


def open_llm(settings: Settings, embedder: Embedder | None = None) -> GuardedLoop | None:
    """The configured chat model in its loop, built once at start-up; None without one (`llm.mode: none`), in
    which case nothing of LangChain's is imported and the reply rules are not read. With `embedder`, the fact
    reader trained on its vectors (llm.facts_dir) checks replies too, with the account reader (llm.accounts_dir)."""
    from copilot.llm.chat import create_chat_model

    chat = create_chat_model(settings.llm)
    if chat is None:
        return None
    rules = load_reply_rules(settings.paths.replies_path)
    return GuardedLoop(chat, settings.llm, rules, open_claims(rules, embedder, settings.llm))
