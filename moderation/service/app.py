"""The Flask app: `create_app` and the views; the settings it reads from the environment.

POST /v1/check, the hot route, is answered by `check_route` outside Flask (the edge dispatches
to it); the other routes are Flask views here, and the batch view reads its items with the
check route's functions.

Settings come from defaults, then the environment (MODERATION_*), then `config` (tests):

    MODERATION_CONFIG            path of a moderation.toml (default: bundled lists, default policy)
    MODERATION_RELOAD_INTERVAL   seconds between looks at the lists and config for edits (2)
    MODERATION_MAX_BODY_BYTES    largest request body: by Content-Length, or read up to when chunked (1048576)
    MODERATION_MAX_TEXT_CHARS    longest text, in code points (200000)
    MODERATION_MAX_BATCH_ITEMS   most items in one batch (100)
    MODERATION_API_KEYS          comma-separated keys; when set, /v1 needs Authorization: Bearer
    MODERATION_API_KEYS_FILE     a file of keys, one per line (# comments allowed)
    MODERATION_METRICS_REQUIRE_KEY  true: /metrics needs a key too (false)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from moderation.engine.moderator import Moderator
from moderation.errors import ConfigError, UnknownPolicyError, UnsupportedContentTypeError
from moderation.service import metrics
from moderation.service.check_route import (
    ROUTE,
    CheckRoute,
    json_text,
    known_fields,
    read_body,
    read_field,
    read_offsets,
    read_text,
    refusal,
    run,
)
from moderation.service.edge import REQUEST_ID, Edge
from moderation.service.openapi import docs_page, spec
from moderation.service.problems import Problem, crashed, problem_response
from moderation.service.reloader import LiveModerator

DEFAULTS: dict[str, Any] = {
    "CONFIG": None,
    "RELOAD_INTERVAL": 2.0,
    "MAX_BODY_BYTES": 1024 * 1024,
    "MAX_TEXT_CHARS": 200_000,
    "MAX_BATCH_ITEMS": 100,
    "API_KEYS": "",
    "API_KEYS_FILE": None,
    "METRICS_REQUIRE_KEY": False,
}
BATCH_FIELDS = frozenset({"items", "policy", "content_type", "offsets"})
ITEM_FIELDS = frozenset({"id", "text", "policy", "content_type"})


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The WSGI app: defaults, then MODERATION_* from the environment, then `config`."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("MODERATION", loads=_env_value)  # MODERATION_CONFIG -> CONFIG
    app.config.from_mapping(config or {})
    settings = {k: app.config[k] for k in DEFAULTS}
    max_body, max_text, max_items = (_positive(settings, k) for k in ("MAX_BODY_BYTES", "MAX_TEXT_CHARS",
                                                                        "MAX_BATCH_ITEMS"))
    keys = _load_keys(settings["API_KEYS"], settings["API_KEYS_FILE"])
    document = spec(max_text, max_items, with_keys=bool(keys))
    service = app.extensions["moderation"] = Service(
        live=LiveModerator(settings["CONFIG"], _positive(settings, "RELOAD_INTERVAL", float, zero=True),
                           on_reload=metrics.on_reload),
        keys=keys,
        max_body=max_body,
        max_text=max_text,
        max_items=max_items,
        metrics_need_key=bool(settings["METRICS_REQUIRE_KEY"]),
        openapi=document,
        docs=docs_page(document),
    )
    _register(app, service)
    app.wsgi_app = Edge(app.wsgi_app, max_body=service.max_body, keys=service.keys,  # type: ignore[method-assign]
                        metrics_need_key=service.metrics_need_key,
                        routes=frozenset(r.rule for r in app.url_map.iter_rules()),
                        direct={("POST", ROUTE): CheckRoute(service.live, service.max_text)})
    return app


@dataclass(frozen=True)
class Service:
    """What the views need, built once per worker and kept on the app."""

    live: LiveModerator  # the moderator, reloaded when its files change
    keys: tuple[bytes, ...]  # API keys; empty: /v1 is open
    max_body: int  # bytes
    max_text: int  # code points
    max_items: int  # per batch
    metrics_need_key: bool
    openapi: dict[str, Any]
    docs: str


def _env_value(value: str) -> Any:
    """Environment values: numbers and true/false as such, the rest as strings."""
    low = value.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def _positive(settings: Mapping[str, Any], key: str, kind: type = int, zero: bool = False) -> Any:
    """A numeric setting, or a ConfigError naming the environment variable."""
    try:
        value = kind(settings[key])
    except (TypeError, ValueError):
        value = None
    if value is None or value < 0 or (value == 0 and not zero):
        raise ConfigError(f"MODERATION_{key} must be a {'non-negative' if zero else 'positive'} "
                          f"{'number' if kind is float else 'whole number'}, not {settings[key]!r}")
    return value


def _load_keys(inline: Any, file: Any) -> tuple[bytes, ...]:
    keys = [k.strip() for k in str(inline or "").split(",") if k.strip()]
    if file:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise ConfigError(f"cannot read the API keys file: {e.strerror}", str(file)) from None
        keys += [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple(k.encode() for k in keys)


# -- the pieces every request goes through ---------------------------------------------------


def _register(app: Flask, service: Service) -> None:
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)
    # POST /v1/check is answered in the edge (check_route); its rule, without a view, stays so that
    # Flask gives the other methods its 405 with Allow, and OPTIONS its answer.
    app.add_url_rule(ROUTE, "check", methods=["POST"])
    views: list[tuple[str, str, Callable[..., Response]]] = [
        ("/v1/check/batch", "POST", check_batch), ("/v1/policies", "GET", policies),
        ("/healthz", "GET", healthz), ("/readyz", "GET", readyz), ("/metrics", "GET", metrics_view),
        ("/openapi.json", "GET", openapi_view), ("/docs", "GET", docs_view)]
    for rule, method, view in views:  # each view gets the service as its argument, not from current_app
        app.add_url_rule(rule, view.__name__, partial(view, service), methods=[method])


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    allowed = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
    headers = {}
    if status == 404:
        detail = f"there is no {request.path}; see /docs for the endpoints"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.path}; use {allowed}"
        headers["Allow"] = allowed
    else:
        detail = error.description or HTTPStatus(status).phrase
    return problem_response(Problem(status, detail, headers))


def _crash(error: Exception) -> Response:
    return problem_response(crashed(request.environ.get(REQUEST_ID)))


def _policy_for(moderator: Moderator, policy: str | None, content_type: str) -> None:
    try:
        moderator.policy_for(policy, content_type)
    except (UnknownPolicyError, UnsupportedContentTypeError) as e:
        raise refusal(e) from None


def _json(body: Any) -> Response:
    return Response(json_text(body), mimetype="application/json")


# -- the views: each gets the Service as its first argument (see _register) -----------------------


def check_batch(service: Service) -> Response:
    data = read_body(request.environ, BATCH_FIELDS)
    items = data.get("items")
    if not isinstance(items, list):
        raise Problem(400, "items is required: a list of {\"id\": ..., \"text\": ...}")
    limit = service.max_items
    if len(items) > limit:
        raise Problem(413, f"the batch has {len(items)} items; the limit is {limit}. Send several batches.")
    policy = read_field(data, "policy", None)
    content_type = read_field(data, "content_type", "text/plain")
    unit = read_offsets(data)
    moderator = service.live.moderator  # one version for the whole batch
    _policy_for(moderator, policy, content_type)  # batch-wide defaults fail the batch, not each item
    results = []
    for n, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            results.append({"id": item_id, **_item(service, moderator, item, n, policy, content_type, unit)})
        except Problem as p:
            results.append({"id": item_id, "error": p.body()})
    return _json({"results": results})


def _item(service: Service, moderator: Moderator, item: Any, n: int, policy: str | None, content_type: str,
          unit: str) -> dict[str, Any]:
    """One batch item read by the rules of POST /v1/check (check_route), its errors named by place."""
    where = f"items[{n}]."
    if not isinstance(item, dict):
        raise Problem(400, f"items[{n}] must be an object with a text")
    known_fields(item, ITEM_FIELDS, where)
    if not isinstance(item.get("id"), (str, int, type(None))) or isinstance(item.get("id"), bool):
        raise Problem(400, f"{where}id must be a string or a number")
    text = read_text(item, service.max_text, where)
    return run(moderator, text, read_field(item, "policy", policy, where=where),
               read_field(item, "content_type", content_type, where=where), unit)


def policies(service: Service) -> Response:
    moderator = service.live.moderator
    found = [{"name": name, "default": name == moderator.config.default_policy,
              "categories": list(p.categories), "min_severity": p.min_severity, "review_at": p.review_at,
              "block_at": p.block_at, "mask": p.mask.rule, "masks": {c: r.rule for c, r in p.masks.items()}}
             for name, p in moderator.policies.items()]
    return _json({"policies": found, "default": moderator.config.default_policy, "version": moderator.version})


def healthz(service: Service) -> Response:
    return _json({"status": "ok"})


def readyz(service: Service) -> Response:
    live = service.live
    moderator = live.moderator
    return _json({"ready": True, "version": moderator.version,
                  "reload": {"ok": live.error is None, "error": live.error, "reloads": live.reloads}})


def metrics_view(service: Service) -> Response:
    body, content_type = metrics.render()
    return Response(body, content_type=content_type)


def openapi_view(service: Service) -> Response:
    return _json(service.openapi)


def docs_view(service: Service) -> Response:
    return Response(service.docs, mimetype="text/html")
