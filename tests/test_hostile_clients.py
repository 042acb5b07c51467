"""`moderation serve` against clients that break the rules: malformed frames, a seeded fuzzer over
the request line and headers, and connections that trickle their headers or body. No request
kills a worker or is answered 500, and slow clients do not hold up anyone else."""

from __future__ import annotations

import json
import os
import random
import re
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from tests.test_api import PROTECTED, spellings
from tests.test_serve import request, serve, stop

GOOD = b'{"text": "f**k"}'
MALFORMED = {
    "negative length": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       b"Content-Length: -1\r\n\r\n" + GOOD,
    "length not a number": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" + GOOD,
    "two lengths": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\nContent-Length: 3\r\n\r\n" + GOOD,
    "length and chunked": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n10\r\n" + GOOD + b"\r\n0\r\n\r\n",
    "gzip transfer coding": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + GOOD,
    "bad chunk size": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\nzz\r\n" + GOOD + b"\r\n0\r\n\r\n",
    "chunk without its end": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n10\r\n" + GOOD + b"XX0\r\n\r\n",
    "no version": b"GET /healthz\r\n\r\n",
    "bad method": b"G\x00T /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    "header without colon": b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n",
    "folded header": b"GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
    "HTTP/2 preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
}


def exchange(port: int, raw: bytes, timeout: float = 10) -> bytes:
    """Send `raw`, close our side, and read all the server says."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
        except OSError:  # the server may answer and close before it has read everything
            pass
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):  # counted as no answer
            pass
    return answer


def statuses(answer: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"^HTTP/1\.[01] (\d{3})", answer, re.M)]


def fuzz_cases(seed: int, n: int) -> Iterator[bytes]:
    """Requests with a mangled request line or headers: a valid one, then a few seeded edits."""
    rnd = random.Random(seed)
    methods = [b"GET", b"POST", b"PUT", b"OPTIONS", b"HEAD", b"get", b"P\xc3\xb6ST", b"", b"GET GET", b"\x00"]
    paths = [b"/v1/check", b"/healthz", b"//v1/check", b"/v1/%2Fcheck", b"/%ff", b"*", b"http://x/v1/check",
             b"/v1/check?" + b"a" * 5000, b"/\x7f", b"", b"/v1/check#x", b"/%", b"/../../etc/passwd"]
    versions = [b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/9.9", b"HTTP/1", b"http/1.1", b"", b"HTTP/1.1 x"]
    headers = [b"Content-Length: 16", b"Content-Length: -1", b"Content-Length: 1e3", b"Content-Length:  16 ",
               b"Content-Length: 99999999999999999999", b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip",
               b"Transfer-Encoding: chunked, chunked", b"Transfer-Encoding: identity",
               b"Content-Type: application/json",
               b"Content-Type: \xff\xfe", b"X-Request-ID: \x01\x02", b"X-Request-ID: " + b"r" * 300,
               b"Authorization: Bearer", b"Authorization: \xc3\xa9", b"Expect: 100-continue", b"Expect: 200-ok",
               b"Host:", b"Connection: upgrade", b"Upgrade: h2c", b": empty name", b"Bad Name: x", b"X\x00: y",
               b" leading: space", b"X-Long: " + b"v" * 9000, b"Content-Length: 16\r\nContent-Length: 17"]
    bodies = [GOOD, b"", b"10\r\n" + GOOD + b"\r\n0\r\n\r\n", b"zz\r\n", b"\x00" * 64, b"{" * 1000]
    for _ in range(n):
        line = b" ".join([rnd.choice(methods), rnd.choice(paths), rnd.choice(versions)])
        picked = [b"Host: x", *rnd.sample(headers, rnd.randint(0, 4))]
        if rnd.random() < 0.3:  # a byte of the head flipped, dropped or doubled
            head = bytearray(b"\r\n".join([line, *picked]))
            at = rnd.randrange(len(head))
            head[at:at + 1] = rnd.choice([b"", bytes([rnd.randrange(256)]), bytes(head[at:at + 1]) * 2])
            yield bytes(head) + b"\r\n\r\n" + rnd.choice(bodies)
        else:
            yield b"\r\n".join([line, *picked]) + b"\r\n\r\n" + rnd.choice(bodies)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    tmp = tmp_path_factory.mktemp("hostile")
    log = tmp / "serve.log"
    proc, port = serve({**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics")}, log)
    try:
        yield port, log
    finally:
        stop(proc)


def booted(log: Path) -> list[str]:
    return re.findall(r"Booting worker with pid: (\d+)", log.read_text())


def assert_all_workers_alive(port: int, log: Path) -> None:
    assert json.loads(request(port, "/v1/check", {"text": "f**k"}))["flagged"] is True
    text = log.read_text()
    assert len(booted(log)) == 2, text  # no worker died and was replaced
    assert "Traceback" not in text and "cannot write the access log line" not in text, text


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_frame_is_refused_and_kills_no_worker(server: tuple[int, Path], name: str) -> None:
    port, log = server
    answer = exchange(port, MALFORMED[name])
    codes = statuses(answer)
    assert codes, f"no answer to {name}: {answer!r}"
    assert 400 <= codes[0] < 500 or codes[0] == 501, answer  # 501: a transfer coding it does not do
    assert 500 not in codes, answer
    assert_all_workers_alive(port, log)


def test_a_fuzzed_request_line_or_header_kills_no_worker(server: tuple[int, Path]) -> None:
    port, log = server
    answers = [exchange(port, raw) for raw in fuzz_cases(seed=10, n=300)]
    served = [code for answer in answers for code in statuses(answer)]
    assert 500 not in served
    assert len(served) >= 200  # most cases are answered (a head cut short may just be closed)
    assert_all_workers_alive(port, log)


def trickle(port: int, at_once: bytes, slowly: bytes, stop_at: float, opened: list[socket.socket]) -> None:
    """A client that sends `at_once`, then `slowly` a byte every half second, until `stop_at`."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    opened.append(s)
    try:
        s.sendall(at_once)
        for byte in slowly:
            if time.monotonic() > stop_at:
                return
            s.send(bytes([byte]))
            time.sleep(0.5)
    except OSError:
        return


