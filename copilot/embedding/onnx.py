"""The same model as the sentence-transformers backend (mean pooling, L2-normalised), run by ONNX Runtime.

Why: for the short texts the checker and suggester embed (a clause, a customer turn) torch's per-call overhead
dominates; ONNX Runtime embeds one clause in about a third of the time (measured in docs/benchmarks/).
The model is exported from its local directory once, with torch, and kept in `cache_dir`; later starts load
only ONNX Runtime and the tokenizer, not torch.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder, Vectors, normalise_rows
from copilot.embedding.sentence_transformers import packaged_m3e_small
from copilot.errors import BackendUnavailable

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MAX_TOKENS = 512


def token_feeds(encodings: Sequence[Any]) -> dict[str, np.ndarray]:
    """A BERT's three int64 inputs from a padded batch of `tokenizers` encodings."""
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


def open_onnx(folder: Path, max_tokens: int, threads: int = 0, file: str = "model.onnx") -> tuple[Any, Any]:
    """The model's ONNX Runtime session and its tokenizer (truncating at `max_tokens`, padding batches)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    return open_session(folder / file, threads), tokenizer


def open_session(path: Path, threads: int = 0) -> Any:
    """An ONNX Runtime session on the CPU."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    # idle workers sleep instead of spinning: with two members (and the embedder) in one process, spinning workers
    # took the cores from the session that had work (a 100-character draft: 53 ms spinning, 18 ms not)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def exported_path(model_dir: Path, cache_dir: Path) -> Path:
    """Named by the model's configuration and weights, so a changed model is exported again."""
    digest = hashlib.sha256((model_dir / "config.json").read_bytes())
    for weights in sorted(model_dir.glob("*.bin")) + sorted(model_dir.glob("*.safetensors")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return cache_dir / f"{model_dir.name}-{digest.hexdigest()[:12]}.onnx"


def export(model_dir: Path, target: Path) -> None:
    """Trace the transformer to ONNX (token embeddings out; pooling stays in numpy). Needs torch and onnx."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    # a padded row in the sample, so the traced graph keeps the attention mask (an all-ones mask may be skipped)
    sample = torch.ones((2, 8), dtype=torch.long)
    mask = sample.clone()
    mask[1, 4:] = 0
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")  # replicas may export at once; rename is atomic
    # The TorchScript exporter is deprecated but still shipped, needs no onnxscript, and handles dynamic
    # batch and length axes of this BERT in about a second; the export runs once per model.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation and tracer notes; the tests compare the vectors instead
        torch.onnx.export(Hidden(), (sample, mask, torch.zeros_like(sample)), str(partial), input_names=list(INPUTS),
                          output_names=["hidden"], dynamic_axes=axes, opset_version=17, dynamo=False)
    partial.replace(target)


class OnnxEmbedder(Embedder):
    def __init__(self, model: str | None, cache_dir: Path, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_dir = Path(model) if model else packaged_m3e_small()
        if not (model_dir / "tokenizer.json").is_file():
            raise BackendUnavailable(f"onnx embedding needs a local model directory with tokenizer.json: {model_dir}")
        self.name = f"st-{model_dir.name}"  # same model and pooling as sentence-transformers: same index
        path = exported_path(model_dir, cache_dir)
        if not path.is_file():
            export(model_dir, path)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        self.dimension = int(self.embed_batch(["维度"], is_query=True).shape[1])

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        feeds = token_feeds(self._tokenizer.encode_batch(list(texts)))
        hidden = self._session.run(["hidden"], feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return normalise_rows(pooled)
