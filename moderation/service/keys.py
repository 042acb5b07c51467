"""API keys: reading them from the settings, and judging a request's Authorization header.

The app checks them in a `before_request` of the blueprints that need a key, so on the route
Flask matched: a path spelled another way (`//v1/check`, `/V1/check`, `%2F`) matches no route
and is a 404, never a way around the key.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from moderation.errors import ConfigError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="moderation"'}


def load_keys(inline: Any, file: Any) -> tuple[bytes, ...]:
    """The keys of MODERATION_API_KEYS (comma-separated) and MODERATION_API_KEYS_FILE (a line each).

    A setting that is given but holds no key fails, rather than leaving the service open."""
    keys: list[str] = []
    if inline is not None:
        keys = [k.strip() for k in str(inline).split(",") if k.strip()]
        if not keys:
            raise ConfigError(f"MODERATION_API_KEYS is set but holds no key ({str(inline)!r}); give one or more "
                              "comma-separated keys, or unset it to serve /v1 without keys")
    if file is not None:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            why = e.strerror if isinstance(e, OSError) else "it is not UTF-8 text"
            raise ConfigError(f"cannot read MODERATION_API_KEYS_FILE: {why}", str(file)) from None
        found = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        if not found:
            raise ConfigError("MODERATION_API_KEYS_FILE holds no key (only blank lines or # comments); "
                              "write one key per line, or unset it to serve /v1 without keys", str(file))
        keys += found
    return tuple(k.encode() for k in keys)


def why_refused(authorization: str | None, keys: tuple[bytes, ...]) -> str | None:
    """Why a request with this Authorization header is refused (for a 401), or None: it may pass."""
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return "this service needs an API key: send 'Authorization: Bearer <key>'"
    if not is_valid(given.strip(), keys):
        return "the API key is not valid; check it, or ask the operator for one"
    return None


def is_valid(offered: str, keys: tuple[bytes, ...]) -> bool:
    """Compared with every key, in constant time each, so timing tells nothing about which is close."""
    given = offered.encode("utf-8", "surrogateescape")
    return any([hmac.compare_digest(given, key) for key in keys])
