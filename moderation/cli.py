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


def _load(config: str | None) -> Moderator:
    try:
        return Moderator.from_config(config)
    except ModerationError as e:
        raise click.ClickException(str(e)) from None


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
            raise click.ClickException(str(e)) from None
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
