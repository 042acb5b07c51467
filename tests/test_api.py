"""The HTTP API: contract, errors as problem+json, limits, keys, reload, metrics, docs."""

from __future__ import annotations

import html
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import TestResponse

from moderation import Moderator
from moderation.errors import ConfigError
from moderation.service import create_app, metrics


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"MAX_TEXT_CHARS": 1000, "MAX_BATCH_ITEMS": 3, "MAX_BODY_BYTES": 20_000})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def assert_problem(response: TestResponse, status: int, *phrases: str) -> dict[str, Any]:
    """The one shape of every error: RFC 9457 problem+json with an actionable detail."""
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.data)
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    for phrase in phrases:
        assert phrase in body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_check_answers_the_result_of_the_engine(client: FlaskClient) -> None:
    r = client.post("/v1/check", json={"text": "the f**king Chinese"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["flagged"] is True and body["policy"] == "default" and body["offsets"] == "codepoints"
    assert body["cleaned"] == "the f****** Chinese"
    assert body["matches"] == [{"start": 4, "end": 11, "text": "f**king", "term": "fucking",
                                "category": "profanity", "severity": 3, "evasions": ["masked"],
                                "list": "en/profanity", "language": "en"}]



def test_to_dict_is_the_http_body(client: FlaskClient) -> None:
    """DESIGN: result.to_dict() is identical to the HTTP response body, key for key."""
    text = "<p>What the f**k</p>"
    body = client.post("/v1/check", json={"text": text, "content_type": "text/html"}).get_json()
    assert Moderator.from_config().check(text, content_type="text/html").to_dict() == body

@pytest.mark.parametrize(("unit", "start", "end"), [("codepoints", 3, 7), ("utf16", 4, 8), ("bytes", 7, 11)])
def test_offsets_in_the_unit_asked_for(client: FlaskClient, unit: str, start: int, end: int) -> None:
    text = "😀é fuck"
    m = client.post("/v1/check", json={"text": text, "offsets": unit}).get_json()["matches"][0]
    assert (m["start"], m["end"]) == (start, end)
    encoded = {"utf16": text.encode("utf-16-le"), "bytes": text.encode()}.get(unit)
    if encoded is not None:
        width = 2 if unit == "utf16" else 1
        assert encoded[start * width : end * width].decode("utf-16-le" if unit == "utf16" else "utf-8") == "fuck"


def test_batch_answers_in_order_and_isolates_bad_items(client: FlaskClient) -> None:
    r = client.post("/v1/check/batch", json={"items": [
        {"id": "a1", "text": "shit"}, {"id": 7, "text": 5}, {"id": "c", "text": "hi", "policy": "nope"},
    ]})
    assert r.status_code == 200
    a, b, c = r.get_json()["results"]
    assert (a["id"], a["flagged"], a["matches"][0]["term"]) == ("a1", True, "shit")
    assert b["id"] == 7 and b["error"]["status"] == 400 and "items[1].text must be a string" in b["error"]["detail"]
    assert c["id"] == "c" and c["error"]["status"] == 404


def test_policies(client: FlaskClient) -> None:
    body = client.get("/v1/policies").get_json()
    assert body["default"] == "default"
    assert [p["name"] for p in body["policies"]] == ["default"]


@pytest.mark.parametrize(
    ("kwargs", "status", "phrase"),
    [
        ({"data": "text=hi", "content_type": "application/x-www-form-urlencoded"}, 415, "application/json"),
        ({"data": "{not json", "content_type": "application/json"}, 400, "not valid JSON"),
        ({"json": ["a list"]}, 400, "must be a JSON object"),
        ({"json": {"txt": "hi"}}, 400, "unknown field(s) txt"),
        ({"json": {"policy": "default"}}, 400, "text is required"),
        ({"json": {"text": 42}}, 400, "text must be a string"),
        ({"json": {"text": "hi", "offsets": "words"}}, 400, "offsets must be one of"),
        ({"json": {"text": "hi", "policy": "strict"}}, 404, "unknown policy 'strict'"),
        ({"json": {"text": "hi", "content_type": "application/pdf"}}, 422, "not supported"),
        ({"json": {"text": "x" * 1001}}, 413, "limit is 1000"),
    ],
)
def test_errors_are_problems(client: FlaskClient, kwargs: dict[str, Any], status: int, phrase: str) -> None:
    assert_problem(client.post("/v1/check", **kwargs), status, phrase)


def test_json_nested_too_deeply_is_a_client_error(client: FlaskClient) -> None:
    deep = "[" * 5000 + "]" * 5000  # valid JSON, deeper than the parser's recursion: was a 500
    assert_problem(client.post("/v1/check", data=deep, content_type="application/json"), 400, "nests too deeply")
    batch = client.post("/v1/check/batch", data='{"items": [' + deep + ']}', content_type="application/json")
    assert_problem(batch, 400, "nests too deeply")


def test_routing_errors_are_problems(client: FlaskClient) -> None:
    assert_problem(client.get("/v2/check"), 404, "/docs")
    r = client.get("/v1/check")
    assert_problem(r, 405, "POST")
    assert "POST" in r.headers["Allow"]
    assert_problem(client.post("/v1/check/batch", json={"items": [{"text": "a"}] * 4}), 413, "limit is 3")


def test_body_limit_is_decided_from_the_headers(client: FlaskClient) -> None:
    # Content-Length says too much: refused before a byte of the body is read.
    r = client.post("/v1/check", data=b"{}", content_type="application/json",
                    environ_overrides={"CONTENT_LENGTH": "999999"})
    assert_problem(r, 413, "limit is 20000")


def test_a_chunked_body_is_read_up_to_the_limit(client: FlaskClient) -> None:
    def chunked(body: bytes) -> TestResponse:
        return client.post("/v1/check", input_stream=io.BytesIO(body), content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})

    assert_problem(chunked(b'{"text": "' + b"a" * 30_000 + b'"}'), 413, "over the limit of 20000 bytes")
    assert chunked(b'{"text": "f**k"}').get_json()["flagged"] is True


def test_a_crash_is_a_500_problem_without_a_trace(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    live = app.extensions["moderation"].live

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(live.moderator, "check", boom)
    r = app.test_client().post("/v1/check", json={"text": "hi"})
    body = assert_problem(r, 500, "request id")
    assert "secret" not in json.dumps(body)


def test_a_crash_in_either_check_route_is_logged_and_answered_alike(
        app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Both check views crash through Flask's error handler: the same generic problem, and the
    # trace logged with the request id.
    monkeypatch.setattr(app.extensions["moderation"].live.moderator, "check", lambda *a, **k: 1 / 0)
    client = app.test_client()
    with caplog.at_level("ERROR", logger="moderation.service"):
        fast = client.post("/v1/check", json={"text": "hi"}, headers={"X-Request-ID": "crash-1"})
        flask = client.post("/v1/check/batch", json={"items": [{"text": "hi"}]}, headers={"X-Request-ID": "crash-1"})
    body = assert_problem(fast, 500, "request id crash-1")
    assert body == {**json.loads(flask.data), "instance": "/v1/check"}
    assert fast.status == flask.status == "500 INTERNAL SERVER ERROR"
    assert [h for h, _ in fast.headers] == [h for h, _ in flask.headers]
    assert [r.getMessage() for r in caplog.records] == ["unhandled error, request crash-1"] * 2
    assert all(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_the_check_route_writes_what_a_flask_response_would(client: FlaskClient) -> None:
    r = client.post("/v1/check", data="x", content_type="text/plain")
    assert r.status == "415 UNSUPPORTED MEDIA TYPE"  # werkzeug's status line, as every route writes it
    assert [h for h, _ in r.headers] == ["Content-Type", "Content-Length", "X-Request-ID"]
    assert int(r.headers["Content-Length"]) == len(r.data)
    ok = client.post("/v1/check", json={"text": "hi"})
    assert ok.status == "200 OK" and ok.headers["Content-Type"] == "application/json" and ok.data.endswith(b"}\n")
    options = client.options("/v1/check")
    assert options.status_code == 200 and set(options.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_a_batch_item_is_read_and_answered_as_a_check(client: FlaskClient) -> None:
    request = {"text": "😀 <b>f</b>uck", "policy": "default", "content_type": "text/html"}
    alone = client.post("/v1/check", json={**request, "offsets": "utf16"}).get_json()
    (item,) = client.post("/v1/check/batch", json={"items": [request], "offsets": "utf16"}).get_json()["results"]
    assert item == {"id": None, **alone}
    bad = {"text": "hi", "policy": 5}
    problem = client.post("/v1/check", json=bad).get_json()
    (item,) = client.post("/v1/check/batch", json={"items": [bad]}).get_json()["results"]
    assert item["error"]["detail"] == "items[0]." + problem["detail"]


def test_request_id_is_honoured_or_made(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_made_up_request_ids_are_unique_across_requests_and_forked_workers(client: FlaskClient) -> None:
    ids = [client.get("/healthz").headers["X-Request-ID"] for _ in range(50)]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a worker forked from a process that has made ids: its next id
        os.write(write, client.get("/healthz").headers["X-Request-ID"].encode())
        os._exit(0)
    os.waitpid(pid, 0)
    ids += [os.read(read, 64).decode(), client.get("/healthz").headers["X-Request-ID"]]
    assert len(set(ids)) == 52 and all(len(i) == 32 for i in ids)


def test_api_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("# ops\nk-file\n", encoding="utf-8")
    monkeypatch.setenv("MODERATION_API_KEYS", "k-one, k-two")
    monkeypatch.setenv("MODERATION_API_KEYS_FILE", str(keys))
    client = create_app().test_client()
    r = client.post("/v1/check", json={"text": "hi"})
    assert_problem(r, 401, "Authorization: Bearer")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.post("/v1/check", json={"text": "hi"}, headers={"Authorization": "Bearer nope"}),
                   401, "not valid")
    for key in ("k-one", "k-two", "k-file"):
        r = client.post("/v1/check", json={"text": "hi"}, headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert "security" in client.get("/openapi.json").get_json()["paths"]["/v1/check"]["post"]


def test_metrics_can_require_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_API_KEYS", "k")
    monkeypatch.setenv("MODERATION_METRICS_REQUIRE_KEY", "true")
    client = create_app().test_client()
    assert_problem(client.get("/metrics"), 401)
    assert client.get("/metrics", headers={"Authorization": "Bearer k"}).status_code == 200


def samples(client: FlaskClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def grew(before: dict[Any, float], after: dict[Any, float], name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_requests_and_matches(client: FlaskClient) -> None:
    before = samples(client)
    for _ in range(3):
        client.post("/v1/check", json={"text": "you faggot, f**k"})
    after = samples(client)
    assert grew(before, after, "moderation_requests_total", route="/v1/check", status="200") == 3
    assert grew(before, after, "moderation_request_duration_seconds_count", route="/v1/check") == 3
    assert grew(before, after, "moderation_request_duration_seconds_bucket", route="/v1/check", le="+Inf") == 3
    assert 0 < grew(before, after, "moderation_request_duration_seconds_sum", route="/v1/check") < 3
    assert grew(before, after, "moderation_matches_total", category="slur") == 3
    assert grew(before, after, "moderation_matches_total", category="profanity") == 3


def test_latency_on_a_bound_counts_in_that_bucket(client: FlaskClient) -> None:
    before = samples(client)
    metrics.observe("/test", 200, 0.001)  # as Histogram.observe: a value counts where value <= le
    after = samples(client)
    bucket = "moderation_request_duration_seconds_bucket"
    assert grew(before, after, bucket, route="/test", le="0.0005") == 0
    assert grew(before, after, bucket, route="/test", le="0.001") == 1
    assert grew(before, after, bucket, route="/test", le="+Inf") == 1


def test_docs_and_openapi(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) >= {"/v1/check", "/v1/check/batch", "/v1/policies", "/healthz", "/readyz"}
    page = client.get("/docs").get_data(as_text=True)
    assert "/v1/check/batch" in page and "/v1alpha1/comments:analyze" in page
    # Works offline: nothing is loaded from elsewhere (the script and style are inline; the URLs in
    # the examples are text). tests/test_browser.py shows it in Chromium that reaches only loopback.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|<link\b|@import|url\(""", page)


def write_config(path: Path, severity: int) -> None:
    path.write_text(f'[wordlists]\npaths = ["mine.txt"]\n[policies.default]\nmin_severity = {severity}\n',
                    encoding="utf-8")


def bump(path: Path) -> None:
    """Make the edit visible to a stat even within one clock tick."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def test_hot_reload_keeps_serving_through_a_bad_edit(tmp_path: Path) -> None:
    lists = tmp_path / "mine.txt"
    lists.write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    write_config(config, 1)
    app = create_app({"CONFIG": str(config), "RELOAD_INTERVAL": 3600})
    client = app.test_client()
    live = app.extensions["moderation"].live  # its watcher thread sleeps; the test looks, with check_now
    assert client.post("/v1/check", json={"text": "frak"}).get_json()["flagged"]

    lists.write_text("[profanity]\nfrak: 2 word\nsmeg: 9 word\n", encoding="utf-8")  # bad severity
    bump(lists)
    live.check_now()
    r = client.post("/v1/check", json={"text": "frak smeg"})
    assert r.status_code == 200 and [m["term"] for m in r.get_json()["matches"]] == ["frak"]  # last good lists
    ready = client.get("/readyz").get_json()
    assert ready["reload"]["ok"] is False
    assert ready["reload"]["error"].startswith(f"{lists}:3: severity of 'smeg'")
    assert "moderation_reload_failures_total" in client.get("/metrics").get_data(as_text=True)

    lists.write_text("[profanity]\nfrak: 2 word\nsmeg: 3 word\n", encoding="utf-8")  # fixed
    bump(lists)
    live.check_now()
    r = client.post("/v1/check", json={"text": "frak smeg"})
    assert [m["term"] for m in r.get_json()["matches"]] == ["frak", "smeg"]
    assert client.get("/readyz").get_json()["reload"] == {"ok": True, "error": None, "reloads": 1}

    write_config(config, 3)  # a config edit is picked up too
    bump(config)
    live.check_now()
    assert [m["term"] for m in client.post("/v1/check", json={"text": "frak smeg"}).get_json()["matches"]] == ["smeg"]


def test_a_bad_config_at_start_up_fails_loudly(tmp_path: Path) -> None:
    config = tmp_path / "moderation.toml"
    config.write_text("[policies.default]\nmask = \"blur\"\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"moderation\.toml:2: mask rule 'blur'"):
        create_app({"CONFIG": str(config)})


def test_a_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_MAX_BODY_BYTES", "lots")
    with pytest.raises(Exception, match="MODERATION_MAX_BODY_BYTES must be a positive whole number, not 'lots'"):
        create_app()


def test_a_hook_registered_on_the_app_sees_every_route() -> None:
    # What flask-cors, OpenTelemetry or an operator's error handler rely on: every route is a view.
    app = create_app()
    seen: list[tuple[str, str | None]] = []
    app.before_request(lambda: seen.append((request.path, request.endpoint)) and None)
    client = app.test_client()
    assert client.post("/v1/check", json={"text": "f**k"}).status_code == 200
    assert client.post("/v1/check/batch", json={"items": [{"text": "hi"}]}).status_code == 200
    assert client.post("/v1/check", data="x", content_type="text/plain").status_code == 415
    assert seen == [("/v1/check", "v1.check"), ("/v1/check/batch", "v1.check_batch"), ("/v1/check", "v1.check")]


PROTECTED = [("POST", "/v1/check", {"json": {"text": "hi"}}), ("POST", "/v1/check/batch", {"json": {"items": []}}),
             ("GET", "/v1/policies", {}), ("GET", "/metrics", {})]


def spellings(path: str) -> list[str]:
    """Other ways to write a path: a router that matched raw strings would let them past a key check."""
    rest = path[1:]
    found = ["/" + path, "/." + path, path + "/", path + "/.", path.upper(), "/" + rest[0].upper() + rest[1:],
             "/" + rest.replace("/", "%2F"), "/%2F" + rest, "/" + rest.replace("/", "/%2F", 1),
             "/" + rest.replace("/", "%252F"), "/%76" + rest[1:], "/" + rest.replace("/", "//"), path + "%00",
             path + ";x", "/x/.." + path]
    return sorted(set(found) - {path})


@pytest.fixture(scope="module")
def keyed() -> FlaskClient:
    return create_app({"API_KEYS": "k-one", "METRICS_REQUIRE_KEY": True}).test_client()


@pytest.mark.parametrize(("method", "path", "kwargs"), PROTECTED)
def test_every_spelling_of_a_protected_path_needs_the_key(keyed: FlaskClient, method: str, path: str,
                                                          kwargs: dict[str, Any]) -> None:
    assert_problem(keyed.open(path, method=method, **kwargs), 401, "Authorization: Bearer")
    for variant in spellings(path):
        r = keyed.open(variant, method=method, **kwargs)
        assert r.status_code in (401, 404), (variant, r.status_code)  # refused, or no such route
        assert_problem(r, r.status_code)
        good = keyed.open(variant, method=method, headers={"Authorization": "Bearer k-one"}, **kwargs)
        assert good.status_code in (200, 404), (variant, good.status_code)  # never a crash
        assert good.status_code == 404 or r.status_code == 401, variant  # served only with the key


@pytest.mark.parametrize("setting", [{"API_KEYS": " , "}, {"API_KEYS": ""}, {"API_KEYS": "  "}])
def test_a_key_setting_without_a_key_fails_the_start(setting: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="MODERATION_API_KEYS is set but holds no key"):
        create_app(setting)


@pytest.mark.parametrize("content", ["", "\n\n", "# the ops team's keys\n  # none yet\n"])
def test_a_keys_file_without_a_key_fails_the_start(tmp_path: Path, content: str) -> None:
    keys = tmp_path / "keys"
    keys.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{keys}: MODERATION_API_KEYS_FILE holds no key"):
        create_app({"API_KEYS_FILE": str(keys)})


def test_empty_path_settings_mean_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # compose passes ${MODERATION_CONFIG:-} and ${MODERATION_API_KEYS_FILE:-} as "" when unset
    for name in ("MODERATION_CONFIG", "MODERATION_API_KEYS_FILE", "MODERATION_MAX_BODY_BYTES"):
        monkeypatch.setenv(name, "")
    client = create_app().test_client()
    assert client.post("/v1/check", json={"text": "f**k"}).get_json()["flagged"] is True  # bundled lists, no key
    assert client.get("/v1/policies").get_json()["default"] == "default"


def test_readyz_shows_details_only_with_a_key(tmp_path: Path) -> None:
    lists = tmp_path / "mine.txt"
    lists.write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    write_config(config, 1)
    app = create_app({"CONFIG": str(config), "RELOAD_INTERVAL": 3600, "API_KEYS": "k"})
    client = app.test_client()
    lists.write_text("[profanity]\nfrak: 2 word\nsecretword: 9 word\n", encoding="utf-8")  # a bad edit
    bump(lists)
    app.extensions["moderation"].live.check_now()  # the watcher's look, now: requests never reload
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = client.get("/readyz", headers=headers)
        assert r.status_code == 200  # a probe needs no key
        body = r.get_json()
        assert body == {"ready": True, "version": body["version"], "reload": {"ok": False}}
        assert "secretword" not in r.get_data(as_text=True) and str(tmp_path) not in r.get_data(as_text=True)
    detailed = client.get("/readyz", headers={"Authorization": "Bearer k"}).get_json()
    assert detailed["reload"]["ok"] is False and detailed["reload"]["error"].startswith(f"{lists}:3:")


@pytest.mark.parametrize("unit", ["utf16", "bytes"])
def test_a_lone_surrogate_is_a_client_error_where_offsets_cannot_count_it(client: FlaskClient, unit: str) -> None:
    body = json.dumps({"text": "ok \ud800 fuck", "offsets": unit})  # JSON may carry a lone surrogate
    assert_problem(client.post("/v1/check", data=body, content_type="application/json"), 400,
                   "lone surrogate (\\ud800) at code point 3", unit)
    batch = json.dumps({"items": [{"id": "a", "text": "fuck"}, {"id": "b", "text": "\udfff"}], "offsets": unit})
    a, b = client.post("/v1/check/batch", data=batch, content_type="application/json").get_json()["results"]
    assert a["flagged"] is True
    assert b["error"]["status"] == 400 and "items[1].text holds a lone surrogate (\\udfff) at code point 0" in \
        b["error"]["detail"]
    codepoints = client.post("/v1/check", data=body.replace(unit, "codepoints"), content_type="application/json")
    assert codepoints.status_code == 200 and codepoints.get_json()["matches"][0]["start"] == 5


def test_a_cors_preflight_needs_no_key_and_gets_only_the_methods(keyed: FlaskClient) -> None:
    r = keyed.options("/v1/check")
    assert r.status_code == 200 and set(r.headers["Allow"].split(", ")) == {"OPTIONS", "POST"} and r.data == b""


def test_the_docs_page_shows_the_answers_the_routes_give(client: FlaskClient) -> None:
    page = client.get("/docs").get_data(as_text=True)
    blocks = re.findall(r"<h4>Answer</h4><pre><code>(.*?)</code>", page, re.S)
    shown = [json.loads(html.unescape(block)) for block in blocks]
    assert client.get("/v1/policies").get_json() in shown
    answer = client.post("/v1/check", json={"text": "What the f**k, that is sh1t.", "policy": "default"}).get_json()
    assert answer in shown
