"""Which scenarios a customer's turn belongs to: a multi-label head on the retrieval embedder's vectors.

Trained by `copilot train scenarios` on the written customer turns under `knowledge/training/scenarios/`; one
logistic unit per scenario (a turn can be a complaint and a repeat contact at once) with a shared Platt scale
fitted on out-of-fold scores (cross-fitting), so a probability of 0.8 is right about four times in five. It reads
the vectors the retriever computes anyway (see `Reads`): recognising costs a matrix product, not a model call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from copilot.embedding.base import Vectors
from copilot.embedding.heads import CARD, head_card

WEIGHTS = "head.npz"
# What the units read: "mixed" — the latest customer turn's vector plus the earlier ones' at `context_weight`, one
# unit vector; "turns" — the latest customer turn, the earlier ones and the agent's last words before it side by
# side (zeros where there are none), so a unit learns how much each part says (a reply to 请稍候 that only says
# "二十分钟了" is a long wait).
Reads = Literal["mixed", "turns"]


def query_vectors(turn_vectors: Vectors) -> Vectors:
    """(latest, context) from the vectors of the latest customer turn and the earlier ones (most recent last):
    the earlier turns' vectors summed and scaled to unit length. Serving and training both read turns so, which
    lets a live session reuse the vector of every turn it has already seen."""
    if len(turn_vectors) == 1:
        return turn_vectors
    context = turn_vectors[1:].sum(axis=0)
    context = context / max(float(np.linalg.norm(context)), 1e-12)
    return np.vstack([turn_vectors[0], context])


@dataclass(frozen=True)
class ScenarioRecogniser:
    labels: tuple[str, ...]
    weights: np.ndarray  # (scenarios, dimensions)
    bias: np.ndarray  # (scenarios,)
    scale: float  # Platt: p = sigmoid(scale * logit + offset)
    offset: float
    context_weight: float  # earlier customer turns count this much beside the latest one
    unsure_below: float  # a top probability under this is a guess: offer the general wording first
    reads: Reads = "mixed"

    def mixed(self, latest: Vectors, context: Vectors | None) -> Vectors:
        """The latest customer turn's vector plus the earlier turns' at `context_weight`, unit length."""
        mixed = latest if context is None else latest + self.context_weight * context
        return np.asarray(mixed / max(float(np.linalg.norm(mixed)), 1e-12), dtype=np.float32)

    def features(self, latest: Vectors, context: Vectors | None, agent: Vectors | None = None) -> Vectors:
        """What the units read (see `Reads`); `agent`: the vector of the agent's last turn before the latest."""
        if self.reads == "mixed":
            return self.mixed(latest, context)
        nothing = np.zeros_like(latest)
        parts = [latest, nothing if context is None else context, nothing if agent is None else agent]
        return np.asarray(np.concatenate(parts), dtype=np.float32)

    def logits(self, features: Vectors) -> np.ndarray:
        return np.asarray(features @ self.weights.T + self.bias, dtype=np.float64)

    def probabilities(self, features: Vectors) -> dict[str, float]:
        """Calibrated probability per scenario (independent: they need not sum to 1)."""
        calibrated = 1.0 / (1.0 + np.exp(-(self.scale * self.logits(features) + self.offset)))
        return {label: float(p) for label, p in zip(self.labels, calibrated, strict=True)}


def save_recogniser(recogniser: ScenarioRecogniser, folder: Path, card: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / WEIGHTS, weights=recogniser.weights, bias=recogniser.bias)
    card = {**card, "labels": list(recogniser.labels), "scale": recogniser.scale, "offset": recogniser.offset,
            "context_weight": recogniser.context_weight, "unsure_below": recogniser.unsure_below,
            "reads": recogniser.reads}
    (folder / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")


def load_recogniser(folder: Path, embedder_name: str) -> ScenarioRecogniser | None:
    """The recogniser in `folder` if it was trained on this embedder's vectors; None otherwise (suggestions then
    rank scenarios by retrieval alone, as they would with no recogniser)."""
    card = head_card(folder, embedder_name, "scenario recogniser", "retrieval alone ranks scenarios")
    if card is None:
        return None
    with np.load(folder / WEIGHTS) as arrays:
        weights, bias = arrays["weights"].astype(np.float32), arrays["bias"].astype(np.float32)
    return ScenarioRecogniser(tuple(card["labels"]), weights, bias, float(card["scale"]), float(card["offset"]),
                              float(card["context_weight"]), float(card["unsure_below"]), card.get("reads", "mixed"))
