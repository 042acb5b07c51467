"""HTTP throughput and latency with wrk, against the bare Flask app in the same run; and a soak.

    python benchmarks/http_load.py [--seconds 10] [--rounds 3] [--soak 60] [--worker-class gevent]
    python benchmarks/http_load.py --slow-clients 200 [--seconds 10] [--rounds 3]
    python benchmarks/http_load.py --in-process [--rounds 7]
    python benchmarks/http_load.py --perspective [--seconds 10] [--rounds 5]

Every app runs under gunicorn with the same settings (2 workers of --worker-class, gevent as
`moderation serve` runs them, or sync), 1 KB JSON bodies, 16
connections, 2 wrk threads. All are up at once and take turns, --seconds each, for --rounds
rounds: a ratio is taken within a round, so the machine's other load moves both sides of it
alike, and the medians over rounds are reported, with the workers' CPU time per request (less
swayed by other load than requests/s). The soak sends a mix of valid and invalid requests and
reports 5xx responses and the workers' resident memory before and after.

--slow-clients N measures the service as `moderation serve` runs it with gevent workers and with
sync workers, each with and without N connections that trickle their headers (a byte every half
second) while wrk sends ordinary requests: p99 and requests/s.

--perspective compares, on one `moderation serve`-like server, POST /v1alpha1/comments:analyze
with the body Coral sends against POST /v1/check, on the same 1 KB comment, taking turns.

--in-process calls each WSGI app directly instead, with the environ gunicorn would give it, and
reports the microseconds per request, warm, without the server or the network: what the app
itself costs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# A reader's comment of 1 KB: ordinary prose with one self-censored word, as most flagged
# comments are.
TEXT = ("I read the whole article twice and I still think the council got this one badly wrong. "
        "The plan was announced on a Friday afternoon, the consultation closed on the Monday, and "
        "nobody in the neighbourhood had a real chance to say a word about it. The library opening "
        "hours are being cut again, the bus route past the school is going, and the only thing "
        "anyone at the town hall wants to talk about is the new car park by the station. "
        "My neighbour stood up at the meeting and asked what the f**k they were thinking, and "
        "honestly, half the room agreed with her. We pay our council tax like everyone else. "
        "If they want the public to trust them, they could start by publishing the numbers they "
        "used, and by listening to the people who actually use these services every single day "
        "instead of announcing decisions that were clearly made months ago behind closed doors. "
        "I will be writing to my councillor, and I hope others do the same before the next vote.")
BODY = json.dumps({"text": TEXT[:1000]})  # 1 KB
APPS: tuple[tuple[str, str, list[str]], ...] = (("bare Flask", "benchmarks.bare_app:create_app()", []),
        ("moderation", "moderation.service:create_app()", []),
        ("moderation, production logging", "moderation.service:create_app()",
         ["--config", "python:moderation.service.server", "--access-logfile", "/dev/null"]))

# gevent: the service's own worker (gunicorn's, with a time limit per connection), for every app alike
WORKER_CLASSES = {"gevent": "moderation.service.server.GeventWorker", "sync": "sync"}

POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = %s
"""

