"""The compose file and Dockerfile name what an operator relies on. No Docker engine runs here,
so they are parsed and checked, not run (README: how to run them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

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


def test_dockerfile() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(ln.startswith("HEALTHCHECK") for ln in lines)
    assert any("/healthz" in ln for ln in lines)
    assert lines[-1] == 'CMD ["gunicorn", "--config", "python:moderation.service.server"]'


def test_gunicorn_settings_load_the_app() -> None:
    # What the container runs: gunicorn's own config check, which imports the app factory.
    code = ("import sys; sys.argv = ['gunicorn', '--config', 'python:moderation.service.server', '--check-config']; "
            "from gunicorn.app.wsgiapp import run; run()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
