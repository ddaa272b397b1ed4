"""The LLM's answer to an agent's question: numbered passages in, an answer citing them out, vetted.

The answer is kept only if it cites at least one of the passages it was given by number (or says the standards
have no rule), does not repeat its instructions, and whatever it suggests saying to customers (its quoted text)
passes the checker. Otherwise the caller falls back to the passages themselves.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from anyio import to_thread

from copilot.ask.models import NO_RULE, AskCitation, AskFallback, ChatTurn
from copilot.check.models import CheckRequest, CheckResponse
from copilot.check.service import CheckService, forbidden_findings
from copilot.llm.guard import screen
from copilot.llm.loop import Done, GuardedLoop, Token
from copilot.llm.prompts import Prompt, as_data
from copilot.privacy.redact import Redaction
from copilot.rulebook.names import ROLE_NAMES
from copilot.text.normalize import match_key

CITED = re.compile(r"\[(\d{1,2})\]")
# What the answer tells the agent to say: text in Chinese or ASCII double quotes. The prompt puts what must not
# be said in corner brackets 「」; a quote right after "不能说" and the like is such an example too.
QUOTED = re.compile(r"“([^”]{2,})”|\"([^\"]{2,})\"")
NEGATED = ("不能说", "不可以说", "不要说", "不可说", "不应说", "别说", "不得", "禁止", "忌语", "禁语", "不能用")
NEGATION_WINDOW = 8
FORBIDDEN_QUOTE = re.compile(r"「[^」]*」")  # what must not be said, quoted: not a claim of the answer


@dataclass(frozen=True)
class Answered:
    """The vetted answer, or the reason it cannot be used (`fallback`)."""

    text: str
    answered: bool = True
    cited: tuple[int, ...] = ()
    check: CheckResponse | None = None
    fallback: AskFallback | None = None

    @property
    def reason(self) -> AskFallback | None:
        return self.fallback

    @property
    def problems(self) -> tuple[str, ...]:
        return ()  # an answer gets one try: the passages themselves are a good fallback


class Answerer:
    def __init__(self, loop: GuardedLoop, prompt: Prompt, checker: CheckService) -> None:
        self._loop = loop
        self._prompt = prompt
        self._checker = checker

    @property
    def instructions(self) -> tuple[str, ...]:
        return self._prompt.instructions

    async def run(self, question: str, history: list[ChatTurn], citations: list[AskCitation],
                  stream: bool = False) -> AsyncIterator[Token | Answered]:
        """Tokens (unchecked, when streaming), then exactly one Answered."""
        redaction = Redaction()
        messages = self._prompt.render(
            passages="\n".join(f"[{c.number}]《{c.document_title}》{c.section}：{c.quote}" for c in citations),
            history="\n".join(f"{ROLE_NAMES[t.role]}：{as_data(redaction.redact(t.text))}" for t in history)
            or "（无）",
            question=as_data(redaction.redact(question)),
            no_rule=NO_RULE,
        )

        passages = "\n".join(c.quote for c in citations)
        asked = "\n".join([question, *(t.text for t in history)])

        async def vet(raw: str) -> Answered:
            answered = await self._vet(redaction.restore(raw).strip(), raw, len(citations))
            if answered.fallback is None and answered.answered:
                # numbers, deadlines and remedies come from the passages; facts may come from the question too
                claimed = FORBIDDEN_QUOTE.sub("", answered.text)
                support = f"{passages}\n{asked}"
                if await to_thread.run_sync(self._loop.claims.unsupported, claimed, support, passages):
                    return Answered(answered.text, cited=answered.cited, check=answered.check,
                                    fallback="unsupported_claim")
            return answered

        async for event in self._loop.run(messages, redaction, vet, stream=stream):
            if isinstance(event, Token):
                yield event
            elif isinstance(event, Done):
                if event.failure is not None or event.verdict is None:
                    yield Answered("", fallback=event.failure or "error")
                else:
                    yield event.verdict

    async def _vet(self, text: str, raw: str, available: int) -> Answered:
        if screened := screen(text, raw, self._prompt.instructions):
            return Answered(text, fallback="prompt_leak" if screened == "prompt_leak" else "empty")
        if match_key(NO_RULE) in match_key(text):
            return Answered(NO_RULE, answered=False)
        cited = tuple(sorted({n for n in map(int, CITED.findall(text)) if 1 <= n <= available}))
        if not cited:
            return Answered(text, fallback="uncited")
        check = await self._check_quotes(text)
        if check is not None and forbidden_findings(check):
            return Answered(text, cited=cited, check=check, fallback="blocked")
        return Answered(text, cited=cited, check=check)

    async def _check_quotes(self, text: str) -> CheckResponse | None:
        quotes = [next(g for g in match.groups() if g) for match in QUOTED.finditer(text)
                  if not any(word in text[max(0, match.start() - NEGATION_WINDOW): match.start()] for word in NEGATED)]
        if not quotes:
            return None
        request = CheckRequest(draft="\n".join(quotes)[: self._checker.settings.max_draft_chars], author="model")
        return await to_thread.run_sync(self._checker.check, request)  # CPU-bound: keep the event loop free

