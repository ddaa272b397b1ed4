"""Asking the standards: does the answer (or a passage it cites) hold the expected fragment, and are questions
outside the standards answered with "no rule" instead of a guess?"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field

from copilot.ask.models import ChatRequest, ChatResponse
from copilot.evaluation.suite import AskCase
from copilot.runtime import Copilot
from copilot.text.normalize import match_key


@dataclass
class AskResult:
    case: AskCase
    response: ChatResponse
    latency_ms: float

    @property
    def correct(self) -> bool:
        """In scope: answered with a fragment in the answer or a cited passage. Out of scope: refused."""
        if self.case.expect_refusal:
            return not self.response.answered
        if not self.response.answered:
            return False
        texts = match_key(" ".join([self.response.answer, *(c.quote for c in self.response.citations)]))
        return any(match_key(fragment) in texts for fragment in self.case.expect_any)


@dataclass
class AskReport:
    results: list[AskResult] = field(default_factory=list)

    def _rate(self, rows: list[AskResult]) -> float:
        return sum(r.correct for r in rows) / len(rows) if rows else 0.0

    @property
    def in_scope(self) -> list[AskResult]:
        return [r for r in self.results if not r.case.expect_refusal]

    @property
    def out_of_scope(self) -> list[AskResult]:
        return [r for r in self.results if r.case.expect_refusal]

    @property
    def hit_rate(self) -> float:
        return self._rate(self.in_scope)

    @property
    def refusal_rate(self) -> float:
        """Questions outside the standards that got the no-rule answer."""
        return self._rate(self.out_of_scope)

    @property
    def false_refusal_rate(self) -> float:
        rows = self.in_scope
        return sum(not r.response.answered for r in rows) / len(rows) if rows else 0.0

    def by_document(self) -> dict[str, float]:
        groups: dict[str, list[AskResult]] = defaultdict(list)
        for result in self.in_scope:
            groups[result.case.document or "-"].append(result)
        return {name: round(self._rate(rows), 4) for name, rows in sorted(groups.items())}


def run_ask(copilot: Copilot, cases: list[AskCase]) -> AskReport:
    return asyncio.run(_run(copilot, cases))


async def _run(copilot: Copilot, cases: list[AskCase]) -> AskReport:
    report = AskReport()
    for case in cases:
        started = time.perf_counter()
        response = await copilot.ask.answer(ChatRequest(question=case.question), [])
        report.results.append(AskResult(case, response, (time.perf_counter() - started) * 1000))
    return report
