"""Suggest-and-compose and rewrite as one service: the extractive answer first, then the model grounded in the
retrieved phrasings (suggest) or the checker's findings (rewrite), through the drafter."""

from __future__ import annotations

from collections.abc import AsyncIterator

from anyio import to_thread

from copilot.check.models import CheckRequest, CheckResponse, Position, RewriteResponse
from copilot.check.service import CheckService
from copilot.compose.engine import Drafter, Event, Final, Job, fallback
from copilot.compose.models import (
    Composed,
    ComposedSuggestResponse,
    ComposeSuggestRequest,
    FluentRewriteResponse,
    RewriteRequest,
)
from copilot.llm.facts import Claims
from copilot.llm.loop import GuardedLoop
from copilot.llm.prompts import PromptLibrary, as_data
from copilot.privacy.redact import Redaction
from copilot.rulebook.models import Channel, Rulebook, Scenario
from copilot.rulebook.names import CHANNEL_NAMES, ROLE_NAMES
from copilot.settings import LLMSettings, Settings
from copilot.suggest.models import SuggestResponse
from copilot.suggest.service import SuggestService
from copilot.suggest.transcript import Turn, parse_transcript

PROMPTS = ("compose", "revise", "rewrite")
TRANSCRIPT_TURNS = 6
DEFAULT_MAX_CHARS = 80
REWRITE_SLACK = 20  # a fluent rewrite may run a little longer than the draft it rewrites


