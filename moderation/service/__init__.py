"""The HTTP service: a thin Flask face over the engine. gunicorn runs `moderation.service:create_app()`.

Open `app.py` first: `create_app`, its routes and the small views; `checks` holds the two check
views. `settings` reads MODERATION_*, `keys` the API keys (checked on the route Flask matched),
the `edge` middleware gives each request its id, body limit and metrics before routing;
`problems` is the one error shape, `metrics` the Prometheus counters summed over workers,
`reloader` picks up edits to the lists, `openapi` describes the API, and `server` holds
gunicorn's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The WSGI app: defaults, then MODERATION_* from the environment, then `config` (tests)."""
    # Imported here, not at the top: gunicorn's master imports this package for its settings
    # (`server`), and the app's metrics must not be created before those settings choose
    # prometheus-client's multiprocess mode, nor in the master at all.
    from moderation.service.app import create_app as build

    return build(config)
