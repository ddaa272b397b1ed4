"""Fine-tune the encoder for window classification on the CPU, then export it to ONNX (int8 where it holds).

The exported graph returns the class logits and the mean-pooled hidden state, so one model call gives both
the category and a vector to find the nearest rulebook exemplar with.
"""

from __future__ import annotations

import os
import random
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.onnx import token_feeds
from copilot.train.config import CheckerTrainConfig

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def prepared(model_class: Any, base: Path, n_labels: int, config: CheckerTrainConfig) -> tuple[Any, Any]:
    """The seeded base model with a fresh `n_labels` head, ready to train, and its tokenizer."""
    import torch
    from tokenizers import Tokenizer

    seed_everything(config.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(config.max_tokens)
    tokenizer.enable_padding()
    model = model_class.from_pretrained(str(base), num_labels=n_labels, local_files_only=True)
    # the word-embedding table is half the weights: frozen, it keeps the vocabulary the checker never sees in
    # training (rare characters, 繁體 forms) where pre-training put it, and each step costs less
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()
    return model, tokenizer


def loss_function(labels: list[int], n_labels: int, ignore_index: int = -100) -> Any:
    """Cross-entropy with balanced class weights, softened (rare categories matter, but not 20x), and a little
    label smoothing."""
    import torch

    counts = np.bincount([label for label in labels if label != ignore_index], minlength=n_labels).astype(np.float32)
    weights = torch.tensor(np.sqrt(counts.sum() / np.maximum(counts, 1) / n_labels), dtype=torch.float32)
    return torch.nn.CrossEntropyLoss(weight=weights, label_smoothing=0.05, ignore_index=ignore_index)


def train(model: Any, texts: list[str], config: CheckerTrainConfig, batch_loss: Callable[[list[int]], Any]) -> Any:
    """AdamW with a one-cycle schedule over `config.epochs` of seeded batches; `batch_loss` gives the loss of the
    texts at the given indices. Returns the model in eval mode, its training time noted on it."""
    import torch

    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate,
                                  weight_decay=0.01)
    order = list(range(len(texts)))
    steps = config.epochs * ((len(order) + config.batch_size - 1) // config.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=config.learning_rate, total_steps=steps,
                                                    pct_start=0.1, anneal_strategy="linear")
    rng = random.Random(config.seed)
    started = time.perf_counter()
    for _epoch in range(config.epochs):
        rng.shuffle(order)
        # batches of similar length waste less on padding: sort within chunks of 50 batches, shuffle the batches
        chunk = config.batch_size * 50
        by_length = [i for c in range(0, len(order), chunk)
                     for i in sorted(order[c : c + chunk], key=lambda i: len(texts[i]))]
        batches = [by_length[i : i + config.batch_size] for i in range(0, len(by_length), config.batch_size)]
        rng.shuffle(batches)
        for batch in batches:
            loss = batch_loss(batch)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
    model.eval()
    model.training_seconds = time.perf_counter() - started
    return model


def finetune(texts: list[str], labels: list[int], n_labels: int, base: Path, config: CheckerTrainConfig) -> Any:
    """A BertForSequenceClassification trained on (text, label index) pairs; returns the torch model."""
    import torch
    from transformers import AutoModelForSequenceClassification

    model, tokenizer = prepared(AutoModelForSequenceClassification, base, n_labels, config)
    loss_fn = loss_function(labels, n_labels)

    def batch_loss(batch: list[int]) -> Any:
        feeds = token_feeds(tokenizer.encode_batch([texts[i] for i in batch]))
        logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits
        return loss_fn(logits, torch.tensor([labels[i] for i in batch]))

    return train(model, texts, config, batch_loss)


def export_onnx(model: Any, target: Path, quantise: bool) -> Path:
    """Trace to ONNX: outputs `logits` and `pooled` (masked mean of the last hidden state, L2-normalised).

    Returns the float32 export: `target` itself, or (quantised) a file beside it the caller removes."""

    def pooled(out: Any, attention_mask: Any) -> Any:
        return out.logits, mean_pooled(out.hidden_states[-1], attention_mask)

    return trace_to_onnx(traceable(model, pooled), ("logits", "pooled"), per_token=False, target=target,
                         quantise=quantise)


def mean_pooled(hidden: Any, attention_mask: Any) -> Any:
    """The masked mean of a batch's token states, at unit length (as the embedder pools)."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(mean, dim=-1)


def traceable(model: Any, outputs: Callable[[Any, Any], Any]) -> Any:
    """`model` behind the three BERT inputs, in eval mode, returning `outputs(its output, the attention mask)`."""
    import torch

    class Traced(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                             output_hidden_states=True)
            return outputs(out, attention_mask)

    return Traced().eval()


def trace_to_onnx(module: Any, outputs: tuple[str, ...], per_token: bool, target: Path, quantise: bool) -> Path:
    """Trace `module` (the three BERT inputs → the named outputs) to `target`, int8 when `quantise`. Returns the float32
    export: `target` itself, or (quantised) a file beside it kept for the caller to compare against, then remove."""
    import torch

    sample = torch.ones((2, 8), dtype=torch.long)
    mask = sample.clone()
    mask[1, 4:] = 0  # a padded row, so the traced graph keeps the attention mask
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    axes.update({name: {0: "batch", 1: "tokens"} if per_token else {0: "batch"} for name in outputs})
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = target.with_suffix(".fp32.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes; the tests compare outputs instead
        torch.onnx.export(module, (sample, mask, torch.zeros_like(sample)), str(plain),
                          input_names=list(INPUTS), output_names=list(outputs), dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    if not quantise:
        plain.replace(target)
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(plain), str(target), weight_type=QuantType.QInt8)
    return plain
