"""Fine-tune the encoder to label every token of a whole utterance (compliant or the category of the offending
clause it sits in), then export it to ONNX with the per-token logits and last hidden states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copilot.embedding.onnx import token_feeds
from copilot.train.config import CheckerTrainConfig
from copilot.train.finetune import loss_function, prepared, trace_to_onnx, traceable, train

IGNORED = -100  # special and padding tokens: no loss


def token_labels(offsets: list[tuple[int, int]], special: list[int], spans: list[tuple[int, int]], label: int,
                 compliant: int) -> list[int]:
    """A token inside an offending span gets the utterance's label, any other token compliant."""
    out = []
    for (start, end), is_special in zip(offsets, special, strict=True):
        if is_special or end <= start:
            out.append(IGNORED)
        elif any(start < e and s < end for s, e in spans):
            out.append(label)
        else:
            out.append(compliant)
    return out


def finetune_tokens(texts: list[str], spans: list[list[tuple[int, int]]], labels: list[int], n_labels: int,
                    compliant: int, base: Path, config: CheckerTrainConfig) -> Any:
    """A BertForTokenClassification trained on whole utterances; returns the torch model."""
    import torch
    from transformers import AutoModelForTokenClassification

    model, tokenizer = prepared(AutoModelForTokenClassification, base, n_labels, config)
    encoded = [tokenizer.encode(text) for text in texts]
    targets = [token_labels(e.offsets, e.special_tokens_mask, s, label, compliant)
               for e, s, label in zip(encoded, spans, labels, strict=True)]
    loss_fn = loss_function([t for row in targets for t in row], n_labels, IGNORED)

    def batch_loss(batch: list[int]) -> Any:
        encodings = tokenizer.encode_batch([texts[i] for i in batch])
        width = len(encodings[0].ids)
        target = torch.tensor([targets[i] + [IGNORED] * (width - len(targets[i])) for i in batch])
        feeds = token_feeds(encodings)
        logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits
        return loss_fn(logits.reshape(-1, n_labels), target.reshape(-1))

    return train(model, texts, config, batch_loss)


def export_token_onnx(model: Any, target: Path, quantise: bool) -> Path:
    """Trace to ONNX: outputs `logits` (batch, tokens, labels) and `hidden` (batch, tokens, width); returns the
    float32 export as `trace_to_onnx` does."""
    tagger = traceable(model, lambda out, _mask: (out.logits, out.hidden_states[-1]))
    return trace_to_onnx(tagger, ("logits", "hidden"), per_token=True, target=target, quantise=quantise)
