"""The command line: a thin face over the engine.

    moderation check article.txt           # report what is flagged, exit 1 if anything is
    echo "what the f**k" | moderation check - --format json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from moderation.engine import Moderator, Result
from moderation.errors import ModerationError

FAIL_ON = ("flagged", "review", "block", "never")
_LEVEL = {"allow": 0, "mask": 1, "review": 2, "block": 3}
_THRESHOLD = {"flagged": 1, "review": 2, "block": 3, "never": 4}


class Failure(click.ClickException):
    """A library error on the command line: its message, and exit 2 (usage or configuration)."""

    exit_code = ModerationError.exit_code

    def __init__(self, error: ModerationError) -> None:
        super().__init__(str(error))


def _load(config: str | None) -> Moderator:
    try:
        return Moderator.from_config(config)
    except ModerationError as e:
        raise Failure(e) from None


@click.group()
@click.version_option(package_name="moderation")
def main() -> None:
    """Find profanity, slurs and their evasions in text, with exact spans."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--policy", default=None, help="Policy name from the config (default: its default policy).")
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None, help="A moderation.toml.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="flagged", show_default=True,
              help="Exit 1 when any text reaches this level.")
def check(paths: tuple[str, ...], policy: str | None, config: str | None, fmt: str, fail_on: str) -> None:
    """Check text files (or - for stdin) and report every flagged span.

    \b
    Examples:
      moderation check article.txt
      echo "what the f**k" | moderation check - --format json
    """
    moderator = _load(config)
    worst = 0
    unreadable = False
    results: list[dict[str, object]] = []
    for path in paths:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            click.echo(f"moderation: skipped {path}: {e}", err=True)
            unreadable = True
            continue
        try:
            result = moderator.check(text, policy=policy)
        except ModerationError as e:
            raise Failure(e) from None
        worst = max(worst, _LEVEL[result.action])
        results.append(_report(path, text, result, fmt))
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    if unreadable:
        sys.exit(2)
    sys.exit(1 if worst >= _THRESHOLD[fail_on] else 0)


def _report(path: str, text: str, result: Result, fmt: str) -> dict[str, object]:
    body = {"path": path, **result.to_dict()}
    if fmt == "jsonl":
        click.echo(json.dumps(body, ensure_ascii=False))
    elif fmt == "text":
        for m in result.matches:
            line = text.count("\n", 0, m.start) + 1
            col = m.start - (text.rfind("\n", 0, m.start) + 1) + 1
            evasions = f" [{', '.join(m.evasions)}]" if m.evasions else ""
            click.echo(f"{path}:{line}:{col}: {m.text!r} {m.term} ({m.category}, severity {m.severity}){evasions}")
    return body


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=0, type=int, help="Worker processes (default: the CPU count).")
@click.option("--config", "config", type=click.Path(dir_okay=False, exists=True), default=None,
              help="A moderation.toml (also MODERATION_CONFIG).")
def serve(host: str, port: int, workers: int, config: str | None) -> None:
    """Serve the HTTP API with gunicorn (see moderation/server.py for its settings).

    \b
    Examples:
      moderation serve --port 8000
      MODERATION_API_KEYS=secret moderation serve --config moderation.toml
    """
    import os

    if config:
        os.environ["MODERATION_CONFIG"] = str(Path(config).resolve())
    _load(os.environ.get("MODERATION_CONFIG"))  # a bad config stops here with file:line
    os.environ["MODERATION_BIND"] = f"{host}:{port}"
    if workers:
        os.environ["MODERATION_WORKERS"] = str(workers)
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "--config", "python:moderation.server"]
    run()

