from __future__ import annotations

import json
from pathlib import Path

from copilot.evaluation.suggest_metrics import first_hit, run_suggest
from copilot.evaluation.suite import load_suites
from copilot.knowledge import Knowledge
from copilot.runtime import Copilot
from copilot.suggest.models import Suggestion, SuggestionCitation, SuggestResponse
from tests.conftest import SUITES


def test_malformed_lines_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    good = {"id": "x", "task": "suggest", "transcript": "喂", "expect_any": ["您好"], "extra": 1}
    path.write_text("\n".join([json.dumps(good), "{broken", json.dumps({"id": "y", "task": "suggest"}),
                               json.dumps({"id": "z", "task": "translate", "question": "x"}),
                               json.dumps({"id": "c", "task": "check", "draft": "x"}),
                               json.dumps({"id": "a", "task": "ask", "question": "x"})]) + "\n")
    suite = load_suites([path])
    assert [c.id for c in suite.cases] == ["x"]
    assert suite.problems[0].startswith("s.jsonl:2:") and suite.problems[1].startswith("s.jsonl:3:")
    assert suite.skipped_tasks == {"translate": 1}
    assert suite.problems[2].startswith("s.jsonl:5: expect_flag")
    assert suite.problems[3].startswith("s.jsonl:6:") and "expect_refusal" in suite.problems[3]


def test_first_hit_normalises() -> None:
    cite = SuggestionCitation(document="d", document_title="t", section="s", quote="q", start=0, end=1)
    response = SuggestResponse(scenario=None, suggestions=[
        Suggestion(text=t, kind="approved", scenario_id="s", score=1.0, citation=cite)
        for t in ("请您稍等", "對不起，讓您久等了！")
    ])
    assert first_hit([s.text for s in response.suggestions], ["对不起让您久等了"]) == 2
    assert first_hit([s.text for s in response.suggestions], ["不存在"]) is None


def test_project_suites_cover_every_scenario(knowledge: Knowledge) -> None:
    suite = load_suites(sorted(SUITES.glob("suggest*.jsonl")))
    assert suite.problems == []
    counts: dict[str, int] = {}
    for case in suite.cases:
        counts[case.scenario] = counts.get(case.scenario, 0) + 1
    for scenario in knowledge.rulebook.scenarios:
        assert counts.get(scenario.id, 0) >= 3, scenario.id


def test_eval_utterances_are_not_rulebook_examples(knowledge: Knowledge) -> None:
    examples = {e for s in knowledge.rulebook.scenarios for e in s.examples}
    suite = load_suites(sorted(SUITES.glob("suggest*.jsonl")))
    assert [c.id for c in suite.cases if isinstance(c.transcript, str) and c.transcript in examples] == []


def test_runner_on_fake_backend(fake_copilot: Copilot) -> None:
    cases = load_suites([SUITES / "suggest.jsonl"]).suggest_cases[:10]
    report = run_suggest(fake_copilot.suggest, cases)
    assert len(report.results) == 10
    assert 0 <= report.hit_at(1) <= report.hit_at(3) <= 1


def test_project_check_suites_cover_every_category_and_variant() -> None:
    from copilot.rulebook.models import Category

    suite = load_suites(sorted(SUITES.glob("check*.jsonl")))
    assert suite.problems == []
    positives = [c for c in suite.check_cases if c.expect_flag]
    assert {c.scenario for c in suite.check_cases} == {"paraphrase", "obfuscated", "verbatim", "near-miss",
                                                       "polite", "plain", "compliant", "listed-offence",
                                                       "listed-harmless"}
    # every category that can block has a positive case; vague words only ever warn, so theirs is a negative
    assert {c.expect_category for c in positives} >= set(Category) - {Category.VAGUE}
    assert any(c.expect_category == Category.VAGUE and not c.expect_flag for c in suite.check_cases)
    for variant in ("paraphrase", "obfuscated", "verbatim"):
        assert any(c.scenario == variant and c.expect_flag for c in suite.check_cases), variant


def test_suggest_expectations_match_current_rulebook_phrasings(knowledge: Knowledge) -> None:
    """Editing a phrasing in the rulebook must come with its eval expectations, or hits go unnoticed."""
    from copilot.text.normalize import match_key

    stale = []
    for case in load_suites(sorted(SUITES.glob("suggest*.jsonl"))).suggest_cases:
        phrasings = [match_key(p.text) for p in knowledge.rulebook.scenario(case.scenario).approved]
        stale += [(case.id, e) for e in case.expect_any if not any(match_key(e) in p for p in phrasings)]
    assert stale == []
