"""The batch CLI over files: formats, discovery, parallel order, cleaned copies, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from moderation import Moderator
from moderation.batch import runner
from moderation.batch.documents import Chunk, Span
from moderation.cli import main
from moderation.engine.result import Result as Checked


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["check", *args], input=input)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "posts").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("fuck", encoding="utf-8")
    (root / "posts" / "a.md").write_text("# Title\n\nWhat the f**k.\n", encoding="utf-8")
    (root / "posts" / "clean.txt").write_text("A lovely day.\n", encoding="utf-8")
    (root / "comments.jsonl").write_text(
        '{"id": "c1", "body": "sh1t happens", "user": 7}\n\n{"id": "c2", "body": "fine"}\n', encoding="utf-8")
    (root / "rows.csv").write_text('id,body\nr1,damn it\nr2,"two\nlines, cunt"\n', encoding="utf-8")
    (root / "logo.png").write_bytes(b"\x89PNG\0\0fuck")
    return root


def jsonl(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_formats_locations_and_carried_fields(tree: Path) -> None:
    r = run(str(tree), "--field", "body", "--format", "jsonl")
    assert r.exit_code == 1, r.stderr
    records = jsonl(r)
    where = [(rec["path"], rec.get("line"), rec["flagged"]) for rec in records]
    assert where == [
        (str(tree / "comments.jsonl"), 1, True), (str(tree / "comments.jsonl"), 3, False),
        (str(tree / "posts" / "a.md"), None, True), (str(tree / "posts" / "clean.txt"), None, False),
        (str(tree / "rows.csv"), 2, True), (str(tree / "rows.csv"), 3, True),
    ]
    assert records[0]["fields"] == {"id": "c1", "user": 7}
    assert records[5]["fields"] == {"id": "r2"} and records[5]["matches"][0]["term"] == "cunt"
    assert "4 files, 6 items, 4 flagged, 2 skipped (1 hidden, 1 binary)" in r.stderr


def test_text_report_names_file_line_and_column(tree: Path) -> None:
    r = run(str(tree / "posts" / "a.md"))
    assert r.stdout.splitlines() == [f"{tree / 'posts' / 'a.md'}:3:10: 'f**k' fuck (profanity, severity 3) [masked]"]


def test_include_exclude(tree: Path) -> None:
    r = run(str(tree), "--field", "body", "--include", "*.md", "--format", "jsonl")
    assert [rec["path"] for rec in jsonl(r)] == [str(tree / "posts" / "a.md")]
    r = run(str(tree), "--field", "body", "--exclude", "posts/*", "--exclude", "*.csv", "--format", "jsonl")
    assert {rec["path"] for rec in jsonl(r)} == {str(tree / "comments.jsonl")}


def test_parallel_output_is_the_same_in_the_same_order(tree: Path) -> None:
    one = run(str(tree), "--field", "body", "--format", "json")
    two = run(str(tree), "--field", "body", "--format", "json", "--jobs", "2")
    assert json.loads(one.stdout) == json.loads(two.stdout) and one.exit_code == two.exit_code == 1


def test_write_cleaned_mirrors_the_tree(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "cleaned"
    r = run(str(tree), "--field", "body", "--write-cleaned", str(out))
    assert r.exit_code == 1
    # Read as Markdown: the mask written so that it renders as itself
    assert (out / "posts" / "a.md").read_text(encoding="utf-8") == "# Title\n\nWhat the f**\\*.\n"
    assert (out / "posts" / "clean.txt").read_text(encoding="utf-8") == "A lovely day.\n"
    lines = (out / "comments.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"id": "c1", "body": "s*** happens", "user": 7}
    assert lines[1:] == ["", '{"id": "c2", "body": "fine"}']
    # cunt masked whole: c*** would read as crap
    assert (out / "rows.csv").read_text(encoding="utf-8") == 'id,body\nr1,d*** it\nr2,"two\nlines, ****"\n'
    assert (tree / "posts" / "a.md").read_text(encoding="utf-8") == "# Title\n\nWhat the f**k.\n"  # untouched


def test_in_place_keeps_encoding_line_endings_permissions_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    original = "\ufeffLine one\r\nwhat the fuck\r\n".encode()
    path.write_bytes(original)
    path.chmod(0o640)
    untouched = tmp_path / "clean.txt"
    untouched.write_text("nothing here\n", encoding="utf-8")
    before = untouched.stat().st_mtime_ns
    r = run(str(tmp_path), "--in-place", "--backup-suffix", ".orig")
    assert r.exit_code == 1
    assert path.read_bytes() == "\ufeffLine one\r\nwhat the f***\r\n".encode()
    assert (tmp_path / "page.txt.orig").read_bytes() == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert untouched.stat().st_mtime_ns == before and not (tmp_path / "clean.txt.orig").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.txt", "page.txt", "page.txt.orig"]


def test_an_interrupted_run_leaves_files_old_or_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [tmp_path / f"{n}.txt" for n in range(3)]
    for f in files:
        f.write_text("fuck\n", encoding="utf-8")
    real = runner.check_chunk
    calls = []

    def interrupted(*args: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "check_chunk", interrupted)
    r = run(str(tmp_path), "--in-place")
    assert r.exit_code != 0
    assert files[0].read_text(encoding="utf-8") == "f***\n"  # finished before the interrupt: new
    assert [f.read_text(encoding="utf-8") for f in files[1:]] == ["fuck\n", "fuck\n"]  # old
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_bad_file_is_named_skipped_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"caf\xe9 shit")
    (tmp_path / "b.txt").write_text("shit", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "ok"}\n{"txt": "no"}\n', encoding="utf-8")
    out = tmp_path / "out"
    r = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), str(tmp_path / "c.jsonl"), "--write-cleaned", str(out))
    assert r.exit_code == 2
    assert f"{tmp_path / 'a.txt'}: not UTF-8 (byte 3" in r.stderr
    assert f"{tmp_path / 'c.jsonl'}:2: no string field 'text'" in r.stderr
    assert "b.txt:1:1: 'shit'" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["b.txt", "c.jsonl"]


def test_a_csv_row_is_named_by_the_line_it_starts_on(tmp_path: Path) -> None:
    # a quoted cell holds line breaks: the rows after it start lines further down than their count
    (tmp_path / "x.csv").write_text('id,text\n1,"a\nb\nshit"\n2,fuck\n3,"x\n\ny,\nz"\n4,damn\n', encoding="utf-8")
    records = jsonl(run(str(tmp_path / "x.csv"), "--format", "jsonl"))
    assert [(rec["fields"]["id"], rec["line"]) for rec in records] == [("1", 2), ("2", 5), ("3", 6), ("4", 10)]
    assert f"{tmp_path / 'x.csv'}:5:1: " in run(str(tmp_path / "x.csv")).stdout


def test_csv_without_the_column_is_named(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("id,body\n1,shit\n", encoding="utf-8")
    r = run(str(tmp_path / "x.csv"))
    assert r.exit_code == 2 and "no column 'text' (columns: id, body); choose one with --field" in r.stderr


def test_usage_errors(tmp_path: Path) -> None:
    assert run(str(tmp_path), "--in-place", "--write-cleaned", str(tmp_path / "o")).exit_code == 2
    assert run(str(tmp_path), "--policy", "nope").exit_code == 2


def test_lint(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    bad = tmp_path / "more.txt"
    bad.write_text("[profanity]\nsmeg: 2 word\nfrak: 1 word\n", encoding="utf-8")
    cli = CliRunner()
    assert cli.invoke(main, ["lint"]).exit_code == 0
    assert cli.invoke(main, ["lint", str(good)]).exit_code == 0
    r = cli.invoke(main, ["lint", str(tmp_path)])
    assert r.exit_code == 1
    assert f"{bad}:3: 'frak' is already defined at {good}:2" in r.stderr
    os.remove(bad)
    assert cli.invoke(main, ["lint", str(tmp_path)]).exit_code == 0


def test_jsonl_bad_bytes_and_crlf_survive_a_cleaned_copy(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    raw = b'{"text": "shit"}\r\n{"text": "caf\xe9"}\r\n{"text": "fine"}'
    path.write_bytes(raw)
    r = run(str(path), "--in-place")
    assert r.exit_code == 2 and f"{path}:2: not UTF-8" in r.stderr
    assert path.read_bytes() == b'{"text": "s***"}\r\n{"text": "caf\xe9"}\r\n{"text": "fine"}'
    assert (tmp_path / "items.jsonl.bak").read_bytes() == raw


def test_large_jsonl_streams_in_blocks_with_right_line_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moderation.batch.documents.BLOCK", 64)  # many blocks, lines cut across them
    path = tmp_path / "many.jsonl"
    path.write_text("".join(f'{{"id": {n}, "text": "{"shit" if n % 7 == 0 else "fine"} {n}"}}\n'
                            for n in range(1, 200)), encoding="utf-8")
    records = jsonl(run(str(path), "--format", "jsonl"))
    assert [rec["line"] for rec in records] == list(range(1, 200))
    assert [rec["fields"]["id"] for rec in records if rec["flagged"]] == list(range(7, 200, 7))


def test_parallel_run_killed_midway_leaves_no_trace(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    path = tmp_path / "big.jsonl"
    line = '{"id": 1, "text": "a long comment that says shit in the middle of ordinary words"}\n'
    original = (line * 600_000).encode()
    path.write_bytes(original)
    cli = [sys.executable, "-c", "from moderation.cli import main; main()"]
    proc = subprocess.Popen([*cli, "check", str(path), "--in-place", "--jobs", "2", "--format", "text"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, "the run ended before the signal: make the file bigger"
    assert "Traceback" not in err
    assert path.read_bytes() in (original, original.replace(b"shit", b"s***"))
    assert sorted(p.name for p in tmp_path.iterdir()) in (["big.jsonl"], ["big.jsonl", "big.jsonl.bak"])


def test_parallel_run_prints_no_worker_noise(tree: Path) -> None:
    import subprocess
    import sys

    cli = [sys.executable, "-c", "from moderation.cli import main; main()"]
    done = subprocess.run([*cli, "check", str(tree), "--field", "body", "--jobs", "2"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr


def _with_lines(path: Path, changed: dict[int, str]) -> list[str]:
    """Forty JSONL items (every fifth flagged), some lines changed; returns the lines written."""
    lines = [f'{{"id": {n}, "text": "{"shit" if n % 5 == 0 else "fine"} {n}"}}\n' for n in range(1, 41)]
    for n, line in changed.items():
        lines[n - 1] = line
    path.write_bytes("".join(lines).encode())
    return lines


def _named(r: Result, path: Path) -> list[int]:
    return [int(line.removeprefix(f"moderation: {path}:").split(":")[0]) for line in r.stderr.splitlines()
            if line.startswith(f"moderation: {path}:")]


def test_lines_whole_only_when_joined_are_named_not_merged(tmp_path: Path) -> None:
    # Read as one JSON array, these three lines would make two good objects and one: three items for three lines.
    bad = {20: '{"text": "a"}, {"text": "b"}\n', 21: '{"text": "c", "x": [[1\n', 22: '2]]}\n'}
    path = tmp_path / "items.jsonl"
    lines = _with_lines(path, bad)
    r = run(str(path), "--in-place", "--format", "jsonl")
    assert r.exit_code == 2 and _named(r, path) == [20, 21, 22]
    assert [rec["line"] for rec in jsonl(r)] == [n for n in range(1, 41) if n not in bad]
    written = path.read_bytes().decode().splitlines(keepends=True)
    assert written[19:22] == lines[19:22]  # as they were
    assert written[14] == '{"id": 15, "text": "s*** 15"}\n' and written[15] == lines[15]


def test_a_bad_line_in_a_block_is_named_and_kept_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    lines = _with_lines(path, {12: '{"id": 12, "text": "sh1t, cut\n', 30: "\n",
                               31: '  {"id": 31, "text": "indented shit"}\r\n'})
    r = run(str(path), "--in-place", "--format", "jsonl")
    assert r.exit_code == 2 and _named(r, path) == [12]
    assert "items.jsonl:12: not JSON (Invalid control character at at column 30)" in r.stderr  # as line by line
    assert [rec["line"] for rec in jsonl(r)] == [n for n in range(1, 41) if n not in (12, 30)]
    written = path.read_bytes().decode().splitlines(keepends=True)
    assert written[11] == lines[11] and written[29] == "\n"
    assert written[30] == '{"id": 31, "text": "indented s***"}\r\n' and written[9] == '{"id": 10, "text": "s*** 10"}\n'


def test_lines_read_at_once_or_one_by_one_give_the_same_items(monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation.batch.documents import Chunk, items_of

    body = ('{"id": 1, "text": "shit", "tags": ["a"]}\r\n{"text": "caf\\u00e9", "id": 2}\n'
            '{"text": "x", "text": "dup"}\n{"n": {"text": 1}, "text": "last"}')
    chunk = Chunk("p.jsonl", "jsonl", 1, [("\ufeff" + body).encode()], "text")  # a first chunk: its BOM goes
    at_once = items_of(chunk, fields=True)
    monkeypatch.setattr("moderation.batch.documents._decode_all", lambda text, field_name: None)
    one_by_one = items_of(chunk, fields=True)
    assert at_once.texts == one_by_one.texts == ["shit", "café", "dup", "last"]
    assert list(at_once.numbers or ()) == list(one_by_one.numbers or ()) == [1, 2, 3, 4]
    assert at_once.fields == one_by_one.fields == [{"id": 1, "tags": ["a"]}, {"id": 2}, {}, {"n": {"text": 1}}]
    cleaned = {0: "s***", 3: "l***"}
    assert at_once.rewrite(cleaned) == one_by_one.rewrite(cleaned) == [
        '{"id": 1, "text": "s***", "tags": ["a"]}\r\n{"text": "caf\\u00e9", "id": 2}\n'
        '{"text": "x", "text": "dup"}\n{"n": {"text": 1}, "text": "l***"}']


def test_json_records_are_the_result_schema_dumped_with_the_location(moderator: Moderator) -> None:
    from moderation.batch.report import records

    def dumped(path: str, line: int | None, fields: dict[str, object], result: Checked) -> str:
        record: dict[str, object] = {"path": path}
        if line is not None:
            record["line"] = line
        if fields:
            record["fields"] = fields
        return json.dumps(record | result.to_dict(), ensure_ascii=False)

    texts = ["fine", 'q"uo\\te\n\t\u2028 é', "shit", "", "}, {"]
    fields: list[dict[str, object]] = [{"id": 1}, {}, {"id": "}, {", "n": [{"a": 1}, {"b": 2.5}]},
                                       {"x": None, "y": [True, "\", \""]}, {"é": "\u0000"}]
    results = moderator.check_many(texts)
    flagged = {i: r for i, r in enumerate(results) if r.matches}
    assert list(flagged) == [2]
    path = 'dir/a "b".jsonl'
    clean = moderator.check("")
    assert records(path, range(10, 15), texts, fields, flagged, clean) == [
        dumped(path, 10 + i, fields[i], result) for i, result in enumerate(results)]
    assert records(path, range(10, 15), texts, [{"id": 1}] * 5, flagged, clean)[0] == dumped(path, 10, {"id": 1},
                                                                                             results[0])
    assert records("a.md", None, ["fine"], None, {}, clean) == [dumped("a.md", None, {}, moderator.check("fine"))]


def _sigterm_in_worker() -> tuple[bool, object]:
    return signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, set()), signal.getsignal(signal.SIGTERM)


def test_workers_end_on_sigterm_and_the_parent_mask_is_kept() -> None:
    import multiprocessing

    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    with runner._workers(multiprocessing.get_context("fork"), 1, None) as workers:
        assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before
        workers.send(0, _sigterm_in_worker)
        assert workers.answer(0) == (False, signal.SIG_DFL)


def test_a_lone_surrogate_escape_is_reported_and_written_back_as_an_escape(tmp_path: Path) -> None:
    """`\\ud800` is valid JSON but no UTF-8 can carry it: the reports and the cleaned copy write
    it as that escape instead of failing."""
    source = tmp_path / "odd.jsonl"
    source.write_text('{"id": 1, "text": "fuck \\ud800 you"}\n{"id": 2, "text": "fine"}\n', encoding="utf-8")
    r = run(str(source), "--format", "jsonl", "--write-cleaned", str(tmp_path / "out"))
    assert r.exit_code == 1, r.stderr
    assert json.loads(r.stdout.splitlines()[0])["cleaned"] == "f*** \ud800 you"
    assert (tmp_path / "out" / "odd.jsonl").read_text(encoding="utf-8") == (
        '{"id": 1, "text": "f*** \\ud800 you"}\n{"id": 2, "text": "fine"}\n')
    assert "'fuck' fuck" in run(str(source)).stdout


def test_a_block_that_a_worker_cannot_read_back_is_named_and_its_copy_dropped(tmp_path: Path) -> None:
    """With --jobs N a worker reads its JSONL block itself: a file cut short in between is named,
    and no cleaned copy of it is written."""
    source = tmp_path / "a.jsonl"
    source.write_text('{"text": "fuck"}\n', encoding="utf-8")
    runner._init(None)
    cut_short = Chunk(str(source), "jsonl", 1, [Span(0, 100)], "text")
    out = runner.check_chunk(cut_short, runner.Task(None, "text", False, cleaned=True))
    assert out.unreadable == "the file changed while it was read" and not out.cleaned
    whole = Chunk(str(source), "jsonl", 1, [Span(0, source.stat().st_size)], "text")
    assert runner.check_chunk(whole, runner.Task(None, "text", False, cleaned=True)).flagged == 1


def test_spans_read_by_workers_in_blocks_give_what_one_job_gives(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 2 sends spans of several blocks, which the workers read block by block: the same
    report, line numbers, errors and cleaned copy as one job reading it all."""
    from moderation.batch import documents

    monkeypatch.setattr(documents, "BLOCK", 64)
    monkeypatch.setattr(documents, "SPAN", 200)
    lines = [json.dumps({"id": n, "text": ["fine", "what the f**k", "sh1t", "ok"][n % 4]}) for n in range(60)]
    lines[17] = "{not json"
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run(str(source), "--format", "jsonl", "--write-cleaned", str(tmp_path / "one"))
    two = run(str(source), "--format", "jsonl", "--jobs", "2", "--write-cleaned", str(tmp_path / "two"))
    assert one.exit_code == two.exit_code == 2
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 59
    assert "many.jsonl:18: not JSON" in two.stderr
    assert (tmp_path / "one" / "many.jsonl").read_bytes() == (tmp_path / "two" / "many.jsonl").read_bytes()


