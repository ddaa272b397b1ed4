"""Conversation QA: does each scorecard item get the verdict (pass, fail, n/a) the QA lead gave it?"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from copilot.evaluation.suite import QACase
from copilot.qa.models import ConversationScore
from copilot.qa.service import QAService


@dataclass
class QAResult:
    case: QACase
    score: ConversationScore
    latency_ms: float

    def verdicts(self) -> list[tuple[str, str, str]]:
        """(item id, expected, got) for every item of the conversation's scorecard."""
        return [(r.id, self.case.expected(r.id), r.status) for r in self.score.items]

    @property
    def unknown_labels(self) -> list[str]:
        """Labelled items the scorecard does not have (a typo in the suite)."""
        known = {r.id for r in self.score.items}
        return [i for i in [*self.case.expect.fail, *self.case.expect.na] if i not in known]


@dataclass
class QAReport:
    results: list[QAResult] = field(default_factory=list)

    def _rows(self) -> list[tuple[str, str, str]]:
        return [v for r in self.results for v in r.verdicts()]

    @property
    def accuracy(self) -> float:
        rows = self._rows()
        return sum(e == g for _, e, g in rows) / len(rows) if rows else 0.0

    def per_item(self) -> dict[str, tuple[int, float]]:
        """Item id → (conversations judged, share where the verdict matched the label)."""
        groups: dict[str, list[bool]] = defaultdict(list)
        for item, expected, got in self._rows():
            groups[item].append(expected == got)
        return {k: (len(v), sum(v) / len(v)) for k, v in sorted(groups.items())}

    def fail_detection(self) -> tuple[float, float]:
        """Precision and recall of `fail` verdicts: what QA leads act on."""
        rows = self._rows()
        said = [(e, g) for _, e, g in rows if g == "fail"]
        real = [(e, g) for _, e, g in rows if e == "fail"]
        precision = sum(e == "fail" for e, _ in said) / len(said) if said else 0.0
        recall = sum(g == "fail" for _, g in real) / len(real) if real else 0.0
        return precision, recall


def run_qa(service: QAService, cases: list[QACase]) -> QAReport:
    report = QAReport()
    for case in cases:
        started = time.perf_counter()
        score = service.score(case)
        report.results.append(QAResult(case, score, (time.perf_counter() - started) * 1000))
    return report
