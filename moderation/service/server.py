"""gunicorn settings for the service, used by `moderation serve`, the Dockerfile and anyone's
`gunicorn -c python:moderation.service.server 'moderation.service:create_app()'`.

Environment: MODERATION_BIND (0.0.0.0:8000), MODERATION_WORKERS (the CPU count: the work is
CPU-bound, so more sync workers than cores only queue), MODERATION_TIMEOUT (30 s). SIGTERM
stops gracefully: workers finish their requests, up to graceful_timeout.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import time
from typing import Any

from gunicorn.glogging import Logger


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

bind = os.environ.get("MODERATION_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("MODERATION_WORKERS", "0")) or (os.cpu_count() or 1)
worker_class = "sync"
timeout = int(os.environ.get("MODERATION_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
wsgi_app = "moderation.service:create_app()"


class JsonAccessLogger(Logger):
    """One JSON object per request, with the request id; never a header's value besides it."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "request_id": headers.get("x-request-id"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info(json.dumps(record))


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
