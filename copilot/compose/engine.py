"""The loop every model-written text goes through: draft → restore placeholders → guard → checker →
(blocked: one retry with the violations) → the model's text, or the standard's wording as fallback.

The loop is an async generator of events so the streaming endpoint and the plain one share it: tokens are
yielded as they arrive (unchecked), and the last event always carries the checked result.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from anyio import to_thread

from copilot.check.models import CheckRequest, CheckResponse, Position, Violation
from copilot.check.service import CheckService
from copilot.compose.calls import deadline_after, failure_reason, read_reply
from copilot.compose.guard import repeats_instructions, unsupported_commitments
from copilot.compose.models import Composed, FallbackReason, RetryNotice
from copilot.compose.prompts import Prompt
from copilot.privacy.redact import Redaction
from copilot.rulebook.models import Channel
from copilot.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

log = logging.getLogger("copilot.compose")


@dataclass
class Job:
    """One composition: the rendered messages, how to check the result and what to fall back to."""

    messages: list[BaseMessage]
    instructions: tuple[str, ...]
    redaction: Redaction
    fallback: str
    grounding: str = ""  # what the model was given to work from; a commitment must come from here
    channel: Channel | None = None
    position: Position | None = None


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Retry:
    notice: RetryNotice


@dataclass(frozen=True)
class Final:
    composed: Composed


Event = Token | Retry | Final


@dataclass
class _Verdict:
    text: str
    check: CheckResponse | None = None
    reason: FallbackReason | None = None
    violations: list[Violation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # told to the model when it gets a second try


class Drafter:
    def __init__(self, chat: BaseChatModel, revise: Prompt, checker: CheckService, settings: LLMSettings) -> None:
        self._chat = chat
        self._revise = revise
        self._checker = checker
        self._settings = settings

    async def run(self, job: Job, stream: bool = False) -> AsyncIterator[Event]:
        deadline = deadline_after(self._settings.deadline_s)
        messages = list(job.messages)
        attempts, reason = 0, None
        try:
            for attempt in (1, 2):
                attempts = attempt
                raw = ""
                async for chunk, shown in read_reply(self._chat, messages, deadline, job.redaction, stream):
                    raw += chunk
                    if shown:
                        yield Token(shown)
                verdict = await self._vet(raw, job)
                if verdict.reason is None and verdict.check is not None:
                    yield Final(Composed(text=verdict.text, origin="llm", fallback_reason=None, attempts=attempt,
                                           check=verdict.check))
                    return
                reason = verdict.reason
                if not verdict.problems or attempt == 2:
                    break
                yield Retry(RetryNotice(reason=verdict.reason or "blocked", violations=verdict.violations))
                messages += self._revision(raw, verdict.problems)
        except TimeoutError:
            reason = "timeout"
        except Exception as exc:  # any model/client failure ends in the fallback, never in a 500
            reason = failure_reason(exc)
            log.warning("llm call failed: %s", type(exc).__name__)
        yield Final(await fallback(self._checker, job, reason or "error", attempts))

    async def _vet(self, raw: str, job: Job) -> _Verdict:
        text = job.redaction.restore(raw).strip().strip("“”\"")
        if not text:
            return _Verdict(text, reason="empty")
        if len(text) > self._checker.settings.max_draft_chars:
            return _Verdict(text, reason="too_long")
        if repeats_instructions(raw, job.instructions):
            return _Verdict(text, reason="prompt_leak")
        check = await check_text(self._checker, text, job)
        # The model is held to a stricter bar than an agent: its promises fail even where an agent's only warn.
        failing = [v for v in check.violations if v.severity == "block" or v.category == "unauthorised_promise"]
        if failing:
            problems = [f"“{job.redaction.redact(v.text)}”：{v.reason}"
                        + (f"，规范用语：“{v.alternative}”" if v.alternative else "") for v in failing]
            return _Verdict(text, check, "blocked", failing, problems)
        if terms := unsupported_commitments(text, job.grounding):
            problems = [f"“{term}”：规范话术中没有这项承诺，不要提出" for term in terms]
            return _Verdict(text, check, "unsupported_promise", problems=problems)
        return _Verdict(text, check)

    def _revision(self, raw: str, problems: list[str]) -> list[BaseMessage]:
        from langchain_core.messages import AIMessage

        return [AIMessage(raw), *self._revise.render(violations="\n".join(f"- {p}" for p in problems))]


async def check_text(checker: CheckService, text: str, job: Job) -> CheckResponse:
    request = CheckRequest(draft=text or " ", channel=job.channel, position=job.position)
    return await to_thread.run_sync(checker.check, request)  # CPU-bound: keep the event loop free


async def fallback(checker: CheckService, job: Job, reason: FallbackReason, attempts: int = 0) -> Composed:
    """The standard's wording (the job's fallback), checked like anything else the agent is shown."""
    check = await check_text(checker, job.fallback, job)
    return Composed(text=job.fallback, origin="standard", fallback_reason=reason, attempts=attempts, check=check)

