"""The checker model that reads the whole draft: every token gets a probability per label.

A window's probabilities are the mean of its characters' token rows and its vector the mean of their last hidden
states, so a clause is judged with the clauses around it ("我没法保证明天送到" reads differently before "但我会…").
Drafts longer than the model's window are cut at clause boundaries into pieces judged one after the other.
A model may be several members trained alike from different seeds: their token probabilities are averaged (the
members' mistakes differ more than their right answers), and the first member's hidden states are the vectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copilot.check.model import Span, softmax
from copilot.embedding.base import Vectors, normalise_rows
from copilot.embedding.onnx import open_onnx, open_session, token_feeds

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

    def __init__(self, folder: Path, labels: list[str], max_tokens: int, threads: int = 0,
                 members: Sequence[str] = ("model.onnx",)) -> None:
        self.labels = labels
        self._session, self._tokenizer = open_onnx(folder, max_tokens, threads, members[0])
        self._others = [open_session(folder / file, threads) for file in members[1:]]
        # BERT's Chinese vocabulary is a character per token, so two special tokens aside the characters fit
        self._limit = max_tokens - 2

    def _read(self, texts: list[str]) -> list[tuple[Vectors, Vectors, np.ndarray]]:
        """One model call for `texts` (each within the model's window): per text and character, the label
        probabilities, the hidden state, and whether a token covers it."""
        encodings = self._tokenizer.encode_batch(texts)
        feeds = token_feeds(encodings)
        logits, states = self._session.run(["logits", "hidden"], feeds)
        rows = softmax(logits)
        for other in self._others:
            rows += softmax(other.run(["logits"], feeds)[0])
        rows /= 1 + len(self._others)
        out = []
        for i, (text, encoding) in enumerate(zip(texts, encodings, strict=True)):
            probabilities = np.zeros((len(text), rows.shape[-1]), dtype=np.float32)
            hidden = np.zeros((len(text), states.shape[-1]), dtype=np.float32)
            covered = np.zeros(len(text), dtype=bool)
            for t, (start, end) in enumerate(encoding.offsets):
                if encoding.special_tokens_mask[t] or end <= start:
                    continue
                probabilities[start:end] = rows[i, t]
                hidden[start:end] = states[i, t]
                covered[start:end] = True
            out.append((probabilities, hidden, covered))
        return out

    def characters(self, text: str) -> tuple[Vectors, Vectors, np.ndarray]:
        """Per character of `text`: label probabilities, hidden state, and whether a token covers it."""
        spans = pieces(text, self._limit)
        read: list[tuple[Vectors, Vectors, np.ndarray]] = []
        for first in range(0, len(spans), PIECES_PER_CALL):
            read += self._read([text[s:e] for s, e in spans[first : first + PIECES_PER_CALL]])
        # the pieces are consecutive and cover the text, so their rows join in order
        probabilities, hidden, covered = (np.concatenate(part) for part in zip(*read, strict=True))
        return probabilities, hidden, covered

    def _mean(self, read: tuple[Vectors, Vectors, np.ndarray], start: int, end: int) -> tuple[Vectors, Vectors]:
        """A span's probabilities and vector: the mean over the characters a token covers, so a token counts as
        many times as it has characters."""
        probabilities, hidden, covered = read
        inside = covered[start:end]
        if not inside.any():  # nothing the tokenizer reads (spaces): nothing to find
            compliant = np.zeros(len(self.labels), dtype=np.float32)
            compliant[self.labels.index("compliant")] = 1.0
            return compliant, np.zeros(hidden.shape[1], dtype=np.float32)
        return probabilities[start:end][inside].mean(axis=0), hidden[start:end][inside].mean(axis=0)

    def judge(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        read = self.characters(text)
        means = [self._mean(read, start, end) for start, end in spans]
        return np.vstack([m[0] for m in means]), normalise_rows(np.vstack([m[1] for m in means]))

    def predict(self, texts: Sequence[str]) -> tuple[Vectors, Vectors]:
        """Each text as one span, in batches (the rulebook's phrasings at start-up): the same means as `judge`."""
        if not texts:
            width = len(self.labels)
            return np.zeros((0, width), dtype=np.float32), np.zeros((0, width), dtype=np.float32)
        means: list[tuple[Vectors, Vectors]] = []
        for first in range(0, len(texts), PIECES_PER_CALL):
            batch = list(texts[first : first + PIECES_PER_CALL])
            if all(len(text) <= self._limit for text in batch):
                read = self._read(batch)
            else:  # a long text is cut into pieces
                read = [self.characters(text) for text in batch]
            means += [self._mean(r, 0, len(text)) for r, text in zip(read, batch, strict=True)]
        return (np.vstack([m[0] for m in means]).astype(np.float32),
                normalise_rows(np.vstack([m[1] for m in means])))
