"""The OpenAPI 3.1 description of the HTTP API, built from the app's real limits, and a docs
page rendered from it on the server (no JavaScript, no CDN: it works offline)."""

from __future__ import annotations

import html
import json
from typing import Any

from moderation import __version__
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


def schemas(max_text: int, max_items: int) -> dict[str, Any]:
    text = {"type": "string", "maxLength": max_text, "description": "The text to check, as the CMS stores it."}
    options = {
        "policy": {"type": ["string", "null"], "description": "A policy name from GET /v1/policies; "
                   "null or absent: the default policy."},
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
            "required": ["start", "end", "text", "term", "category", "severity", "evasions", "list"],
            "properties": {
                "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
                "text": {"type": "string", "description": "Exactly the flagged characters of the text."},
                "term": {"type": "string", "description": "The wordlist entry that matched."},
                "category": {"type": "string", "enum": list(CATEGORIES)},
                "severity": {"type": "integer", "minimum": 1, "maximum": 3},
                "evasions": {"type": "array", "items": {"type": "string", "enum": EVASIONS}},
                "list": {"type": "string"},
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
                "masks": {"type": "object", "additionalProperties": {"type": "string"}},
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


def spec(max_text: int, max_items: int, with_keys: bool) -> dict[str, Any]:
    """The OpenAPI document for an app with these limits; `with_keys`: /v1 needs a bearer key."""
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
        },
        "components": {
            "schemas": schemas(max_text, max_items),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def docs_page(document: dict[str, Any]) -> str:
    """A self-contained HTML page describing every operation of `document`."""
    parts = [f"<h1>{html.escape(document['info']['title'])} {html.escape(document['info']['version'])}</h1>",
             f"<p>{html.escape(document['info']['description'])}</p>",
             '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>']
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            parts.append(f"<h2><code>{method.upper()} {html.escape(path)}</code>: {html.escape(op['summary'])}</h2>")
            if op.get("description"):
                parts.append(f"<p>{html.escape(op['description'])}</p>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                parts.append(f"<p>Request body: <code>{html.escape(body['$ref'].rsplit('/', 1)[1])}</code></p>")
            codes = ", ".join(f"{code} {html.escape(r['description'])}" for code, r in op["responses"].items())
            parts.append(f"<p>Responses: {codes}</p>")
    parts.append("<h2>Schemas</h2>")
    for name, schema in document["components"]["schemas"].items():
        parts.append(f"<h3 id='{name}'>{name}</h3><pre>{html.escape(json.dumps(schema, indent=2))}</pre>")
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
             "pre{background:#f4f4f4;padding:.75rem;overflow:auto}code{background:#f4f4f4}")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>moderation API</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
