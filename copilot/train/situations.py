"""`copilot train situations`: the situations of many service standards, each with customer turns said in it →
an encoder that puts a customer's turn near the texts of the situation it is in (the situation as the standard
heads it, its × and √ phrasings), for the situations of a customer's own uploaded standard, which the scenario
recogniser never saw.

The customer never uses the standard's words (他们说师傅明天来又没来 for 客户反映上门服务人员未按约定时间到达时),
and on the embedder's own vectors such a pair is often no nearer than a turn and a neighbouring situation. The
encoder is fine-tuned contrastively (each turn against the other texts of its batch and a text of another
situation of the same standard) on most industries of the corpus, then measured and calibrated on industries it
never saw: a nearest cosine becomes a probability `sigmoid(scale · (cos − midpoint))`, fitted there.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot.embedding.base import Embedder
from copilot.embedding.heads import CARD
from copilot.embedding.onnx import token_feeds
from copilot.embedding.tuned import ONNX, TunedEncoder
from copilot.text.normalize import to_simplified
from copilot.train.checker import Trained
from copilot.train.config import CheckerTrainConfig, SituationsTrainConfig


@dataclass(frozen=True)
class Situation:
    """One situation of a standard and the customer turns said in it; `heading` None holds the turns of that
    industry that fit none of its situations."""

    industry: str
    heading: str | None
    approved: str | None
    forbidden: str | None
    turns: tuple[str, ...]

    @property
    def texts(self) -> list[str]:
        """What an uploaded situation is known by (as `OwnSituations` reads it): its words, its ×, its √."""
        return [to_simplified(t) for t in (self.heading, self.forbidden, self.approved) if t]


@dataclass(frozen=True)
class Pair:
    turn: str
    text: str
    situation: int
    negative: str
    negative_situation: int


def load_situations(folder: Path) -> list[Situation]:
    out: list[Situation] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            turns = tuple(str(t) for t in row["turns"])
            if not row.get("industry") or not turns:
                raise ValueError(f"{path.name}:{number}: a line needs its industry and turns")
            out.append(Situation(row["industry"], row.get("situation"), row.get("approved"), row.get("forbidden"),
                                 turns))
    return out


def split_industries(situations: Sequence[Situation], share: float, seed: int) -> tuple[set[str], set[str]]:
    """(trained on, held out): whole industries, so validation meets standards the encoder never saw."""
    industries = sorted({s.industry for s in situations})
    random.Random(seed).shuffle(industries)
    held = max(1, round(share * len(industries)))
    return set(industries[held:]), set(industries[:held])


def pairs(situations: Sequence[Situation], seed: int) -> list[Pair]:
    """Every turn with every text of its situation; the negative is a text of another situation of the same
    standard (the neighbour an uploaded standard's own situations compete with)."""
    rng = random.Random(seed)
    listed = [s for s in situations if s.heading]
    by_industry: dict[str, list[int]] = {}
    for index, s in enumerate(listed):
        by_industry.setdefault(s.industry, []).append(index)
    out: list[Pair] = []
    for index, s in enumerate(listed):
        others = [i for i in by_industry[s.industry] if i != index]
        for turn in s.turns:
            for text in s.texts:
                other = rng.choice(others) if others else rng.choice([i for i in range(len(listed)) if i != index])
                out.append(Pair(to_simplified(turn), text, index, rng.choice(listed[other].texts), other))
    return out


def train_situations(situations: Sequence[Situation], embedder: Embedder, base: Path, out: Path,
                     config: SituationsTrainConfig, fingerprint: str = "") -> Trained:
    """The matcher, trained on most industries and calibrated and measured (int8, as it serves) on the others,
    beside the embedder's own vectors on the same held-out industries."""
    started = time.perf_counter()
    trained_on, held_out = split_industries(situations, config.validation_share, config.seed)
    model = _finetune(pairs([s for s in situations if s.industry in trained_on], config.seed), base, config)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    _export(model, partial / ONNX, config.quantise)
    shutil.copy(base / "tokenizer.json", partial / "tokenizer.json")
    held = [s for s in situations if s.industry in held_out]
    tuned = measure(TunedEncoder(partial, config.max_tokens), held)
    frozen = measure(embedder, held)
    card = {"method": "finetune", "embedder": embedder.name, "base_model": base.name,
            "max_tokens": config.max_tokens, "scale": tuned["scale"], "midpoint": tuned["midpoint"],
            "fingerprint": fingerprint, "config": config.model_dump(),
            "situations": sum(1 for s in situations if s.heading), "industries": len(trained_on) + len(held_out)}
    (partial / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    metrics = {**tuned, "held_out_industries": sorted(held_out), "trained_on_industries": len(trained_on),
               "embedder_on_the_same_industries": frozen,
               "training_seconds": round(time.perf_counter() - started, 1)}
    (partial / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return Trained(out, metrics)


def _finetune(training: list[Pair], base: Path, config: SituationsTrainConfig) -> Any:
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    from copilot.train.finetune import mean_pooled, seed_everything, train

    seed_everything(config.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(config.max_tokens)
    tokenizer.enable_padding()
    model = AutoModel.from_pretrained(str(base), local_files_only=True)
    # as for the checker: the vocabulary the corpus never shows stays where pre-training put it
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()

    def encode(texts: list[str]) -> Any:
        feeds = {k: torch.from_numpy(v) for k, v in token_feeds(tokenizer.encode_batch(texts)).items()}
        return mean_pooled(model(**feeds).last_hidden_state, feeds["attention_mask"])

    def batch_loss(batch: list[int]) -> Any:
        chosen = [training[i] for i in batch]
        anchors = encode([p.turn for p in chosen])
        candidates = encode([p.text for p in chosen] + [p.negative for p in chosen])
        logits = anchors @ candidates.T / config.temperature
        # another text of the anchor's own situation in the batch is no negative
        own = [p.situation for p in chosen]
        columns = own + [p.negative_situation for p in chosen]
        same = torch.tensor([[a == c for c in columns] for a in own])
        same.fill_diagonal_(False)
        logits = logits.masked_fill(same, float("-inf"))
        return torch.nn.functional.cross_entropy(logits, torch.arange(len(chosen)))

    schedule = CheckerTrainConfig(method="finetune", seed=config.seed, epochs=config.epochs,
                                  batch_size=config.batch_size, learning_rate=config.learning_rate,
                                  max_tokens=config.max_tokens, quantise=config.quantise)
    return train(model, [p.turn for p in training], schedule, batch_loss)


def _export(model: Any, target: Path, quantise: bool) -> None:
    from copilot.train.finetune import mean_pooled, trace_to_onnx, traceable

    encoder = traceable(model, lambda out, mask: mean_pooled(out.hidden_states[-1], mask))
    plain = trace_to_onnx(encoder, ("pooled",), per_token=False, target=target, quantise=quantise)
    if plain != target:
        plain.unlink()


@dataclass(frozen=True)
class Embedded:
    """A standard's situations' texts, embedded once: the vectors, and where each situation's texts start."""

    vectors: np.ndarray
    starts: np.ndarray


def embed_situations(encoder: Embedder, situations: Sequence[Situation]) -> Embedded:
    texts = [s.texts for s in situations]
    return Embedded(encoder.embed_documents([t for group in texts for t in group]),
                    np.cumsum([0, *(len(t) for t in texts[:-1])]))


def nearest_cosines(encoder: Embedder, embedded: Embedded, turns: Sequence[str]) -> np.ndarray:
    """(turns, situations): each turn's cosine to the nearest text of each embedded situation."""
    turn_vectors = encoder.embed_queries([to_simplified(t) for t in turns])
    return np.asarray(np.maximum.reduceat(turn_vectors @ embedded.vectors.T, embedded.starts, axis=1),
                      dtype=np.float64)


def measure(encoder: Embedder, held: Sequence[Situation]) -> dict[str, Any]:
    """On each held-out standard: is a turn's own situation the nearest of that standard's (top 1, top 3), and a
    logistic calibration of the nearest cosine (own situation or not; an off-list turn is near none)."""
    x: list[float] = []
    y: list[int] = []
    ranks: list[int] = []
    off_list: list[float] = []
    for industry in sorted({s.industry for s in held}):
        listed = [s for s in held if s.industry == industry and s.heading]
        if not listed:
            continue
        embedded = embed_situations(encoder, listed)
        for index, situation in enumerate(listed):
            cosines = nearest_cosines(encoder, embedded, situation.turns)
            for row in cosines:
                ranks.append(int((row > row[index]).sum()))
                x += row.tolist()
                y += [int(i == index) for i in range(len(listed))]
        strays = [t for s in held if s.industry == industry and not s.heading for t in s.turns]
        if strays:
            cosines = nearest_cosines(encoder, embedded, strays)
            off_list += cosines.max(axis=1).tolist()
            x += cosines.ravel().tolist()
            y += [0] * cosines.size
    scale, midpoint = calibrate(np.array(x), np.array(y))
    own = np.array([xi for xi, yi in zip(x, y, strict=True) if yi])
    return {
        "turns": len(ranks), "top1": round(float(np.mean(np.array(ranks) == 0)), 4),
        "top3": round(float(np.mean(np.array(ranks) < 3)), 4),
        "scale": round(scale, 3), "midpoint": round(midpoint, 4),
        "own_at_half": round(float(np.mean(own >= midpoint)), 4),
        "off_list_turns": len(off_list),
        "off_list_at_half": round(float(np.mean(np.array(off_list) >= midpoint)), 4) if off_list else None,
    }


def calibrate(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(scale, midpoint) of a logistic fit of y on the cosine x."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=100.0, max_iter=1000).fit(x.reshape(-1, 1), y)
    scale = float(fit.coef_[0][0])
    return scale, -float(fit.intercept_[0]) / scale
