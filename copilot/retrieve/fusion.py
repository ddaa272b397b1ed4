"""Weighted reciprocal-rank fusion of several rankings."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[tuple[float, Sequence[K]]], k: int) -> dict[K, float]:
    """score(d) = Σ weight / (k + rank), ranks from 1. Rankings are (weight, keys best first)."""
    fused: dict[K, float] = {}
    for weight, keys in rankings:
        for rank, key in enumerate(keys, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def best_possible(weights: Sequence[float], k: int) -> float:
    """The fused score of a key ranked first everywhere: the scale for turning scores into [0, 1]."""
    return sum(w / (k + 1) for w in weights)
