"""The meaning detector's logic, on a scripted model: who wrote the text sets the bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from copilot.check.draft import Draft
from copilot.check.models import CheckRequest
from copilot.check.rules import RuleSet
from copilot.check.semantic import WARN_PREFIX, SemanticDetector
from copilot.check.service import CheckService
from copilot.embedding.base import Vectors
from copilot.knowledge import Knowledge
from copilot.settings import CheckSettings, PathSettings
from copilot.text.clauses import windows
from copilot.train.corpus import LABELS


class ScriptedModel:
    """Says each listed clause is (label, confidence); everything else is compliant."""

    in_context = False

    def __init__(self, verdicts: dict[str, tuple[str, float]], vectors: dict[str, list[float]] | None = None) -> None:
        self.labels = list(LABELS)
        self.verdicts = verdicts
        self.vectors = vectors or {}  # a text's vector; any other text gets the same one
        self.calls = 0

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        self.calls += 1
        rows = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for i, text in enumerate(texts):
            label, confidence = self.verdicts.get(text, ("compliant", 0.0))
            rows[i, 0] = 1 - confidence
            if label != "compliant":
                rows[i, self.labels.index(label)] = confidence
        vectors = np.array([self.vectors.get(t, [0.5, 0.5, 0.5, 0.5]) for t in texts], dtype=np.float32)
        return rows, vectors

    def judge(self, text: str, spans: Sequence[tuple[int, int]]) -> tuple[Vectors, Vectors]:
        return self.predict([text[s:e] for s, e in spans])


class ContextModel(ScriptedModel):
    """Reads whole drafts: a clause's verdict holds only in the draft it is listed with."""

    in_context = True

    def __init__(self, draft: str, verdicts: dict[str, tuple[str, float]]) -> None:
        super().__init__(verdicts)
        self.draft = draft
        self.drafts: list[str] = []

    def judge(self, text: str, spans: Sequence[tuple[int, int]]) -> tuple[Vectors, Vectors]:
        self.drafts.append(text)
        rows, vectors = self.predict([text[s:e] for s, e in spans])
        if text != self.draft:
            rows[:] = 0.0
            rows[:, 0] = 1.0
        return rows, vectors


@pytest.fixture(scope="module")
def rules(knowledge: Knowledge) -> RuleSet:
    from copilot.check.rules import load_rules

    return load_rules(knowledge, PathSettings().checker_path)


def detect(rules: RuleSet, verdicts: dict[str, tuple[str, float]], text: str, author: str = "agent",
           channel: str | None = None, settings: CheckSettings | None = None) -> list[tuple[str, str, str]]:
    detector = SemanticDetector(rules, ScriptedModel(verdicts), settings or CheckSettings())
    return [(v.text, v.category, v.severity) for v in detector.detect(Draft(text, channel, author=author))]


def test_windows_are_clauses_and_neighbour_pairs() -> None:
    text = "我都说了三遍了，你怎么还是搞不清楚？好吗"
    found = [(w.text, text[w.start : w.end]) for w in windows(text)]
    assert all(a == b for a, b in found)
    assert [w for w, _ in found] == ["我都说了三遍了", "你怎么还是搞不清楚", "我都说了三遍了，你怎么还是搞不清楚"]


@pytest.mark.parametrize(("confidence", "agent", "model"), [
    (0.98, "block", "block"),
    (0.85, "warn", "block"),  # between the bar for model text (0.7 here) and the agent's (0.9 here)
    (0.6, "warn", None),  # model text is judged from its own bar; an agent is reminded from warn_threshold
    (0.3, None, None),
])
def test_agents_are_blocked_on_confident_findings_models_on_any(rules: RuleSet, confidence: float,
                                                                agent: str | None, model: str | None) -> None:
    verdicts = {"这个您得问厂家": ("shirking", confidence)}
    settings = CheckSettings(agent_block_threshold=0.9, model_reject_threshold=0.7)
    for author, expected in (("agent", agent), ("model", model)):
        found = detect(rules, verdicts, "您好先生，这个您得问厂家", author, settings=settings)
        assert found == ([("这个您得问厂家", "shirking", expected)] if expected else [])


def test_model_text_is_held_to_a_stricter_bar_than_an_agent_by_default() -> None:
    settings = CheckSettings()
    assert settings.model_reject_threshold < settings.agent_block_threshold


def test_wording_categories_only_warn_an_agent(rules: RuleSet) -> None:
    verdicts = {"你要办什么业务": ("improper_address", 0.99)}
    on = CheckSettings(model_wording=True)
    assert detect(rules, verdicts, "你要办什么业务", settings=on) == [("你要办什么业务", "improper_address", "warn")]
    assert detect(rules, verdicts, "你要办什么业务", "model", settings=on) == [
        ("你要办什么业务", "improper_address", "block")]


