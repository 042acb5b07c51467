"""The service's settings: defaults, then MODERATION_* from the environment, then a mapping (tests).

    MODERATION_CONFIG            path of a moderation.toml (default: bundled lists, default policy)
    MODERATION_RELOAD_INTERVAL   seconds between looks at the lists and config for edits (2)
    MODERATION_MAX_BODY_BYTES    largest request body: by Content-Length, or read up to when chunked (1048576)
    MODERATION_MAX_TEXT_CHARS    longest text, in code points (200000)
    MODERATION_MAX_BATCH_ITEMS   most items in one batch (100)
    MODERATION_API_KEYS          comma-separated keys; when set, /v1 needs Authorization: Bearer
    MODERATION_API_KEYS_FILE     a file of keys, one per line (# comments allowed)
    MODERATION_METRICS_REQUIRE_KEY  true: /metrics needs a key too (false)
    MODERATION_FEEDBACK_FILE     where comments:suggestscore appends moderators' decisions (JSONL; unset: nowhere)
    MODERATION_CORS_ORIGINS      comma-separated origins (https://cms.example.org) whose pages may call the API
                                 from the browser, or * for any; unset: no CORS headers
    MODERATION_CORS_CREDENTIALS  true: browsers may send cookies along (false; refused with *)

An empty variable is no setting (compose passes `${MODERATION_CONFIG:-}` as ""), except
MODERATION_API_KEYS: set, it must hold a key, so that `MODERATION_API_KEYS=$UNSET_SECRET` cannot
open the service. Kept apart from the app so that `moderation serve` can check them, and fail
naming the setting, before gunicorn starts workers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from moderation.errors import ConfigError
from moderation.service.keys import load_keys

PREFIX = "MODERATION_"
DEFAULTS: dict[str, Any] = {
    "CONFIG": None,
    "RELOAD_INTERVAL": 2.0,
    "MAX_BODY_BYTES": 1024 * 1024,
    "MAX_TEXT_CHARS": 200_000,
    "MAX_BATCH_ITEMS": 100,
    "API_KEYS": None,
    "API_KEYS_FILE": None,
    "METRICS_REQUIRE_KEY": False,
    "FEEDBACK_FILE": None,
    "CORS_ORIGINS": None,
    "CORS_CREDENTIALS": False,
}
EMPTY_MEANS_SET = frozenset({"API_KEYS"})


@dataclass(frozen=True)
class Settings:
    config: str | None  # a moderation.toml; None: the bundled lists
    reload_interval: float  # seconds
    max_body: int  # bytes
    max_text: int  # code points
    max_items: int  # per batch
    keys: tuple[bytes, ...]  # API keys; empty: /v1 is open
    metrics_need_key: bool
    feedback_file: str | None  # comments:suggestscore appends moderators' decisions here
    cors_origins: tuple[str, ...]  # empty: no CORS; ("*",): any origin
    cors_credentials: bool


def read_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The settings in force, or a ConfigError naming the environment variable to fix."""
    values = dict(DEFAULTS)
    for key in DEFAULTS:
        found = os.environ.get(PREFIX + key)
        if found is not None and (found != "" or key in EMPTY_MEANS_SET):
            values[key] = found
    values.update(overrides or {})
    origins = _origins(values["CORS_ORIGINS"])
    return Settings(
        config=str(values["CONFIG"]) if values["CONFIG"] not in (None, "") else None,
        reload_interval=_number(values, "RELOAD_INTERVAL", float, zero=True),
        max_body=_number(values, "MAX_BODY_BYTES"),
        max_text=_number(values, "MAX_TEXT_CHARS"),
        max_items=_number(values, "MAX_BATCH_ITEMS"),
        keys=load_keys(values["API_KEYS"], values["API_KEYS_FILE"] or None),
        metrics_need_key=_flag(values, "METRICS_REQUIRE_KEY"),
        feedback_file=str(values["FEEDBACK_FILE"]) if values["FEEDBACK_FILE"] else None,
        cors_origins=origins,
        cors_credentials=_credentials(values, origins),
    )


def _number(values: Mapping[str, Any], key: str, kind: type = int, zero: bool = False) -> Any:
    try:
        value = kind(values[key])
    except (TypeError, ValueError):
        value = None
    if value is None or value < 0 or (value == 0 and not zero):
        raise ConfigError(f"{PREFIX}{key} must be a {'non-negative' if zero else 'positive'} "
                          f"{'number' if kind is float else 'whole number'}, not {values[key]!r}")
    return value


_ORIGIN = re.compile(r"https?://[^/\s?#]+")


def _origins(value: Any) -> tuple[str, ...]:
    """`scheme://host[:port]` each, or `*`: what a browser sends in its Origin header."""
    origins = tuple(o.strip().rstrip("/") for o in str(value or "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not _ORIGIN.fullmatch(origin):
            raise ConfigError(f"{PREFIX}CORS_ORIGINS: {origin!r} is not an origin; write it as a browser sends "
                              "it, scheme://host[:port] with no path (https://cms.example.org), or * for any")
    return origins


def _credentials(values: Mapping[str, Any], origins: tuple[str, ...]) -> bool:
    wanted = _flag(values, "CORS_CREDENTIALS")
    if wanted and "*" in origins:
        raise ConfigError(f"{PREFIX}CORS_CREDENTIALS cannot be true with {PREFIX}CORS_ORIGINS=*: any site could "
                          "then call the API with its visitors' cookies. Name the origins instead.")
    return wanted


def _flag(values: Mapping[str, Any], key: str) -> bool:
    value = values[key]
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "yes"):
        return True
    if str(value).strip().lower() in ("false", "0", "no"):
        return False
    raise ConfigError(f"{PREFIX}{key} must be true or false, not {value!r}")
