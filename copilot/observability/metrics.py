"""Prometheus metrics, one registry per app (so test apps never share counters)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from copilot.check.models import CheckResponse
from copilot.compose.models import Composed

LATENCY_BUCKETS = (0.005, 0.01, 0.015, 0.025, 0.04, 0.06, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("copilot_requests", "HTTP requests by route, method and status.",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("copilot_request_seconds", "HTTP request latency by route.", ["route"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.detector_hits = Counter("copilot_check_violations", "Checker findings by category, severity, detector.",
                                     ["category", "severity", "detector"], registry=self.registry)
        self.composed = Counter("copilot_compose", "Composed replies by origin and fallback reason.",
                                ["origin", "fallback_reason"], registry=self.registry)
        self.reindex = Counter("copilot_reindex", "Knowledge re-index attempts by result.", ["result"],
                               registry=self.registry)
        self.ready = Gauge("copilot_ready", "1 when the knowledge index is loaded.", registry=self.registry)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def observe_check(self, response: CheckResponse) -> None:
        for v in response.violations:
            self.detector_hits.labels(v.category, v.severity, v.detector).inc()

    def observe_composed(self, composed: Composed | None) -> None:
        if composed is not None:
            self.composed.labels(composed.origin, composed.fallback_reason or "none").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
