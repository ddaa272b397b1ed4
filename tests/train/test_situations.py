"""The situation matcher's corpus (its make-up, and that no eval text says the same) and its training."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from copilot.embedding import create_embedder
from copilot.settings import REPO_ROOT, EmbeddingSettings, PathSettings
from copilot.suggest.matcher import load_matcher
from copilot.train.build import base_model
from copilot.train.config import SituationsTrainConfig
from copilot.train.overlap import near_duplicates
from copilot.train.situations import (
    Situation,
    calibrate,
    load_situations,
    measure,
    pairs,
    split_industries,
    train_situations,
)
from tests.train.test_corpus import eval_texts


@pytest.fixture(scope="module")
def situations() -> list[Situation]:
    return load_situations(PathSettings().situations_corpus_dir)


def test_the_corpus_holds_many_standards_each_with_situations_and_turns_that_fit_none(
        situations: list[Situation]) -> None:
    listed = [s for s in situations if s.heading]
    per_industry = Counter(s.industry for s in listed)
    assert len(per_industry) >= 30 and min(per_industry.values()) >= 6
    assert all(len(s.turns) >= 5 and s.approved for s in listed)
    strays = {s.industry for s in situations if not s.heading}
    assert strays == set(per_industry)  # every standard has turns that fit none of its situations


def test_no_eval_text_is_a_near_duplicate_of_the_corpus(situations: list[Situation]) -> None:
    """Customer turns, and the standards' own words (situations, √ and ×), against every eval text and the
    phrasings the suggest cases of eval/byos expect."""
    expected = [e for path in sorted((REPO_ROOT / "eval").rglob("*.jsonl"))
                for line in path.read_text(encoding="utf-8").splitlines()
                for e in json.loads(line).get("expect_any", [])]
    suites = eval_texts() + expected
    assert len(suites) > 800
    corpus = [t for s in situations for t in (*s.turns, *(s.texts))]
    assert near_duplicates(corpus, suites, threshold=0.8) == []


def _toy() -> list[Situation]:
    return [Situation(industry, f"{industry}客户问{n}时", f"您好，关于{n}我帮您查", f"{n}别问我",
                      (f"{n}怎么回事", f"我的{n}呢"))
            for industry in ("水", "电", "气") for n in ("账单", "停供", "报装")] + \
        [Situation(industry, None, None, None, ("你好", "谢谢")) for industry in ("水", "电", "气")]


def test_pairs_take_their_negative_from_another_situation_of_the_same_standard() -> None:
    toy = _toy()
    listed = [s for s in toy if s.heading]
    made = pairs(toy, seed=1)
    assert len(made) == sum(len(s.turns) * len(s.texts) for s in listed)
    for pair in made:
        own, other = listed[pair.situation], listed[pair.negative_situation]
        assert pair.situation != pair.negative_situation and own.industry == other.industry
        assert pair.text in own.texts and pair.negative in other.texts
    assert made == pairs(toy, seed=1)


def test_industries_are_held_out_whole_and_seeded() -> None:
    toy = _toy()
    trained, held = split_industries(toy, 0.3, seed=5)
    assert trained | held == {"水", "电", "气"} and not trained & held and len(held) == 1
    assert split_industries(toy, 0.3, seed=5) == (trained, held)


def test_the_calibration_puts_the_midpoint_where_own_and_other_cross() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0.8, 0.05, 400), rng.normal(0.6, 0.05, 400)])
    y = np.array([1] * 400 + [0] * 400)
    scale, midpoint = calibrate(x, y)
    assert scale > 10 and 0.68 < midpoint < 0.72


def test_measure_ranks_each_turn_among_its_own_standards_situations() -> None:
    metrics = measure(create_embedder(EmbeddingSettings(mode="fake")), _toy())
    assert metrics["turns"] == 18 and metrics["off_list_turns"] == 6
    assert 0 <= metrics["top1"] <= metrics["top3"] == 1.0  # three situations per standard


@pytest.mark.integration
def test_a_matcher_is_trained_exported_calibrated_on_held_out_industries_and_loads(tmp_path: Path) -> None:
    """The real encoder, one short epoch: the ONNX export, its card and the held-out metrics, not its quality."""
    embedder = create_embedder(EmbeddingSettings(mode="fake"))
    config = SituationsTrainConfig(epochs=1, max_tokens=16, validation_share=0.34, batch_size=4)
    trained = train_situations(_toy(), embedder, base_model(), tmp_path / "situations", config, fingerprint="abc")
    card = json.loads((trained.folder / "model.json").read_text(encoding="utf-8"))
    assert card["method"] == "finetune" and card["max_tokens"] == 16 and card["fingerprint"] == "abc"
    assert {p.name for p in trained.folder.iterdir()} == {"model.json", "metrics.json", "model.onnx",
                                                          "tokenizer.json"}
    assert trained.metrics["turns"] == 6 and trained.metrics["embedder_on_the_same_industries"]["turns"] == 6
    assert card["scale"] == trained.metrics["scale"] and card["midpoint"] == trained.metrics["midpoint"]
    matcher = load_matcher(trained.folder, embedder.name)
    assert matcher is not None and load_matcher(trained.folder, "another-embedder") is None
    vectors = matcher.encoder.embed_queries(["电费怎么这么多", "停电了"])
    assert vectors.shape == (2, matcher.encoder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
