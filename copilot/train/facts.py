"""`copilot train facts` and `copilot train accounts`: reply clauses → a reader of one yes/no question about a
clause (does it state a case fact? is a stated fact the customer's own account?): the encoder fine-tuned and
exported to ONNX, measured on a validation split beside a logistic head fitted on the same split; or the head
alone, measured out of fold."""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder
from copilot.embedding.heads import CARD
from copilot.llm.facts import FACTS, ONNX, FactReader, TunedFactReader, save_fact_reader
from copilot.text.normalize import to_simplified
from copilot.train.checker import Trained
from copilot.train.clauses import Labelled
from copilot.train.config import CheckerTrainConfig, FactsTrainConfig


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> FactReader:
    from sklearn.linear_model import LogisticRegression

    head = LogisticRegression(C=c, max_iter=3000)
    head.fit(x, y)
    return FactReader(head.coef_[0].astype(np.float32), float(head.intercept_[0]))


def train_facts(records: Sequence[Labelled], embedder: Embedder, out: Path, config: FactsTrainConfig,
                fingerprint: str = "", base: Path | None = None, labels: tuple[str, str] = FACTS) -> Trained:
    """The reader `config.method` names, written to `out` with its card and metrics (`base`: the encoder a
    fine-tuned reader starts from; `labels`: the answers no and yes, as the records say them)."""
    if config.method == "finetune":
        if base is None:
            raise ValueError("fine-tuning needs the base model's folder")
        return _train_tuned(records, embedder, base, out, config, fingerprint, labels)
    return _train_head(records, embedder, out, config, fingerprint, labels)


def _train_head(records: Sequence[Labelled], embedder: Embedder, out: Path, config: FactsTrainConfig,
                fingerprint: str, labels: tuple[str, str]) -> Trained:
    """Cross-fitted like the scenario recogniser: out-of-fold probabilities measure the head, and the shipped head
    is fitted on every clause."""
    from sklearn.model_selection import StratifiedKFold

    started = time.perf_counter()
    x = embedder.embed_queries([to_simplified(r.clause) for r in records])
    y = np.array([r.label == labels[1] for r in records], dtype=np.int8)
    out_of_fold = np.zeros(len(records))
    folds = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    for rest, fold in folds.split(x, y):
        out_of_fold[fold] = _fit(x[rest], y[rest], config.regularisation).probabilities(x[fold])
    reader = _fit(x, y, config.regularisation)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    save_fact_reader(reader, partial, {"embedder": embedder.name, "fingerprint": fingerprint, "labels": labels,
                                       "config": config.model_dump(), "clauses": len(records)})
    metrics = {**measure(out_of_fold, records, config.threshold, labels), "folds": config.folds,
               "training_seconds": round(time.perf_counter() - started, 1)}
    return _publish(partial, out, metrics)


def _train_tuned(records: Sequence[Labelled], embedder: Embedder, base: Path, out: Path,
                 config: FactsTrainConfig, fingerprint: str, labels: tuple[str, str]) -> Trained:
    """Like the checker: trained on most clauses, measured (int8, as it serves) on the rest, and shipped as
    trained. A head on the frozen vectors is fitted on the same split, so the report compares the two."""
    from sklearn.model_selection import train_test_split

    from copilot.train.finetune import export_onnx, finetune

    started = time.perf_counter()
    texts = [to_simplified(r.clause) for r in records]
    y = np.array([r.label == labels[1] for r in records], dtype=np.int8)
    train, held = train_test_split(np.arange(len(records)), test_size=config.validation_share, stratify=y,
                                   random_state=config.seed)
    tuning = CheckerTrainConfig(method="finetune", seed=config.seed, epochs=config.epochs,
                                batch_size=config.batch_size, learning_rate=config.learning_rate,
                                max_tokens=config.max_tokens, quantise=config.quantise)
    model = finetune([texts[i] for i in train], [int(y[i]) for i in train], len(labels), base, tuning)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    plain = export_onnx(model, partial / ONNX, config.quantise)
    if plain != partial / ONNX:
        plain.unlink()
    shutil.copy(base / "tokenizer.json", partial / "tokenizer.json")
    card = {"method": "finetune", "embedder": embedder.name, "base_model": base.name, "labels": list(labels),
            "max_tokens": config.max_tokens, "fingerprint": fingerprint, "config": config.model_dump(),
            "clauses": len(records)}
    (partial / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    validation = [records[i] for i in held]
    tuned = TunedFactReader(partial, config.max_tokens, labels).read([texts[i] for i in held], embedder)
    x = embedder.embed_queries(texts)
    head = _fit(x[train], y[train], config.regularisation).probabilities(x[held])
    metrics = {**measure(tuned, validation, config.threshold, labels), "method": "finetune",
               "trained_on": len(train), "head_on_the_same_split": measure(head, validation, config.threshold,
                                                                             labels),
               "training_seconds": round(time.perf_counter() - started, 1)}
    return _publish(partial, out, metrics)


def _publish(partial: Path, out: Path, metrics: dict[str, Any]) -> Trained:
    (partial / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return Trained(out, metrics)


def measure(probabilities: np.ndarray, records: Sequence[Labelled], threshold: float,
            labels: tuple[str, str] = FACTS) -> dict[str, Any]:
    """Accuracy, precision and recall of the yes answer (a fact, an account), and the share of the no clauses read
    as yes, at `threshold`; and the share of every kind of clause read as yes."""
    no, yes = labels
    said = probabilities >= threshold
    positive = np.array([r.label == yes for r in records])
    kinds: dict[str, dict[str, float | int]] = {}
    for kind, count in sorted(Counter(r.kind for r in records).items()):
        inside = np.array([r.kind == kind for r in records])
        kinds[kind] = {"clauses": count, f"read_as_{yes}": round(float(said[inside].mean()), 4)}
    return {
        "clauses": len(records), f"{yes}s": int(positive.sum()), "threshold": threshold,
        "accuracy": round(float(np.mean(said == positive)), 4),
        f"{yes}_precision": round(float(positive[said].mean()), 4) if said.any() else None,
        f"{yes}_recall": round(float(said[positive].mean()), 4),
        f"{no}_read_as_{yes}": round(float(said[~positive].mean()), 4),
        "kinds": kinds,
    }
