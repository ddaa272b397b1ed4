"""`train_checker` end to end with the head method on the fake embedder: fast, and it runs the whole path
(split, windows, fit, card, validation, atomic replace) that the fine-tuning methods share."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from copilot.check.model import MODEL_CARD, load_model
from copilot.embedding.fake import FakeEmbedder
from copilot.train.checker import train_checker
from copilot.train.config import CheckerTrainConfig
from copilot.train.corpus import Utterance, load_corpus

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "training" / "checker"


def _sample(per_label: int) -> list[Utterance]:
    kept: dict[str, list[Utterance]] = defaultdict(list)
    for utterance in load_corpus(CORPUS):
        if len(kept[utterance.label]) < per_label:
            kept[utterance.label].append(utterance)
    return [u for group in kept.values() for u in group]


def test_the_head_method_trains_on_clause_windows_and_writes_a_loadable_model(tmp_path: Path) -> None:
    utterances = _sample(10)
    out = tmp_path / "checker"
    out.mkdir()
    (out / "stale.txt").write_text("an older model", encoding="utf-8")
    embedder = FakeEmbedder()
    trained = train_checker(utterances, None, out, CheckerTrainConfig(method="head"), embedder, "abc")
    card = json.loads((out / MODEL_CARD).read_text(encoding="utf-8"))
    assert card["method"] == "head" and card["embedder"] == embedder.name and card["fingerprint"] == "abc"
    assert card["members"] == []  # a head has no ONNX file of its own
    # the head learns from clause windows, so a multi-clause corpus gives more examples than utterances
    assert card["examples"] > card["utterances"] == trained.metrics["train_utterances"]
    assert "float32_sweep" not in trained.metrics  # nothing quantised, nothing to compare
    assert trained.metrics["sweep"] and 0.0 <= trained.metrics["f1"] <= 1.0
    assert not (out / "stale.txt").exists() and not out.with_name("checker.partial").exists()
    probabilities, _ = load_model(out, embedder).predict(["您好，请问有什么可以帮您？"])
    assert probabilities.shape == (1, len(card["labels"]))


def test_a_token_model_of_several_members_names_one_file_per_seed() -> None:
    from copilot.train.checker import member_files

    assert member_files(CheckerTrainConfig(method="token")) == ["model.onnx"]
    assert member_files(CheckerTrainConfig(method="token", members=3)) == ["model.onnx", "model-2.onnx", "model-3.onnx"]
    assert member_files(CheckerTrainConfig(method="finetune", members=3)) == ["model.onnx"]
    assert member_files(CheckerTrainConfig(method="head")) == []
