"""`copilot train scenarios`: customer turns → folds → multi-label head → Platt scale on out-of-fold scores."""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder, Vectors
from copilot.suggest.recogniser import ScenarioRecogniser, query_vectors, save_recogniser
from copilot.suggest.transcript import agent_before_latest, customer_turns, parse_transcript
from copilot.text.normalize import to_simplified
from copilot.train.checker import Trained
from copilot.train.config import RecogniserTrainConfig
from copilot.train.turns import CustomerTurn


def fold_turns(turns: list[CustomerTurn], config: RecogniserTrainConfig) -> list[list[int]]:
    """`config.folds` disjoint folds of turn indices, each with the same share of every primary scenario
    (seeded): a scenario's turns are shuffled and dealt round the folds in turn."""
    by_scenario: dict[str, list[int]] = defaultdict(list)
    for index, turn in enumerate(turns):
        by_scenario[turn.scenarios[0]].append(index)
    rng = random.Random(config.seed)
    folds: list[list[int]] = [[] for _ in range(config.folds)]
    dealt = 0
    for scenario in sorted(by_scenario):
        group = sorted(by_scenario[scenario], key=lambda i: turns[i].id)
        rng.shuffle(group)
        for index in group:
            folds[dealt % config.folds].append(index)
            dealt += 1
    return [sorted(fold) for fold in folds]


def turn_features(turns: list[CustomerTurn], embedder: Embedder, reader: ScenarioRecogniser) -> Vectors:
    """What the recogniser reads at run time: each turn embedded on its own, the latest customer turn's vector,
    the earlier ones' summed (`query_vectors`) and the agent's last words before it, put together by the
    recogniser's own `features`, so training sees what serving computes."""
    parsed = [parse_transcript(t.transcript) for t in turns]
    parts = [(*customer_turns(p), agent_before_latest(p) if reader.reads == "turns" else "") for p in parsed]
    texts = sorted({to_simplified(text) for latest, earlier, agent in parts for text in (latest, *earlier, agent)
                    if text})
    vectors = dict(zip(texts, embedder.embed_queries(texts), strict=True))
    features = []
    for latest, earlier, agent in parts:
        queries = query_vectors(np.stack([vectors[to_simplified(t)] for t in (latest, *earlier)]))
        context = queries[1] if len(queries) > 1 else None
        features.append(reader.features(queries[0], context, vectors[to_simplified(agent)] if agent else None))
    return np.asarray(np.stack(features), dtype=np.float32)


