"""gunicorn settings for the service, used by `moderation serve`, the Dockerfile and anyone's
`gunicorn -c python:moderation.service.server 'moderation.service:create_app()'`.

Environment: MODERATION_BIND (0.0.0.0:8000), MODERATION_WORKERS (the CPU count: the work is
CPU-bound, so more workers than cores only queue), MODERATION_TIMEOUT (30 s: a worker silent that
long is replaced, and a connection gets that long for its whole request); empty is unset.
SIGTERM stops gracefully: workers finish their requests, up to graceful_timeout.

Workers are gevent's: a sync worker is held by one connection from its first byte to its last,
so a few clients trickling their headers or body stall the service (slowloris). A gevent
worker waits on all its connections at once, a slow one costing a greenlet, not the worker; the
checks themselves still run one at a time per worker, on its core. No control socket: the
image's user has no home to put it in, and two instances on one machine would share
~/.gunicorn/gunicorn.ctl (stopping one removes the other's).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Any

import gevent
from gunicorn.http.errors import NoMoreData
from gunicorn.workers import ggevent

from moderation.service.access_log import JsonAccessLogger


def _remove_made_folder(folder: str, master: int) -> None:
    """Workers inherit atexit handlers: only the master, at its exit, removes the folder it made
    (a worker leaving on a HUP would otherwise take it from the workers that replace it)."""
    if os.getpid() == master:
        shutil.rmtree(folder, ignore_errors=True)


# Metrics from every worker, added up at /metrics (prometheus-client multiprocess mode). Set
# before any worker imports prometheus_client.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_dir = tempfile.mkdtemp(prefix="moderation-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
    atexit.register(_remove_made_folder, _metrics_dir, os.getpid())
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit():
        raise SystemExit(f"{name} must be a whole number, not {value!r}")
    return int(value)


bind = os.environ.get("MODERATION_BIND") or "0.0.0.0:8000"
workers = _whole_number("MODERATION_WORKERS", 0) or (os.cpu_count() or 1)
worker_class = "moderation.service.server.GeventWorker"
worker_connections = 1000  # per worker: idle and slow connections cost a greenlet each, not a worker
timeout = _whole_number("MODERATION_TIMEOUT", 30)
graceful_timeout = 30
# No keep-alive: a gevent worker serves its kept-alive connections unfairly under load (with 16
# busy clients, p99 was 0.3-1.3 s against 30-70 ms for sync workers, which never keep a connection;
# BENCHMARKS.md), and a kept connection stays with the worker that took it however busy it is.
# Closed after each answer, the next request goes to whichever worker accepts it first.
keepalive = 0
accesslog = "-"
errorlog = "-"
wsgi_app = "moderation.service:create_app()"
control_socket_disable = True


class GeventWorker(ggevent.GeventWorker):
    """gunicorn's gevent worker, with `timeout` seconds for a connection's whole request.

    Without keep-alive gunicorn reads a request's headers with no time limit, and the body is read
    as the app asks for it: a client trickling either would hold its greenlet, and the worker's
    share of worker_connections, for as long as it likes. At the limit its read fails as if the
    client had left (gunicorn's NoMoreData): gunicorn drops a connection whose headers never
    came, and the app answers a body that never came with a 400."""

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        with gevent.Timeout(self.cfg.timeout, NoMoreData(b"")):
            super().handle(listener, client, addr)


logger_class = JsonAccessLogger


def on_starting(server: Any) -> None:
    """Start from zero: samples a previous run left in the metrics folder would be added in."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges from the metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