SOAK = r"""
local bodies = {
  {200, '{"text": "what the f**k is this sh1t"}'},
  {200, '{"items": [{"id": "a", "text": "fine"}, {"id": "b", "text": 5}]}', "/v1/check/batch"},
  {400, '{"text": '},
  {400, '{"text": 12}'},
  {404, '{"text": "x", "policy": "nope"}'},
  {422, '{"text": "x", "content_type": "text/html"}'},
  {413, '{"text": "' .. string.rep("a", 250000) .. '"}'},
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; server_errors = 0; unexpected = 0 end
function request()
  n = n + 1
  local b = bodies[(n % #bodies) + 1]
  expected = b[1]
  return wrk.format("POST", b[3] or "/v1/check", {["Content-Type"] = "application/json"}, b[2])
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("server_errors") end
  io.write(string.format("SERVER_ERRORS %d\n", total))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(app: str, port: int, extra: list[str], worker_class: str = "gevent") -> subprocess.Popen[bytes]:
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(), PYTHONPATH=str(ROOT))
    # --keep-alive 0 as the service's settings (server.py), for every app alike; sync workers never keep one
    cmd = [str(BIN / "gunicorn"), "-w", "2", "-k", WORKER_CLASSES[worker_class], "--keep-alive", "0",
           "--bind", f"127.0.0.1:{port}", *extra, app]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/check", data=BODY.encode(),
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{app} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=40)


def wrk(port: int, script: str, seconds: int, path: str = "/v1/check") -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", f.name,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)
    os.unlink(f.name)
    return out.stdout


def parse(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99[2]]  # type: ignore[index]
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": float(p99[1]) * scale, "requests": int(re.search(r"(\d+) requests in", out)[1]),  # type: ignore[index]
            "socket_errors": 0 if errors is None else sum(map(int, re.findall(r"\d+", errors[1]))),
            "non_2xx": 0 if non2xx is None else int(non2xx[1])}


def workers(master: int) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()


def worker_cpu_seconds(master: int) -> float:
    """User and system time of the master's workers so far."""
    ticks = 0
    for pid in workers(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_rss_mb(master: int) -> list[float]:
    found = []
    for pid in workers(master):
        status = Path(f"/proc/{pid}/status").read_text()
        found.append(int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024)  # type: ignore[index]
    return found


def throughput(script: str, seconds: int, rounds: int, worker_class: str) -> dict[str, list[dict[str, float]]]:
    """Each app's wrk results, round by round; the first app to go changes every round."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in APPS}
    servers = {}
    try:
        for name, app, extra in APPS:
            port = free_port()
            servers[name] = (start(app, port, extra, worker_class), port)
            wrk(port, script, 2)  # warm up
        for n in range(rounds):
            for name, _, _ in APPS[n % len(APPS):] + APPS[:n % len(APPS)]:
                proc, port = servers[name]
                before = worker_cpu_seconds(proc.pid)
                result = parse(wrk(port, script, seconds))
                result["cpu_us"] = (worker_cpu_seconds(proc.pid) - before) / result["requests"] * 1e6
                runs[name].append(result)
    finally:
        for proc, _ in servers.values():
            stop(proc)
    return runs


def median(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def gunicorn_environ(body: bytes) -> dict[str, Any]:
    """What gunicorn hands an app for a POST of `body` to /v1/check."""
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/v1/check", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "RAW_URI": "/v1/check", "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "50000",
            "HTTP_HOST": "127.0.0.1:8000", "HTTP_USER_AGENT": "wrk", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "wsgi.input_terminated": True, "wsgi.errors": sys.stderr, "wsgi.input": io.BytesIO(body)}


def microseconds_per_request(app: Any, calls: int) -> float:
    """Call the app `calls` times, each with a fresh environ, and read its whole answer."""
    environs = [gunicorn_environ(BODY.encode()) for _ in range(calls)]
    started = time.perf_counter()
    for environ in environs:
        answer = app(environ, lambda status, headers, exc_info=None: None)
        b"".join(answer)
        getattr(answer, "close", lambda: None)()
    return (time.perf_counter() - started) / calls * 1e6


def in_process(rounds: int, calls: int = 5000) -> None:
    """Each app's µs per request, taking turns as the wrk rounds do; median and range over rounds."""
    sys.path.insert(0, str(ROOT))
    apps = {name: importlib.import_module(spec.split(":")[0]).create_app() for name, spec, extra in APPS if not extra}
    for app in apps.values():
        microseconds_per_request(app, calls)  # warm up
    times: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            times[name].append(microseconds_per_request(app, calls))
    print(f"in process, {calls} calls a round, medians of {rounds} rounds\n")
    print("| app | µs per request (range) |\n|---|---|")
    for name, found in times.items():
        print(f"| {name} | {statistics.median(found):.1f} ({min(found):.1f}-{max(found):.1f}) |")


def trickle(port: int, count: int, until: float) -> None:
    """`count` connections sending their headers a byte every half second, until `until`."""
    head = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 1000
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    try:
        for byte in head:
            if time.monotonic() > until:
                return
            for c in conns:
                with contextlib.suppress(OSError):  # a connection the server closed
                    c.send(bytes([byte]))
            time.sleep(0.5)
    finally:
        for c in conns:
            c.close()


def slow_clients(script: str, count: int, seconds: int, rounds: int) -> None:
    """The service as served (its gunicorn settings, access log to /dev/null), gevent against sync
    workers, each without and with `count` slow clients, taking turns; medians over rounds."""
    extra = ["--config", "python:moderation.service.server", "--access-logfile", "/dev/null"]
    found: dict[tuple[str, int], list[dict[str, float]]] = {}
    servers = {}
    try:
        for worker_class in ("gevent", "sync"):
            port = free_port()
            servers[worker_class] = (start("moderation.service:create_app()", port, extra, worker_class), port)
            wrk(port, script, 2)
        for _ in range(rounds):
            for worker_class, (_, port) in servers.items():
                for slow in (0, count):
                    until = time.monotonic() + seconds + 3
                    thread = threading.Thread(target=trickle, args=(port, slow, until), daemon=True)
                    thread.start()
                    time.sleep(1)  # the slow clients are connected and trickling
                    found.setdefault((worker_class, slow), []).append(parse(wrk(port, script, seconds)))
                    thread.join()
    finally:
        for proc, _ in servers.values():
            stop(proc)
    print(f"wrk -t2 -c16 -d{seconds}s, 1 KB JSON bodies, gunicorn -w 2 with the service's settings; "
          f"{count} slow clients trickle their headers; medians of {rounds} rounds\n")
    print("| workers | slow clients | requests/s | p99 | socket errors |\n|---|---|---|---|---|")
    for (worker_class, slow), results in found.items():
        answered = [r for r in results if r["requests"]]
        p99 = f"{median(answered, 'p99_ms'):.2f} ms" if answered else "none answered"
        print(f"| {worker_class} | {slow} | {median(results, 'rps'):.0f} | {p99} | "
              f"{sum(r['socket_errors'] for r in results):.0f} |")


# What Coral sends for the same comment (services/perspective/perspective.ts, TOXICITY at its defaults).
CORAL_BODY = json.dumps({"comment": {"text": TEXT[:1000]}, "doNotStore": True,
                         "requestedAttributes": {"TOXICITY": {}}, "languages": ["en"]})


def perspective(seconds: int, rounds: int, worker_class: str) -> None:
    """The Perspective route against /v1/check on one server, in alternating turns; ratios per round."""
    routes = (("/v1/check", POST % json.dumps(BODY)), ("/v1alpha1/comments:analyze", POST % json.dumps(CORAL_BODY)))
    port = free_port()
    proc = start("moderation.service:create_app()", port, [], worker_class)
    runs: dict[str, list[dict[str, float]]] = {path: [] for path, _ in routes}
    try:
        for path, script in routes:
            wrk(port, script, 2, path)  # warm up
        for n in range(rounds):
            for path, script in routes[n % 2:] + routes[:n % 2]:
                runs[path].append(parse(wrk(port, script, seconds, path)))
    finally:
        stop(proc)
    check, analyze = (runs[path] for path, _ in routes)
    ratios = [a["rps"] / c["rps"] for a, c in zip(analyze, check, strict=True)]
    print(f"wrk -t2 -c16 -d{seconds}s, the same 1 KB comment, gunicorn -w 2 -k {worker_class}; "
          f"medians of {rounds} rounds\n")
    print("| route | requests/s | p99 | non-2xx |\n|---|---|---|---|")
    for path, results in runs.items():
        print(f"| POST {path} | {median(results, 'rps'):.0f} | {median(results, 'p99_ms'):.2f} ms | "
              f"{sum(r['non_2xx'] for r in results):.0f} |")
    print(f"\ncomments:analyze / check: {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--soak", type=int, default=60)
    parser.add_argument("--worker-class", default="gevent", choices=["gevent", "sync"])
    parser.add_argument("--slow-clients", type=int, default=0, help="compare worker classes under N slow clients")
    parser.add_argument("--in-process", action="store_true", help="call the apps directly, without gunicorn and wrk")
    parser.add_argument("--perspective", action="store_true", help="comments:analyze against /v1/check")
    args = parser.parse_args()
    if args.perspective:
        perspective(args.seconds, args.rounds, args.worker_class)
        return
    if args.in_process:
        in_process(args.rounds)
        return
    script = POST % json.dumps(BODY)
    if args.slow_clients:
        slow_clients(script, args.slow_clients, args.seconds, args.rounds)
        return
    runs = throughput(script, args.seconds, args.rounds, args.worker_class)
    print(f"wrk -t2 -c16 -d{args.seconds}s, 1 KB JSON bodies, gunicorn -w 2 -k {args.worker_class}; "
          f"medians of {args.rounds} rounds\n")
    print("| app | requests/s | ratio to bare (range) | p99 | worker CPU per request | socket errors | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    bare = runs["bare Flask"]
    for name, results in runs.items():
        ratios = [r["rps"] / b["rps"] for r, b in zip(results, bare, strict=True)]
        print(f"| {name} | {median(results, 'rps'):.0f} | {statistics.median(ratios):.2f} "
              f"({min(ratios):.2f}-{max(ratios):.2f}) | {median(results, 'p99_ms'):.2f} ms | "
              f"{median(results, 'cpu_us'):.0f} µs | {sum(r['socket_errors'] for r in results):.0f} | "
              f"{sum(r['non_2xx'] for r in results):.0f} |")
    if args.soak:
        port = free_port()
        proc = start("moderation.service:create_app()", port, ["--limit-request-line", "0"], args.worker_class)
        try:
            wrk(port, script, 2)
            before = worker_rss_mb(proc.pid)
            out = wrk(port, SOAK, args.soak)
            after = worker_rss_mb(proc.pid)
        finally:
            stop(proc)
        total = parse(out)
        errors = re.search(r"SERVER_ERRORS (\d+)", out)[1]  # type: ignore[index]
        print(f"\nsoak: {args.soak} s of mixed valid and invalid requests (7 kinds, 5 of them errors): "
              f"{total['rps'] * args.soak:.0f} requests, {errors} 5xx, socket errors {total['socket_errors']:.0f}; "
              f"worker RSS before {', '.join(f'{m:.0f}' for m in before)} MB, "
              f"after {', '.join(f'{m:.0f}' for m in after)} MB")


if __name__ == "__main__":
    main()
