"""Vectors of customer turns, computed once: a live session pushes one turn at a time, and every suggestion
for it would otherwise embed the earlier turns again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from copilot.embedding.base import Vectors


class TurnVectors:
    """A bounded least-recently-used map from a turn's text to its vector; missing texts share one model call."""

    def __init__(self, embed_many: Callable[[list[str]], Vectors], capacity: int = 4096) -> None:
        self._embed_many = embed_many
        self._capacity = capacity
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, texts: list[str]) -> Vectors:
        if self._capacity == 0:  # nothing kept: every request embeds its turns
            return self._embed_many(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            computed = self._embed_many(missing)
            with self._lock:
                for text, vector in zip(missing, computed, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self._capacity:
                    self._cache.popitem(last=False)
        with self._lock:
            found: list[Vectors | None] = [self._cache.get(t) for t in texts]
        again = [t for t, v in zip(texts, found, strict=True) if v is None]
        fresh = dict(zip(again, self._embed_many(again), strict=True)) if again else {}  # evicted meanwhile
        return np.vstack([fresh[t] if v is None else v for t, v in zip(texts, found, strict=True)])
