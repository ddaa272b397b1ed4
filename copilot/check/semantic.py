"""Paraphrases of forbidden language, judged clause by clause against the rulebook's own exemplars.

A logistic-regression probe is fitted at start-up on the embeddings of the rulebook's forbidden (×) and
approved (√) phrasings and their clauses; a draft clause is flagged when the probe says forbidden with at
least `semantic_threshold` probability. The rule reported is the nearest forbidden exemplar.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from copilot.check.draft import Draft
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet
from copilot.embedding.base import Embedder, Vectors
from copilot.rulebook.models import Category
from copilot.settings import CheckSettings
from copilot.text.normalize import collapsed_key, to_simplified

CLAUSE = re.compile(r"[^，。！？；,.!?;…\n]+")
MIN_WINDOW = 3  # normalised characters; shorter clauses carry too little meaning to judge


@dataclass(frozen=True)
class Window:
    start: int
    end: int
    text: str
    parts: tuple[int, ...] = ()  # for a pair: the indices of its two clauses among the windows


@dataclass(frozen=True)
class Scored:
    window: Window
    probability: float  # of being forbidden, from the probe
    forbidden: float  # cosine to the nearest forbidden exemplar
    approved: float  # cosine to the nearest approved phrasing
    rule: Rule


def windows(text: str) -> list[Window]:
    """Each clause, then each pair of neighbouring clauses (forbidden phrasings often span two)."""
    clauses = []
    for match in CLAUSE.finditer(text):
        piece = match.group().strip()
        if len(collapsed_key(piece)) >= MIN_WINDOW:
            offset = text.index(piece, match.start())
            clauses.append(Window(offset, offset + len(piece), piece))
    pairs = [
        Window(a.start, b.end, text[a.start : b.end], (i, i + 1))
        for i, (a, b) in enumerate(itertools.pairwise(clauses))
    ]
    return clauses + pairs


def exemplar_pieces(text: str) -> set[str]:
    """A phrasing and its clauses: drafts often carry only part of a scripted sentence."""
    return {text} | {c.strip() for c in CLAUSE.findall(text) if len(collapsed_key(c)) >= MIN_WINDOW}


class SemanticDetector:
    def __init__(self, rules: RuleSet, embedder: Embedder, settings: CheckSettings) -> None:
        from sklearn.linear_model import LogisticRegression

        self._settings = settings
        self._embedder = embedder
        self._rules = [r for r in rules.forbidden if r.severity == "block" and r.category != Category.VAGUE
                       and len(collapsed_key(r.text)) >= MIN_WINDOW]
        self._forbidden = self._embed([r.text for r in self._rules])
        self._approved = self._embed(rules.compliant)
        positives = sorted({p for r in self._rules for p in exemplar_pieces(r.text)})
        negatives = sorted({p for text in rules.compliant for p in exemplar_pieces(text)})
        features = np.vstack([self._embed(positives), self._embed(negatives)])
        labels = np.array([1] * len(positives) + [0] * len(negatives))
        probe = LogisticRegression(
            C=settings.semantic_regularisation, class_weight="balanced", max_iter=2000
        ).fit(features, labels)
        # the fitted linear function, applied with numpy: sklearn's per-call checks cost more than the maths
        self._weights = probe.coef_[0].astype(np.float32)
        self._bias = float(probe.intercept_[0])
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # the standard's own wording is never a paraphrase of forbidden language
        self._compliant_keys = "\x00".join(collapsed_key(t) for t in rules.allowed + rules.compliant)

    def clear_cache(self) -> None:
        """Forget cached clause embeddings (benchmarks measure the uncached path)."""
        self._cache.clear()

    def _embed(self, texts: list[str]) -> Vectors:
        return self._embedder.embed_queries([to_simplified(t) for t in texts])

    def _vectors(self, texts: list[str]) -> Vectors:
        """Clause embeddings, cached: an agent's draft is re-checked after every pause in typing."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._cache[text] = vector
        for text in texts:
            self._cache.move_to_end(text)
        while len(self._cache) > self._settings.clause_cache_size:
            self._cache.popitem(last=False)
        return np.vstack([self._cache[t] for t in texts])

    def _window_vectors(self, found: list[Window]) -> Vectors:
        """Clauses are embedded; a pair is the normalised mean of its clauses (the model mean-pools
        tokens too), which halves the model calls per draft. `windows()` puts the clauses first."""
        clauses = [w.text for w in found if not w.parts]
        vectors = self._vectors(clauses)
        pairs = [vectors[a] + vectors[b] for a, b in (w.parts for w in found if w.parts)]
        if not pairs:
            return vectors
        pair_vectors = np.vstack(pairs)
        pair_vectors /= np.maximum(np.linalg.norm(pair_vectors, axis=1, keepdims=True), 1e-12)
        stacked: Vectors = np.vstack([vectors, pair_vectors])
        return stacked

    def score(self, draft: Draft) -> list[Scored]:
        found = windows(draft.text)
        if not found or not self._rules:
            return []
        vectors = self._window_vectors(found)
        probability = 1.0 / (1.0 + np.exp(-(vectors @ self._weights + self._bias)))
        to_forbidden = vectors @ self._forbidden.T
        to_approved = vectors @ self._approved.T
        nearest = to_forbidden.argmax(axis=1)
        return [
            Scored(w, float(probability[i]), float(to_forbidden[i, nearest[i]]), float(to_approved[i].max()),
                   self._rules[int(nearest[i])])
            for i, w in enumerate(found)
            if collapsed_key(w.text) not in self._compliant_keys
        ]

    def detect(self, draft: Draft) -> list[Violation]:
        threshold, margin = self._settings.semantic_threshold, self._settings.semantic_margin
        flagged = [s for s in self.score(draft) if s.probability >= threshold
                   and (margin is None or s.forbidden - s.approved >= margin)]
        flagged.sort(key=lambda s: -s.probability)
        kept: list[Scored] = []
        for candidate in flagged:  # the most confident window wins where windows overlap
            if all(candidate.window.end <= k.window.start or k.window.end <= candidate.window.start for k in kept):
                kept.append(candidate)
        block = self._settings.semantic_block_threshold
        return [self._violation(draft, s, block) for s in kept]

    @staticmethod
    def _violation(draft: Draft, scored: Scored, block: float) -> Violation:
        """Confident findings block; the rest are reported as warnings, which never stop a reply."""
        violation = draft.violation(scored.window.start, scored.window.end, scored.rule, "semantic")
        if scored.probability >= block:
            return violation
        return violation.model_copy(update={"severity": "warn", "reason": f"可能不当：{violation.reason}"})
