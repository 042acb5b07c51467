"""The Flask app: `create_app`, its routes and the small views; the check views are in `checks`.

Every route is a Flask view, so hooks, extensions and error handlers registered on the app see
them all. The routes that need an API key sit in blueprints whose `before_request` checks it
(keys), on the route Flask matched, never on the raw path; the edge in front does only what
comes before routing. Settings: see `settings`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from moderation.engine.moderator import Moderator
from moderation.service import docs, metrics, perspective
from moderation.service.checks import check, check_batch, json_response
from moderation.service.edge import REQUEST_ID, Edge
from moderation.service.keys import CHALLENGE, why_refused
from moderation.service.openapi import spec
from moderation.service.problems import Problem, crashed, problem_response
from moderation.service.reloader import LiveModerator
from moderation.service.settings import Settings, read_settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The WSGI app: defaults, then MODERATION_* from the environment, then `config`."""
    settings = read_settings(config)
    app = Flask(__name__)
    app.config.from_mapping(config or {})  # Flask's own keys too (TESTING...), as before settings moved out
    app.url_map.merge_slashes = False  # `//v1/check` is no route (a 404), not a redirect to one
    live = LiveModerator(settings.config, settings.reload_interval, on_reload=metrics.on_reload)
    checked = tuple(dict.fromkeys(lang for p in live.moderator.policies.values() for lang in p.languages))
    document = spec(settings.max_text, settings.max_items, with_keys=bool(settings.keys), languages=checked)
    service = app.extensions["moderation"] = Service(live=live, settings=settings, openapi=document)
    _register(app, service)
    if settings.cors_origins:
        _allow_cross_origin(app, settings)
    app.wsgi_app = Edge(app.wsgi_app, max_body=settings.max_body,  # type: ignore[method-assign]
                        routes=frozenset(r.rule for r in app.url_map.iter_rules()))
    return app


@dataclass(frozen=True)
class Service:
    """What the views need, built once per worker and kept on the app."""

    live: LiveModerator  # the moderator, reloaded when its files change
    settings: Settings
    openapi: dict[str, Any]


# -- the pieces every request goes through ---------------------------------------------------


def _register(app: Flask, service: Service) -> None:
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)
    settings, live = service.settings, service.live
    v1 = _keyed(Blueprint("v1", __name__, url_prefix="/v1"), settings.keys)
    v1.add_url_rule("/check", "check", partial(check, live, settings.max_text), methods=["POST"])
    v1.add_url_rule("/check/batch", "check_batch",
                    partial(check_batch, live, settings.max_text, settings.max_items), methods=["POST"])
    v1.add_url_rule("/policies", "policies", partial(policies, service), methods=["GET"])
    app.register_blueprint(v1)
    scrape = Blueprint("metrics", __name__)
    if settings.metrics_need_key:
        _keyed(scrape, settings.keys)
    scrape.add_url_rule("/metrics", "metrics", partial(metrics_view, service), methods=["GET"])
    app.register_blueprint(scrape)
    app.register_blueprint(perspective.blueprint(service))
    views: list[tuple[str, Callable[..., Response]]] = [
        ("/healthz", healthz), ("/readyz", readyz), ("/openapi.json", openapi_view), ("/docs", docs_view)]
    for rule, view in views:  # each view gets the service as its argument, not from current_app
        app.add_url_rule(rule, view.__name__, partial(view, service), methods=["GET"])


def _allow_cross_origin(app: Flask, settings: Settings) -> None:
    """CORS for CMS front ends that call the API from the browser (flask-cors, on every route)."""
    CORS(app, origins=list(settings.cors_origins), supports_credentials=settings.cors_credentials,
         methods=["GET", "POST", "OPTIONS"],
         allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-Goog-Api-Key"],  # Google's clients' key
         expose_headers=["X-Request-ID"], max_age=600)


def _keyed(blueprint: Blueprint, keys: tuple[bytes, ...]) -> Blueprint:
    """The blueprint's routes need a key, when keys are configured."""
    if keys:
        blueprint.before_request(partial(_require_key, keys))
    return blueprint


def _require_key(keys: tuple[bytes, ...]) -> None:
    rule = request.url_rule
    if request.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
        return  # Flask's own answer, the allowed methods: a CORS preflight carries no key
    why = why_refused(request.environ.get("HTTP_AUTHORIZATION"), keys)
    if why is not None:
        raise Problem(401, why, dict(CHALLENGE))


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


# -- the other views: each gets the Service as its first argument (see _register) ---------------------


def policies(service: Service) -> Response:
    return json_response(policy_listing(service.live.moderator))


def policy_listing(moderator: Moderator) -> dict[str, Any]:
    """GET /v1/policies' answer (the docs page shows it too)."""
    found = [{"name": name, "default": name == moderator.config.default_policy,
              "categories": list(p.categories), "min_severity": p.min_severity, "review_at": p.review_at,
              "block_at": p.block_at, "review_categories": sorted(p.review_categories), "mask": p.mask.rule,
              "masks": {c: r.rule for c, r in p.masks.items()}, "languages": list(p.languages)}
             for name, p in moderator.policies.items()]
    return {"policies": found, "default": moderator.config.default_policy, "version": moderator.version}


def healthz(service: Service) -> Response:
    return json_response({"status": "ok"})


def readyz(service: Service) -> Response:
    """Open to probes; where keys are configured, the details (paths, list lines) need one."""
    live, keys = service.live, service.settings.keys
    moderator = live.moderator
    if keys and why_refused(request.environ.get("HTTP_AUTHORIZATION"), keys) is not None:
        return json_response({"ready": True, "version": moderator.version, "reload": {"ok": live.error is None}})
    return json_response({"ready": True, "version": moderator.version,
                          "reload": {"ok": live.error is None, "error": live.error, "reloads": live.reloads}})


def metrics_view(service: Service) -> Response:
    body, content_type = metrics.render()
    return Response(body, content_type=content_type)


def openapi_view(service: Service) -> Response:
    return json_response(service.openapi)


def docs_view(service: Service) -> Response:
    settings = service.settings
    page = docs.page(service.live.moderator, settings.max_text, settings.max_items, bool(settings.keys))
    return Response(page, mimetype="text/html")