def assert_slow_clients_hold_up_no_one(port: int) -> None:
    """With 200 connections trickling their headers or body, 100 ordinary requests are answered
    while they trickle, none held: a server that gave a worker to a slow client would keep the
    others waiting for the whole trickle (8 s here) or the worker timeout (30 s)."""
    head = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n"
    body = b'{"text": "' + b"a" * 488 + b'"}'
    slow_head, slow_body = (b"", head + b"X-Slow: " + b"s" * 100), (head + b"\r\n", body)
    stop_at = time.monotonic() + 8
    opened: list[socket.socket] = []
    threads = [threading.Thread(target=trickle, args=(port, *(slow_head if n % 2 else slow_body), stop_at, opened),
                                daemon=True) for n in range(200)]  # half trickle their headers, half their body
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)  # every slow connection open and trickling
        latencies = []
        for _ in range(100):
            started = time.perf_counter()
            assert json.loads(request(port, "/v1/check", {"text": "what the f**k"}))["flagged"] is True
            latencies.append(time.perf_counter() - started)
        assert len(opened) == 200 and time.monotonic() < stop_at  # all answered while the slow ones trickled
        # Held would be seconds; a loaded CI machine's slowest answer was 0.13 s.
        assert max(latencies) < 1, f"slowest {max(latencies):.2f} s; median {statistics.median(latencies):.4f} s"
    finally:
        for s in opened:  # a trickling thread's next send fails, and it ends
            s.close()
        for t in threads:
            t.join(timeout=10)


def test_slow_clients_do_not_hold_up_the_others(server: tuple[int, Path]) -> None:
    port, log = server
    assert_slow_clients_hold_up_no_one(port)
    assert_all_workers_alive(port, log)


def held_for(port: int, at_once: bytes, limit: float = 15) -> tuple[float, bytes]:
    """Seconds the server keeps a connection that sends `at_once` and then a byte every 0.3 s, and
    what it answered."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(at_once)
        started = time.monotonic()
        s.settimeout(0.3)
        while time.monotonic() - started < limit:
            try:
                chunk = s.recv(65536)
                if chunk == b"":
                    break
                answer += chunk
            except TimeoutError:
                try:
                    s.send(b"a")
                except OSError:
                    break
            except OSError:
                break
        return time.monotonic() - started, answer


def test_a_slow_request_is_cut_off_at_the_timeout(tmp_path: Path) -> None:
    # Each connection gets MODERATION_TIMEOUT seconds for its whole request, headers and body; then
    # it is closed as if the client had left: no 500, no trace in the log.
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "MODERATION_TIMEOUT": "2"}
    log = tmp_path / "serve.log"
    proc, port = serve(env, log)
    try:
        head = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        cases = {"headers": head + b"X-Slow: ", "body": head + b"Content-Length: 1000\r\n\r\n{\"text\": \"",
                 "chunks": head + b"Transfer-Encoding: chunked\r\n\r\n400\r\n{\"text\": \""}
        with ThreadPoolExecutor(len(cases)) as pool:  # side by side: each takes the timeout
            held = dict(zip(cases, pool.map(partial(held_for, port), cases.values()), strict=True))
        for name, (seconds, answer) in held.items():
            assert 1.5 < seconds < 6, (name, seconds)
            assert 500 not in statuses(answer), (name, answer)
        assert json.loads(request(port, "/v1/check", {"text": "f**k"}))["flagged"] is True
    finally:
        stop(proc)
    assert len(booted(log)) == 2 and "Traceback" not in log.read_text(), log.read_text()


def test_every_spelling_of_a_protected_path_is_refused_by_the_real_server(tmp_path: Path) -> None:
    # gunicorn decodes %2F into PATH_INFO and keeps //, /./ and case as sent: the key is still
    # checked on the route Flask matched, and a spelling that matches none is a 404.
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "MODERATION_API_KEYS": "k",
           "MODERATION_METRICS_REQUIRE_KEY": "true"}
    log = tmp_path / "serve.log"
    proc, port = serve(env, log)
    try:
        for method, path, _ in PROTECTED:
            for spelling in [path, *spellings(path)]:
                body = b'{"text": "f**k"}' if method == "POST" else b""
                head = (f"{method} {spelling} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode()
                codes = statuses(exchange(port, head + body))
                assert codes and codes[0] in (400, 401, 404), (method, spelling, codes)
    finally:
        stop(proc)
    assert len(booted(log)) == 2
