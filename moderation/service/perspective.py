"""Google's Perspective API, answered from the engine: `comments:analyze` and `comments:suggestscore`.

A client pointed at our base URL instead of `https://commentanalyzer.googleapis.com` (Coral,
plugins, bots) works unchanged: the request fields, camelCase, the answer's shape and Google's
error shape `{"error": {"code", "message", "status"}}` follow Perspective's published reference
(v1alpha1). The scores come from `scores`; every answer also carries our own result under
`moderation` (Perspective clients ignore fields they do not know).

This module reads requests and shapes answers; the views in `app` call it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeGuard, cast
from urllib.parse import parse_qsl

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from moderation.engine.identify import identify
from moderation.engine.offsets import convert
from moderation.service import feedback
from moderation.service.checks import countable, json_response, read_bytes, run
from moderation.service.edge import REQUEST_ID
from moderation.service.keys import is_valid
from moderation.service.problems import Problem, crashed
from moderation.service.scores import ATTRIBUTES, UNSCORED, Attribute, score, severity_of

if TYPE_CHECKING:
    from moderation.engine.moderator import Moderator
    from moderation.service.app import Service

PREFIX = "/v1alpha1"
OFFERED = "moderation.offered_key"  # the environ key the request's API key is kept under, once read
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          405: "INVALID_ARGUMENT", 413: "INVALID_ARGUMENT", 415: "INVALID_ARGUMENT", 500: "INTERNAL"}
ANALYZE_FIELDS = frozenset({"comment", "context", "languages", "requestedAttributes", "spanAnnotations",
                            "doNotStore", "clientToken", "sessionId", "communityId", "dropUnsupportedAttributes"})
# doNotStore is not in Perspective's suggestscore; we take it there too, as the one way to let the
# feedback file keep the comment's text (it never does without it).
SUGGEST_FIELDS = frozenset({"comment", "context", "languages", "attributeScores", "clientToken", "sessionId",
                            "communityId", "doNotStore"})
FIELD_TYPES: dict[str, type] = {"clientToken": str, "sessionId": str, "communityId": str, "doNotStore": bool,
                                "spanAnnotations": bool, "dropUnsupportedAttributes": bool, "context": dict}
_TYPE_NAMES = {str: "string", bool: "boolean (true or false)", dict: "JSON object"}
TEXT_TYPES = {"TEXT_TYPE_UNSPECIFIED": "text/plain", "PLAIN_TEXT": "text/plain", "HTML": "text/html"}
SCORE_TYPES = ("PROBABILITY", "SCORE_TYPE_UNSPECIFIED")


class PerspectiveError(Exception):
    """An error as Google's APIs answer it."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": STATUS.get(self.code, "UNKNOWN")}}


def invalid(message: str) -> PerspectiveError:
    return PerspectiveError(400, message)


@dataclass(frozen=True, slots=True)
class Requested:
    """One attribute asked for: how we score it, and the threshold under which it is left out."""

    name: str
    attribute: Attribute
    threshold: float | None


def read_json(raw: bytes, fields: frozenset[str]) -> dict[str, Any]:
    """The request's JSON object; an unknown field is refused as Google refuses it."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise invalid("Invalid JSON payload received. The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("Invalid JSON payload received. The body must be a JSON object.")
    for name, value in data.items():
        if name not in fields:
            raise invalid(f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.')
        kind = FIELD_TYPES.get(name)
        if kind is not None and value is not None and type(value) is not kind:  # JSON's own types: no subclass
            raise invalid(f"Invalid value at '{name}': must be a {_TYPE_NAMES[kind]}, not {json.dumps(value)}")
    return data


def read_comment(data: Mapping[str, Any], max_text: int) -> tuple[str, str]:
    """The comment's text and our content type for its `type`."""
    comment = data.get("comment")
    if not isinstance(comment, dict) or not isinstance(comment.get("text"), str):
        raise invalid('comment.text is required: {"comment": {"text": "..."}}')
    kind = comment.get("type", "TEXT_TYPE_UNSPECIFIED")
    if not isinstance(kind, str) or kind not in TEXT_TYPES:
        raise invalid(f"comment.type must be one of {', '.join(TEXT_TYPES)}, not {kind!r}")
    text: str = comment["text"]
    if not text:
        raise invalid("Comment must be non-empty.")
    if len(text) > max_text:
        raise invalid(f"Comment text too long: {len(text)} characters; the limit here is {max_text}.")
    return text, TEXT_TYPES[kind]


