"""The checker model that reads the whole draft: every token gets a probability per label.

A window's probabilities are the mean of its characters' token rows and its vector the mean of their last hidden
states, so a clause is judged with the clauses around it ("我没法保证明天送到" reads differently before "但我会…").
Drafts longer than the model's window are cut at clause boundaries into pieces judged one after the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copilot.check.model import Span, open_onnx, softmax
from copilot.embedding.base import Vectors, normalise_rows
from copilot.embedding.onnx import token_feeds

BOUNDARY = re.compile(r"[，。！？；,.!?;…\n]")
PIECES_PER_CALL = 16


def pieces(text: str, limit: int) -> list[Span]:
    """`text` cut into consecutive spans of at most `limit` characters, at clause ends where there are any."""
    out: list[Span] = []
    start = 0
    while len(text) - start > limit:
        cuts = [m.end() for m in BOUNDARY.finditer(text, start, start + limit)]
        end = cuts[-1] if cuts else start + limit
        out.append((start, end))
        start = end
    if start < len(text) or not out:
        out.append((start, len(text)))
    return out


class TokenModel:
    in_context = True

    def __init__(self, folder: Path, labels: list[str], max_tokens: int, threads: int = 0) -> None:
        self.labels = labels
        self._session, self._tokenizer = open_onnx(folder, max_tokens, threads)
        # BERT's Chinese vocabulary is a character per token, so two special tokens aside the characters fit
        self._limit = max_tokens - 2

    def characters(self, text: str) -> tuple[Vectors, Vectors, np.ndarray]:
        """Per character of `text`: label probabilities, hidden state, and whether a token covers it."""
        spans = pieces(text, self._limit)
        probabilities = np.zeros((len(text), len(self.labels)), dtype=np.float32)
        hidden: Vectors | None = None
        covered = np.zeros(len(text), dtype=bool)
        for first in range(0, len(spans), PIECES_PER_CALL):
            batch = spans[first : first + PIECES_PER_CALL]
            encodings = self._tokenizer.encode_batch([text[s:e] for s, e in batch])
            logits, states = self._session.run(["logits", "hidden"], token_feeds(encodings))
            rows = softmax(logits)
            if hidden is None:
                hidden = np.zeros((len(text), states.shape[-1]), dtype=np.float32)
            for i, ((offset, _), encoding) in enumerate(zip(batch, encodings, strict=True)):
                for t, (start, end) in enumerate(encoding.offsets):
                    if encoding.special_tokens_mask[t] or end <= start:
                        continue
                    probabilities[offset + start : offset + end] = rows[i, t]
                    hidden[offset + start : offset + end] = states[i, t]
                    covered[offset + start : offset + end] = True
        return probabilities, hidden if hidden is not None else probabilities, covered

    def judge(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        probabilities, hidden, covered = self.characters(text)
        compliant = np.zeros(len(self.labels), dtype=np.float32)
        compliant[self.labels.index("compliant")] = 1.0
        rows, vectors = [], []
        for start, end in spans:
            inside = covered[start:end]
            if not inside.any():  # nothing the tokenizer reads (spaces): nothing to find
                rows.append(compliant)
                vectors.append(np.zeros(hidden.shape[1], dtype=np.float32))
                continue
            rows.append(probabilities[start:end][inside].mean(axis=0))
            vectors.append(hidden[start:end][inside].mean(axis=0))
        return np.vstack(rows), normalise_rows(np.vstack(vectors))

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        """Each text as one span, in batches (the rulebook's phrasings at start-up): the same means as `judge`,
        each token weighted by the characters it covers."""
        rows: list[np.ndarray] = []
        vectors: list[np.ndarray] = []
        for first in range(0, len(texts), PIECES_PER_CALL):
            batch = list(texts[first : first + PIECES_PER_CALL])
            if any(len(text) > self._limit for text in batch):  # a long text is cut into pieces
                for text in batch:
                    p, v = self.judge(text, [(0, len(text))])
                    rows.append(p[0])
                    vectors.append(v[0])
                continue
            encodings = self._tokenizer.encode_batch(batch)
            logits, states = self._session.run(["logits", "hidden"], token_feeds(encodings))
            probabilities = softmax(logits)
            for i, encoding in enumerate(encodings):
                weights = np.array([0 if special else max(end - start, 0) for special, (start, end)
                                    in zip(encoding.special_tokens_mask, encoding.offsets, strict=True)],
                                   dtype=np.float32)
                if not weights.any():
                    p, v = self.judge(batch[i], [(0, len(batch[i]))])
                    rows.append(p[0])
                    vectors.append(v[0])
                    continue
                weights /= weights.sum()
                rows.append(weights @ probabilities[i])
                vectors.append(weights @ states[i])
        if not rows:
            width = len(self.labels)
            return np.zeros((0, width), dtype=np.float32), np.zeros((0, width), dtype=np.float32)
        return np.vstack(rows).astype(np.float32), normalise_rows(np.vstack(vectors))
