"""Forbidden language in other words: the trained compliance model judges each clause and clause pair.

The model gives every window a probability per category (or compliant); the rule reported is the rulebook's
forbidden phrasing of that category nearest to the window in the model's own vector space, so a finding still
cites the standard and carries its alternative. Who wrote the draft sets the bar: an agent's draft is blocked
only on a confident finding, model-written text on any finding (see CheckSettings).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from copilot.check.draft import Draft
from copilot.check.model import COMPLIANT, ComplianceModel
from copilot.check.models import Violation
from copilot.check.rules import Rule, RuleSet
from copilot.embedding.base import Vectors
from copilot.settings import CheckSettings
from copilot.text.clauses import MIN_WINDOW, Window, windows
from copilot.text.normalize import collapsed_key, to_simplified

WARN_PREFIX = "可能不当："  # a warning's reason starts so: the model suspects, it does not know


@dataclass(frozen=True)
class Scored:
    window: Window
    label: str  # the most likely forbidden category
    confidence: float  # 1 - P(compliant)
    rule: Rule
    row: np.ndarray  # the model's probability per label, compliant included


class SemanticDetector:
    def __init__(self, rules: RuleSet, model: ComplianceModel, settings: CheckSettings) -> None:
        self._settings = settings
        self._model = model
        self._compliant = model.labels.index(COMPLIANT)
        self._rules = [r for r in rules.forbidden if len(collapsed_key(r.text)) >= MIN_WINDOW]
        self._rule_vectors = self._predict([r.text for r in self._rules])[1] if self._rules else None
        self._by_category: dict[str, list[int]] = {}
        for i, rule in enumerate(self._rules):
            self._by_category.setdefault(rule.category, []).append(i)
        # the rules of the customer's own standards
        self._own = [i for i, rule in enumerate(self._rules) if rule.citation.document in rules.own]
        self._ruleset = rules
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        # the standard's own wording is never a paraphrase of forbidden language
        self._compliant_keys = "\x00".join(collapsed_key(t) for t in rules.allowed + rules.compliant)

    def clear_cache(self) -> None:
        """Forget cached window predictions (benchmarks measure the uncached path)."""
        self._cache.clear()

    def _predict(self, texts: list[str]) -> tuple[Vectors, Vectors]:
        return self._model.predict([to_simplified(t) for t in texts])

    def _judged(self, text: str, found: list[Window]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities and vectors per window, cached (a draft is re-checked after every pause in typing): by
        window text for a model that judges windows alone, by the whole draft for one that reads it all."""
        if self._model.in_context:
            key = "\x00" + text  # never a window's text
            if key not in self._cache:
                judged = self._model.judge(to_simplified(text), [(w.start, w.end) for w in found])
                self._remember({key: judged})
            self._cache.move_to_end(key)
            return self._cache[key]
        texts = [w.text for w in found]
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            probabilities, vectors = self._predict(missing)
            self._remember({t: (probabilities[i], vectors[i]) for i, t in enumerate(missing)})
        for t in texts:
            self._cache.move_to_end(t)
        return np.vstack([self._cache[t][0] for t in texts]), np.vstack([self._cache[t][1] for t in texts])

    def _remember(self, entries: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        self._cache.update(entries)
        while len(self._cache) > self._settings.clause_cache_size:
            self._cache.popitem(last=False)

    def score(self, draft: Draft) -> list[Scored]:
        """Every window the model calls forbidden, with its confidence and nearest rule of that category."""
        found = [w for w in windows(draft.text) if collapsed_key(w.text) not in self._compliant_keys]
        if not found or self._rule_vectors is None:
            return []
        probabilities, vectors = self._judged(draft.text, found)
        similarity = vectors @ self._rule_vectors.T
        out = []
        for i, window in enumerate(found):
            row = probabilities[i].copy()
            row[self._compliant] = -1.0
            label = self._model.labels[int(row.argmax())]
            confidence = 1.0 - float(probabilities[i][self._compliant])
            out.append(Scored(window, label, confidence, self._nearest_rule(similarity[i], label), probabilities[i]))
        return out

    def _nearest_rule(self, similarity: np.ndarray, label: str) -> Rule:
        candidates = self._by_category.get(label)
        best = max(candidates or range(len(self._rules)), key=lambda j: similarity[j])
        # the customer's own standard is cited where one of its rules is about as near, whatever category the
        # extractor proposed for it (a proposed category is the model's guess on a phrase out of context)
        if self._own:
            nearest_own = max(self._own, key=lambda j: similarity[j])
            if similarity[nearest_own] >= similarity[best] - self._settings.own_rule_margin:
                best = nearest_own
        rule = self._rules[best]
        if rule.category == label:
            return rule
        # a rule of another category (none of the model's in the rulebook, or the customer's own cited): its
        # citation and alternative, the model's category
        return Rule(rule.id, rule.text, label, rule.severity, rule.alternative, rule.citation, rule.scenario_id,
                    self._ruleset.reason(label))

    def detect(self, draft: Draft) -> list[Violation]:
        settings = self._settings
        floor = settings.model_reject_threshold if draft.author == "model" else settings.warn_threshold
        flagged = [s for s in self.score(draft) if s.confidence >= floor and self._applies(s, draft)]
        # clauses first (the narrowest span that carries the offence), then pairs whose clauses were not flagged
        flagged.sort(key=lambda s: (bool(s.window.parts), -s.confidence))
        kept: list[Scored] = []
        for candidate in flagged:
            if all(candidate.window.end <= k.window.start or k.window.end <= candidate.window.start for k in kept):
                kept.append(candidate)
        return [self._violation(draft, s) for s in kept]

    def _applies(self, scored: Scored, draft: Draft) -> bool:
        if scored.label in self._settings.warn_only_categories and not self._settings.model_wording:
            return False  # wording is the style detector's word lists' to find (see CheckSettings.model_wording)
        return scored.label != "vague" or draft.channel == "outbound"  # vague wording is a fault in return visits

    def _violation(self, draft: Draft, scored: Scored) -> Violation:
        """Model-written text: every finding blocks. An agent's draft: confident findings of a blocking category
        block, the rest are warnings, which never stop a reply."""
        violation = draft.violation(scored.window.start, scored.window.end, scored.rule, "semantic")
        violation.confidence = round(scored.confidence, 4)
        # only for what is reported: most windows of a draft are judged and dropped
        violation.probabilities = {name: float(p) for name, p in zip(self._model.labels, scored.row, strict=True)
                                   if name != COMPLIANT}
        if draft.author == "model":
            return violation.model_copy(update={"severity": "block"})
        blocks = (scored.confidence >= self._settings.agent_block_threshold
                  and scored.label not in self._settings.warn_only_categories)
        if blocks:
            return violation.model_copy(update={"severity": "block"})
        return violation.model_copy(update={"severity": "warn", "reason": f"{WARN_PREFIX}{violation.reason}"})

