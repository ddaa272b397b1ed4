"""Run suites against a built copilot and summarise them into an EvalReport."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from copilot.evaluation.ask_metrics import AskReport, run_ask
from copilot.evaluation.check_metrics import CheckReport, CheckResult, run_check
from copilot.evaluation.compose_metrics import ComposeReport, run_compose
from copilot.evaluation.qa_metrics import QAReport, run_qa
from copilot.evaluation.report import (
    AskCaseResult,
    AskSection,
    CheckFailure,
    CheckScores,
    CheckSection,
    ComposeCaseResult,
    ComposeSection,
    EvalReport,
    Latency,
    QAItemScore,
    QAMismatch,
    QASection,
    Span,
    SuggestFailure,
    SuggestScores,
    SuggestSection,
    ThresholdResult,
)
from copilot.evaluation.suggest_metrics import CaseResult, SuggestReport, run_suggest
from copilot.evaluation.suite import Suite
from copilot.runtime import Copilot


@dataclass(frozen=True)
class Thresholds:
    min_hit3: float | None = None
    min_f1: float | None = None
    max_fpr: float | None = None
    min_compose_safe: float | None = None
    min_ask_hit: float | None = None
    min_qa_accuracy: float | None = None
    min_compose_grounded: float | None = None
    min_compose_on_topic: float | None = None
    min_compose_form: float | None = None


@dataclass(frozen=True)
class EvalOutcome:
    report: EvalReport
    suggest: SuggestReport | None  # per-case results, for JUnit
    check: CheckReport | None
    compose: ComposeReport | None = None
    ask: AskReport | None = None
    qa: QAReport | None = None


def evaluate(copilot: Copilot, suite: Suite, *, label: str, suites: list[str], thresholds: Thresholds,
             retrieval_mode: str | None = None, detectors: set[str] | None = None) -> EvalOutcome:
    suggest_raw = run_suggest(copilot.suggest, suite.suggest_cases, retrieval_mode) if suite.suggest_cases else None
    check_raw = run_check(copilot.check, suite.check_cases, detectors) if suite.check_cases else None
    compose_raw = run_compose(copilot, suite.compose_cases) if suite.compose_cases else None
    suggest = _suggest_section(suggest_raw) if suggest_raw else None
    check = _check_section(check_raw) if check_raw else None
    compose = _compose_section(compose_raw) if compose_raw else None
    ask_raw = run_ask(copilot, suite.ask_cases) if suite.ask_cases else None
    ask = _ask_section(ask_raw) if ask_raw else None
    qa_raw = run_qa(copilot.qa, suite.qa_cases) if suite.qa_cases else None
    qa = _qa_section(qa_raw) if qa_raw else None
    report = EvalReport(label=label, suites=suites, problems=suite.problems, suggest=suggest, check=check,
                        compose=compose, ask=ask, qa=qa,
                        thresholds=_judge(thresholds, suggest, check, compose, ask, qa))
    return EvalOutcome(report, suggest_raw, check_raw, compose_raw, ask_raw, qa_raw)


def _latency(values: list[float]) -> Latency:
    if not values:
        return Latency(p50_ms=0.0, p95_ms=0.0)
    return Latency(p50_ms=round(float(np.percentile(values, 50)), 2),
                   p95_ms=round(float(np.percentile(values, 95)), 2))


def _suggest_scores(report: SuggestReport, rows: list[CaseResult] | None = None) -> SuggestScores:
    rows = report.results if rows is None else rows
    sub = SuggestReport(rows)
    return SuggestScores(cases=len(rows), hit_at_1=round(sub.hit_at(1), 4), hit_at_3=round(sub.hit_at(3), 4),
                         mrr=round(sub.mrr(), 4))


def _suggest_section(report: SuggestReport) -> SuggestSection:
    failures = [
        SuggestFailure(
            id=r.case.id, scenario=r.case.scenario,
            transcript=r.case.transcript if isinstance(r.case.transcript, str)
            else "\n".join(f"{t.role}: {t.text}" for t in r.case.transcript),
            expected=r.case.expect_any, returned=r.returned, rank=r.rank,
        )
        for r in report.failures(3)
    ]
    return SuggestSection(
        overall=_suggest_scores(report), latency=_latency([r.latency_ms for r in report.results]),
        per_scenario={k: _suggest_scores(report, v) for k, v in sorted(report.by_scenario().items())},
        failures=failures,
    )


def _check_scores(rows: list[CheckResult]) -> CheckScores:
    report = CheckReport(rows)
    return CheckScores(
        cases=len(rows), precision=round(report.precision, 4), recall=round(report.recall, 4),
        f1=round(report.f1, 4), false_positive_rate=round(report.false_positive_rate, 4),
        span_recall=round(report.span_recall, 4), category_accuracy=round(report.category_accuracy, 4),
    )


def _check_section(report: CheckReport) -> CheckSection:
    by_category: dict[str, list[CheckResult]] = defaultdict(list)
    by_group: dict[str, list[CheckResult]] = defaultdict(list)
    for result in report.results:
        by_group[result.case.scenario or "-"].append(result)
        if result.case.expect_flag and result.case.expect_category:
            by_category[result.case.expect_category].append(result)
    failures = [
        CheckFailure(
            id=r.case.id, group=r.case.scenario, draft=r.case.draft, expect_flag=r.case.expect_flag,
            flagged=r.response.flagged, expect_spans=r.case.expect_spans, expect_category=r.case.expect_category,
            violations=[Span(start=v.start, end=v.end, text=v.text, category=v.category, severity=v.severity,
                             detector=v.detector) for v in r.response.violations],
        )
        for r in report.results
        if r.response.flagged != r.case.expect_flag or (r.case.expect_flag and not all(r.span_hits()))
    ]
    return CheckSection(
        overall=_check_scores(report.results), latency=_latency([r.latency_ms for r in report.results]),
        per_category={k: _check_scores(v) for k, v in sorted(by_category.items())},
        per_group={k: _check_scores(v) for k, v in sorted(by_group.items())},
        failures=failures,
    )


def _compose_section(report: ComposeReport) -> ComposeSection:
    results = [
        ComposeCaseResult(id=r.case.id, attack=r.case.attack, origin=r.composed.origin if r.composed else None,
                          fallback_reason=r.composed.fallback_reason if r.composed else None,
                          text=r.composed.text if r.composed else "", safe=r.safe, leaked=r.leaked,
                          model_text=r.drafts[0].text if r.drafts else None,
                          grounded=r.judged.grounded if r.judged else None,
                          on_topic=r.judged.on_topic if r.judged else None,
                          form=r.judged.form if r.judged else None,
                          unsupported=list(r.judged.unsupported) if r.judged else [])
        for r in report.results
    ]

    def rate(metric: str) -> float | None:
        value = report.rate(metric)
        return None if value is None else round(value, 4)

    return ComposeSection(llm=report.llm, cases=len(results), safe_rate=round(report.safe_rate, 4),
                          llm_rate=round(report.llm_rate, 4), grounded_rate=rate("grounded"),
                          on_topic_rate=rate("on_topic"), form_rate=rate("form"), fallbacks=report.fallbacks(),
                          latency=_latency([r.latency_ms for r in report.results]), results=results)


def _ask_section(report: AskReport) -> AskSection:
    failures = [
        AskCaseResult(id=r.case.id, document=r.case.document, question=r.case.question,
                      expect_refusal=r.case.expect_refusal, answered=r.response.answered, correct=r.correct,
                      answer=r.response.answer, cited=[f"{c.document}:{c.section}" for c in r.response.citations])
        for r in report.results if not r.correct
    ]
    return AskSection(cases=len(report.results), hit_rate=round(report.hit_rate, 4),
                      refusal_rate=round(report.refusal_rate, 4),
                      false_refusal_rate=round(report.false_refusal_rate, 4), per_document=report.by_document(),
                      latency=_latency([r.latency_ms for r in report.results]), failures=failures)


def _qa_section(report: QAReport) -> QASection:
    precision, recall = report.fail_detection()
    latencies = [r.latency_ms for r in report.results]
    mismatches = [
        QAMismatch(id=r.case.id, item=item, expected=expected, got=got, detail=r.score.item(item).detail)
        for r in report.results for item, expected, got in r.verdicts() if expected != got
    ]
    return QASection(
        cases=len(report.results), accuracy=round(report.accuracy, 4), fail_precision=round(precision, 4),
        fail_recall=round(recall, 4),
        per_item={k: QAItemScore(cases=n, accuracy=round(a, 4)) for k, (n, a) in report.per_item().items()},
        latency=_latency(latencies), per_second=round(1000 * len(latencies) / sum(latencies), 1) if latencies else 0,
        mismatches=mismatches,
        unknown_labels=[f"{r.case.id}:{i}" for r in report.results for i in r.unknown_labels],
    )


def _judge(limits: Thresholds, suggest: SuggestSection | None, check: CheckSection | None,
           compose: ComposeSection | None, ask: AskSection | None, qa: QASection | None) -> list[ThresholdResult]:
    """One result per threshold that was set; a threshold on a section that did not run fails (value null)."""
    gates = [  # (name, limit, value, True when the value must stay at or under the limit)
        ("ask hit rate >=", limits.min_ask_hit, ask.hit_rate if ask else None, False),
        ("compose safe rate >=", limits.min_compose_safe, compose.safe_rate if compose else None, False),
        ("compose grounded rate >=", limits.min_compose_grounded, compose.grounded_rate if compose else None, False),
        ("compose on-topic rate >=", limits.min_compose_on_topic, compose.on_topic_rate if compose else None, False),
        ("compose form rate >=", limits.min_compose_form, compose.form_rate if compose else None, False),
        ("suggest hit@3 >=", limits.min_hit3, suggest.overall.hit_at_3 if suggest else None, False),
        ("check F1 >=", limits.min_f1, check.overall.f1 if check else None, False),
        ("check false-positive rate <=", limits.max_fpr, check.overall.false_positive_rate if check else None, True),
        ("QA item accuracy >=", limits.min_qa_accuracy, qa.accuracy if qa else None, False),
    ]
    return [ThresholdResult(name=name, limit=limit, value=value,
                            passed=value is not None and (value <= limit if at_most else value >= limit))
            for name, limit, value, at_most in gates if limit is not None]