def _targets(turns: list[CustomerTurn], labels: list[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    y = np.zeros((len(turns), len(labels)), dtype=np.int8)
    for row, turn in enumerate(turns):
        for scenario in turn.scenarios:
            y[row, index[scenario]] = 1
    return y


def _fit_units(x: Vectors, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    for unit in range(y.shape[1]):
        head = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        head.fit(x, y[:, unit])
        weights[unit], bias[unit] = head.coef_[0], head.intercept_[0]
    return weights, bias


def _platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Scale the best unit's logit so that its probability says how often the best guess is right (what the
    confidence shown to agents and the unsure threshold mean); the other units share the same scale. Platt's own
    smoothed targets ((right + 1) / (right + 2), 1 / (wrong + 2)) keep the fit defined when every guess is right."""
    from sklearn.linear_model import LogisticRegression

    best = logits.argmax(axis=1)
    correct = y[np.arange(len(y)), best].astype(bool)
    right, wrong = int(correct.sum()), int((~correct).sum())
    target = np.where(correct, (right + 1) / (right + 2), 1 / (wrong + 2))
    top = logits.max(axis=1).reshape(-1, 1)
    scaler = LogisticRegression(C=1e4, max_iter=2000)
    scaler.fit(np.vstack([top, top]), np.r_[np.ones(len(top)), np.zeros(len(top))],
               sample_weight=np.r_[target, 1 - target])
    return float(scaler.coef_[0, 0]), float(scaler.intercept_[0])


def train_recogniser(turns: list[CustomerTurn], embedder: Embedder, out: Path, config: RecogniserTrainConfig,
                     fingerprint: str = "", examples: list[CustomerTurn] | None = None) -> Trained:
    """Cross-fitted (as scikit-learn's CalibratedClassifierCV with ensemble=False): the out-of-fold scores of every
    turn fit the Platt scale and give the metrics, and the shipped units are fitted on all turns, so no written
    turn is spent only on measuring. `examples`: the rulebook's own example utterances, always in training."""
    started = time.perf_counter()
    examples = examples or []
    labels = sorted({s for t in [*turns, *examples] for s in t.scenarios})
    reader = ScenarioRecogniser(tuple(labels), np.zeros((0, 0)), np.zeros(0), 1.0, 0.0, config.context_weight, 0.0,
                                config.reads)
    x, y = turn_features(turns, embedder, reader), _targets(turns, labels)
    x_examples = turn_features(examples, embedder, reader) if examples else np.zeros((0, x.shape[1]), np.float32)
    y_examples = _targets(examples, labels)
    out_of_fold = np.zeros(y.shape, dtype=np.float64)
    for fold in fold_turns(turns, config):
        rest = np.setdiff1d(np.arange(len(turns)), fold)
        weights, bias = _fit_units(np.vstack([x[rest], x_examples]), np.vstack([y[rest], y_examples]),
                                   config.regularisation)
        out_of_fold[fold] = x[fold] @ weights.T + bias
    scale, offset = _platt(out_of_fold, y)
    weights, bias = _fit_units(np.vstack([x, x_examples]), np.vstack([y, y_examples]), config.regularisation)
    recogniser = replace(reader, weights=weights, bias=bias, scale=scale, offset=offset,
                         unsure_below=config.unsure_below)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    save_recogniser(recogniser, partial, {
        "embedder": embedder.name, "fingerprint": fingerprint, "config": config.model_dump(),
        "turns": {"train": len(turns), "rulebook_examples": len(examples)}})
    metrics = {**measure(recogniser, out_of_fold, turns), "folds": config.folds}
    metrics["training_seconds"] = round(time.perf_counter() - started, 1)
    (partial / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return Trained(out, metrics)


def _top(recogniser: ScenarioRecogniser, logits: np.ndarray, turns: list[CustomerTurn]) -> tuple[np.ndarray,
                                                                                              np.ndarray]:
    best = logits.argmax(axis=1)
    p = 1.0 / (1.0 + np.exp(-(recogniser.scale * logits.max(axis=1) + recogniser.offset)))
    correct = np.array([recogniser.labels[b] in t.scenarios for b, t in zip(best, turns, strict=True)])
    return p, correct


def measure(recogniser: ScenarioRecogniser, logits: np.ndarray, turns: list[CustomerTurn]) -> dict[str, Any]:
    """Top-1 / top-3 on the primary scenario, second-label recall, calibration error and the unsure share, from
    `logits` that did not see their turns (out of fold), read with the recogniser's labels and scale."""
    order = np.argsort(-logits, axis=1)
    primary = np.array([recogniser.labels.index(t.scenarios[0]) for t in turns])
    top1 = float(np.mean(order[:, 0] == primary))
    top3 = float(np.mean([p in row[:3] for p, row in zip(primary, order, strict=True)]))
    probabilities = 1.0 / (1.0 + np.exp(-(recogniser.scale * logits + recogniser.offset)))
    seconds = [(i, recogniser.labels.index(s)) for i, t in enumerate(turns) for s in t.scenarios[1:]]
    top_p, correct = _top(recogniser, logits, turns)
    unsure = top_p < recogniser.unsure_below
    return {
        "validation_turns": len(turns), "top1": round(top1, 4), "top3": round(top3, 4),
        "second_label_recall_at_0.5": round(float(np.mean([probabilities[i, j] >= 0.5 for i, j in seconds])), 4)
        if seconds else None,
        "second_labels": len(seconds),
        "expected_calibration_error": round(_ece(top_p, correct), 4),
        "unsure_below": recogniser.unsure_below, "unsure_share": round(float(unsure.mean()), 4),
        "unsure_top1": round(float(correct[unsure].mean()), 4) if unsure.any() else None,
        "sure_top1": round(float(correct[~unsure].mean()), 4) if (~unsure).any() else None,
    }


def _ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    total = 0.0
    for low in np.linspace(0, 1, bins, endpoint=False):
        inside = (confidence >= low) & (confidence < low + 1 / bins)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(total)