def read_languages(data: Mapping[str, Any], supported: tuple[str, ...], attributes: list[str]) -> list[str]:
    """The request's languages as given (BCP-47 or ISO), each one the policy checks."""
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(x, str) and x for x in languages):
        raise invalid('languages must be a list of language codes, such as ["en"]')
    unsupported = [x for x in languages if primary(x) not in supported]
    if unsupported:
        name = attributes[0] if attributes else "TOXICITY"
        raise invalid(f"Attribute {name} does not support request languages: {', '.join(unsupported)} "
                      f"(this server checks: {', '.join(supported)})")
    return list(languages)


def primary(language: str) -> str:
    """`en-US` -> `en`: the lists are per language, not per region."""
    return language.split("-")[0].split("_")[0].lower()


def read_attributes(data: Mapping[str, Any]) -> list[Requested]:
    """What to score; an attribute we cannot score honestly is refused, or dropped if asked."""
    asked = data.get("requestedAttributes")
    if not isinstance(asked, dict) or not asked:
        raise invalid('requestedAttributes is required: a map such as {"TOXICITY": {}}')
    drop = data.get("dropUnsupportedAttributes", False) is True
    found = []
    for name, params in asked.items():
        attribute = ATTRIBUTES.get(name)
        if attribute is None:
            if drop:
                continue
            raise invalid(_unsupported(name))
        found.append(Requested(name, attribute, _threshold(name, params)))
    return found


def _unsupported(name: str) -> str:
    supported = ", ".join(ATTRIBUTES)
    if name in UNSCORED:
        return (f"Attribute {name} is not supported by this server: {UNSCORED[name]}. "
                f"It scores {supported}; set dropUnsupportedAttributes to leave the others out.")
    return f"Unknown attribute: {name}. This server scores {supported}."


def _threshold(name: str, params: Any) -> float | None:
    if not isinstance(params, dict):
        raise invalid(f"requestedAttributes.{name} must be an object, such as {{}}")
    kind = params.get("scoreType", "PROBABILITY")
    if kind not in SCORE_TYPES:
        raise invalid(f"requestedAttributes.{name}.scoreType {kind!r} is not supported: scores are PROBABILITY")
    threshold = params.get("scoreThreshold")
    if threshold is None:
        return None
    if not _is_number(threshold) or not 0 <= threshold <= 1:
        raise invalid(f"requestedAttributes.{name}.scoreThreshold must be a number from 0 to 1")
    return float(threshold)


def attribute_scores(requested: list[Requested], matches: list[dict[str, Any]], length: int,
                     spans: bool) -> dict[str, Any]:
    """Perspective's attributeScores from our matches (offsets already in UTF-16 code units).

    Without spanAnnotations, each attribute has one span over the whole text, as Perspective
    gives it; with them, one span per match the attribute reads, each scored alone."""
    found = {}
    for r in requested:
        severities = [severity_of(m, r.attribute) for m in matches]
        value = score(severities)
        if r.threshold is not None and value < r.threshold:
            continue  # "Don't return scores for this attribute that are below this threshold."
        if spans:
            parts = [(m["start"], m["end"], score((s,))) for m, s in zip(matches, severities, strict=True) if s]
            parts = [p for p in parts if r.threshold is None or p[2] >= r.threshold]
        else:
            parts = [(0, length, value)]
        found[r.name] = {"summaryScore": _score(value),
                         "spanScores": [{"begin": b, "end": e, "score": _score(v)} for b, e, v in parts]}
    return found


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "type": "PROBABILITY"}


