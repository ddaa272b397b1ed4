"""Training the scenario recogniser (on the fake embedder: the code path, not the shipped model's quality)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.embedding import create_embedder
from copilot.settings import EmbeddingSettings
from copilot.suggest.recogniser import load_recogniser
from copilot.train.config import RecogniserTrainConfig
from copilot.train.report import write_recogniser_report
from copilot.train.scenarios import fold_turns, train_recogniser
from copilot.train.turns import CustomerTurn, load_turns

SAYINGS = {
    "noisy-line": ["工地上机器响个不停", "旁边在装修电钻一直响", "马路上车太多了吵", "我在地铁上信号嗡嗡的",
                   "风太大了呼呼的", "家里小孩在哭闹", "装修队在隔壁砸墙", "KTV里音乐很响"],
    "silent-call": ["（无声）", "……", "（接通后没有回应）", "（静默）", "（只有呼吸声）", "（听筒里没声音）",
                    "（一直没人说话）", "（沉默了十秒）"],
    "complaint-threat": ["再不解决我就去12315", "我要找你们领导", "我要曝光到网上", "我去消协告你们",
                         "我找媒体来评评理", "我要打市长热线", "我要找律师", "我发微博让大家看看"],
}


def _turns() -> list[CustomerTurn]:
    turns = []
    for scenario, sayings in SAYINGS.items():
        for i, text in enumerate(sayings * 2):
            prefix = "坐席：您好\n客户：" if i >= len(sayings) else ""
            turns.append(CustomerTurn(id=f"{scenario}-{i}", transcript=prefix + text, scenarios=[scenario],
                                      channel="voice"))
    return turns


def test_the_folds_keep_whole_turns_apart_and_share_every_scenario() -> None:
    turns = _turns()
    folds = fold_turns(turns, RecogniserTrainConfig(folds=4))
    assert len(folds) == 4 and sorted(i for fold in folds for i in fold) == list(range(len(turns)))
    for fold in folds:
        assert sorted(turns[i].scenarios[0] for i in fold) == sorted(list(SAYINGS) * 4)
    assert fold_turns(turns, RecogniserTrainConfig(folds=4)) == folds
    assert fold_turns(turns, RecogniserTrainConfig(folds=4, seed=14)) != folds


def test_a_trained_recogniser_is_written_with_its_card_and_measured(tmp_path: Path) -> None:
    embedder = create_embedder(EmbeddingSettings(mode="fake"))
    config = RecogniserTrainConfig(folds=4)
    trained = train_recogniser(_turns(), embedder, tmp_path / "scenarios", config, fingerprint="abc")
    recogniser = load_recogniser(trained.folder, embedder.name)
    assert recogniser is not None and set(recogniser.labels) == set(SAYINGS)
    metrics = json.loads((trained.folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["validation_turns"] == 48 and metrics["folds"] == 4
    assert 0 <= metrics["top1"] <= metrics["top3"] <= 1
    assert json.loads((trained.folder / "model.json").read_text(encoding="utf-8"))["fingerprint"] == "abc"
    assert not (tmp_path / "scenarios.partial").exists()
    write_recogniser_report(trained, _turns(), tmp_path / "report.md")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "48 customer turns" in report and "in 4 folds" in report and "Out of fold (48 turns)" in report


def test_a_turn_naming_an_unknown_scenario_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "1", "transcript": "喂", "scenarios": ["nope"],
                                                  "channel": "voice"}) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"a\.jsonl:1: unknown scenario"):
        load_turns(tmp_path, {"noisy-line"})
