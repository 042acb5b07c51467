"""Every HTTP error as application/problem+json (RFC 9457), from one helper.

The body always holds type, title, status, detail (a sentence a person can act on) and
instance (the path); views raise Problem, and the app turns HTTP errors and crashes into the
same shape. No stack trace ever reaches a client.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, has_request_context, request

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error answered as problem+json: raise it from a view."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return problem_body(self.status, self.detail, **self.extra)


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


def problem_response(problem: Problem) -> Response:
    response = Response(json.dumps(problem.body(), ensure_ascii=False), status=problem.status,
                        mimetype=PROBLEM_JSON)
    response.headers.update(problem.headers)
    return response
