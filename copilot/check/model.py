"""The trained compliance model: for each window of a draft, a probability per label and a vector.

Three kinds of artifact, all written by `copilot train checker` into a folder with `model.json`:
- `token`: the encoder fine-tuned to label every token of a whole draft, as ONNX (`model.onnx`,
  `tokenizer.json`); a window's probabilities and vector are its tokens' means, so each clause is judged in the
  context of the draft it is in.
- `finetune`: the encoder fine-tuned for window classification, as ONNX; each window is judged alone, and one
  call gives the logits and the pooled vector.
- `head`: a multinomial logistic regression (`head.npz`) on the vectors of the product's embedder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from copilot.embedding.base import Embedder, Vectors, normalise_rows
from copilot.embedding.onnx import open_onnx, token_feeds
from copilot.errors import BackendUnavailable

MODEL_CARD = "model.json"
COMPLIANT = "compliant"  # the label of a window with nothing forbidden in it
BATCH = 16  # windows per model call


Span = tuple[int, int]  # code-point offsets [start, end) in a text


class ComplianceModel(Protocol):
    labels: list[str]
    in_context: bool  # whether a window's verdict depends on the text around it

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        """Each text judged as a whole: (probabilities: one row per text, one column per label; L2-normalised
        vectors)."""
        ...

    def judge(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        """Each span of `text` judged, as `predict` gives them: one row per span."""
        ...


def softmax(logits: np.ndarray) -> Vectors:
    """Over the last axis (labels), for rows of windows or of tokens alike."""
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    out: Vectors = (shifted / shifted.sum(axis=-1, keepdims=True)).astype(np.float32)
    return out


class _WindowsAlone:
    """A model that judges a window by its own text only."""

    in_context = False

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        raise NotImplementedError

    def judge(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        return self.predict([text[start:end] for start, end in spans])


class FinetunedModel(_WindowsAlone):
    def __init__(self, folder: Path, labels: list[str], max_tokens: int, threads: int = 0) -> None:
        self.labels = labels
        self._session, self._tokenizer = open_onnx(folder, max_tokens, threads)

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        """Windows in batches of similar length: a draft's clause pairs are twice as long as its clauses, and one
        batch padded to the longest costs about a quarter more."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        logits = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        pooled: Vectors | None = None
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            part_logits, part_pooled = self._run([texts[i] for i in rows])
            if pooled is None:
                pooled = np.zeros((len(texts), part_pooled.shape[1]), dtype=np.float32)
            logits[rows], pooled[rows] = part_logits, part_pooled
        if pooled is None:
            return logits, logits
        return softmax(logits), normalise_rows(pooled)

    def _run(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        feeds = token_feeds(self._tokenizer.encode_batch(texts))
        logits, pooled = self._session.run(["logits", "pooled"], feeds)
        return logits, pooled


class HeadModel(_WindowsAlone):
    def __init__(self, folder: Path, labels: list[str], embedder: Embedder) -> None:
        self.labels = labels
        weights = np.load(folder / "head.npz")
        self._weights, self._bias = weights["weights"], weights["bias"]
        self._embedder = embedder

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        vectors = self._embedder.embed_queries(list(texts))
        return softmax(vectors @ self._weights.T + self._bias), vectors


def load_model(folder: Path, embedder: Embedder | None = None) -> ComplianceModel:
    """The model in `folder`, as its card says; a head model needs the embedder it was trained on."""
    card_path = folder / MODEL_CARD
    if not card_path.is_file():
        raise BackendUnavailable(f"no checker model in {folder}: run `copilot train checker`")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    if card["method"] == "finetune":
        return FinetunedModel(folder, card["labels"], card["max_tokens"])
    if card["method"] == "token":
        from copilot.check.token_model import TokenModel

        return TokenModel(folder, card["labels"], card["max_tokens"], members=card.get("members", ["model.onnx"]))
    if embedder is None or embedder.name != card["embedder"]:
        raise BackendUnavailable(f"checker head in {folder} needs the embedder {card['embedder']!r}")
    return HeadModel(folder, card["labels"], embedder)