def test_the_models_wording_findings_are_left_to_the_word_lists_by_default(rules: RuleSet) -> None:
    verdicts = {"你要办什么业务": ("improper_address", 0.99), "这个您得问厂家": ("shirking", 0.99)}
    for author in ("agent", "model"):
        found = detect(rules, verdicts, "你要办什么业务，这个您得问厂家", author)
        assert [(text, category) for text, category, _ in found] == [("这个您得问厂家", "shirking")]


def test_vague_wording_counts_in_return_visits_only(rules: RuleSet) -> None:
    verdicts = {"大概下周能修好吧": ("vague", 0.97)}
    assert detect(rules, verdicts, "大概下周能修好吧", channel="voice") == []
    assert detect(rules, verdicts, "大概下周能修好吧", channel="outbound")[0][2] == "block"


def test_a_flagged_clause_wins_over_the_pair_that_holds_it(rules: RuleSet) -> None:
    verdicts = {"嫌贵您可以不买": ("provoking", 0.98), "价格是统一的，嫌贵您可以不买": ("provoking", 0.99)}
    assert detect(rules, verdicts, "价格是统一的，嫌贵您可以不买") == [("嫌贵您可以不买", "provoking", "block")]
    pair_only = {"价格是统一的，嫌贵您可以不买": ("provoking", 0.99)}
    assert detect(rules, pair_only, "价格是统一的，嫌贵您可以不买")[0][0] == "价格是统一的，嫌贵您可以不买"


def test_the_rule_is_the_nearest_rulebook_phrasing_of_that_category(rules: RuleSet) -> None:
    detector = SemanticDetector(rules, ScriptedModel({"您去营业厅问吧": ("shirking", 0.99)}), CheckSettings())
    (violation,) = detector.detect(Draft("您去营业厅问吧"))
    assert violation.category == "shirking" and violation.alternative and violation.citation.quote


def test_a_customers_own_standard_is_cited_when_its_rule_is_about_as_near(rules: RuleSet) -> None:
    shirking = [r for r in rules.forbidden if r.category == "shirking" and len(r.text) >= 4]
    nearest = shirking[0]
    own = next(r for r in shirking if r.citation.document != nearest.citation.document)
    vectors = {"您去营业厅问吧": [1.0, 0, 0, 0], nearest.text: [1.0, 0, 0, 0], own.text: [0.95, 0.31, 0, 0]}
    vectors |= {r.text: [0, 0, 1.0, 0] for r in rules.forbidden if r.text not in vectors}
    model = ScriptedModel({"您去营业厅问吧": ("shirking", 0.99)}, vectors)
    theirs = replace(rules, own=frozenset({own.citation.document}))
    cited = {margin: SemanticDetector(theirs, model, CheckSettings(own_rule_margin=margin)).detect(
        Draft("您去营业厅问吧"))[0].rule_id for margin in (0.0, 0.1)}
    assert cited == {0.0: nearest.id, 0.1: own.id}
    assert SemanticDetector(rules, model, CheckSettings()).detect(Draft("您去营业厅问吧"))[0].rule_id == nearest.id


def test_a_customers_own_rule_of_another_category_is_cited_with_the_models_category(rules: RuleSet) -> None:
    nearest = next(r for r in rules.forbidden if r.category == "shirking" and len(r.text) >= 4)
    own = next(r for r in rules.forbidden if r.category == "impatient" and len(r.text) >= 4
               and r.citation.document != nearest.citation.document)
    vectors = {"您去营业厅问吧": [1.0, 0, 0, 0], nearest.text: [1.0, 0, 0, 0], own.text: [0.95, 0.31, 0, 0]}
    vectors |= {r.text: [0, 0, 1.0, 0] for r in rules.forbidden if r.text not in vectors}
    model = ScriptedModel({"您去营业厅问吧": ("shirking", 0.99)}, vectors)
    theirs = replace(rules, own=frozenset({own.citation.document}))
    (violation,) = SemanticDetector(theirs, model, CheckSettings(own_rule_margin=0.1)).detect(Draft("您去营业厅问吧"))
    assert violation.citation.document == own.citation.document and violation.category == "shirking"
    (farther,) = SemanticDetector(theirs, model, CheckSettings(own_rule_margin=0.01)).detect(Draft("您去营业厅问吧"))
    assert farther.rule_id == nearest.id


def test_standard_wording_is_never_judged_and_predictions_are_cached(rules: RuleSet) -> None:
    own = "对不起，您的电话杂音太大，听不清，请您换一部电话再次打来好吗？再见！"
    model = ScriptedModel({w.text: ("impatient", 0.99) for w in windows(own)})
    detector = SemanticDetector(rules, model, CheckSettings())
    assert detector.score(Draft(own)) == []
    calls = model.calls
    detector.score(Draft("我帮您看一下，您稍等"))
    detector.score(Draft("我帮您看一下，您稍等"))
    assert model.calls == calls + 1


