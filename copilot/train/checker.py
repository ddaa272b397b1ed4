"""`copilot train checker`: corpus → split → model → validation metrics, all written side by side."""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot.check.model import COMPLIANT, MODEL_CARD, ComplianceModel, load_model
from copilot.embedding.base import Embedder
from copilot.text.clauses import windows
from copilot.text.normalize import to_simplified
from copilot.train.config import CheckerTrainConfig
from copilot.train.corpus import LABELS, Utterance
from copilot.train.examples import examples


@dataclass
class Trained:
    folder: Path
    metrics: dict[str, Any]


def split(utterances: list[Utterance], share: float, seed: int) -> tuple[list[Utterance], list[Utterance]]:
    """Whole utterances held out, the same share of every label."""
    by_label: dict[str, list[Utterance]] = defaultdict(list)
    for utterance in utterances:
        by_label[utterance.label].append(utterance)
    rng = random.Random(seed)
    train, held = [], []
    for label in sorted(by_label):
        group = sorted(by_label[label], key=lambda u: u.id)
        rng.shuffle(group)
        cut = round(len(group) * share)
        held += group[:cut]
        train += group[cut:]
    return train, held


def train_checker(utterances: list[Utterance], base: Path | None, out: Path, config: CheckerTrainConfig,
                  embedder: Embedder | None = None, fingerprint: str = "") -> Trained:
    """Train on all but the validation split, measure on it, write the model and its card to `out`."""
    started = time.perf_counter()
    train, held = split(utterances, config.validation_share, config.seed)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    plain: list[Path]  # the float exports, kept to compare with int8
    if config.method == "token":
        plain, units, embedder_name = _fit_tokens(train, base, config, partial), len(train), None
    else:
        plain, units, embedder_name = _fit_windows(train, base, config, partial, embedder)
    card = {"method": config.method, "labels": list(LABELS), "max_tokens": config.max_tokens,
            "members": member_files(config),
            "embedder": embedder_name, "base_model": base.name if base else None, "fingerprint": fingerprint,
            "config": config.model_dump(), "examples": units, "utterances": len(train)}
    (partial / MODEL_CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    trained = load_model(partial, embedder)
    metrics = validate(trained, held)
    metrics["sweep"] = sweep(trained, held)
    if plain and config.quantise:  # does int8 hold the float model's quality?
        metrics["float32_sweep"] = _float32_sweep(plain, partial, held, card)
    metrics["training_seconds"] = round(time.perf_counter() - started, 1)
    metrics["train_utterances"], metrics["train_windows"] = len(train), units
    (partial / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return Trained(out, metrics)


def _fit_tokens(train: list[Utterance], base: Path | None, config: CheckerTrainConfig,
                partial: Path) -> list[Path]:
    """Fine-tune on whole utterances, every token labelled; the unit trained on is the utterance. One model per
    member, each from its own seed; returns the float exports (beside `member_files`)."""
    from copilot.train.token_finetune import export_token_onnx, finetune_tokens

    if base is None:
        raise ValueError("fine-tuning needs the base model's folder")
    texts, spans = [to_simplified(u.text) for u in train], [u.span_offsets() for u in train]
    labels = [LABELS.index(u.label) for u in train]
    plain = []
    for index, file in enumerate(member_files(config)):
        model = finetune_tokens(texts, spans, labels, len(LABELS), LABELS.index(COMPLIANT), base,
                                config.model_copy(update={"seed": config.seed + index}))
        plain.append(export_token_onnx(model, partial / file, config.quantise))
    shutil.copy(base / "tokenizer.json", partial / "tokenizer.json")
    return plain


def member_files(config: CheckerTrainConfig) -> list[str]:
    """The model's ONNX files: a token model's members, `model.onnx` first (its hidden states are the vectors);
    the window model's one file; none for a head."""
    if config.method == "head":
        return []
    count = config.members if config.method == "token" else 1
    return ["model.onnx"] + [f"model-{i}.onnx" for i in range(2, count + 1)]


def _fit_windows(train: list[Utterance], base: Path | None, config: CheckerTrainConfig, partial: Path,
                 embedder: Embedder | None) -> tuple[list[Path], int, str | None]:
    """Fine-tune (`finetune`) or fit a head (`head`) on the utterances' clause windows; returns the float
    exports (one when fine-tuning, none for a head), the number of windows and the embedder the head reads."""
    found = examples(train)
    texts, labels = [e.text for e in found], [LABELS.index(e.label) for e in found]
    if config.method == "finetune":
        from copilot.train.finetune import export_onnx, finetune

        if base is None:
            raise ValueError("fine-tuning needs the base model's folder")
        model = finetune(texts, labels, len(LABELS), base, config)
        plain = export_onnx(model, partial / "model.onnx", config.quantise)
        shutil.copy(base / "tokenizer.json", partial / "tokenizer.json")
        return [plain], len(found), None
    if embedder is None:
        raise ValueError("the head method needs the embedder")
    _fit_head(texts, labels, embedder, config, partial)
    return [], len(found), embedder.name


def _float32_sweep(plain: list[Path], folder: Path, held: list[Utterance],
                   card: dict[str, Any]) -> list[dict[str, float | None]]:
    other = folder.with_name(folder.name + ".float32")
    shutil.rmtree(other, ignore_errors=True)
    other.mkdir()
    for path, file in zip(plain, card["members"], strict=True):
        path.replace(other / file)
    shutil.copy(folder / "tokenizer.json", other / "tokenizer.json")
    (other / MODEL_CARD).write_text(json.dumps(card), encoding="utf-8")
    try:
        return sweep(load_model(other), held)
    finally:
        shutil.rmtree(other)


def _fit_head(texts: list[str], labels: list[int], embedder: Embedder, config: CheckerTrainConfig,
              folder: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    vectors = embedder.embed_queries(texts)
    head = LogisticRegression(C=config.regularisation, max_iter=3000, class_weight="balanced")
    head.fit(vectors, labels)
    weights = np.zeros((len(LABELS), vectors.shape[1]), dtype=np.float32)
    bias = np.full(len(LABELS), -1e4, dtype=np.float32)  # a label absent from training is never predicted
    weights[head.classes_] = head.coef_
    bias[head.classes_] = head.intercept_
    np.savez(folder / "head.npz", weights=weights, bias=bias)


def verdicts(model: ComplianceModel, held: list[Utterance]) -> list[list[tuple[int, int, str, float]]]:
    """Per utterance: (start, end, label, confidence) of each window the model calls forbidden, under the
    product's rule that vague wording counts in return visits only."""
    out: list[list[tuple[int, int, str, float]]] = []
    compliant = model.labels.index(COMPLIANT)
    for utterance in held:
        ws = windows(utterance.text)
        if not ws:
            out.append([])
            continue
        probabilities = model.judge(to_simplified(utterance.text), [(w.start, w.end) for w in ws])[0]
        found = []
        for w, row in zip(ws, probabilities, strict=True):
            best = int(row.argmax())
            label = model.labels[best]
            if best != compliant and (label != "vague" or utterance.channel == "outbound"):
                found.append((w.start, w.end, label, float(1.0 - row[compliant])))
        out.append(found)
    return out


def validate(model: ComplianceModel, held: list[Utterance], threshold: float = 0.5) -> dict[str, Any]:
    """Utterance-level flag precision/recall, false-positive rate, span recall and per-label recall."""
    found = verdicts(model, held)
    per_label: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # correct, expected, predicted
    tp = fp = fn = tn = spans_hit = spans_all = 0
    for utterance, hits in zip(held, found, strict=True):
        hits = [h for h in hits if h[3] >= threshold]
        predicted = max(hits, key=lambda h: h[3])[2] if hits else COMPLIANT
        per_label[utterance.label][1] += 1
        per_label[predicted][2] += 1
        per_label[utterance.label][0] += predicted == utterance.label
        if utterance.label == COMPLIANT:
            fp += bool(hits)
            tn += not hits
            continue
        tp += bool(hits)
        fn += not hits
        for start, end in utterance.span_offsets():
            spans_all += 1
            spans_hit += any(s < end and start < e for s, e, _, _ in hits)
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return {
        "validation_utterances": len(held), "threshold": threshold,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
        "false_positive_rate": round(fp / max(fp + tn, 1), 4),
        "span_recall": round(spans_hit / max(spans_all, 1), 4),
        "per_label": {label: {"n": n, "precision": round(c / max(p, 1), 4), "recall": round(c / max(n, 1), 4)}
                      for label, (c, n, p) in sorted(per_label.items()) if n},
    }


AGREEING_BARS = (None, 0.5, 0.6, 0.7)  # two separate suspicions from this confidence on block together


def sweep(model: ComplianceModel, held: list[Utterance],
          warn_only: tuple[str, ...] = ("colloquial", "improper_address")) -> list[dict[str, float | None]]:
    """The blocking decision on an agent's draft at several thresholds, alone and with two agreeing suspicions
    (the operating point is chosen here): wording categories only warn, so their utterances and findings are
    left out."""
    found = verdicts(model, held)
    kept = [(u, separate([h for h in hits if h[2] not in warn_only])) for u, hits in zip(held, found, strict=True)
            if u.label not in warn_only]
    held, found = [u for u, _ in kept], [hits for _, hits in kept]
    positives = sum(u.label != COMPLIANT for u in held)
    negatives = len(held) - positives
    out: list[dict[str, float | None]] = []
    for agreeing in AGREEING_BARS:
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
            flags = [any(h[3] >= threshold for h in hits)
                     or (agreeing is not None and sum(h[3] >= agreeing for h in hits) >= 2) for hits in found]
            tp = sum(f and u.label != COMPLIANT for f, u in zip(flags, held, strict=True))
            fp = sum(f and u.label == COMPLIANT for f, u in zip(flags, held, strict=True))
            precision, recall = tp / max(tp + fp, 1), tp / max(positives, 1)
            out.append({"threshold": threshold, "agreeing": agreeing, "precision": round(precision, 4),
                        "recall": round(recall, 4),
                        "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
                        "false_positive_rate": round(fp / max(negatives, 1), 4)})
    return out


def separate(hits: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """The findings the detector keeps: from 0.5 on, narrowest first (a clause before the pair that holds it),
    none overlapping a kept one."""
    kept: list[tuple[int, int, str, float]] = []
    for hit in sorted((h for h in hits if h[3] >= 0.5), key=lambda h: (h[1] - h[0], -h[3])):
        if all(hit[1] <= k[0] or k[1] <= hit[0] for k in kept):
            kept.append(hit)
    return kept
