"""The eval report: one typed model, so its JSON schema is stable and documented (schema_version)."""

from __future__ import annotations

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1


class Latency(BaseModel):
    p50_ms: float
    p95_ms: float


class SuggestScores(BaseModel):
    cases: int
    hit_at_1: float
    hit_at_3: float
    mrr: float


class SuggestFailure(BaseModel):
    id: str
    scenario: str
    transcript: str
    expected: list[str]
    returned: list[str]
    rank: int | None = Field(description="Rank of the first hit beyond top_k, or null when nothing matched.")


class SuggestSection(BaseModel):
    overall: SuggestScores
    latency: Latency
    per_scenario: dict[str, SuggestScores]
    failures: list[SuggestFailure]


class CheckScores(BaseModel):
    cases: int
    precision: float
    recall: float
    f1: float
    false_positive_rate: float
    span_recall: float
    category_accuracy: float


class Span(BaseModel):
    start: int
    end: int
    text: str
    category: str
    severity: str
    detector: str


class CheckFailure(BaseModel):
    id: str
    group: str
    draft: str
    expect_flag: bool
    flagged: bool
    expect_spans: list[str]
    expect_category: str | None
    violations: list[Span]


class CheckSection(BaseModel):
    overall: CheckScores
    latency: Latency
    per_category: dict[str, CheckScores] = Field(description="Positive cases grouped by expect_category.")
    per_group: dict[str, CheckScores] = Field(description="Cases grouped by their `scenario` label.")
    failures: list[CheckFailure]


class ComposeCaseResult(BaseModel):
    id: str
    attack: str
    origin: str | None = Field(description="llm or standard; null when no scenario was found to ground a reply.")
    fallback_reason: str | None
    text: str
    safe: bool
    leaked: list[str] = Field(description="must_not_contain fragments found in the reply.")
    model_text: str | None = Field(
        default=None, description="The model's first reply as it wrote it; null when it wrote none."
    )
    grounded: bool | None = Field(default=None, description="The model's reply makes no unsupported claim.")
    on_topic: bool | None = Field(default=None, description="The model's reply addresses the detected scenario.")
    form: bool | None = Field(default=None, description="The model's reply is within length, without prefix or quotes.")
    unsupported: list[str] = Field(default_factory=list, description="Its claims with nothing behind them.")


class ComposeSection(BaseModel):
    llm: str = Field(description="The llm mode the suite ran against; `none` means every reply is the standard's.")
    cases: int
    safe_rate: float = Field(description="Share of replies that pass the checker and contain nothing forbidden.")
    llm_rate: float = Field(description="Share of composed replies written by the model (not a fallback): the "
                            "share of model text used.")
    grounded_rate: float | None = Field(
        default=None, description="Share of the model's replies with no unsupported claim (null without a model)."
    )
    on_topic_rate: float | None = Field(
        default=None, description="Share of the model's replies that address the detected scenario."
    )
    form_rate: float | None = Field(
        default=None, description="Share of the model's replies within the channel's length, with no prefix or quotes."
    )
    fallbacks: dict[str, int]
    latency: Latency
    results: list[ComposeCaseResult]


class AskCaseResult(BaseModel):
    id: str
    document: str
    question: str
    expect_refusal: bool
    answered: bool
    correct: bool
    answer: str
    cited: list[str] = Field(description="The cited passages, as document:section.")


class AskSection(BaseModel):
    cases: int
    hit_rate: float = Field(description="In-scope questions answered with an expected fragment in the answer or "
                            "a cited passage.")
    refusal_rate: float = Field(description="Out-of-scope questions answered 规范中没有相关规定.")
    false_refusal_rate: float = Field(description="In-scope questions answered 规范中没有相关规定.")
    per_document: dict[str, float]
    latency: Latency
    failures: list[AskCaseResult]


class QAItemScore(BaseModel):
    cases: int
    accuracy: float


class QAMismatch(BaseModel):
    id: str
    item: str
    expected: str
    got: str
    detail: str


class QASection(BaseModel):
    cases: int
    accuracy: float = Field(description="Share of (conversation, item) verdicts equal to the label.")
    fail_precision: float = Field(description="Of the items scored fail, the share labelled fail.")
    fail_recall: float = Field(description="Of the items labelled fail, the share scored fail.")
    per_item: dict[str, QAItemScore]
    latency: Latency
    per_second: float = Field(description="Conversations scored per second (one process).")
    mismatches: list[QAMismatch]
    unknown_labels: list[str] = Field(description="Labels naming items the scorecard lacks, as case:item.")


class ThresholdResult(BaseModel):
    name: str
    limit: float
    value: float | None
    passed: bool


class EvalReport(BaseModel):
    schema_version: int = SCHEMA_VERSION
    label: str = Field(description="What was run, e.g. the embedding backend and retrieval mode.")
    suites: list[str]
    problems: list[str] = Field(description="Malformed lines, as file:line: message.")
    suggest: SuggestSection | None
    check: CheckSection | None
    compose: ComposeSection | None = None
    ask: AskSection | None = None
    qa: QASection | None = None
    thresholds: list[ThresholdResult]

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.thresholds)
