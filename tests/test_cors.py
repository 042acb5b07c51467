"""CORS (MODERATION_CORS_ORIGINS): preflights answered on every route, only for the origins named,
and credentials never with `*`. tests/test_browser.py shows it in a real browser."""

from __future__ import annotations

import pytest

from moderation.errors import ConfigError
from moderation.service import create_app

CMS = "https://cms.example.org"


def preflight(origins: str, origin: str, path: str = "/v1/check", **more: str) -> dict[str, str]:
    client = create_app({"API_KEYS": "k", "CORS_ORIGINS": origins, **more}).test_client()
    r = client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                      "Access-Control-Request-Headers": "authorization, content-type"})
    assert r.status_code == 200  # a preflight carries no key, and is answered without one
    return {k.lower(): v for k, v in r.headers.items() if k.lower().startswith("access-control-")}


@pytest.mark.parametrize("path", ["/v1/check", "/v1/check/batch", "/v1alpha1/comments:analyze"])
def test_a_named_origin_gets_its_preflight(path: str) -> None:
    headers = preflight(f"{CMS}, https://other.example", CMS, path)
    assert headers["access-control-allow-origin"] == CMS
    assert {"authorization", "content-type"} <= {h.strip().lower() for h in
                                                 headers["access-control-allow-headers"].split(",")}
    assert "POST" in headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in headers


def test_googles_key_header_may_be_sent_from_a_browser() -> None:
    client = create_app({"API_KEYS": "k", "CORS_ORIGINS": CMS}).test_client()
    r = client.options("/v1alpha1/comments:analyze", headers={
        "Origin": CMS, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-goog-api-key, content-type"})
    assert "x-goog-api-key" in r.headers["Access-Control-Allow-Headers"].lower()


def test_another_origin_gets_no_cors_headers() -> None:
    assert preflight(CMS, "https://evil.example") == {}


def test_answers_carry_the_origin_and_expose_the_request_id() -> None:
    client = create_app({"CORS_ORIGINS": CMS}).test_client()
    r = client.post("/v1/check", json={"text": "shit"}, headers={"Origin": CMS})
    assert r.headers["Access-Control-Allow-Origin"] == CMS
    assert "x-request-id" in r.headers["Access-Control-Expose-Headers"].lower()


def test_any_origin_with_star_and_never_credentials() -> None:
    headers = preflight("*", "https://anyone.example")
    assert headers["access-control-allow-origin"] in ("*", "https://anyone.example")
    assert "access-control-allow-credentials" not in headers
    with pytest.raises(ConfigError, match="cannot be true with MODERATION_CORS_ORIGINS=\\*"):
        create_app({"CORS_ORIGINS": "*", "CORS_CREDENTIALS": "true"})


def test_credentials_with_named_origins_when_asked() -> None:
    assert preflight(CMS, CMS, CORS_CREDENTIALS="true")["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize("bad", ["cms.example.org", "https://cms.example.org/comments", "ftp://x"])
def test_an_origin_that_is_not_one_fails_the_start(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not an origin"):
        create_app({"CORS_ORIGINS": bad})


def test_without_the_setting_no_cors_headers() -> None:
    r = create_app().test_client().post("/v1/check", json={"text": "x"}, headers={"Origin": CMS})
    assert "Access-Control-Allow-Origin" not in r.headers