def test_a_one_line_jsonl_is_read_in_linear_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line far longer than a block is gathered in pieces and joined once: the bytes copied
    stay within twice the file's size (adding each block to the rest was quadratic)."""
    from moderation.batch import documents

    monkeypatch.setattr(documents, "BLOCK", 64)
    monkeypatch.setattr(documents, "SPAN", 256)
    copied = []
    real = documents.joined
    monkeypatch.setattr(documents, "joined", lambda pieces: copied.append(sum(map(len, pieces))) or real(pieces))
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "fine words " * 20_000 + "shit"}) + "\n", encoding="utf-8")
    size = path.stat().st_size
    for jobs in ("1", "2"):
        copied.clear()
        records = jsonl(run(str(path), "--format", "jsonl", "--jobs", jobs))
        assert [(rec["line"], rec["flagged"]) for rec in records] == [(1, True)]
        assert size <= sum(copied) <= 2 * size


class _Counted(str):
    """A text that counts the characters its searches look at."""

    looked = 0

    def count(self, sub: str, start: object = None, end: object = None) -> int:  # type: ignore[override]
        _Counted.looked += (end if isinstance(end, int) else len(self)) - (start if isinstance(start, int) else 0)
        return super().count(sub, start, end)  # type: ignore[arg-type]

    def rfind(self, sub: str, start: object = None, end: object = None) -> int:  # type: ignore[override]
        _Counted.looked += (end if isinstance(end, int) else len(self)) - (start if isinstance(start, int) else 0)
        return super().rfind(sub, start, end)  # type: ignore[arg-type]

    def find(self, sub: str, start: object = None, end: object = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)  # type: ignore[arg-type]
        _Counted.looked += (len(self) if found < 0 else found) - (start if isinstance(start, int) else 0)
        return found


