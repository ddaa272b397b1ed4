"""The situations of a customer's own uploaded standard, which the scenario recogniser was never trained on.

Their only customer-side text is what the extractor read (the situation in the standard's words, the × phrasings
that answer the customer) and their √ phrasings, whose words name the topic (行李、赔款、抄表…). A turn's nearest
such text, by cosine on the vectors the recogniser reads, becomes a probability `sigmoid(scale · (cos − midpoint))`
that stands in for the recogniser's: an uploaded situation then competes with the shipped scenarios on the same
footing instead of on retrieval's rank score alone, and counts towards "unsure". On the shipped scenarios, which
are conversational acts (致歉, 稍等, 投诉态度…) rather than topics, such zero-shot nearness says nothing (their
right scenario is no nearer than the others), so the two numbers are settings chosen on held-out trials of
uploaded standards, not fitted on the corpus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from copilot.embedding.base import Vectors
from copilot.rulebook.models import Rulebook, Scenario
from copilot.settings import SuggestSettings
from copilot.suggest.matcher import SituationMatcher
from copilot.suggest.vectors import TurnVectors
from copilot.text.normalize import to_simplified


def own_situations(rulebook: Rulebook, settings: SuggestSettings, recognised: bool) -> list[Scenario]:
    """The uploaded situations read on their own texts: only beside a recogniser (`recognised`), whose
    probabilities theirs stand in for, and with `own_situations` on. The situation matcher is loaded only when
    there are some."""
    if not (recognised and settings.own_situations):
        return []
    uploaded = set(rulebook.uploaded)
    return [s for s in rulebook.scenarios if s.source in uploaded]


@dataclass(frozen=True)
class OwnReading:
    """A turn read against the uploaded situations: each one's probability, and the order in which its √
    phrasings fit the turn (nearest first)."""

    probabilities: dict[str, float] = field(default_factory=dict)
    order: dict[str, list[int]] = field(default_factory=dict)


class OwnSituations:
    """Each uploaded situation's texts embedded once, when the service is built (again after each approval): by
    the situation matcher when there is one, else by the embedder."""

    def __init__(self, scenarios: list[Scenario], embed_many: Callable[[list[str]], Vectors],
                 settings: SuggestSettings, matcher: SituationMatcher | None = None) -> None:
        self._scale = settings.own_situation_scale if matcher is None else matcher.scale
        self._midpoint = settings.own_situation_midpoint if matcher is None else matcher.midpoint
        texts = [[*s.examples, *(p.text for p in s.approved)] for s in scenarios]
        self._ids = [s.id for s in scenarios]
        self._starts = np.cumsum([0, *(len(t) for t in texts[:-1])])  # each situation's texts sit together
        # where each situation's √ phrasings sit among them: a standard often gives one situation several, each
        # for a case of its own (a transfer delayed, or interest charged because of it)
        self._approved = [(int(self._starts[i]) + len(s.examples), len(s.approved)) for i, s in enumerate(scenarios)]
        flat = [t for group in texts for t in group]
        embed = embed_many if matcher is None else matcher.encoder.embed_documents
        self._vectors = embed(flat) if flat else None
        # a conversation's earlier turns come back with every suggestion; the matcher's vector of a text is the
        # same whatever it is encoded beside (`TunedEncoder`), so it is kept
        self._turns = TurnVectors(matcher.encoder.embed_queries, settings.turn_vectors_kept) if matcher else None

    def turn_vectors(self, turns: list[str]) -> Vectors | None:
        """The matcher's vectors of the latest customer turn and the earlier ones (None without a matcher: the
        embedder's, which the caller has, serve)."""
        if self._turns is None or self._vectors is None:
            return None
        return self._turns.of([to_simplified(t) for t in turns])

    def read(self, features: Vectors) -> OwnReading:
        """`features`: the customer's turn with the earlier ones mixed in, unit length (`ScenarioRecogniser.mixed`),
        on the vectors the situations were embedded with."""
        if self._vectors is None:
            return OwnReading()
        cosines = self._vectors @ features
        nearest = np.maximum.reduceat(cosines, self._starts)
        calibrated = 1.0 / (1.0 + np.exp(-self._scale * (nearest - self._midpoint)))
        order = {sid: [int(i) for i in np.argsort(-cosines[start:start + n], kind="stable")]
                 for sid, (start, n) in zip(self._ids, self._approved, strict=True)}
        return OwnReading({sid: float(p) for sid, p in zip(self._ids, calibrated, strict=True)}, order)
