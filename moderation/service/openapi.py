"""The OpenAPI 3.1 description of the HTTP API, built from the app's real limits."""

from __future__ import annotations

from typing import Any

from moderation import __version__
from moderation.engine.languages import LANGUAGES
from moderation.engine.moderator import CONTENT_TYPES
from moderation.engine.offsets import UNITS
from moderation.engine.policy import ACTIONS
from moderation.engine.wordlists import CATEGORIES

EVASIONS = ["leet", "repeat", "separator", "masked", "homoglyph", "diacritic", "invisible", "case", "compound"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def schemas(max_text: int, max_items: int, languages: tuple[str, ...] = tuple(LANGUAGES)) -> dict[str, Any]:
    text = {"type": "string", "maxLength": max_text, "description": "The text to check, as the CMS stores it."}
    options = {
        "policy": {"type": ["string", "null"], "description": "A policy name from GET /v1/policies; "
                   "null or absent: the default policy."},
        "languages": {"anyOf": [{"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(languages)}},
                                {"const": "auto"}, {"type": "null"}],
                      "description": 'The languages to check the text in: some of the policy\'s (GET /v1/policies), '
                                     '"auto" for those of them it is written in (identified per text; an uncertain '
                                     "text is checked in all), null or absent: all of the policy's. A language the "
                                     "policy does not check is refused with 422."},
        "content_type": {"type": ["string", "null"], "enum": [*CONTENT_TYPES, None], "default": "text/plain",
                         "description": "How to read the text: text/plain; text/html or text/markdown for what "
                         "a reader of the rendered markup sees, with offsets into the markup as sent and a cleaned "
                         "copy that differs only where it masks. Another value is refused with 422."},
    }
    offsets = {"type": ["string", "null"], "enum": [*UNITS, None], "default": "codepoints",
               "description": "The unit of start and end: code points, UTF-16 code units (JavaScript) or UTF-8 bytes."}
    result_properties = {
        "flagged": {"type": "boolean"},
        "action": {"type": "string", "enum": list(ACTIONS)},
        "policy": {"type": "string"},
        "version": {"type": "string", "description": "Digest of the loaded wordlists and config."},
        "content_type": {"type": "string"},
        "offsets": {"type": "string", "enum": list(UNITS)},
        "cleaned": {"type": "string", "description": "The text with every flagged span masked."},
        "matches": {"type": "array", "items": _ref("Match")},
    }
    return {
        "CheckRequest": {"type": "object", "required": ["text"], "additionalProperties": False,
                         "properties": {"text": text, **options, "offsets": offsets}},
        "BatchRequest": {
            "type": "object", "required": ["items"], "additionalProperties": False,
            "properties": {
                "items": {"type": "array", "maxItems": max_items, "items": {
                    "anyOf": [_ref("BatchItem"), {}],
                    "description": "A BatchItem. Anything else gets an error entry in its place in the "
                                   "results; the other items are answered."}},
                **options, "offsets": offsets,
            },
        },
        "BatchItem": {"type": "object", "required": ["text"], "additionalProperties": False,
                      "properties": {"id": {"type": ["string", "integer", "null"]}, "text": text, **options}},
        "Match": {
            "type": "object",
            "required": ["start", "end", "text", "term", "category", "severity", "evasions", "list", "language"],
            "properties": {
                "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
                "text": {"type": "string", "description": "Exactly the flagged characters of the text."},
                "term": {"type": "string", "description": "The wordlist entry that matched."},
                "category": {"type": "string", "enum": list(CATEGORIES)},
                "severity": {"type": "integer", "minimum": 1, "maximum": 3},
                "evasions": {"type": "array", "items": {"type": "string", "enum": EVASIONS}},
                "list": {"type": "string"},
                "language": {"type": "string", "enum": list(LANGUAGES),
                             "description": "The language whose lists the term is from."},
            },
        },
        "CheckResult": {"type": "object", "required": list(result_properties), "properties": result_properties},
        "BatchResult": {
            "type": "object", "required": ["results"],
            "properties": {"results": {"type": "array", "items": {"oneOf": [
                {"allOf": [_ref("CheckResult"), {"type": "object", "required": ["id"]}]},
                {"type": "object", "required": ["id", "error"], "properties": {"error": _ref("Problem")}},
            ]}}},
        },
        "Policy": {
            "type": "object", "required": ["name", "categories", "min_severity", "review_at", "block_at", "mask"],
            "properties": {
                "name": {"type": "string"}, "default": {"type": "boolean"},
                "categories": {"type": "array", "items": {"type": "string"}},
                "min_severity": {"type": "integer"}, "review_at": {"type": "integer"},
                "block_at": {"type": "integer"}, "mask": {"type": "string"},
                "review_categories": {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}},
                "masks": {"type": "object", "additionalProperties": {"type": "string"}},
                "languages": {"type": "array", "items": {"type": "string", "enum": list(LANGUAGES)}},
            },
        },
        "Policies": {"type": "object", "required": ["policies", "default"],
                     "properties": {"policies": {"type": "array", "items": _ref("Policy")},
                                    "default": {"type": "string"}, "version": {"type": "string"}}},
        "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
        "Ready": {
            "type": "object", "required": ["ready", "version", "reload"],
            "properties": {
                "ready": {"type": "boolean"}, "version": {"type": "string"},
                "reload": {"type": "object", "required": ["ok"], "properties": {
                    "ok": {"type": "boolean"}, "error": {"type": ["string", "null"]},
                    "reloads": {"type": "integer"}}},
            },
        },
        "Problem": {
            "type": "object", "required": ["type", "title", "status", "detail"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                           "detail": {"type": "string"}, "instance": {"type": "string"},
                           "request_id": {"type": ["string", "null"]}},
        },
    }


def spec(max_text: int, max_items: int, with_keys: bool,
         languages: tuple[str, ...] = tuple(LANGUAGES)) -> dict[str, Any]:
    """The OpenAPI document for an app with these limits; `with_keys`: /v1 needs a bearer key;
    `languages`: those its policies check."""
    errors = {
        "400": _problem("Malformed JSON, or a field missing or of the wrong type."),
        "404": _problem("Unknown policy."),
        "413": _problem("Body, text or batch over the configured limit."),
        "415": _problem("The body is not application/json."),
        "422": _problem("A content_type the engine does not read."),
    }
    if with_keys:
        errors["401"] = _problem("No API key, or a wrong one.")
    secured: dict[str, Any] = {"security": [{"bearer": []}]} if with_keys else {}

    def post(summary: str, request: str, response: str, description: str) -> dict[str, Any]:
        return {"post": {
            "summary": summary, "description": description, **secured,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(request)}}},
            "responses": {"200": _json("The result.", response), **errors},
        }}

    def get(summary: str, response: str, description: str = "") -> dict[str, Any]:
        return {"get": {"summary": summary, "description": description,
                        "responses": {"200": _json(summary, response)}}}

    policies = get("The policies", "Policies", "Every policy of the loaded config, and the default.")
    policies["get"].update(secured)
    if with_keys:
        policies["get"]["responses"]["401"] = errors["401"]
    return {
        "openapi": "3.1.0",
        "info": {"title": "moderation", "version": __version__,
                 "description": "Finds profanity, slurs and their evasions in text, with exact spans, "
                                "and masks them by policy."},
        "paths": {
            "/v1/check": post("Check one text", "CheckRequest", "CheckResult",
                              "Every flagged span with its offsets, term, category, severity and the "
                              "evasions undone, the policy's action, and the cleaned text."),
            "/v1/check/batch": post("Check several texts", "BatchRequest", "BatchResult",
                                    "Results in the order of the items, each with its id. An item that "
                                    "cannot be checked gets its own error; the others are answered."),
            "/v1/policies": policies,
            "/healthz": get("Liveness", "Health", "200 while the process serves."),
            "/readyz": get("Readiness", "Ready", "Ready to serve; reports a failed reload of the lists or "
                           "config (the last good version goes on serving). Where API keys are configured, "
                           "the reload's error and count need a key; without one, only whether it is ok."),
            **perspective_paths(with_keys),
        },
        "components": {
            "schemas": {**schemas(max_text, max_items, languages), **perspective_schemas(max_text)},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "key": {"type": "apiKey", "in": "query", "name": "key"},
                                "googleKey": {"type": "apiKey", "in": "header", "name": "X-Goog-Api-Key"}},
        },
    }


