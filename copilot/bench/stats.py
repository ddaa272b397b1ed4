"""Latency percentiles and throughput, as the benchmarks report them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel


class Percentiles(BaseModel):
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float


def percentiles(values_ms: Sequence[float]) -> Percentiles:
    if not values_ms:
        return Percentiles(count=0, p50_ms=0, p95_ms=0, p99_ms=0, mean_ms=0, max_ms=0)
    array = np.asarray(values_ms, dtype=float)
    p50, p95, p99 = (round(float(v), 3) for v in np.percentile(array, [50, 95, 99]))
    return Percentiles(count=len(array), p50_ms=p50, p95_ms=p95, p99_ms=p99,
                       mean_ms=round(float(array.mean()), 3), max_ms=round(float(array.max()), 3))
