from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from copilot.suggest.recogniser import ScenarioRecogniser, load_recogniser, save_recogniser


def _recogniser() -> ScenarioRecogniser:
    weights = np.asarray([[4.0, 0.0], [0.0, 4.0]], dtype=np.float32)
    return ScenarioRecogniser(("noisy-line", "silent-call"), weights, np.asarray([-2.0, -2.0], dtype=np.float32),
                              scale=1.5, offset=-0.5, context_weight=0.35, unsure_below=0.4)


def test_probabilities_are_independent_and_calibrated() -> None:
    recogniser = _recogniser()
    p = recogniser.probabilities(recogniser.features(np.asarray([1.0, 0.0]), None))
    assert p["noisy-line"] == 1 / (1 + np.exp(-(1.5 * 2.0 - 0.5)))
    assert p["silent-call"] < 0.1  # not a share of one: a turn may belong to both, or to neither


def test_the_context_counts_at_its_weight() -> None:
    features = _recogniser().features(np.asarray([1.0, 0.0]), np.asarray([0.0, 1.0]))
    assert np.allclose(features, np.asarray([1.0, 0.35]) / np.hypot(1.0, 0.35))


def test_a_recogniser_of_another_embedder_is_not_used(tmp_path: Path) -> None:
    save_recogniser(_recogniser(), tmp_path, {"embedder": "m3e-small"})
    loaded = load_recogniser(tmp_path, "m3e-small")
    assert loaded is not None and loaded.labels == ("noisy-line", "silent-call") and loaded.unsure_below == 0.4
    assert load_recogniser(tmp_path, "fake-ngram") is None
    assert load_recogniser(tmp_path / "absent", "m3e-small") is None


def test_reading_turns_puts_latest_context_and_agent_side_by_side(tmp_path: Path) -> None:
    recogniser = replace(_recogniser(), weights=np.zeros((2, 6), dtype=np.float32), reads="turns")
    latest, context, agent = np.asarray([1.0, 0.0]), np.asarray([0.0, 1.0]), np.asarray([0.6, 0.8])
    assert np.allclose(recogniser.features(latest, context, agent), [1.0, 0.0, 0.0, 1.0, 0.6, 0.8])
    assert np.array_equal(recogniser.features(latest, None, None), [1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert np.allclose(recogniser.mixed(latest, context), np.asarray([1.0, 0.35]) / np.hypot(1.0, 0.35))
    save_recogniser(recogniser, tmp_path, {"embedder": "m3e-small"})
    loaded = load_recogniser(tmp_path, "m3e-small")
    assert loaded is not None and loaded.reads == "turns"
