"""`copilot train scenarios`: customer turns → split → multi-label head → Platt scale → validation metrics."""

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

Split = tuple[list[CustomerTurn], list[CustomerTurn], list[CustomerTurn]]


def split_turns(turns: list[CustomerTurn], config: RecogniserTrainConfig) -> Split:
    """(train, calibration, validation): whole turns, the same shares of every primary scenario."""
    by_scenario: dict[str, list[CustomerTurn]] = defaultdict(list)
    for turn in turns:
        by_scenario[turn.scenarios[0]].append(turn)
    rng = random.Random(config.seed)
    train, calibration, validation = [], [], []
    for scenario in sorted(by_scenario):
        group = sorted(by_scenario[scenario], key=lambda t: t.id)
        rng.shuffle(group)
        a = round(len(group) * config.validation_share)
        b = a + round(len(group) * config.calibration_share)
        validation += group[:a]
        calibration += group[a:b]
        train += group[b:]
    return train, calibration, validation


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
    confidence shown to agents and the unsure threshold mean); the other units share the same scale."""
    from sklearn.linear_model import LogisticRegression

    best = logits.argmax(axis=1)
    correct = y[np.arange(len(y)), best]
    scaler = LogisticRegression(C=1e4, max_iter=2000)
    scaler.fit(logits.max(axis=1).reshape(-1, 1), correct)
    return float(scaler.coef_[0, 0]), float(scaler.intercept_[0])


def train_recogniser(turns: list[CustomerTurn], embedder: Embedder, out: Path, config: RecogniserTrainConfig,
                     fingerprint: str = "", examples: list[CustomerTurn] | None = None) -> Trained:
    """`examples`: the rulebook's own example utterances, added to the training part only."""
    started = time.perf_counter()
    train, calibration, validation = split_turns(turns, config)
    train = train + (examples or [])
    labels = sorted({s for t in [*turns, *(examples or [])] for s in t.scenarios})
    reader = ScenarioRecogniser(tuple(labels), np.zeros((0, 0)), np.zeros(0), 1.0, 0.0, config.context_weight, 0.0,
                                config.reads)
    x = {name: turn_features(part, embedder, reader)
         for name, part in (("train", train), ("calibration", calibration), ("validation", validation))}
    weights, bias = _fit_units(x["train"], _targets(train, labels), config.regularisation)
    draft = replace(reader, weights=weights, bias=bias)
    scale, offset = _platt(draft.logits(x["calibration"]), _targets(calibration, labels))
    recogniser = replace(draft, scale=scale, offset=offset, unsure_below=config.unsure_below)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    save_recogniser(recogniser, partial, {
        "embedder": embedder.name, "fingerprint": fingerprint, "config": config.model_dump(),
        "turns": {"train": len(train), "calibration": len(calibration), "validation": len(validation),
                  "rulebook_examples": len(examples or [])}})
    metrics = measure(recogniser, x["validation"], validation)
    metrics["training_seconds"] = round(time.perf_counter() - started, 1)
    (partial / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return Trained(out, metrics)


def _top(recogniser: ScenarioRecogniser, x: Vectors, turns: list[CustomerTurn]) -> tuple[np.ndarray, np.ndarray]:
    logits = recogniser.logits(x)
    best = logits.argmax(axis=1)
    p = 1.0 / (1.0 + np.exp(-(recogniser.scale * logits.max(axis=1) + recogniser.offset)))
    correct = np.array([recogniser.labels[b] in t.scenarios for b, t in zip(best, turns, strict=True)])
    return p, correct


def measure(recogniser: ScenarioRecogniser, x: Vectors, turns: list[CustomerTurn]) -> dict[str, Any]:
    """Top-1 / top-3 on the primary scenario, second-label recall, calibration error and the unsure share."""
    logits = recogniser.logits(x)
    order = np.argsort(-logits, axis=1)
    primary = np.array([recogniser.labels.index(t.scenarios[0]) for t in turns])
    top1 = float(np.mean(order[:, 0] == primary))
    top3 = float(np.mean([p in row[:3] for p, row in zip(primary, order, strict=True)]))
    probabilities = 1.0 / (1.0 + np.exp(-(recogniser.scale * logits + recogniser.offset)))
    seconds = [(i, recogniser.labels.index(s)) for i, t in enumerate(turns) for s in t.scenarios[1:]]
    top_p, correct = _top(recogniser, x, turns)
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
