"""Prometheus metrics, right with several gunicorn workers.

With PROMETHEUS_MULTIPROC_DIR set (``moderation serve`` and the compose file set it), every
worker writes its samples there and /metrics adds them up (prometheus-client's multiprocess
mode); without it, as in tests, the process's own registry is served.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("moderation_requests_total", "HTTP requests answered, by route and status", ["route", "status"])
LATENCY = Histogram("moderation_request_duration_seconds", "Time to answer a request, by route", ["route"],
                    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
MATCHES = Counter("moderation_matches_total", "Flagged spans reported, by category", ["category"])
RELOAD_FAILURES = Counter("moderation_reload_failures_total", "Wordlist or config reloads that failed")
RELOAD_OK = Gauge("moderation_reload_ok", "1 while the last reload attempt succeeded, 0 after a failure",
                  multiprocess_mode="min")
RELOAD_OK.set(1)


_request_series: dict[tuple[str, int], tuple[Any, Any]] = {}  # labelled children, looked up once
_match_series: dict[str, Any] = {}


def observe(route: str, status: int, seconds: float) -> None:
    """Count a request and its latency."""
    series = _request_series.get((route, status))
    if series is None:
        series = _request_series[(route, status)] = (REQUESTS.labels(route, str(status)), LATENCY.labels(route))
    series[0].inc()
    series[1].observe(seconds)


def matched(category: str) -> None:
    series = _match_series.get(category)
    if series is None:
        series = _match_series[category] = MATCHES.labels(category)
    series.inc()


def on_reload(ok: bool) -> None:
    RELOAD_OK.set(1 if ok else 0)
    if not ok:
        RELOAD_FAILURES.inc()


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
