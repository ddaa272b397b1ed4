"""Compose's run of the guarded loop (copilot/llm/loop.py): draft → restore placeholders → guard → checker →
(blocked: one retry with the violations) → the model's text, or the standard's wording as fallback.

Events: tokens as they arrive (unchecked), a retry notice, and last always `Final` with the checked result.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from anyio import to_thread

from copilot.check.models import CheckRequest, CheckResponse, Position, Violation
from copilot.check.service import CheckService, forbidden_findings
from copilot.compose.models import Composed, FallbackReason, RetryNotice
from copilot.llm.facts import Claims
from copilot.llm.guard import screen
from copilot.llm.loop import Done, GuardedLoop, Token
from copilot.llm.loop import Retry as LoopRetry
from copilot.llm.prompts import Prompt
from copilot.llm.replies import ReplyRules
from copilot.privacy.redact import Redaction
from copilot.rulebook.models import Channel

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage


PROBE_DEADLINE_S = 120.0  # a timing call waits long enough to measure a slow model, not just to see it time out


@dataclass
class Job:
    """One composition: the rendered messages, how to check the result and what to fall back to."""

    messages: list[BaseMessage]
    instructions: tuple[str, ...]
    redaction: Redaction
    fallback: str
    grounding: str = ""  # the standard's text the model was given (phrasings, guidance, the rule-based rewrite)
    context: str = ""  # the conversation or draft the model was given
    said: str = ""  # what the agent has already said or written (their commitments stand)
    heard: str = ""  # what the customer said (their own account, given back, needs no other backing)
    channel: Channel | None = None
    position: Position | None = None
    max_chars: int | None = None  # the channel's longest reply

    @property
    def support(self) -> str:
        """Everything a claim of the reply may rest on."""
        return f"{self.context}\n{self.grounding}"

    @property
    def commitments(self) -> str:
        """What a promise or remedy of the reply may rest on: the company's words, never the customer's."""
        return f"{self.said}\n{self.grounding}"


@dataclass(frozen=True)
class Retry:
    notice: RetryNotice


@dataclass(frozen=True)
class Final:
    composed: Composed
    drafts: tuple[Draft, ...] = ()  # every reply the model wrote, vetted, in order (for evaluation and reports)


@dataclass(frozen=True)
class Draft:
    """What the model wrote (placeholders restored, nothing stripped) and why it was not used, if it was not."""

    text: str
    reason: FallbackReason | None


Event = Token | Retry | Final


@dataclass
class _Verdict:
    text: str
    written: str  # the model's text before prefixes and quotes were stripped
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

    @property
    def rules(self) -> ReplyRules:
        """What every reply is held to (the loop's, shared with ask)."""
        return self._loop.rules

    @property
    def claims(self) -> Claims:
        """What every reply's claims are checked by (the loop's, shared with ask)."""
        return self._loop.claims

    async def run(self, job: Job, stream: bool = False) -> AsyncIterator[Event]:
        drafts: list[Draft] = []

        async def vet(raw: str) -> _Verdict:
            verdict = await self._vet(raw, job)
            drafts.append(Draft(verdict.written, verdict.reason))
            return verdict

        async for event in self._loop.run(job.messages, job.redaction, vet, self._revision, stream=stream):
            if isinstance(event, Token):
                yield event
            elif isinstance(event, LoopRetry):
                verdict = event.verdict
                yield Retry(RetryNotice(reason=verdict.reason or "blocked", violations=verdict.violations))
            elif event.accepted and event.verdict is not None and event.verdict.check is not None:
                yield Final(Composed(text=event.verdict.text, origin="llm", fallback_reason=None,
                                     attempts=event.attempts, check=event.verdict.check), tuple(drafts))
            else:
                reason = event.failure or (event.verdict.reason if event.verdict else None) or "error"
                yield Final(await fallback(self._checker, job, reason, event.attempts), tuple(drafts))

    async def _vet(self, raw: str, job: Job) -> _Verdict:
        written = job.redaction.restore(raw).strip()
        text = self.rules.clean(written)
        if screened := screen(text, raw, job.instructions, job.max_chars):
            problems = [f"回复有{len(text)}个字，超过了{job.max_chars}个字的上限，请精简到上限以内"] \
                if screened == "too_long" else []
            return _Verdict(text, written, reason=screened, problems=problems)
        if self.rules.hands_over_others_data(text):
            return _Verdict(text, written, reason="others_data", problems=[self.rules.words.others_data.problem])
        check = await check_text(self._checker, text, job)
        # The model is held to a stricter bar than an agent: any finding of a forbidden category fails it.
        failing = forbidden_findings(check)
        if failing:
            problems = [f"“{job.redaction.redact(v.text)}”：{v.reason}"
                        + (f"，规范用语：“{v.alternative}”" if v.alternative else "") for v in failing]
            return _Verdict(text, written, check, "blocked", failing, problems)
        claims = await to_thread.run_sync(self.claims.unsupported, text, job.support, job.commitments, job.heard)
        if claims:
            problems = [job.redaction.redact(claim.problem()) for claim in claims]
            return _Verdict(text, written, check, "unsupported_claim", problems=problems)
        return _Verdict(text, written, check)

    async def time_call(self, job: Job) -> float | None:
        """Seconds the model takes to write one reply to `job` (accepted unvetted), or None if the call failed."""
        started = time.perf_counter()

        async def accept(raw: str) -> _Verdict:
            return _Verdict(raw, raw)

        async for event in self._loop.run(job.messages, job.redaction, accept, deadline_s=PROBE_DEADLINE_S):
            if isinstance(event, Done):
                return time.perf_counter() - started if event.failure is None else None
        return None

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

