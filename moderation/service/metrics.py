"""Prometheus metrics, right with several gunicorn workers.

With PROMETHEUS_MULTIPROC_DIR set (``moderation serve`` and the compose file set it), every
worker writes its samples there and /metrics adds them up (prometheus-client's multiprocess
mode); without it, as in tests, the process's own registry is served.

A request only appends to a queue in its process (`Pending`): writing a multiprocess value is
an mmap write under a lock, and a request made four of them. A thread in each process adds the
queue up and writes it into the prometheus values every FLUSH_SECONDS, /metrics first writes
its own process's, and so does the process's exit: /metrics may miss at most the last second of
another worker's requests.
"""

from __future__ import annotations

import atexit
import bisect
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

log = logging.getLogger("moderation.service.metrics")
T = TypeVar("T")
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


class Pending:
    """This process's requests and matches not written yet. A deque's append and popleft are
    atomic, so the threads that answer requests and the flusher need no lock."""

    def __init__(self) -> None:
        self.requests: deque[tuple[str, int, float]] = deque()  # (route, status, seconds)
        self.matches: deque[list[str]] = deque()  # the categories of one result's matches
        self.flusher: threading.Thread | None = None
        self.starting = threading.Lock()
        self.flushing = threading.Lock()  # /metrics waits for the thread's flush, to show all of it


_pending = Pending()


def _new_pending_after_fork() -> None:
    """A forked worker counts its own requests, with its own flusher (threads do not survive a fork)."""
    global _pending
    _pending = Pending()


os.register_at_fork(after_in_child=_new_pending_after_fork)


def observe(route: str, status: int, seconds: float) -> None:
    """Count a request and its latency."""
    pending = _pending
    if pending.flusher is None:
        _start_flusher(pending)
    pending.requests.append((route, status, seconds))


def matched(categories: list[str]) -> None:
    """Count the flagged spans of one result, by category."""
    _pending.matches.append(categories)


def flush() -> None:
    """Write this process's pending counts into the prometheus values."""
    pending = _pending
    with pending.flushing:
        _write(pending)


def _write(pending: Pending) -> None:
    counts: dict[tuple[str, int], int] = {}
    sums: dict[str, float] = {}
    buckets: dict[tuple[str, int], int] = {}  # (route, index in BUCKETS, or len(BUCKETS) for +Inf)
    for route, status, seconds in _drain(pending.requests):
        counts[(route, status)] = counts.get((route, status), 0) + 1
        sums[route] = sums.get(route, 0.0) + seconds
        bucket = (route, bisect.bisect_left(BUCKETS, seconds))  # the first bound >= seconds, as Histogram does
        buckets[bucket] = buckets.get(bucket, 0) + 1
    for (route, status), n in counts.items():
        REQUESTS.labels(route, str(status)).inc(n)
    for route, total in sums.items():
        LATENCY.labels(route)._sum.inc(total)  # Histogram.observe, one count at a time otherwise
    for (route, index), n in buckets.items():
        LATENCY.labels(route)._buckets[index].inc(n)  # per-bucket counts; /metrics accumulates them
    matches: dict[str, int] = {}
    for categories in _drain(pending.matches):
        for category in categories:
            matches[category] = matches.get(category, 0) + 1
    for category, n in matches.items():
        MATCHES.labels(category).inc(n)


def _drain(queue: deque[T]) -> Iterator[T]:
    """Take items off the front until the queue is empty."""
    while True:
        try:
            yield queue.popleft()
        except IndexError:
            return


def _start_flusher(pending: Pending) -> None:
    with pending.starting:
        if pending.flusher is None:
            pending.flusher = threading.Thread(target=_flush_forever, name="metrics-flush", daemon=True)
            pending.flusher.start()


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        try:
            flush()
        except Exception:  # keep flushing, and the queue short, whatever one write did
            log.exception("writing the metrics failed")


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
