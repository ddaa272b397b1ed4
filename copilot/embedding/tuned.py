"""An encoder fine-tuned here for one comparison (a customer's turn against a standard's situations), exported to
ONNX with its pooling inside: one output, `pooled`, the masked mean of the last hidden state at unit length."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copilot.embedding.base import Embedder, Vectors, normalise_rows
from copilot.embedding.onnx import open_onnx, token_feeds

ONNX = "model.onnx"


class TunedEncoder(Embedder):
    """Texts → the fine-tuned encoder's vectors (no query/passage distinction: both sides were trained alike)."""

    def __init__(self, folder: Path, max_tokens: int, threads: int = 0) -> None:
        self.name = f"tuned-{folder.name}"
        self._session, self._tokenizer = open_onnx(folder, max_tokens, threads, ONNX)
        self.dimension = int(self.embed_batch(["维度"], is_query=True).shape[1])

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        """One model call per text: int8 with dynamic quantisation scales activations over the whole batch, so a
        text's vector would depend on what else (and how much padding) shares its call (a turn alone and beside
        a long one: cosine 0.996). Alone, a text always gets the same vector, and vectors can be kept."""
        rows = [self._session.run(["pooled"], token_feeds(self._tokenizer.encode_batch([text])))[0]
                for text in texts]
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalise_rows(np.asarray(np.vstack(rows), dtype=np.float32))
