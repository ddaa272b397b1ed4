"""hit@k and MRR for suggest cases, overall and per scenario."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from copilot.evaluation.suite import SuggestCase
from copilot.suggest.models import SuggestRequest
from copilot.suggest.service import SuggestService
from copilot.text.normalize import match_key


@dataclass
class CaseResult:
    case: SuggestCase
    rank: int | None  # 1-based rank of the first matching suggestion
    returned: list[str]
    latency_ms: float


@dataclass
class SuggestReport:
    results: list[CaseResult] = field(default_factory=list)

    def hit_at(self, k: int, results: list[CaseResult] | None = None) -> float:
        rows = self.results if results is None else results
        return sum(1 for r in rows if r.rank is not None and r.rank <= k) / len(rows) if rows else 0.0

    def mrr(self) -> float:
        rows = self.results
        return sum(1 / r.rank for r in rows if r.rank) / len(rows) if rows else 0.0

    def by_scenario(self) -> dict[str, list[CaseResult]]:
        groups: dict[str, list[CaseResult]] = defaultdict(list)
        for result in self.results:
            groups[result.case.scenario].append(result)
        return dict(groups)

    def failures(self, k: int = 3) -> list[CaseResult]:
        return [r for r in self.results if r.rank is None or r.rank > k]


def first_hit(texts: Sequence[str], expect_any: list[str]) -> int | None:
    """A suggested text hits when its normalised form contains one of the normalised expected fragments."""
    keys = [match_key(e) for e in expect_any if match_key(e)]
    for rank, suggestion in enumerate(texts, start=1):
        text = match_key(suggestion)
        if any(key in text for key in keys):
            return rank
    return None


def run_suggest(service: SuggestService, cases: list[SuggestCase], mode: str | None = None) -> SuggestReport:
    report = SuggestReport()
    for case in cases:
        started = time.perf_counter()
        request = SuggestRequest(transcript=case.transcript, top_k=case.top_k, channel=case.channel)
        response = service.suggest(request, mode=mode)
        latency = (time.perf_counter() - started) * 1000
        texts = [s.text for s in response.suggestions]
        report.results.append(CaseResult(case, first_hit(texts, case.expect_any), texts, latency))
    return report