def _service(rules: RuleSet, verdicts: dict[str, tuple[str, float]], **settings: object) -> CheckService:
    return CheckService(rules, ScriptedModel(verdicts), CheckSettings(**settings))  # type: ignore[arg-type]


HELD = {"这个问题您去问厂家": ("shirking", 0.98), "我这边也很忙": ("rushing", 0.75), "有事您快说": ("rushing", 0.6)}
HELD_DRAFT = "这个问题您去问厂家，我这边也很忙，有事您快说"


def test_a_held_draft_marks_its_other_suspect_clauses_as_blocking(rules: RuleSet) -> None:
    response = _service(rules, HELD, held_draft_threshold=0.7, agent_block_threshold=0.95,
                        agreeing_suspicions_threshold=0.9).check(CheckRequest(draft=HELD_DRAFT))
    found = {v.text: (v.severity, v.confidence) for v in response.violations}
    assert response.flagged
    assert found["这个问题您去问厂家"] == ("block", 0.98)
    assert found["我这边也很忙"] == ("block", 0.75)  # suspect from held_draft_threshold (0.7) on
    assert found["有事您快说"][0] == "warn"  # under it: still a reminder
    assert not next(v for v in response.violations if v.text == "我这边也很忙").reason.startswith(WARN_PREFIX)


def test_without_a_confident_finding_suspicions_stay_warnings(rules: RuleSet) -> None:
    verdicts = {**HELD, "这个问题您去问厂家": ("shirking", 0.85)}
    response = _service(rules, verdicts, agent_block_threshold=0.95,
                        agreeing_suspicions_threshold=0.9).check(CheckRequest(draft=HELD_DRAFT))
    assert not response.flagged
    assert {v.severity for v in response.violations} == {"warn"}


def test_two_agreeing_suspicions_block_together_from_their_own_bar(rules: RuleSet) -> None:
    verdicts = {"这个问题您去问厂家": ("shirking", 0.6), "我这边也很忙": ("rushing", 0.55),
                "有事您快说": ("rushing", 0.4)}
    response = _service(rules, verdicts, agreeing_suspicions_threshold=0.5).check(CheckRequest(draft=HELD_DRAFT))
    assert response.flagged
    assert {v.text for v in response.violations if v.severity == "block"} == {"这个问题您去问厂家", "我这边也很忙"}
    alone = {**verdicts, "我这边也很忙": ("rushing", 0.45)}
    single = _service(rules, alone, agreeing_suspicions_threshold=0.5).check(CheckRequest(draft=HELD_DRAFT))
    assert not single.flagged  # one suspicion is a reminder, not a block
    off = _service(rules, verdicts, agreeing_suspicions_threshold=1.0).check(CheckRequest(draft=HELD_DRAFT))
    assert not off.flagged


def test_the_held_bar_is_a_setting_and_qa_findings_keep_the_plain_bar(rules: RuleSet) -> None:
    bars = {"agent_block_threshold": 0.95, "agreeing_suspicions_threshold": 0.9}
    plain = _service(rules, HELD, held_draft_threshold=0.98, **bars).check(CheckRequest(draft=HELD_DRAFT))
    assert [v.text for v in plain.violations if v.severity == "block"] == ["这个问题您去问厂家"]
    findings = _service(rules, HELD, held_draft_threshold=0.5, **bars).findings(CheckRequest(draft=HELD_DRAFT))
    assert [v.text for v in findings if v.severity == "block"] == ["这个问题您去问厂家"]


def test_a_model_that_reads_the_whole_draft_judges_each_clause_in_it(rules: RuleSet) -> None:
    """The same clause can be fine in one draft and an offence in another; the cache is per whole draft."""
    rude = "我保证不了明天到，您自己看着办吧"
    model = ContextModel(rude, {"我保证不了明天到": ("refusal", 0.97)})
    detector = SemanticDetector(rules, model, CheckSettings())
    found = [(v.text, v.category, v.severity) for v in detector.detect(Draft(rude, None))]
    assert found == [("我保证不了明天到", "refusal", "block")]
    assert detector.detect(Draft("我保证不了明天到，但我今晚八点前告诉您进度", None)) == []
    detector.detect(Draft(rude, None))
    assert model.drafts.count(rude) == 1  # the second check of the same draft came from the cache


def test_a_finding_carries_the_models_probability_of_each_forbidden_category(rules: RuleSet) -> None:
    detector = SemanticDetector(rules, ScriptedModel({"这个您得问厂家": ("shirking", 0.85)}), CheckSettings())
    [found] = detector.detect(Draft("您好先生，这个您得问厂家", None))
    assert found.probabilities is not None and "compliant" not in found.probabilities
    assert found.probabilities["shirking"] == pytest.approx(0.85)
    assert sum(found.probabilities.values()) == pytest.approx(found.confidence, abs=1e-3)
