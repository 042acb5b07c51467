"""Every HTTP error as application/problem+json (RFC 9457), from one helper.

The body always holds type, title, status, detail (a sentence a person can act on) and
instance (the path); views and the check route raise Problem, and the app and the check route
turn HTTP errors and crashes into the same shape. No stack trace ever reaches a client.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from flask import Response, has_request_context, request

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("moderation.service")  # the API's log, whichever path (Flask or the check route) failed


class Problem(Exception):
    """An error answered as problem+json: raise it from a view."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None, request_id: str | None = None) -> dict[str, Any]:
        return problem_body(self.status, self.detail, instance=instance, request_id=request_id, **self.extra)

    def to_json(self, instance: str | None = None, request_id: str | None = None) -> str:
        """The body as every problem response writes it."""
        return json.dumps(self.body(instance, request_id), ensure_ascii=False)


def problem_body(status: int, detail: str, *, instance: str | None = None, request_id: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The problem document; instance and request_id default to the current Flask request's."""
    if instance is None and has_request_context():
        instance = request.path
        request_id = request.environ.get("moderation.request_id")
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
                            "detail": detail, "instance": instance, "request_id": request_id}
    body.update(extra)
    return body


def crashed(request_id: str | None) -> Problem:
    """Log the exception being handled, with the request id; the 500 the client gets instead of it."""
    log.exception("unhandled error, request %s", request_id)
    return Problem(500, f"the server failed on this request; the operator can find it "
                        f"in the log by its request id {request_id}")


def problem_response(problem: Problem) -> Response:
    """A problem as a Flask response, for the current request."""
    response = Response(problem.to_json(), status=problem.status, mimetype=PROBLEM_JSON)
    response.headers.update(problem.headers)
    return response
