"""Draft-level precision/recall/F1, false-positive rate, span recall and category accuracy for check cases."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from copilot.check.models import CheckRequest, CheckResponse, Violation
from copilot.check.service import CheckService
from copilot.evaluation.suite import CheckCase


@dataclass
class CheckResult:
    case: CheckCase
    response: CheckResponse
    latency_ms: float

    @property
    def blocking(self) -> list[Violation]:
        return [v for v in self.response.violations if v.severity == "block"]

    def span_hits(self) -> list[bool]:
        """Each expected span overlaps a blocking violation."""
        hits = []
        for span in self.case.expect_spans:
            at = self.case.draft.find(span)
            end = at + len(span)
            hits.append(at >= 0 and any(v.start < end and at < v.end for v in self.blocking))
        return hits

    def category_hit(self) -> bool | None:
        if not self.case.expect_category or not self.blocking:
            return None
        return any(v.category == self.case.expect_category for v in self.blocking)


@dataclass
class CheckReport:
    results: list[CheckResult] = field(default_factory=list)

    def _count(self, flag: bool, predicted: bool) -> int:
        return sum(1 for r in self.results if r.case.expect_flag == flag and r.response.flagged == predicted)

    @property
    def precision(self) -> float:
        tp, fp = self._count(True, True), self._count(False, True)
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def recall(self) -> float:
        tp, fn = self._count(True, True), self._count(True, False)
        return tp / (tp + fn) if tp + fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positive_rate(self) -> float:
        negatives = [r for r in self.results if not r.case.expect_flag]
        return sum(r.response.flagged for r in negatives) / len(negatives) if negatives else 0.0

    @property
    def span_recall(self) -> float:
        hits = [h for r in self.results for h in r.span_hits()]
        return sum(hits) / len(hits) if hits else 1.0

    @property
    def category_accuracy(self) -> float:
        judged = [h for r in self.results if (h := r.category_hit()) is not None]
        return sum(judged) / len(judged) if judged else 1.0

    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if r.response.flagged != r.case.expect_flag]


def run_check(service: CheckService, cases: list[CheckCase], detectors: set[str] | None = None) -> CheckReport:
    report = CheckReport()
    for case in cases:
        request = CheckRequest(draft=case.draft, channel=case.channel, position=case.position)
        started = time.perf_counter()
        response = service.check(request, detectors)
        report.results.append(CheckResult(case, response, (time.perf_counter() - started) * 1000))
    return report