def read_suggestion(data: Mapping[str, Any]) -> dict[str, float]:
    """The suggested score per attribute: the summary's value, or else the highest span's."""
    given = data.get("attributeScores")
    if not isinstance(given, dict) or not given:
        raise invalid('attributeScores is required: a map such as {"TOXICITY": {"summaryScore": {"value": 1}}}')
    return {name: _suggested(name, scores) for name, scores in given.items()}


def _suggested(name: str, scores: Any) -> float:
    where = f"attributeScores.{name}"
    if not isinstance(scores, dict) or not ("summaryScore" in scores or scores.get("spanScores")):
        raise invalid(f"{where} must have a summaryScore or spanScores")
    values = []
    if "summaryScore" in scores:
        values.append(_value(scores["summaryScore"], f"{where}.summaryScore"))
    spans = scores.get("spanScores", [])
    if not isinstance(spans, list):
        raise invalid(f"{where}.spanScores must be a list")
    for n, span in enumerate(spans):
        here = f"{where}.spanScores[{n}]"
        if not isinstance(span, dict) or not all(_is_int(span.get(k)) for k in ("begin", "end")):
            raise invalid(f"{here} must have begin and end set")
        if span["begin"] < 0 or span["end"] < 0:
            raise invalid(f"{here}: begin and end must be offsets, 0 or more")
        values.append(_value(span.get("score"), f"{here}.score"))
    return values[0] if "summaryScore" in scores else max(values)


def _value(score: Any, where: str) -> float:
    value = score.get("value") if isinstance(score, dict) else None
    if not _is_number(value):
        raise invalid(f"{where}.value must be set, a number (0 or 1 for a yes or no)")
    return float(value)


def _is_number(value: Any) -> TypeGuard[int | float]:
    """A JSON number (true and false are not, though Python counts them as ints)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    """An integer as JSON has it: 3 or 3.0."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


# -- the views ------------------------------------------------------------------------------------


def blueprint(service: Service) -> Blueprint:
    """The two routes under /v1alpha1, with Perspective's key handling and error shape."""
    bp = Blueprint("perspective", __name__, url_prefix=PREFIX)
    bp.before_request(partial(_authorize, service))
    bp.register_error_handler(PerspectiveError, _error)
    bp.register_error_handler(Problem, lambda p: _error(PerspectiveError(p.status, p.detail)))
    bp.register_error_handler(Exception, _crash)
    bp.add_url_rule("/comments:analyze", "analyze", partial(analyze, service), methods=["POST"])
    bp.add_url_rule("/comments:suggestscore", "suggestscore", partial(suggestscore, service), methods=["POST"])
    return bp


def _error(error: PerspectiveError) -> Response:
    return Response(json.dumps(error.body()), status=error.code, mimetype="application/json")


def _crash(error: Exception) -> Response:
    if isinstance(error, HTTPException):  # Flask's own (a 405, a 413): in Google's shape too
        return _error(PerspectiveError(error.code or 500, error.description or "the request was refused"))
    return _error(PerspectiveError(500, crashed(request.environ.get(REQUEST_ID)).detail))


def _offered_key(environ: dict[str, Any]) -> str | None:
    """The key as Perspective's clients send it (`?key=`, or the `X-Goog-Api-Key` header Google's own
    client libraries send), or as our own do (`Authorization: Bearer`); read once per request (the
    check of keys and the choice of a policy both need it)."""
    if OFFERED in environ:
        return cast("str | None", environ[OFFERED])
    scheme, _, bearer = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    found = bearer.strip() if scheme.lower() == "bearer" and bearer.strip() else None
    if found is None:
        found = environ.get("HTTP_X_GOOG_API_KEY", "").strip() or None
    if found is None and environ.get("QUERY_STRING"):
        found = next((v for k, v in parse_qsl(environ["QUERY_STRING"], keep_blank_values=True) if k == "key"), None)
    environ[OFFERED] = found or None
    return found or None


def _authorize(service: Service) -> None:
    keys = service.settings.keys
    if not keys or request.method == "OPTIONS":  # a browser's CORS preflight carries no key
        return
    offered = _offered_key(request.environ)
    if offered is None:
        raise PerspectiveError(403, "The request is missing a valid API key.")
    if not is_valid(offered, keys):
        raise PerspectiveError(400, "API key not valid. Please pass a valid API key.")


