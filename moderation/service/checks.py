"""The two check views, POST /v1/check and POST /v1/check/batch, and the rules they read requests by.

A CMS calls /v1/check for every comment and title, and Flask's own work per request (request
context, routing, the response object) costs about as much as the check of a 1 KB text, so the
views stay lean: they read the body straight from the WSGI environ (werkzeug's content-type
parsing and body stream, as `request.get_json(silent=True)` read it, without building the form
and JSON caches of a Request), and answer with one pre-built encoder. The reading functions need
no request context: a batch item is read by the same rules as a check, its errors named by place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response, request
from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import parse_options_header
from werkzeug.wsgi import get_input_stream

from moderation.engine.moderator import Languages, Moderator
from moderation.engine.offsets import UNITS, convert
from moderation.engine.result import Result
from moderation.errors import UnknownLanguageError, UnknownPolicyError, UnsupportedContentTypeError
from moderation.service import metrics
from moderation.service.problems import Problem
from moderation.service.reloader import LiveModerator

CHECK_FIELDS = frozenset({"text", "policy", "content_type", "offsets", "languages"})
BATCH_FIELDS = frozenset({"items", "policy", "content_type", "offsets", "languages"})
ITEM_FIELDS = frozenset({"id", "text", "policy", "content_type", "languages"})
# What jsonify writes outside debug mode, without its per-call encoder set-up and app lookup.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


# -- the views: app.py binds their first arguments -------------------------------------------------


def check(live: LiveModerator, max_text: int) -> Response:
    data = read_body(request.environ, CHECK_FIELDS)
    text = read_text(data, max_text)
    unit = read_offsets(data)
    countable(text, unit)
    return json_response(run(live.moderator, text, read_field(data, "policy", None),
                             read_field(data, "content_type", "text/plain"), unit, read_languages(data)))


def check_batch(live: LiveModerator, max_text: int, max_items: int) -> Response:
    data = read_body(request.environ, BATCH_FIELDS)
    items = data.get("items")
    if not isinstance(items, list):
        raise Problem(400, "items is required: a list of {\"id\": ..., \"text\": ...}")
    if len(items) > max_items:
        raise Problem(413, f"the batch has {len(items)} items; the limit is {max_items}. Send several batches.")
    policy = read_field(data, "policy", None)
    content_type = read_field(data, "content_type", "text/plain")
    unit = read_offsets(data)
    languages = read_languages(data)
    moderator = live.moderator  # one version for the whole batch
    try:  # batch-wide defaults fail the batch, not each item
        moderator.policy_for(policy, content_type, languages)
    except (UnknownPolicyError, UnsupportedContentTypeError, UnknownLanguageError) as e:
        raise refusal(e) from None
    results = []
    for n, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            results.append({"id": item_id, **_item(moderator, item, n, max_text, policy, content_type, unit,
                                                   languages)})
        except Problem as p:
            results.append({"id": item_id, "error": p.body()})
    return json_response({"results": results})


def _item(moderator: Moderator, item: Any, n: int, max_text: int, policy: str | None, content_type: str,
          unit: str, languages: Languages) -> dict[str, Any]:
    """One batch item read by the rules of POST /v1/check, its errors named by place."""
    where = f"items[{n}]."
    if not isinstance(item, dict):
        raise Problem(400, f"items[{n}] must be an object with a text")
    known_fields(item, ITEM_FIELDS, where)
    if not isinstance(item.get("id"), (str, int, type(None))) or isinstance(item.get("id"), bool):
        raise Problem(400, f"{where}id must be a string or a number")
    text = read_text(item, max_text, where)
    countable(text, unit, where)
    return run(moderator, text, read_field(item, "policy", policy, where=where),
               read_field(item, "content_type", content_type, where=where), unit,
               read_languages(item, languages, where=where))


def json_response(body: Any) -> Response:
    """An answer's JSON, as jsonify writes it."""
    return Response(_ENCODER.encode(body) + "\n", mimetype="application/json")


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


def read_bytes(environ: dict[str, Any]) -> bytes:
    """The body, up to its Content-Length as Flask's request.stream reads it, or a Problem."""
    try:
        return bytes(get_input_stream(environ).read())
    except ClientDisconnected as e:  # the body ended before its Content-Length
        raise Problem(400, str(e.description)) from None
    except OSError:  # the connection ended, or its time ran out, inside the body (gunicorn's NoMoreData)
        raise Problem(400, "the body could not be read to its end: the connection closed or its time "
                           "(MODERATION_TIMEOUT) ran out; send the whole body at once") from None


def _json_or_none(environ: dict[str, Any]) -> Any:
    raw = read_bytes(environ)
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


def read_languages(data: Mapping[str, Any], default: Languages = None, *, where: str = "") -> Languages:
    """The languages to check in: a list of codes, "auto", or absent (the policy's)."""
    value = data.get("languages")
    if value is None:
        return default
    if value == "auto":
        return "auto"
    if not isinstance(value, list) or not value or not all(isinstance(x, str) and x for x in value):
        raise Problem(400, f'{where}languages must be a list of language codes, such as ["en", "es"], or "auto"')
    return [x.lower() for x in value]


def read_offsets(data: Mapping[str, Any]) -> str:
    unit: str = read_field(data, "offsets", "codepoints")
    if unit not in UNITS:
        raise Problem(400, f"offsets must be one of {', '.join(UNITS)}, not {unit!r}")
    return unit


def countable(text: str, unit: str, where: str = "") -> None:
    """UTF-16 and UTF-8 cannot count a lone surrogate (JSON lets one through as `\\ud800`): a 400
    naming where it is, rather than an offset that points nowhere."""
    if unit == "codepoints" or text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise Problem(400, f"{where}text holds a lone surrogate (\\u{ord(text[e.start]):04x}) at code point "
                           f"{e.start}, which {unit} offsets cannot count; send valid Unicode, or ask for "
                           "\"offsets\": \"codepoints\"") from None


# -- answering -----------------------------------------------------------------------------------


def refusal(error: UnknownPolicyError | UnsupportedContentTypeError | UnknownLanguageError) -> Problem:
    """An engine refusal as a problem: an unknown policy is 404, a content type or a language it
    does not read 422."""
    return Problem(404 if isinstance(error, UnknownPolicyError) else 422, str(error))


def run(moderator: Moderator, text: str, policy: str | None, content_type: str, unit: str,
        languages: Languages = None) -> dict[str, Any]:
    """The result as the API answers it, its offsets in `unit`; the matches counted in the metrics."""
    try:
        result = moderator.check(text, policy=policy, content_type=content_type, languages=languages)
    except (UnknownPolicyError, UnsupportedContentTypeError, UnknownLanguageError) as e:
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
