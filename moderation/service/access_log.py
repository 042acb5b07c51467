"""gunicorn's access log as one JSON object per request: the request id, never a header's value
besides it, and never a key sent in the query string (Perspective's clients send `?key=`).

Kept apart from `server` (gunicorn's settings), whose import sets up the metrics folder.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

SECRET_PARAMETERS = frozenset({"key", "access_token", "oauth_token"})


def masked_query(query: str) -> str:
    """The query string with the value of every secret parameter hidden, however its name is encoded."""
    pairs = query.split("&") if query else []
    return "&".join(f"{name}=[hidden]" if unquote_plus(name).lower() in SECRET_PARAMETERS else pair
                    for pair in pairs for name in [pair.partition("=")[0]])


class JsonAccessLogger(Logger):
    """One JSON object per request, with the request id; never a header's value besides it."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        try:
            self._access(resp, environ, request_time)
        except Exception:  # a log line is never worth a worker
            self.error_log.exception("cannot write the access log line")

    def _access(self, resp: Any, environ: dict[str, Any], request_time: Any) -> None:
        # gunicorn's own answer to a malformed frame (a bad Content-Length, a bad chunk) sets only
        # `status`, and its environ has no request id: read nothing here that it may lack.
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "request_id": environ.get("moderation.request_id"),  # the edge's REQUEST_ID, set on every request
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": masked_query(environ.get("QUERY_STRING", "")),
            "status": _status(resp),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        # A record made by hand: .info() would walk the stack for the caller's file and line,
        # a third of the line's cost, and the access log shows neither.
        log = self.access_log
        log.handle(log.makeRecord(log.name, logging.INFO, "", 0, json.dumps(record), None, None))


def _status(resp: Any) -> int | None:
    """The response's status code, from `status_code` or else the status line."""
    code = getattr(resp, "status_code", None)
    if isinstance(code, int):
        return code
    first = str(getattr(resp, "status", "") or "").split(" ", 1)[0]
    return int(first) if first.isdigit() else None
