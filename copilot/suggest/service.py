"""Rank scenarios for what the customer said, then offer their approved phrasings and the passages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from copilot.embedding.base import Vectors
from copilot.errors import InvalidInput, PayloadTooLarge
from copilot.index.documents import SCENARIO_KINDS
from copilot.retrieve.retriever import HybridRetriever
from copilot.rulebook.models import Phrasing, Rulebook, Scenario
from copilot.settings import SuggestSettings
from copilot.suggest.conversation import Conversation, ConversationPolicy
from copilot.suggest.matcher import SituationMatcher
from copilot.suggest.models import (
    ScenarioMatch,
    Suggestion,
    SuggestionCitation,
    SuggestRequest,
    SuggestResponse,
)
from copilot.suggest.own import OwnSituations, own_situations
from copilot.suggest.recogniser import ScenarioRecogniser, query_vectors
from copilot.suggest.transcript import Turn, agent_before_latest, customer_turns, parse_transcript
from copilot.suggest.vectors import TurnVectors
from copilot.text.normalize import match_key

# Scenarios whose score is at least this share of the best one also contribute phrasings. With each scenario's best
# phrasing offered first (suggest.spread_scenarios), the expected phrasing was in the top 3 of the recogniser's
# validation split for 0.845 at 0.6, 0.880 at 0.4 and 0.891 at 0.2 or 0 (the first suggestion unchanged).
RUNNER_UP_SHARE = 0.2
SCENARIOS_CONSIDERED = 3


@dataclass(frozen=True)
class RankedScenario:
    scenario: Scenario
    score: float


@dataclass(frozen=True)
class Recognised:
    ranked: list[RankedScenario]
    unsure: bool
    own: dict[str, float] = field(default_factory=dict)  # uploaded situations' probabilities from their own texts
    order: dict[str, list[int]] = field(default_factory=dict)  # their √ phrasings, nearest the turn first


class SuggestService:
    def __init__(self, rulebook: Rulebook, retriever: HybridRetriever, settings: SuggestSettings,
                 recogniser: ScenarioRecogniser | None = None, policy: ConversationPolicy | None = None,
                 matcher: SituationMatcher | None = None) -> None:
        self._rulebook = rulebook
        self._retriever = retriever
        self._settings = settings
        self._recogniser = recogniser
        self._policy = policy or ConversationPolicy()
        self._vectors = TurnVectors(retriever.embed_many, settings.turn_vectors_kept)
        uploaded = own_situations(rulebook, settings, recogniser is not None)
        self._own = OwnSituations(uploaded, retriever.embed_many, settings, matcher)
        self._reads_agent = recogniser is not None and recogniser.reads == "turns"

    def rank_scenarios(self, latest: str, context: str, channel: str | None = None,
                       mode: str | None = None, vectors: Vectors | None = None) -> list[RankedScenario]:
        """Best hit per scenario, the latest customer turn weighing 1 and earlier turns `context_weight`.
        `vectors`: the two queries' embeddings when the caller has them."""
        totals: dict[str, float] = {}
        queries = [(latest, 1.0)] + ([(context, self._settings.context_weight)] if context else [])
        weight_sum = sum(w for _, w in queries)
        found = self._retriever.search_many([text for text, _ in queries], kinds=SCENARIO_KINDS, k=60, mode=mode,
                                            vectors=None if vectors is None else vectors[: len(queries)])
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
        latest, earlier = customer_turns(turns)
        if not latest.strip():
            raise InvalidInput("transcript has no text", {"field": "transcript"})
        context = " ".join(earlier)
        # One model call at most: the turns' vectors (earlier turns usually known already) serve the scenario
        # ranking, the recogniser and the passage search.
        dense = (mode or self._retriever.mode) in ("dense", "hybrid")
        agent = agent_before_latest(turns) if self._reads_agent else ""
        turn_vectors = self._vectors.of([latest, *earlier] + ([agent] if agent else [])) if dense else None
        queries = None if turn_vectors is None else query_vectors(turn_vectors[: 1 + len(earlier)])
        agent_vector = turn_vectors[-1] if turn_vectors is not None and agent else None
        recognised = self._recognise(self.rank_scenarios(latest, context, request.channel, mode, queries),
                                     queries, request.channel, agent_vector, [latest, *earlier])
        conversation = Conversation.of(turns)
        ranked = self._in_conversation(recognised.ranked, conversation)
        if not ranked:
            return SuggestResponse(scenario=None, suggestions=[])
        top = ranked[0]
        latest_vector = None if queries is None else queries[0]
        candidates = (self._general_candidates(top.score, request.channel) if recognised.unsure else []) \
            + self._approved_candidates(ranked, conversation, recognised.order) \
            + self._passage_candidates(top.scenario, latest, mode, latest_vector)
        fresh = [c for c in candidates if c.kind == "passage"
                 or not conversation.already_said(c.text, self._policy.said_similarity)]
        shown = self._own_seats(_distinct(fresh)[: request.top_k], request.top_k, recognised, request.channel,
                               conversation)
        return SuggestResponse(
            scenario=ScenarioMatch(id=top.scenario.id, title=top.scenario.title,
                                   confidence=round(min(1.0, top.score), 4)),
            suggestions=shown,
            phase=conversation.phase(top.scenario.id, self._policy), unsure=recognised.unsure,
        )

    def _recognise(self, ranked: list[RankedScenario], queries: Vectors | None, channel: str | None,
                   agent: Vectors | None = None, turns: list[str] | None = None) -> Recognised:
        """Blend retrieval's scores with the recogniser's calibrated probabilities; an uploaded standard's
        situations, which the recogniser was not trained on, take theirs from their own texts (`OwnSituations`;
        switched off, they keep their retrieval score)."""
        if self._recogniser is None or queries is None:
            return Recognised(ranked, False)
        context = queries[1] if len(queries) > 1 else None
        features = self._recogniser.features(queries[0], context, agent)
        own_vectors = self._own.turn_vectors(turns or [])
        own_queries = queries if own_vectors is None else query_vectors(own_vectors)
        reading = self._own.read(self._recogniser.mixed(own_queries[0],
                                                        own_queries[1] if len(own_queries) > 1 else None))
        own = reading.probabilities
        probabilities = {**self._recogniser.probabilities(features), **own}
        weight = self._settings.recogniser_weight
        retrieval = {r.scenario.id: r.score for r in ranked}
        blended = []
        for scenario in self._rulebook.scenarios:
            if channel and channel not in scenario.channels:
                continue
            r = retrieval.get(scenario.id, 0.0)
            p = probabilities.get(scenario.id, r)
            blended.append(RankedScenario(scenario, (1 - weight) * r + weight * p))
        known = [probabilities[b.scenario.id] for b in blended if b.scenario.id in probabilities]
        unsure = bool(known) and max(known) < self._recogniser.unsure_below
        order = reading.order if self._settings.own_phrasings_by_turn else {}
        return Recognised(sorted(blended, key=lambda r: -r.score), unsure, own, order)

    def _own_seats(self, shown: list[Suggestion], top_k: int, recognised: Recognised, channel: str | None,
                   conversation: Conversation) -> list[Suggestion]:
        """A customer's own standard keeps `own_seats` places among the suggestions shown: the zero-shot guess
        at its situations is often right in its top few but behind a shipped scenario the recogniser knows
        (a shipped billing or repair scenario for a gas bill or a late fitter). Its likeliest situations not
        shown yet take the places of the lowest shipped suggestions, each with its first unsaid phrasing."""
        seats, floor = self._settings.own_seats, self._settings.own_seat_floor
        own = recognised.own
        held = sum(1 for s in shown if s.kind == "approved" and s.scenario_id in own)
        if not own or held >= seats:
            return shown
        scores = {r.scenario.id: r.score for r in recognised.ranked}
        on_show = {s.scenario_id for s in shown if s.kind == "approved"}
        texts = {match_key(s.text) for s in shown}
        out = list(shown)
        for sid in sorted((sid for sid, p in own.items() if p >= floor and sid not in on_show),
                          key=lambda sid: -own[sid]):
            if held >= seats:
                break
            scenario = self._rulebook.scenario(sid)
            fresh = [p for p in _ordered(scenario.approved, recognised.order.get(sid))
                     if not conversation.already_said(p.text, self._policy.said_similarity)]
            if not fresh or (channel and channel not in scenario.channels) or match_key(fresh[0].text) in texts:
                continue
            seat = _approved(scenario, fresh[0], scores.get(sid, own[sid]))
            shipped = [i for i, s in enumerate(out) if s.kind != "approved" or s.scenario_id not in own]
            if len(out) < top_k:
                out.append(seat)
            elif shipped:
                out[shipped[-1]] = seat
            else:
                break
            held += 1
        return out

    def _in_conversation(self, ranked: list[RankedScenario], conversation: Conversation) -> list[RankedScenario]:
        """Once the agent has spoken the greeting is behind them: opening scenarios rank lower."""
        if not conversation.agent_spoke:
            return ranked
        factor = self._policy.opening_after_agent
        adjusted = [replace(r, score=r.score * factor) if r.scenario.id in self._policy.opening else r
                    for r in ranked]
        return sorted(adjusted, key=lambda r: -r.score)

    def _within_limits(self, turns: list[Turn]) -> None:
        chars = sum(len(t.text) for t in turns)
        if len(turns) > self._settings.max_turns:
            raise PayloadTooLarge(f"transcript has {len(turns)} turns; the limit is {self._settings.max_turns}",
                                  {"limit": self._settings.max_turns, "field": "transcript"})
        if chars > self._settings.max_transcript_chars:
            raise PayloadTooLarge(
                f"transcript has {chars} characters; the limit is {self._settings.max_transcript_chars}",
                {"limit": self._settings.max_transcript_chars, "field": "transcript"})

    def _approved_candidates(self, ranked: list[RankedScenario], conversation: Conversation,
                             order: dict[str, list[int]]) -> list[Suggestion]:
        """The chosen scenarios' phrasings the agent has not said yet, best first (an uploaded situation's in
        the order they fit the turn, the shipped ones' as the rulebook lists them)."""
        best = ranked[0].score
        chosen = [r for r in ranked[:SCENARIOS_CONSIDERED] if r.score >= RUNNER_UP_SHARE * best]
        out: list[Suggestion] = []
        firsts: set[int] = set()  # each scenario's first phrasing still to be said
        for entry in chosen:
            fresh = [p for p in _ordered(entry.scenario.approved, order.get(entry.scenario.id))
                     if not conversation.already_said(p.text, self._policy.said_similarity)]
            for position, phrasing in enumerate(fresh):
                if position == 0:
                    firsts.add(len(out))
                out.append(_approved(entry.scenario, phrasing,
                                     entry.score * (1 - self._settings.phrasing_decay * position)))
        spread = self._settings.spread_scenarios  # each likely scenario's best phrasing before any second one
        shown = sorted(range(len(out)), key=lambda i: (spread and i not in firsts, -out[i].score))
        return [out[i] for i in shown]

    def _general_candidates(self, score: float, channel: str | None) -> list[Suggestion]:
        """The standard's general wording (apologise, hold, check) for a turn the recogniser cannot place."""
        ids = {s.id for s in self._rulebook.scenarios}
        for sid in self._policy.general:
            scenario = self._rulebook.scenario(sid) if sid in ids else None
            if scenario is None or not scenario.approved or (channel and channel not in scenario.channels):
                continue
            return [_approved(scenario, scenario.approved[0], score)]
        return []

    def _passage_candidates(self, scenario: Scenario, latest: str, mode: str | None,
                            vector: Vectors | None) -> list[Suggestion]:
        # The standard's own words for the situation find its passages better than the customer's words (BM25);
        # the dense side reuses the latest turn's vector rather than embedding again.
        hits = self._retriever.search(f"{scenario.situation} {latest}", kinds=("passage",), k=5, mode=mode,
                                      vector=vector)
        out = []
        for hit in hits:
            meta = hit.document.metadata
            out.append(Suggestion(
                text=hit.document.text, kind="passage", scenario_id=scenario.id,
                score=round(hit.score * self._settings.passage_factor, 4),
                citation=SuggestionCitation.of_passage(hit.document.text, meta),
            ))
        return out


def _ordered(phrasings: list[Phrasing], order: list[int] | None) -> list[Phrasing]:
    return phrasings if order is None else [phrasings[i] for i in order]


def _approved(scenario: Scenario, phrasing: Phrasing, score: float) -> Suggestion:
    assert phrasing.citation is not None  # the loader cites every phrasing
    return Suggestion(text=phrasing.text, kind="approved", scenario_id=scenario.id, score=round(score, 4),
                      authored=phrasing.authored, citation=SuggestionCitation.of(phrasing.citation))


def _distinct(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen: set[str] = set()
    out = []
    for suggestion in suggestions:
        key = match_key(suggestion.text)
        if key not in seen:
            seen.add(key)
            out.append(suggestion)
    return out
