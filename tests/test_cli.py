from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from moderation.cli import COMPILED_ENGINE, main


def test_check_files_and_stdin(tmp_path: Path) -> None:
    clean, dirty = tmp_path / "clean.txt", tmp_path / "dirty.txt"
    clean.write_text("a lovely day\n", encoding="utf-8")
    dirty.write_text("hello\nwhat the f**k\n", encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(main, ["check", str(clean), str(dirty)])
    assert r.exit_code == 1
    assert f"{dirty}:2:10: 'f**k' fuck (profanity, severity 3) [masked]" in r.output
    assert runner.invoke(main, ["check", str(clean)]).exit_code == 0
    assert runner.invoke(main, ["check", str(dirty), "--fail-on", "block"]).exit_code == 0
    r = runner.invoke(main, ["check", "-", "--format", "json"], input="sh1t")
    body = json.loads(r.stdout)
    assert body[0]["path"] == "-" and body[0]["matches"][0]["term"] == "shit"


def test_errors_exit_2_and_the_run_goes_on(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("shit", encoding="utf-8")
    bad.write_bytes(b"\xff\xfe\xfa")
    r = CliRunner().invoke(main, ["check", str(bad), str(good), "--format", "jsonl"])
    assert r.exit_code == 2
    assert f"moderation: {bad}: not UTF-8" in r.stderr and '"term": "shit"' in r.stdout
    config = tmp_path / "moderation.toml"
    config.write_text("[policies.default]\nmin_severity = 9\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(good), "--config", str(config)])
    assert r.exit_code == 2 and "moderation.toml:2: min_severity must be between 1 and 3" in r.output


def test_version_says_whether_the_engine_runs_compiled() -> None:
    from moderation.engine import matcher, readings
    from moderation.markup import markdown

    r = CliRunner().invoke(main, ["--version"], prog_name="moderation")
    assert r.exit_code == 0
    assert r.output.startswith("moderation, version ")
    compiled = [not module.__file__.endswith(".py") for module in (readings, matcher, markdown)]  # type: ignore[union-attr]
    assert len(set(compiled)) == 1  # built together or not at all (setup.py)
    assert (COMPILED_ENGINE in r.output) is compiled[0]
    assert ("engine as Python" in r.output) is not compiled[0]
