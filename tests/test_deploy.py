"""The compose file and Dockerfile name what an operator relies on. No Docker engine runs here,
so they are parsed and checked, not run (README: how to run them)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from moderation.cli import COMPILED_ENGINE
from tests.test_hostile_clients import assert_slow_clients_hold_up_no_one
from tests.test_serve import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["moderation"]
    assert service["build"] == "."
    assert "8000:8000" in service["ports"]
    assert service["user"] not in ("0", "root")
    assert service["read_only"] is True
    mounts = [v for v in service["volumes"] if v["target"] == "/etc/moderation"]
    assert mounts and mounts[0]["read_only"] is True
    assert "/healthz" in " ".join(service["healthcheck"]["test"])
    assert {"MODERATION_CONFIG", "MODERATION_API_KEYS_FILE", "MODERATION_WORKERS"} <= set(service["environment"])
    assert service["stop_signal"] == "SIGTERM"


def test_the_feedback_file_has_a_writable_place_in_a_read_only_container() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["moderation"]
    volume = next(v for v in service["volumes"] if v["type"] == "volume")
    assert volume["source"] in compose["volumes"] and not volume.get("read_only")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"chown moderation {volume['target']}" in dockerfile  # the volume starts owned by the service's user
    assert {"MODERATION_FEEDBACK_FILE", "MODERATION_CORS_ORIGINS"} <= set(service["environment"])


def test_dockerfile() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(ln.startswith("HEALTHCHECK") for ln in lines)
    assert any("/healthz" in ln for ln in lines)
    assert lines[-1] == 'CMD ["gunicorn", "--config", "python:moderation.service.server"]'


def test_the_image_unpacks_the_language_model_at_build_where_its_workers_look(tmp_path: Path) -> None:
    # Its workers map the unpacked model (moderation.engine.cache) instead of each unpacking it.
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    folder = re.search(r"MODERATION_CACHE_DIR=(\S+)", dockerfile)[1]  # type: ignore[index]
    run = re.search(r'python -c "([^"]+)"', dockerfile)[1]  # type: ignore[index]
    env = dict(os.environ, MODERATION_CACHE_DIR=str(tmp_path / folder.lstrip("/")))
    subprocess.run([sys.executable, "-c", run], env=env, check=True, timeout=120)
    [entry] = (tmp_path / folder.lstrip("/")).iterdir()
    assert entry.name.startswith("langid-") and (entry / "nextmove.npy").stat().st_size > 0


def test_gunicorn_settings_load_the_app() -> None:
    # What the container runs: gunicorn's own config check, which imports the app factory.
    code = ("import sys; sys.argv = ['gunicorn', '--config', 'python:moderation.service.server', '--check-config']; "
            "from gunicorn.app.wsgiapp import run; run()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def compose_environment(dotenv: dict[str, str]) -> dict[str, str]:
    """The environment compose passes the container: its `${NAME:-default}` filled from `.env`."""
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["moderation"]

    def fill(match: re.Match[str]) -> str:
        return dotenv.get(match[1]) or (match[2] or "")

    return {name: re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", fill, str(value))
            for name, value in service["environment"].items()}


def image_environment(tmp_path: Path, dotenv: dict[str, str]) -> dict[str, str]:
    """What the container's gunicorn sees: the Dockerfile's ENV, compose's environment, a user with no home."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    metrics = re.search(r"PROMETHEUS_MULTIPROC_DIR=(\S+)", dockerfile)[1]  # type: ignore[index]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MODERATION_", "PROMETHEUS_", "XDG_"))}
    env |= compose_environment(dotenv)
    env |= {"HOME": str(tmp_path / "no-home"), "MODERATION_BIND": f"127.0.0.1:{free_port()}",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / metrics.lstrip("/"))}
    return env


def run_image_command(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    code = ("import sys; sys.argv = ['gunicorn', '--config', 'python:moderation.service.server']; "
            "from gunicorn.app.wsgiapp import run; run()")
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=subprocess.STDOUT)


def call(port: str, path: str, body: bytes | None = None, key: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, bytes(r.read())
    except urllib.error.HTTPError as e:
        return e.code, bytes(e.read())


@pytest.mark.parametrize("with_dotenv", [False, True])
def test_the_image_command_starts_as_compose_runs_it(tmp_path: Path, with_dotenv: bool) -> None:
    dotenv = {}
    if with_dotenv:  # an operator's .env naming a config and a keys file in ./config
        (tmp_path / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
        config = tmp_path / "moderation.toml"
        config.write_text('[wordlists]\npaths = ["mine.txt"]\n[policies.default]\nmin_severity = 1\n',
                          encoding="utf-8")
        (tmp_path / "keys").write_text("# ops\nk-ops\n", encoding="utf-8")
        dotenv = {"MODERATION_CONFIG": str(config), "MODERATION_API_KEYS_FILE": str(tmp_path / "keys")}
    env = image_environment(tmp_path, dotenv)
    if not with_dotenv:
        assert env["MODERATION_CONFIG"] == "" and env["MODERATION_API_KEYS_FILE"] == ""  # what compose passes
    port = env["MODERATION_BIND"].rsplit(":", 1)[1]
    log = tmp_path / "gunicorn.log"
    proc = run_image_command(env, log)
    try:
        deadline = time.time() + 30
        while True:
            try:
                status, _ = call(port, "/healthz")
                break
            except OSError:
                assert time.time() < deadline and proc.poll() is None, log.read_text()
                time.sleep(0.2)
        body = json.dumps({"text": "frak, f**k"}).encode()
        if with_dotenv:
            assert call(port, "/v1/check", body)[0] == 401
            status, answer = call(port, "/v1/check", body, key="k-ops")
            assert status == 200 and [m["term"] for m in json.loads(answer)["matches"]] == ["frak", "fuck"]  # its lists
        else:
            status, answer = call(port, "/v1/check", body)
            assert status == 200 and [m["term"] for m in json.loads(answer)["matches"]] == ["fuck"]  # bundled lists
            assert_slow_clients_hold_up_no_one(int(port))  # as deployed, too
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
    text = log.read_text()
    assert proc.returncode == 0, text
    assert text.count("Booting worker") == 2 and "Traceback" not in text, text  # no worker failed and restarted
    assert "Permission denied" not in text and "control" not in text.lower(), text
    assert "Using worker: moderation.service.server.GeventWorker" in text  # slow clients cost a greenlet
    assert not (tmp_path / "no-home").exists()  # no ~/.gunicorn/gunicorn.ctl shared with other instances


def test_the_image_command_fails_naming_a_keys_file_without_keys(tmp_path: Path) -> None:
    (tmp_path / "keys").write_text("\n", encoding="utf-8")
    env = image_environment(tmp_path, {"MODERATION_API_KEYS_FILE": str(tmp_path / "keys")})
    log = tmp_path / "gunicorn.log"
    proc = run_image_command(env, log)
    assert proc.wait(timeout=60) != 0
    assert "MODERATION_API_KEYS_FILE holds no key" in log.read_text()


def test_the_image_builds_its_engine_compiled_or_not_at_all() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert stages == ["python:3.11", "python:3.11-slim"]  # the wheel is built where gcc is, run where it is not
    assert "pip wheel" in dockerfile and "pip install /wheels/" in dockerfile
    checked = re.search(r'moderation --version \| grep -q "([^"]+)"', dockerfile)[1]  # type: ignore[index]
    assert checked == COMPILED_ENGINE
