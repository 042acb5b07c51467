"""POST /v1/check as plain WSGI, and the reading of check requests that /v1/check/batch shares.

Why this route bypasses Flask: a CMS calls it for every comment and title, and Flask's own work
per request (request context, routing, the response object: ~60 µs) costs more than the whole
check of a 1 KB text (~27 µs). The edge sends POST /v1/check here once it has settled the request
id, the body limit and the API key, and every other request to Flask, which keeps the /v1/check
rule so that other methods still get its 405 (with Allow) and OPTIONS answers.

The functions below need no request context, so the batch view reads its items with them: one
implementation of the route's rules. What they read and write is byte for byte what Flask did:
werkzeug's content-type parsing and body stream, its status lines, the same JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import HTTP_STATUS_CODES, parse_options_header
from werkzeug.wsgi import get_input_stream

from moderation.engine.moderator import Moderator, Result
from moderation.engine.offsets import UNITS, convert
from moderation.errors import UnknownPolicyError, UnsupportedContentTypeError
from moderation.service import metrics
from moderation.service.edge import REQUEST_ID, StartResponse
from moderation.service.problems import PROBLEM_JSON, Problem, crashed
from moderation.service.reloader import LiveModerator

ROUTE = "/v1/check"
CHECK_FIELDS = frozenset({"text", "policy", "content_type", "offsets"})
# What jsonify writes outside debug mode, without its per-call encoder set-up and app lookup.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


class CheckRoute:
    """The WSGI app for POST /v1/check; the edge calls it, and Flask never sees the request."""

    def __init__(self, live: LiveModerator, max_text: int) -> None:
        self.live = live
        self.max_text = max_text

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        rid = environ.get(REQUEST_ID)
        try:
            body = json_text(self.answer(environ)).encode()
        except Problem as problem:
            return _problem(start_response, problem, rid)
        except Exception:  # as Flask's handler does: logged with the request id, a bare 500 for the client
            return _problem(start_response, crashed(rid), rid)
        return _respond(start_response, 200, "application/json", body)

    def answer(self, environ: dict[str, Any]) -> dict[str, Any]:
        data = read_body(environ, CHECK_FIELDS)
        text = read_text(data, self.max_text)
        return run(self.live.moderator, text, read_field(data, "policy", None),
                   read_field(data, "content_type", "text/plain"), read_offsets(data))


def _respond(start_response: StartResponse, status: int, content_type: str, body: bytes,
            headers: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    """Start the response as a werkzeug Response would: its status line, type and length first."""
    start_response(f"{status} {HTTP_STATUS_CODES[status].upper()}",
                   [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers])
    return [body]


def _problem(start_response: StartResponse, problem: Problem, request_id: str | None) -> list[bytes]:
    body = problem.to_json(ROUTE, request_id).encode()
    return _respond(start_response, problem.status, PROBLEM_JSON, body, problem.headers.items())


def json_text(body: Any) -> str:
    """An answer's JSON, as jsonify writes it."""
    return _ENCODER.encode(body) + "\n"


# -- reading a request -------------------------------------------------------------------------


def read_body(environ: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """The body's JSON object, as Flask's request.get_json(silent=True) read it, or a Problem."""
    mimetype = parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower()
    if mimetype != "application/json":
        raise Problem(415, f"send the body as application/json, not {mimetype or 'no content type'}")
    data = _json_or_none(environ)
    if data is None:
        raise Problem(400, "the body is not valid JSON")
    if not isinstance(data, dict):
        raise Problem(400, "the body must be a JSON object")
    known_fields(data, allowed)
    return data


def _json_or_none(environ: dict[str, Any]) -> Any:
    try:
        raw = get_input_stream(environ).read()  # up to Content-Length, as Flask's request.stream
    except ClientDisconnected as e:  # the body ended before its Content-Length
        raise Problem(400, str(e.description)) from None
    try:
        return json.loads(raw)
    except ValueError:
        return None
    except RecursionError:  # was a 500; a client can send it, so it is the client's error
        raise Problem(400, "the body's JSON nests too deeply") from None


def known_fields(data: Mapping[str, Any], allowed: frozenset[str], where: str = "") -> None:
    if data.keys() <= allowed:
        return
    unknown = sorted(set(data) - allowed)
    raise Problem(400, f"{where}unknown field(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}")


def read_field(data: Mapping[str, Any], name: str, default: Any, *, where: str = "") -> Any:
    """An optional string field; absent or null: the default."""
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Problem(400, f"{where}{name} must be a string, not {type(value).__name__}")
    return value


def read_text(data: Mapping[str, Any], limit: int, where: str = "") -> str:
    if "text" not in data:
        raise Problem(400, f"{where}text is required")
    text = data["text"]
    if not isinstance(text, str):
        raise Problem(400, f"{where}text must be a string, not {type(text).__name__}")
    if len(text) > limit:
        raise Problem(413, f"{where}text is {len(text)} characters; the limit is {limit}. Split it.")
    return text


def read_offsets(data: Mapping[str, Any]) -> str:
    unit: str = read_field(data, "offsets", "codepoints")
    if unit not in UNITS:
        raise Problem(400, f"offsets must be one of {', '.join(UNITS)}, not {unit!r}")
    return unit


# -- answering -----------------------------------------------------------------------------------


def refusal(error: UnknownPolicyError | UnsupportedContentTypeError) -> Problem:
    """An engine refusal as a problem: an unknown policy is 404, a content type it cannot read 422."""
    return Problem(404 if isinstance(error, UnknownPolicyError) else 422, str(error))


def run(moderator: Moderator, text: str, policy: str | None, content_type: str, unit: str) -> dict[str, Any]:
    """The result as the API answers it, its offsets in `unit`; the matches counted in the metrics."""
    try:
        result = moderator.check(text, policy=policy, content_type=content_type)
    except (UnknownPolicyError, UnsupportedContentTypeError) as e:
        raise refusal(e) from None
    if result.matches:
        metrics.matched([m.category for m in result.matches])
    return _with_offsets(text, result, unit)


def _with_offsets(text: str, result: Result, unit: str) -> dict[str, Any]:
    body = result.to_dict()
    body["offsets"] = unit
    if unit != "codepoints" and result.matches:
        where = convert(text, [p for m in result.matches for p in (m.start, m.end)], unit)
        for m in body["matches"]:
            m["start"], m["end"] = where[m["start"]], where[m["end"]]
    return body
