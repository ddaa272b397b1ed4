from __future__ import annotations

import numpy as np

from copilot.embedding.base import Vectors
from copilot.suggest.vectors import TurnVectors


class Counting:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> Vectors:
        self.calls.append(list(texts))
        return np.asarray([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def test_a_turn_is_embedded_once_and_missing_turns_share_one_call() -> None:
    embed = Counting()
    vectors = TurnVectors(embed)
    first = vectors.of(["网又断了", "第三次打来了"])
    second = vectors.of(["我要投诉", "网又断了", "第三次打来了"])
    assert embed.calls == [["网又断了", "第三次打来了"], ["我要投诉"]]
    assert np.array_equal(second[1:], first) and second.shape == (3, 2)


def test_the_oldest_turns_are_forgotten_beyond_the_capacity() -> None:
    embed = Counting()
    vectors = TurnVectors(embed, capacity=2)
    vectors.of(["一", "二"])
    vectors.of(["三"])
    vectors.of(["一"])
    assert embed.calls == [["一", "二"], ["三"], ["一"]]


def test_nothing_is_kept_at_capacity_zero() -> None:
    embed = Counting()
    vectors = TurnVectors(embed, capacity=0)
    vectors.of(["一"])
    vectors.of(["一"])
    assert embed.calls == [["一"], ["一"]]