def analyze(service: Service) -> Response:
    data = read_json(read_bytes(request.environ), ANALYZE_FIELDS)
    key = _offered_key(request.environ)
    return json_response(analyze_answer(service.live.moderator, data, service.settings.max_text, key))


def analyze_answer(moderator: Moderator, data: Mapping[str, Any], max_text: int,
                   key: str | None = None) -> dict[str, Any]:
    """comments:analyze's answer to a request's fields, for a caller with this API key."""
    requested = read_attributes(data)
    text, languages, detected, result = _checked(moderator, data, max_text, [r.name for r in requested], key)
    spans = data.get("spanAnnotations", False) is True
    length = convert(text, [len(text)], "utf16")[len(text)]
    return {"attributeScores": attribute_scores(requested, result["matches"], length, spans),
            "languages": languages or detected, "detectedLanguages": detected, **_echoed(data), "moderation": result}


def suggestscore(service: Service) -> Response:
    data = read_json(read_bytes(request.environ), SUGGEST_FIELDS)
    settings = service.settings
    answer = suggest_answer(service.live.moderator, data, settings.max_text, _offered_key(request.environ))
    if settings.feedback_file:
        feedback.append(settings.feedback_file, feedback_record(data, answer["moderation"]))
    return json_response(answer)


def suggest_answer(moderator: Moderator, data: Mapping[str, Any], max_text: int,
                   key: str | None = None) -> dict[str, Any]:
    """comments:suggestscore's answer, with our own result for the comment under `moderation`."""
    _, languages, detected, result = _checked(moderator, data, max_text, list(read_suggestion(data)), key)
    return {**_echoed(data), "requestedLanguages": languages, "detectedLanguages": detected, "moderation": result}


def _checked(moderator: Moderator, data: Mapping[str, Any], max_text: int, attributes: list[str],
             key: str | None) -> tuple[str, list[str], list[str], dict[str, Any]]:
    """What both routes do with a comment: read it and its languages, and check it under the
    policy its community or key gets, in the languages asked for, else (as Perspective detects
    them) in the one it is written in; the result's offsets in UTF-16 code units. Also the
    languages asked for as given, and those it was checked in."""
    text, content_type = read_comment(data, max_text)
    policy = policy_for(moderator, data, key)
    _, pol = moderator.policy_for(policy, content_type)
    languages = read_languages(data, pol.languages, attributes)
    countable(text, "utf16", "comment.")
    asked = list(dict.fromkeys(primary(x) for x in languages))
    several = len(pol.languages) > 1
    detected = asked or list(identify(text, pol.languages) if several else pol.languages)
    result = run(moderator, text, policy, content_type, "utf16", asked or ("auto" if several else None))
    return text, languages, detected, result


def feedback_record(data: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """What the feedback file keeps of a suggestion and our result for its comment: the comment's
    text only if the request says doNotStore is false."""
    record = {"communityId": data.get("communityId"), "clientToken": data.get("clientToken"),
              "sessionId": data.get("sessionId"), "suggested": read_suggestion(data),
              "policy": result["policy"], "version": result["version"],
              "terms": [{"term": m["term"], "category": m["category"], "severity": m["severity"]}
                        for m in result["matches"]]}
    if data.get("doNotStore") is False:
        record["text"] = data["comment"]["text"]
    return record


def policy_for(moderator: Moderator, data: Mapping[str, Any], key: str | None) -> str | None:
    """The policy the config gives the request's community, else its key, else None (the default).
    Perspective's requests name no policy; a community is more particular than a key."""
    config = moderator.config
    community = data.get("communityId")
    if isinstance(community, str) and community in config.community_policies:
        return config.community_policies[community]
    if key is not None and config.key_policies:
        return config.key_policies.get(hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest())
    return None


def _echoed(data: Mapping[str, Any]) -> dict[str, Any]:
    token = data.get("clientToken")
    return {"clientToken": token} if isinstance(token, str) else {}
