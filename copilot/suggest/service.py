"""Rank scenarios for what the customer said, then offer their approved phrasings and the passages."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.errors import InvalidInput, PayloadTooLarge
from copilot.index.documents import SCENARIO_KINDS
from copilot.retrieve.retriever import HybridRetriever
from copilot.rulebook.models import Rulebook, Scenario
from copilot.settings import SuggestSettings
from copilot.suggest.models import (
    ScenarioMatch,
    Suggestion,
    SuggestionCitation,
    SuggestRequest,
    SuggestResponse,
)
from copilot.suggest.transcript import Turn, customer_queries, parse_transcript
from copilot.text.normalize import match_key

# Scenarios whose score is at least this share of the best one also contribute phrasings.
RUNNER_UP_SHARE = 0.6
SCENARIOS_CONSIDERED = 3


@dataclass(frozen=True)
class RankedScenario:
    scenario: Scenario
    score: float


class SuggestService:
    def __init__(self, rulebook: Rulebook, retriever: HybridRetriever, settings: SuggestSettings) -> None:
        self._rulebook = rulebook
        self._retriever = retriever
        self._settings = settings

    def rank_scenarios(self, latest: str, context: str, channel: str | None = None,
                       mode: str | None = None) -> list[RankedScenario]:
        """Best hit per scenario, the latest customer turn weighing 1 and earlier turns `context_weight`."""
        totals: dict[str, float] = {}
        queries = [(latest, 1.0)] + ([(context, self._settings.context_weight)] if context else [])
        weight_sum = sum(w for _, w in queries)
        found = self._retriever.search_many([text for text, _ in queries], kinds=SCENARIO_KINDS, k=60, mode=mode)
        for (_, weight), hits in zip(queries, found, strict=True):
            best: dict[str, float] = {}
            for hit in hits:
                sid = hit.document.scenario_id
                best[sid] = max(best.get(sid, 0.0), hit.score)
            for sid, score in best.items():
                totals[sid] = totals.get(sid, 0.0) + weight * score / weight_sum
        ranked = [RankedScenario(self._rulebook.scenario(sid), score) for sid, score in totals.items()]
        if channel:
            ranked = [r for r in ranked if channel in r.scenario.channels]
        return sorted(ranked, key=lambda r: -r.score)

    def suggest(self, request: SuggestRequest, mode: str | None = None) -> SuggestResponse:
        turns = parse_transcript(request.transcript)
        self._within_limits(turns)
        latest, context = customer_queries(turns)
        if not latest.strip():
            raise InvalidInput("transcript has no text", {"field": "transcript"})
        ranked = self.rank_scenarios(latest, context, request.channel, mode)
        if not ranked:
            return SuggestResponse(scenario=None, suggestions=[])
        top = ranked[0]
        candidates = self._approved_candidates(ranked) + self._passage_candidates(top.scenario, latest, mode)
        return SuggestResponse(
            scenario=ScenarioMatch(id=top.scenario.id, title=top.scenario.title,
                                   confidence=round(min(1.0, top.score), 4)),
            suggestions=_distinct(candidates)[: request.top_k],
        )

    def _within_limits(self, turns: list[Turn]) -> None:
        chars = sum(len(t.text) for t in turns)
        if len(turns) > self._settings.max_turns:
            raise PayloadTooLarge(f"transcript has {len(turns)} turns; the limit is {self._settings.max_turns}",
                                  {"limit": self._settings.max_turns, "field": "transcript"})
        if chars > self._settings.max_transcript_chars:
            raise PayloadTooLarge(
                f"transcript has {chars} characters; the limit is {self._settings.max_transcript_chars}",
                {"limit": self._settings.max_transcript_chars, "field": "transcript"})

    def _approved_candidates(self, ranked: list[RankedScenario]) -> list[Suggestion]:
        best = ranked[0].score
        chosen = [r for r in ranked[:SCENARIOS_CONSIDERED] if r.score >= RUNNER_UP_SHARE * best]
        out = []
        for entry in chosen:
            for position, phrasing in enumerate(entry.scenario.approved):
                assert phrasing.citation is not None  # the loader cites every phrasing
                score = entry.score * (1 - self._settings.phrasing_decay * position)
                out.append(Suggestion(
                    text=phrasing.text, kind="approved", scenario_id=entry.scenario.id,
                    score=round(score, 4), authored=phrasing.authored,
                    citation=SuggestionCitation.of(phrasing.citation),
                ))
        return sorted(out, key=lambda s: -s.score)

    def _passage_candidates(self, scenario: Scenario, latest: str, mode: str | None) -> list[Suggestion]:
        # The standard's own words for the situation find its passages better than the customer's words.
        hits = self._retriever.search(f"{scenario.situation} {latest}", kinds=("passage",), k=5, mode=mode)
        out = []
        for hit in hits:
            meta = hit.document.metadata
            out.append(Suggestion(
                text=hit.document.text, kind="passage", scenario_id=scenario.id,
                score=round(hit.score * self._settings.passage_factor, 4),
                citation=SuggestionCitation.of_passage(hit.document.text, meta),
            ))
        return out


def _distinct(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen: set[str] = set()
    out = []
    for suggestion in suggestions:
        key = match_key(suggestion.text)
        if key not in seen:
            seen.add(key)
            out.append(suggestion)
    return out