def test_the_text_report_finds_lines_in_one_pass(moderator: Moderator) -> None:
    """Line and column of every match as counting from the start gives them, each character of
    the text looked at a bounded number of times however many matches (it was once per match)."""
    from moderation.batch.report import render

    text = ("shit and " * 400 + "\n") * 3 + "\n\nfine\r\nwhat the f**k " * 50 + "sh1t"
    result = moderator.check(text)
    assert len(result.matches) > 1000
    _Counted.looked = 0
    lines = render("text", "a.txt", None, _Counted(text), result, None, color=True)[::2]
    assert _Counted.looked <= 4 * len(text)
    expected = [f"a.txt:{text.count(chr(10), 0, m.start) + 1}:{m.start - text.rfind(chr(10), 0, m.start)}:"
                for m in result.matches]
    assert [line.split(" ")[0] for line in lines] == expected


@pytest.mark.parametrize("where", ["is", "inside", "holds", "linked"])
def test_a_cleaned_folder_that_overlaps_an_input_is_refused_before_any_write(tmp_path: Path, where: str) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    page = site / "posts" / "a.txt"
    page.write_text("shit\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(site / "posts")
    out = {"is": site, "inside": site / "cleaned", "holds": tmp_path, "linked": tmp_path / "link" / "x"}[where]
    before = sorted(p for p in tmp_path.rglob("*"))
    r = run(str(site), "--write-cleaned", str(out))
    assert r.exit_code == 2 and "choose a folder outside the inputs" in r.stderr
    assert sorted(p for p in tmp_path.rglob("*")) == before and page.read_text(encoding="utf-8") == "shit\n"


def test_inputs_of_the_same_name_keep_their_paths_under_the_cleaned_folder(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(f"{folder} shit\n", encoding="utf-8")
    out = tmp_path / "out"
    a, b = str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")
    r = run(a, b, str(tmp_path / "a"), "-", "--write-cleaned", str(out), input="fuck")
    assert r.exit_code == 1, r.stderr
    assert (out / "a" / "x.txt").read_text(encoding="utf-8") == "a s***\n"
    assert (out / "b" / "x.txt").read_text(encoding="utf-8") == "b s***\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a", "a/x.txt", "b", "b/x.txt"]
    assert r.stdout.count("x.txt:1:3: 'shit'") == 2 and "3 files" in r.stderr  # a/x.txt checked once
