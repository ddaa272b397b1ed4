"""Fine-tune the encoder for window classification on the CPU, then export it to ONNX (int8 where it holds).

The exported graph returns the class logits and the mean-pooled hidden state, so one model call gives both
the category and a vector to find the nearest rulebook exemplar with.
"""

from __future__ import annotations

import os
import random
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.onnx import token_feeds
from copilot.train.config import CheckerTrainConfig

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _seed(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def finetune(texts: list[str], labels: list[int], n_labels: int, base: Path, config: CheckerTrainConfig) -> Any:
    """A BertForSequenceClassification trained on (text, label index) pairs; returns the torch model."""
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForSequenceClassification

    _seed(config.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(config.max_tokens)
    tokenizer.enable_padding()
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=n_labels, local_files_only=True)
    # the word-embedding table is half the weights: frozen, it keeps the vocabulary the checker never sees in
    # training (rare characters, 繁體 forms) where pre-training put it, and each step costs less
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()
    counts = np.bincount(labels, minlength=n_labels).astype(np.float32)
    # balanced class weights, softened: rare categories matter, but not 20x
    weights = torch.tensor(np.sqrt(counts.sum() / np.maximum(counts, 1) / n_labels), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, label_smoothing=0.05)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=0.01)
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
            encodings = tokenizer.encode_batch([texts[i] for i in batch])
            feeds = token_feeds(encodings)
            logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits
            loss = loss_fn(logits, torch.tensor([labels[i] for i in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
    model.eval()
    model.training_seconds = time.perf_counter() - started
    return model


def export_onnx(model: Any, target: Path, quantise: bool) -> Path:
    """Trace to ONNX: outputs `logits` and `pooled` (masked mean of the last hidden state, L2-normalised).

    Returns the float32 export: `target` itself, or (quantised) a file beside it the caller removes."""
    import torch

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                             output_hidden_states=True)
            mask = attention_mask.unsqueeze(-1).to(out.hidden_states[-1].dtype)
            pooled = (out.hidden_states[-1] * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return out.logits, torch.nn.functional.normalize(pooled, dim=-1)

    sample = torch.ones((2, 8), dtype=torch.long)
    mask = sample.clone()
    mask[1, 4:] = 0  # a padded row, so the traced graph keeps the attention mask
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    axes.update({"logits": {0: "batch"}, "pooled": {0: "batch"}})
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = target.with_suffix(".fp32.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes; the tests compare outputs instead
        torch.onnx.export(Classifier().eval(), (sample, mask, torch.zeros_like(sample)), str(plain),
                          input_names=list(INPUTS), output_names=["logits", "pooled"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    if not quantise:
        plain.replace(target)
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(plain), str(target), weight_type=QuantType.QInt8)
    return plain  # kept for the caller to compare against, then removed