class ComposeService:
    def __init__(self, rulebook: Rulebook, suggester: SuggestService, checker: CheckService, drafter: Drafter | None,
                 prompts: PromptLibrary | None, llm_settings: LLMSettings | None = None) -> None:
        self._rulebook = rulebook
        self._suggester = suggester
        self._checker = checker
        self._drafter = drafter
        self._prompts = prompts
        self._llm_settings = llm_settings or LLMSettings()

    @classmethod
    def build(cls, settings: Settings, rulebook: Rulebook, suggester: SuggestService, checker: CheckService,
              llm: GuardedLoop | None) -> ComposeService:
        if llm is None:  # no LLM: nothing of LangChain's is imported or loaded
            return cls(rulebook, suggester, checker, None, None)
        prompts = PromptLibrary(settings.paths.prompts_dir, PROMPTS)
        drafter = Drafter(llm, prompts["revise"], checker)
        return cls(rulebook, suggester, checker, drafter, prompts, settings.llm)

    @property
    def configured(self) -> bool:
        return self._drafter is not None

    @property
    def claims(self) -> Claims | None:
        """What the claims of the model's replies are checked by; None without an LLM."""
        return self._drafter.claims if self._drafter is not None else None

    def max_chars(self, channel: Channel | None) -> int:
        """The channel's longest reply; the shortest of them when the channel is not known."""
        limits = self._llm_settings.max_reply_chars
        if channel is not None and channel in limits:
            return limits[channel]
        return min(limits.values(), default=DEFAULT_MAX_CHARS)

    def instructions(self) -> tuple[str, ...]:
        """The fixed text of every prompt (what a reply must never repeat); empty without an LLM."""
        if self._prompts is None:
            return ()
        return tuple(text for prompt in self._prompts.prompts.values() for text in prompt.instructions)

    async def suggest(self, request: ComposeSuggestRequest) -> SuggestResponse:
        """The extractive answer: the scenario and the standard's phrasings (CPU-bound, so off the event loop)."""
        return await to_thread.run_sync(self._suggester.suggest, request)

    async def suggest_and_compose(self, request: ComposeSuggestRequest) -> ComposedSuggestResponse:
        """The extractive answer and, when `compose` is asked, the composed reply (None without a scenario)."""
        base = await self.suggest(request)
        response = ComposedSuggestResponse.model_validate(base.model_dump())
        if request.compose:
            job = self.suggest_job(request, base)
            response.composed = await self.compose(job) if job else None
        return response

    async def reply_events(self, request: ComposeSuggestRequest, base: SuggestResponse,
                           stream: bool = True) -> AsyncIterator[Event]:
        """The composed reply to `base` as events, ending with Final; nothing when there is nothing to ground
        a reply in."""
        job = self.suggest_job(request, base)
        if job is not None:
            async for event in self.events(job, stream=stream):
                yield event

    async def rewrite(self, request: RewriteRequest) -> FluentRewriteResponse:
        """The rule-based rewrite and, for a flagged draft with an LLM and `fluent`, the model's fluent one."""
        checked = await to_thread.run_sync(self._checker.check, request)
        rewritten = await to_thread.run_sync(self._checker.rewrite, request, checked, request.targets)
        response = FluentRewriteResponse.model_validate(rewritten.model_dump())
        if request.fluent and checked.flagged and self.configured:
            response.composed = await self.compose(self.rewrite_job(request, checked, rewritten))
        return response

    def suggest_job(self, request: ComposeSuggestRequest, response: SuggestResponse) -> Job | None:
        """None when there is nothing to ground a reply in (no scenario, no approved phrasing)."""
        approved = [s.text for s in response.suggestions if s.kind == "approved"]
        if response.scenario is None or not approved:
            return None
        scenario = self._rulebook.scenario(response.scenario.id)
        return self._job(scenario, approved, request.transcript, request.channel, request.position)

    def _job(self, scenario: Scenario, approved: list[str], transcript: str | list[Turn], channel: Channel | None,
             position: Position | None) -> Job:
        redaction = Redaction()
        turns = parse_transcript(transcript)
        job = Job(messages=[], instructions=(), redaction=redaction, fallback=approved[0],
                  grounding="\n".join([*approved, *(g.text for g in scenario.guidance)]),
                  context="\n".join(t.text for t in turns),
                  said="\n".join(t.text for t in turns if t.role == "agent"),
                  heard="\n".join(t.text for t in turns if t.role == "customer"),
                  channel=channel, position=position, max_chars=self.max_chars(channel))
        if self._prompts is None:
            return job
        prompt = self._prompts["compose"]
        job.messages = prompt.render(
            max_chars=str(job.max_chars),
            scenario=scenario.title,
            situation=scenario.situation,
            phrasings=_numbered(approved),
            guidance=_numbered([g.text for g in scenario.guidance]) or "（无）",
            channel=CHANNEL_NAMES[channel],
            transcript="\n".join(f"{ROLE_NAMES[t.role]}：{as_data(redaction.redact(t.text))}"
                                  for t in turns[-TRANSCRIPT_TURNS:]),
        )
        job.instructions = prompt.instructions
        return job

    async def probe(self) -> float | None:
        """Seconds one composition takes from the model (a customer example of the first scenario, unvetted,
        under a generous deadline), so the admin learns whether the configured deadline fits; None without an
        LLM or when the call failed."""
        if self._drafter is None:
            return None
        scenario = self._rulebook.scenarios[0]
        job = self._job(scenario, [p.text for p in scenario.approved], f"客户：{scenario.examples[0]}", None, None)
        return await self._drafter.time_call(job)

    def rewrite_job(self, request: CheckRequest, check: CheckResponse, rewritten: RewriteResponse) -> Job:
        redaction = Redaction()
        # the agent's own draft is theirs to stand by: its facts and commitments may stay
        job = Job(messages=[], instructions=(), redaction=redaction, fallback=rewritten.draft,
                  grounding=rewritten.draft, context=request.draft, said=request.draft,
                  channel=request.channel, position=request.position,
                  max_chars=max(self.max_chars(request.channel), len(rewritten.draft) + REWRITE_SLACK))
        if self._prompts is None:
            return job
        blocking = [v for v in check.violations if v.severity == "block"]
        prompt = self._prompts["rewrite"]
        job.messages = prompt.render(
            channel=CHANNEL_NAMES[job.channel],
            draft=as_data(redaction.redact(request.draft)),
            violations="\n".join(
                f"- “{redaction.redact(v.text)}”（{v.reason}）→ {_alternative(v.alternative)}" for v in blocking
            ),
            rule_based=as_data(redaction.redact(rewritten.draft)),
        )
        job.instructions = prompt.instructions
        return job

    async def compose(self, job: Job) -> Composed:
        async for event in self.events(job):
            if isinstance(event, Final):
                return event.composed
        raise AssertionError("the drafter always ends with a final event")

    async def events(self, job: Job, stream: bool = False) -> AsyncIterator[Event]:
        if self._drafter is None:
            yield Final(await fallback(self._checker, job, "llm_not_configured"))
            return
        async for event in self._drafter.run(job, stream=stream):
            yield event


def _alternative(text: str | None) -> str:
    return f"“{text}”" if text else "需改写"


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))
