"""`moderation serve` for real: gunicorn, the JSON access log with the request id, metrics summed
over two workers (each writes its counts within a second, and at exit), and a graceful stop on
SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(port: int, path: str, body: dict[str, object] | None = None, rid: str | None = None) -> bytes:
    headers = {"Content-Type": "application/json"} | ({"X-Request-ID": rid} if rid else {})
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=5) as r:
        return bytes(r.read())


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`moderation serve` with two workers, once it answers."""
    port = free_port()
    cli = [sys.executable, "-c", "from moderation.cli import main; main()"]
    with log.open("w") as out:
        proc = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.time() + 30
    while True:
        try:
            request(port, "/healthz")
            return proc, port
        except OSError:
            assert time.time() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0


def test_serve(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    proc, port = serve(env, log)
    try:
        result = json.loads(request(port, "/v1/check", {"text": "f**k"}, rid="req-42"))
        assert result["matches"][0]["term"] == "fuck"
        for _ in range(10):
            request(port, "/healthz")
        healthz = 'moderation_requests_total{route="/healthz",status="200"} 11.0'
        deadline = time.time() + 5
        while healthz not in (metrics := request(port, "/metrics").decode()):  # all workers, within a second
            assert time.time() < deadline, metrics
            time.sleep(0.2)
        for _ in range(5):
            request(port, "/v1/check", {"text": "fine"})
    finally:
        stop(proc)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=env["PROMETHEUS_MULTIPROC_DIR"])  # type: ignore[no-untyped-call]
    after = generate_latest(registry).decode()  # the counts of the last second were written at exit
    assert 'moderation_requests_total{route="/v1/check",status="200"} 6.0' in after
    lines = [json.loads(ln) for ln in log.read_text().splitlines() if ln.startswith("{")]
    check = next(ln for ln in lines if ln["path"] == "/v1/check")
    assert (check["request_id"], check["method"], check["status"]) == ("req-42", "POST", 200)


def test_workers_replaced_on_hup_keep_the_metrics_folder(tmp_path: Path) -> None:
    # Without PROMETHEUS_MULTIPROC_DIR the master makes a folder; a worker leaving must not remove it.
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    proc, port = serve(env, log)
    try:
        proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while log.read_text().count("Worker exiting") < 2:
            assert time.time() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.2)
        for _ in range(10):
            assert json.loads(request(port, "/v1/check", {"text": "f**k"}))["flagged"] is True
        assert b"moderation_requests_total" in request(port, "/metrics")
        assert proc.poll() is None, log.read_text()
    finally:
        stop(proc)


def test_serve_refuses_to_start_with_a_key_setting_that_holds_no_key(tmp_path: Path) -> None:
    empty = tmp_path / "keys"
    empty.write_text("# no keys yet\n", encoding="utf-8")
    cli = [sys.executable, "-c", "from moderation.cli import main; main()", "serve", "--port", str(free_port())]
    for setting in ({"MODERATION_API_KEYS": " , "}, {"MODERATION_API_KEYS_FILE": str(empty)}):
        done = subprocess.run(cli, env={**os.environ, **setting}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert f"{next(iter(setting))} " in done.stderr and "holds no key" in done.stderr
