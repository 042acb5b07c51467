"""What every request goes through before routing, as a WSGI middleware in front of Flask: a
request id, the body limit (decided from Content-Length, before a byte is read; a chunked body
is read up to the limit here), and the metrics.

Only what comes before routing lives here. API keys depend on the route, so the app checks them
on the route Flask matched (see keys), and every answer but the body limit's comes from Flask,
whose hooks, extensions and error handlers see every route.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from moderation.service import metrics
from moderation.service.problems import PROBLEM_JSON, problem_body

REQUEST_ID = "moderation.request_id"  # the environ key views and error handlers read it from
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Refusal = tuple[int, str, list[tuple[str, str]]]


def _id_maker() -> Callable[[], str]:
    """Made-up request ids: 16 hex digits drawn at random once per process, then a count; unique
    without a system call per request."""
    prefix, count = os.urandom(8).hex(), itertools.count()
    return lambda: f"{prefix}{next(count):016x}"


_new_id = _id_maker()


def _new_ids_after_fork() -> None:
    global _new_id
    _new_id = _id_maker()  # a forked worker must not repeat its parent's ids


os.register_at_fork(after_in_child=_new_ids_after_fork)


class Edge:
    """Wraps a WSGI app; see the module docstring."""

    def __init__(self, app: WSGIApp, *, max_body: int, routes: frozenset[str]) -> None:
        self.app = app
        self.max_body = max_body
        self.routes = routes  # metric labels: known paths only, so a scan cannot grow the series

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = environ.get("HTTP_X_REQUEST_ID")
        if not (rid and len(rid) <= 128 and rid.isprintable()):
            rid = _new_id()
        environ[REQUEST_ID] = rid
        status: list[int] = []

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(int(code[:3]))
            headers.append(("X-Request-ID", rid))
            return start_response(code, headers, exc_info)

        path = environ.get("PATH_INFO", "")
        refusal = self._refusal(environ)
        if refusal is None:
            body = self.app(environ, start)
        else:
            code, detail, extra_headers = refusal
            payload = json.dumps(problem_body(code, detail, instance=path, request_id=rid))
            start(f"{code} {_PHRASES[code]}", [("Content-Type", PROBLEM_JSON), *extra_headers])
            body = [payload.encode()]
        metrics.observe(path if path in self.routes else "unmatched", status[0] if status else 500,
                        time.perf_counter() - started)
        return body

    def _refusal(self, environ: dict[str, Any]) -> Refusal | None:
        length = environ.get("CONTENT_LENGTH")
        if length and length.isdigit() and int(length) > self.max_body:
            return 413, (f"the body is {length} bytes; the limit is {self.max_body}. "
                         "Split the text or send fewer batch items."), []
        if not length and environ.get("HTTP_TRANSFER_ENCODING") and "wsgi.input_terminated" in environ:
            return self._read_chunked(environ)
        return None

    def _read_chunked(self, environ: dict[str, Any]) -> Refusal | None:
        """A body without a Content-Length: read up to the limit, then hand it on with its length."""
        try:
            body = environ["wsgi.input"].read(self.max_body + 1)
        except OSError:  # the connection ended, or its time ran out, inside a chunk (gunicorn's NoMoreData)
            return 400, ("the chunked body could not be read to its last chunk: the connection closed or "
                         "its time (MODERATION_TIMEOUT) ran out; send the whole body at once"), []
        if len(body) > self.max_body:
            return 413, (f"the body is over the limit of {self.max_body} bytes. "
                         "Split the text or send fewer batch items."), []
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        return None


_PHRASES = {400: "Bad Request", 413: "Content Too Large"}
