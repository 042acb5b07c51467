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



def test_stdin_is_read_in_the_format_as_names() -> None:
    """`--as jsonl` or `--as csv` reads standard input as items, each with its line and fields,
    as a file of that format is read: not as one text of JSON or CSV."""
    runner = CliRunner()
    lines = '{"id": 9, "text": "fuck"}\n{"id": 10, "text": "a quiet day"}\nnot json\n'
    r = runner.invoke(main, ["check", "-", "--as", "jsonl", "--format", "jsonl"], input=lines)
    assert r.exit_code == 2 and "moderation: -:3: not JSON" in r.stderr
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["path"], x["line"], x["fields"], x["flagged"]) for x in records] == [
        ("-", 1, {"id": 9}, True), ("-", 2, {"id": 10}, False)]
    assert records[0]["cleaned"] == "f***" and records[0]["matches"][0]["start"] == 0
    r = runner.invoke(main, ["check", "-", "--as", "csv", "--format", "jsonl", "--jobs", "2"],
                      input="id,text\n1,a quiet day\n2,sh1t\n")
    assert r.exit_code == 1
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["line"], x["fields"], x["flagged"]) for x in records] == [
        (2, {"id": "1"}, False), (3, {"id": "2"}, True)]
    r = runner.invoke(main, ["check", "-", "--as", "csv"], input="id\n1\n")
    assert r.exit_code == 2 and "moderation: -: no column 'text'" in r.stderr

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
