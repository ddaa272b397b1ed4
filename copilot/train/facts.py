"""`copilot train facts`: reply clauses → the fact reader (fact or not): the encoder fine-tuned and exported to
ONNX, measured on a validation split beside a logistic head fitted on the same split; or the head alone, measured
out of fold."""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder
from copilot.embedding.heads import CARD
from copilot.llm.facts import LABELS, ONNX, FactReader, TunedFactReader, save_fact_reader
from copilot.text.normalize import to_simplified
from copilot.train.checker import Trained
from copilot.train.clauses import ReplyClause
from copilot.train.config import CheckerTrainConfig, FactsTrainConfig


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> FactReader:
    from sklearn.linear_model import LogisticRegression

    head = LogisticRegression(C=c, max_iter=3000)
    head.fit(x, y)
    return FactReader(head.coef_[0].astype(np.float32), float(head.intercept_[0]))


def train_facts(records: list[ReplyClause], embedder: Embedder, out: Path, config: FactsTrainConfig,
                fingerprint: str = "", base: Path | None = None) -> Trained:
    """The reader `config.method` names, written to `out` with its card and metrics (`base`: the encoder a
    fine-tuned reader starts from)."""
    if config.method == "finetune":
        if base is None:
            raise ValueError("fine-tuning needs the base model's folder")
        return _train_tuned(records, embedder, base, out, config, fingerprint)
    return _train_head(records, embedder, out, config, fingerprint)


def _train_head(records: list[ReplyClause], embedder: Embedder, out: Path, config: FactsTrainConfig,
                fingerprint: str) -> Trained:
    """Cross-fitted like the scenario recogniser: out-of-fold probabilities measure the head, and the shipped head
    is fitted on every clause."""
    from sklearn.model_selection import StratifiedKFold

    started = time.perf_counter()
    x = embedder.embed_queries([to_simplified(r.clause) for r in records])
    y = np.array([r.label == "fact" for r in records], dtype=np.int8)
    out_of_fold = np.zeros(len(records))
    folds = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    for rest, fold in folds.split(x, y):
        out_of_fold[fold] = _fit(x[rest], y[rest], config.regularisation).probabilities(x[fold])
    reader = _fit(x, y, config.regularisation)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    save_fact_reader(reader, partial, {"embedder": embedder.name, "fingerprint": fingerprint,
                                       "config": config.model_dump(), "clauses": len(records)})
    metrics = {**measure(out_of_fold, records, config.threshold), "folds": config.folds,
               "training_seconds": round(time.perf_counter() - started, 1)}
    return _publish(partial, out, metrics)


def _train_tuned(records: list[ReplyClause], embedder: Embedder, base: Path, out: Path, config: FactsTrainConfig,
                 fingerprint: str) -> Trained:
    """Like the checker: trained on most clauses, measured (int8, as it serves) on the rest, and shipped as
    trained. A head on the frozen vectors is fitted on the same split, so the report compares the two."""
    from sklearn.model_selection import train_test_split

    from copilot.train.finetune import export_onnx, finetune

    started = time.perf_counter()
    texts = [to_simplified(r.clause) for r in records]
    y = np.array([r.label == "fact" for r in records], dtype=np.int8)
    train, held = train_test_split(np.arange(len(records)), test_size=config.validation_share, stratify=y,
                                   random_state=config.seed)
    tuning = CheckerTrainConfig(method="finetune", seed=config.seed, epochs=config.epochs,
                                batch_size=config.batch_size, learning_rate=config.learning_rate,
                                max_tokens=config.max_tokens, quantise=config.quantise)
    model = finetune([texts[i] for i in train], [int(y[i]) for i in train], len(LABELS), base, tuning)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    plain = export_onnx(model, partial / ONNX, config.quantise)
    if plain != partial / ONNX:
        plain.unlink()
    shutil.copy(base / "tokenizer.json", partial / "tokenizer.json")
    card = {"method": "finetune", "embedder": embedder.name, "base_model": base.name, "labels": LABELS,
            "max_tokens": config.max_tokens, "fingerprint": fingerprint, "config": config.model_dump(),
            "clauses": len(records)}
    (partial / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    validation = [records[i] for i in held]
    tuned = TunedFactReader(partial, config.max_tokens).read([texts[i] for i in held], embedder)
    x = embedder.embed_queries(texts)
    head = _fit(x[train], y[train], config.regularisation).probabilities(x[held])
    metrics = {**measure(tuned, validation, config.threshold), "method": "finetune",
               "trained_on": len(train), "head_on_the_same_split": measure(head, validation, config.threshold),
               "training_seconds": round(time.perf_counter() - started, 1)}
    return _publish(partial, out, metrics)


def _publish(partial: Path, out: Path, metrics: dict[str, Any]) -> Trained:
    (partial / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return Trained(out, metrics)


def measure(probabilities: np.ndarray, records: list[ReplyClause], threshold: float) -> dict[str, Any]:
    """Accuracy, fact precision and recall, and the share of other clauses read as facts, at `threshold`; and the
    recall (or false-fact rate) of every kind of clause."""
    said = probabilities >= threshold
    fact = np.array([r.label == "fact" for r in records])
    kinds: dict[str, dict[str, float | int]] = {}
    for kind, count in sorted(Counter(r.kind for r in records).items()):
        inside = np.array([r.kind == kind for r in records])
        kinds[kind] = {"clauses": count, "read_as_fact": round(float(said[inside].mean()), 4)}
    return {
        "clauses": len(records), "facts": int(fact.sum()), "threshold": threshold,
        "accuracy": round(float(np.mean(said == fact)), 4),
        "fact_precision": round(float(fact[said].mean()), 4) if said.any() else None,
        "fact_recall": round(float(said[fact].mean()), 4),
        "other_read_as_fact": round(float(said[~fact].mean()), 4),
        "kinds": kinds,
    }
