"""Compose's run of the guarded loop (copilot/llm/loop.py): draft → restore placeholders → guard → checker →
(blocked: one retry with the violations) → the model's text, or the standard's wording as fallback.

Events: tokens as they arrive (unchecked), a retry notice, and last always `Final` with the checked result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from anyio import to_thread

from copilot.check.models import CheckRequest, CheckResponse, Position, Violation
from copilot.check.service import CheckService, forbidden_findings
from copilot.compose.models import Composed, FallbackReason, RetryNotice
from copilot.llm.guard import screen, unsupported_commitments
from copilot.llm.loop import GuardedLoop, Token
from copilot.llm.loop import Retry as LoopRetry
from copilot.llm.prompts import Prompt
from copilot.privacy.redact import Redaction
from copilot.rulebook.models import Channel

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage


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
    """Compose's use of the guarded loop: its vetting (the checker, with a stricter bar for promises) and its
    fallback (the standard's wording)."""

    def __init__(self, loop: GuardedLoop, revise: Prompt, checker: CheckService) -> None:
        self._loop = loop
        self._revise = revise
        self._checker = checker

    async def run(self, job: Job, stream: bool = False) -> AsyncIterator[Event]:
        async def vet(raw: str) -> _Verdict:
            return await self._vet(raw, job)

        async for event in self._loop.run(job.messages, job.redaction, vet, self._revision, stream=stream):
            if isinstance(event, Token):
                yield event
            elif isinstance(event, LoopRetry):
                verdict = event.verdict
                yield Retry(RetryNotice(reason=verdict.reason or "blocked", violations=verdict.violations))
            elif event.accepted and event.verdict is not None and event.verdict.check is not None:
                yield Final(Composed(text=event.verdict.text, origin="llm", fallback_reason=None,
                                     attempts=event.attempts, check=event.verdict.check))
            else:
                reason = event.failure or (event.verdict.reason if event.verdict else None) or "error"
                yield Final(await fallback(self._checker, job, reason, event.attempts))

    async def _vet(self, raw: str, job: Job) -> _Verdict:
        text = job.redaction.restore(raw).strip().strip("“”\"")
        if screened := screen(text, raw, job.instructions, self._checker.settings.max_draft_chars):
            return _Verdict(text, reason=screened)
        check = await check_text(self._checker, text, job)
        # The model is held to a stricter bar than an agent: any finding of a forbidden category fails it.
        failing = forbidden_findings(check)
        if failing:
            problems = [f"“{job.redaction.redact(v.text)}”：{v.reason}"
                        + (f"，规范用语：“{v.alternative}”" if v.alternative else "") for v in failing]
            return _Verdict(text, check, "blocked", failing, problems)
        if terms := unsupported_commitments(text, job.grounding):
            problems = [f"“{term}”：规范话术中没有这项承诺，不要提出" for term in terms]
            return _Verdict(text, check, "unsupported_promise", problems=problems)
        return _Verdict(text, check)

    def _revision(self, raw: str, problems: Sequence[str]) -> list[BaseMessage]:
        from langchain_core.messages import AIMessage

        return [AIMessage(raw), *self._revise.render(violations="\n".join(f"- {p}" for p in problems))]


async def check_text(checker: CheckService, text: str, job: Job) -> CheckResponse:
    request = CheckRequest(draft=text or " ", channel=job.channel, position=job.position, author="model")
    return await to_thread.run_sync(checker.check, request)  # CPU-bound: keep the event loop free


async def fallback(checker: CheckService, job: Job, reason: FallbackReason, attempts: int = 0) -> Composed:
    """The standard's wording (the job's fallback), checked like anything else the agent is shown."""
    check = await check_text(checker, job.fallback, job)
    return Composed(text=job.fallback, origin="standard", fallback_reason=reason, attempts=attempts, check=check)

