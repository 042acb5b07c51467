"""Prometheus metrics, right with several gunicorn workers.

With PROMETHEUS_MULTIPROC_DIR set (``moderation serve`` and the compose file set it), every
worker writes its samples there and /metrics adds them up (prometheus-client's multiprocess
mode); without it, as in tests, the process's own registry is served.

A request only adds to plain dicts (`Tally`): writing a multiprocess value is an mmap write
under a lock, and a request made four of them. A thread in each process writes the tally into
the prometheus values every FLUSH_SECONDS, /metrics first writes its own process's, and so does
the process's exit: /metrics may miss at most the last second of another worker's requests.
"""

from __future__ import annotations

import atexit
import bisect
import os
import threading
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

FLUSH_SECONDS = 1.0
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

REQUESTS = Counter("moderation_requests_total", "HTTP requests answered, by route and status", ["route", "status"])
LATENCY = Histogram("moderation_request_duration_seconds", "Time to answer a request, by route", ["route"],
                    buckets=BUCKETS)
MATCHES = Counter("moderation_matches_total", "Flagged spans reported, by category", ["category"])
RELOAD_FAILURES = Counter("moderation_reload_failures_total", "Wordlist or config reloads that failed")
RELOAD_OK = Gauge("moderation_reload_ok", "1 while the last reload attempt succeeded, 0 after a failure",
                  multiprocess_mode="min")
RELOAD_OK.set(1)


class Tally:
    """This process's counts since the last flush."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # gthread workers record from several threads
        self.flusher: threading.Thread | None = None
        self.requests: dict[tuple[str, int], int] = {}
        self.seconds: dict[str, float] = {}  # latency sum by route
        self.buckets: dict[tuple[str, int], int] = {}  # (route, index in BUCKETS or len(BUCKETS) for +Inf)
        self.matches: dict[str, int] = {}

    def take(self) -> Tally:
        """The counts so far, leaving this tally empty."""
        taken = Tally()
        with self.lock:
            taken.requests, self.requests = self.requests, {}
            taken.seconds, self.seconds = self.seconds, {}
            taken.buckets, self.buckets = self.buckets, {}
            taken.matches, self.matches = self.matches, {}
        return taken


_tally = Tally()


def _new_tally_after_fork() -> None:
    """A forked worker counts its own requests, with its own flusher (threads do not survive a fork)."""
    global _tally
    _tally = Tally()


os.register_at_fork(after_in_child=_new_tally_after_fork)


def observe(route: str, status: int, seconds: float) -> None:
    """Count a request and its latency."""
    tally = _tally
    if tally.flusher is None:
        _start_flusher(tally)
    bucket = (route, bisect.bisect_left(BUCKETS, seconds))  # the first bound >= seconds, as Histogram does
    with tally.lock:
        tally.requests[(route, status)] = tally.requests.get((route, status), 0) + 1
        tally.seconds[route] = tally.seconds.get(route, 0.0) + seconds
        tally.buckets[bucket] = tally.buckets.get(bucket, 0) + 1


def matched(categories: list[str]) -> None:
    """Count the flagged spans of one result, by category."""
    tally = _tally
    with tally.lock:
        for category in categories:
            tally.matches[category] = tally.matches.get(category, 0) + 1


def flush() -> None:
    """Write this process's counts into the prometheus values."""
    taken = _tally.take()
    for (route, status), n in taken.requests.items():
        REQUESTS.labels(route, str(status)).inc(n)
    for route, total in taken.seconds.items():
        LATENCY.labels(route)._sum.inc(total)  # Histogram.observe, one count at a time otherwise
    for (route, index), n in taken.buckets.items():
        LATENCY.labels(route)._buckets[index].inc(n)  # per-bucket counts; /metrics accumulates them
    for category, n in taken.matches.items():
        MATCHES.labels(category).inc(n)


def _start_flusher(tally: Tally) -> None:
    with tally.lock:
        if tally.flusher is None:
            tally.flusher = threading.Thread(target=_flush_forever, name="metrics-flush", daemon=True)
            tally.flusher.start()


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        flush()


atexit.register(flush)  # a worker's last second; inherited by forked workers, where it flushes theirs


def on_reload(ok: bool) -> None:
    RELOAD_OK.set(1 if ok else 0)
    if not ok:
        RELOAD_FAILURES.inc()


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    flush()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
