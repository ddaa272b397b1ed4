"""The situation matcher (`copilot train situations`): an encoder fine-tuned to put a customer's turn near the
situation of a service standard it is in, and the calibration of its nearest cosine, fitted on industries it never
saw. It reads the situations of a customer's own uploaded standard in place of the embedder's vectors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from copilot.embedding.base import Embedder
from copilot.embedding.heads import head_card


@dataclass(frozen=True)
class SituationMatcher:
    encoder: Embedder
    scale: float
    midpoint: float


def load_matcher(folder: Path, embedder_name: str) -> SituationMatcher | None:
    """The matcher in `folder` if it derives from the configured embedder (its weights carry that model's
    licence); None otherwise."""
    card = head_card(folder, embedder_name, "situation matcher",
                     "uploaded situations are read on the embedder's own vectors")
    if card is None:
        return None
    from copilot.embedding.tuned import TunedEncoder  # onnxruntime, only with an uploaded standard

    return SituationMatcher(TunedEncoder(folder, int(card["max_tokens"])), float(card["scale"]),
                            float(card["midpoint"]))