def perspective_paths(with_keys: bool) -> dict[str, Any]:
    """Google's Perspective API routes (see docs/perspective.md); errors in Google's shape."""
    error = {"description": "Google's error shape; 403 without a key, 400 for a wrong one or a bad request.",
             "content": {"application/json": {"schema": _ref("GoogleError")}}}
    secured: dict[str, Any] = {"security": [{"key": []}, {"googleKey": []}, {"bearer": []}]} if with_keys else {}

    def post(summary: str, request: str, response: str) -> dict[str, Any]:
        codes = {"200": _json(summary, response), "400": error, **({"403": error} if with_keys else {})}
        return {"post": {"summary": summary, **secured, "responses": codes,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(request)}}}}}

    return {"/v1alpha1/comments:analyze": post("Perspective: score a comment", "AnalyzeCommentRequest",
                                               "AnalyzeCommentResponse"),
            "/v1alpha1/comments:suggestscore": post("Perspective: a moderator's decision", "SuggestCommentScoreRequest",
                                                    "SuggestCommentScoreResponse")}


def perspective_schemas(max_text: int) -> dict[str, Any]:
    entry = {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": max_text},
        "type": {"type": "string", "enum": ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT", "HTML"]}}}
    score = {"type": "object", "required": ["value"], "properties": {
        "value": {"type": "number"}, "type": {}}}
    span = {"type": "object", "required": ["begin", "end", "score"], "properties": {
        "begin": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}, "score": score}}
    scores = {"type": "object", "properties": {"summaryScore": score, "spanScores": {"type": "array", "items": span}}}
    string, flag = {"type": ["string", "null"]}, {"type": ["boolean", "null"]}  # null: unset, as in Google's JSON
    common = {"comment": entry, "languages": {"type": "array", "items": {"type": "string", "enum": ["en", "en-US"]}},
              "clientToken": string, "sessionId": string, "communityId": string,
              "context": {"type": ["object", "null"]}, "doNotStore": flag}
    attribute = {"type": "string", "enum": ["TOXICITY", "SEVERE_TOXICITY", "PROFANITY", "SEXUALLY_EXPLICIT",
                                            "INSULT", "IDENTITY_ATTACK"]}
    return {
        "AnalyzeCommentRequest": {
            "type": "object", "required": ["comment", "requestedAttributes"], "additionalProperties": False,
            "properties": {**common, "spanAnnotations": flag, "dropUnsupportedAttributes": flag,
                           "requestedAttributes": {
                               "type": "object", "minProperties": 1, "propertyNames": attribute,
                               "additionalProperties": {"type": "object", "properties": {
                                   "scoreThreshold": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                                   "scoreType": {"type": "string", "enum": ["PROBABILITY"]}}}}}},
        "AnalyzeCommentResponse": {
            "type": "object", "required": ["attributeScores", "languages", "moderation"],
            "properties": {"attributeScores": {"type": "object", "additionalProperties": scores},
                           "languages": {"type": "array", "items": {"type": "string"}},
                           "detectedLanguages": {"type": "array", "items": {"type": "string"}},
                           "clientToken": {"type": "string"}, "moderation": _ref("CheckResult")}},
        "SuggestCommentScoreRequest": {
            "type": "object", "required": ["comment", "attributeScores"], "additionalProperties": False,
            "properties": {**common, "attributeScores": {
                "type": "object", "minProperties": 1,
                "additionalProperties": {**scores, "anyOf": [  # a summary, or spans
                    {"required": ["summaryScore"]},
                    {"required": ["spanScores"], "properties": {"spanScores": {"minItems": 1}}}]}}}},
        "SuggestCommentScoreResponse": {
            "type": "object", "properties": {"clientToken": {"type": "string"},
                                             "requestedLanguages": {"type": "array", "items": {"type": "string"}},
                                             "detectedLanguages": {"type": "array", "items": {"type": "string"}},
                                             "moderation": _ref("CheckResult")}},
        "GoogleError": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message", "status"], "properties": {
                "code": {"type": "integer"}, "message": {"type": "string"}, "status": {"type": "string"}}}}},
    }
