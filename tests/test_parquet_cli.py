"""Parquet in the batch CLI (issue 14): `moderation check comments.parquet --field body --format
parquet --output flagged.parquet` keeps every column, appends the results, streams the file in
batches, runs in parallel, and leaves no report file behind when it cannot finish."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

import moderation.batch
from moderation import Moderator
from moderation.batch import parquet
from moderation.batch.assembly import Assembly
from moderation.batch.columns import RESULTS
from moderation.cli import main
from tests.test_arrow import TEXTS, expected_row

ROWS = 700


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *args])


def body(i: int) -> str | None:
    return None if i % 9 == 4 else TEXTS[i % len(TEXTS)]


@pytest.fixture()
def comments(tmp_path: Path) -> Path:
    """A Parquet file of several row groups, with an id, an int, a float with nulls, a date, bytes
    and null texts beside the body."""
    table = pa.table({
        "id": pa.array([f"c{i}" for i in range(ROWS)]),
        "n": pa.array(range(ROWS), pa.int32()),
        "body": pa.array([body(i) for i in range(ROWS)], pa.string()),
        "score": pa.array([None if i % 4 == 0 else i / 2 for i in range(ROWS)], pa.float64()),
        "day": pa.array([datetime.date(2026, 1, 1 + i % 28) for i in range(ROWS)], pa.date32()),
        "raw": pa.array([bytes([i % 256]) for i in range(ROWS)], pa.binary()),
    })
    path = tmp_path / "comments.parquet"
    pq.write_table(table, path, row_group_size=150)
    assert pq.ParquetFile(path).metadata.num_row_groups == 5
    return path


def expected(moderator: Moderator, source: Path) -> list[dict[str, Any]]:
    return [{**row, **expected_row(moderator, row["body"])} for row in pq.read_table(source).to_pylist()]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_parquet_report_keeps_every_column_and_appends_the_results(moderator: Moderator, comments: Path,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "report.parquet"
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(out))
    assert r.exit_code == 1, r.stderr
    table = pq.read_table(out)
    assert table.schema.names == ["id", "n", "body", "score", "day", "raw", *RESULTS.names]
    assert [table.schema.field(name).type for name in RESULTS.names] == list(RESULTS.types)
    assert table.to_pylist() == expected(moderator, comments)
    nulls = sum(body(i) is None for i in range(ROWS))
    assert f"1 files, {ROWS - nulls} items" in r.stderr
    assert leftovers(tmp_path) == []


def test_only_flagged_in_parquet_and_jsonl(moderator: Moderator, comments: Path, tmp_path: Path) -> None:
    out = tmp_path / "flagged.parquet"
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(out), "--only-flagged")
    assert r.exit_code == 1, r.stderr
    rows = expected(moderator, comments)
    flagged = [row for row in rows if row["flagged"]]
    assert 0 < len(flagged) < ROWS
    assert pq.read_table(out).to_pylist() == flagged

    r = run(str(comments), "--field", "body", "--format", "jsonl", "--only-flagged")
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert [rec["row"] for rec in records] == [i + 1 for i, row in enumerate(rows) if row["flagged"]]
    assert all(rec["flagged"] for rec in records)
    first = records[0]
    assert first["fields"] == {"id": "c0", "n": 0, "score": None, "day": "2026-01-01", "raw": "AA=="}
    assert first["cleaned"] == flagged[0]["cleaned"]


def test_a_jsonl_report_leaves_cleaned_out_of_clean_records(comments: Path, tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    source.write_text('{"id": 1, "text": "a quiet day"}\n{"id": 2, "text": "well shit"}\n', encoding="utf-8")
    (tmp_path / "page.txt").write_text("nothing to see", encoding="utf-8")
    for path, where in ((source, "line"), (tmp_path / "page.txt", None), (comments, "row")):
        args = ("--field", "body") if path == comments else ()
        records = [json.loads(line) for line in run(str(path), *args, "--format", "jsonl").stdout.splitlines()]
        clean = [rec for rec in records if not rec["flagged"]]
        assert clean and all("cleaned" not in rec for rec in clean)
        assert all("cleaned" in rec for rec in records if rec["flagged"]) or path.suffix == ".txt"
        assert all((where in rec) == (where is not None) for rec in records)
    # --format json keeps the HTTP API's record, cleaned included
    assert "cleaned" in json.loads(run(str(source), "--format", "json").stdout)[0]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "text"])
def test_two_jobs_give_what_one_gives(comments: Path, tmp_path: Path, fmt: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet, "BATCH_BYTES", 2000)  # many batches: work for both workers
    monkeypatch.setattr(parquet, "SPAN_ROWS", 150)  # a part per row group
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}.{fmt}"
        r = run(str(comments), "--field", "body", "--format", fmt, "--output", str(out), "--jobs", jobs)
        assert r.exit_code == 1, r.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0]  # a Parquet report too, byte for byte


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("only_flagged", [False, True])
def test_a_report_of_many_parts_is_the_rows_in_input_order(moderator: Moderator, comments: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, jobs: str,
                                                            only_flagged: bool) -> None:
    """Parts of one row group, some with no flagged row, from two files: one table, rows in order."""
    monkeypatch.setattr(parquet, "SPAN_ROWS", 1)
    folder = tmp_path / "in"
    folder.mkdir()
    first = pq.read_table(comments)
    pq.write_table(first, folder / "a.parquet", row_group_size=40)
    pq.write_table(first.slice(0, 100), folder / "b.parquet", row_group_size=7)
    out = tmp_path / "out.parquet"
    r = run(str(folder), "--field", "body", "--format", "parquet", "--output", str(out), "--jobs", jobs,
            *(["--only-flagged"] if only_flagged else []))
    assert r.exit_code == 1, r.stderr
    rows = expected(moderator, folder / "a.parquet") + expected(moderator, folder / "b.parquet")
    if only_flagged:
        rows = [row for row in rows if row["flagged"]]
    assert pq.read_table(out).to_pylist() == rows
    assert leftovers(tmp_path) == []


def test_a_file_that_cannot_be_read_whole_is_left_out_of_the_report(moderator: Moderator, comments: Path,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A page spoilt in the middle of a file: the file's rows are in no report (not half of them),
    the file is named, exit 2; the run's other files are reported."""
    monkeypatch.setattr(parquet, "SPAN_ROWS", 1)
    broken = tmp_path / "in" / "broken.parquet"
    broken.parent.mkdir()
    pq.write_table(pq.read_table(comments), broken, row_group_size=150, compression="none")
    column = pq.ParquetFile(broken).metadata.row_group(3).column(2)  # body, in the fourth row group
    data = bytearray(broken.read_bytes())
    start = column.data_page_offset
    data[start:start + column.total_compressed_size] = b"\xff" * column.total_compressed_size
    broken.write_bytes(bytes(data))
    out = tmp_path / "out.parquet"
    for jobs in ("1", "2"):
        r = run(str(broken), "--field", "body", "--format", "parquet", "--output", str(out), "--jobs", jobs)
        assert r.exit_code == 2, r.stderr
        assert f"{broken}: row 451 or after: cannot read" in r.stderr
        assert "the file is left out of the report" in r.stderr and "Traceback" not in r.stderr
        assert "0 files" in r.stderr and not out.exists() and leftovers(tmp_path) == []
    good = tmp_path / "in" / "good.parquet"
    pq.write_table(pq.read_table(comments), good, row_group_size=150)
    r = run(str(broken.parent), "--field", "body", "--format", "parquet", "--output", str(out), "--jobs", "2")
    assert r.exit_code == 2 and "1 files" in r.stderr, r.stderr
    assert pq.read_table(out).to_pylist() == expected(moderator, good)


def test_the_file_is_read_in_batches_never_whole(comments: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded memory, by counting: each span of row groups is read as batches of a bounded size,
    and each is checked and written before the next is read."""
    asked: list[tuple[int, list[int]]] = []
    real = pq.ParquetFile.iter_batches

    def batches(self: pq.ParquetFile, batch_size: int = 65536, row_groups: Any = None, **kwargs: Any) -> Any:
        asked.append((batch_size, list(row_groups)))
        return real(self, batch_size=batch_size, row_groups=row_groups, **kwargs)

    def whole(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole file, or a whole row group, was read")

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", batches)
    for name in ("read", "read_row_group", "read_row_groups"):
        monkeypatch.setattr(pq.ParquetFile, name, whole)
    monkeypatch.setattr(pq, "read_table", whole)
    monkeypatch.setattr(parquet, "BATCH_BYTES", 3000)
    monkeypatch.setattr(parquet, "SPAN_ROWS", 300)  # two row groups of 150 a span
    sizes: list[int] = []
    moderated = parquet.moderated

    def counted(moderator: Moderator, batch: pa.RecordBatch, *args: Any, **kwargs: Any) -> Any:
        sizes.append(batch.num_rows)
        return moderated(moderator, batch, *args, **kwargs)

    monkeypatch.setattr(parquet, "moderated", counted)
    out = tmp_path / "out.parquet"
    rows = parquet.batch_rows(pq.ParquetFile(comments).metadata)
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(out))
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.stderr
    monkeypatch.undo()
    assert asked == [(rows, [0, 1]), (rows, [2, 3]), (rows, [4])]
    assert max(sizes) == rows < ROWS / 4 and sum(sizes) == ROWS
    assert pq.read_table(out).num_rows == ROWS


@pytest.mark.parametrize(("field", "why"), [
    ("text", "no column 'text' (columns: id, n, body, score, day, raw); choose one with --field"),
    ("n", "column 'n' holds int32, not strings; choose the text column with --field"),
])
@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_a_wrong_column_is_named_and_no_report_is_written(comments: Path, tmp_path: Path, field: str, why: str,
                                                          fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    r = run(str(comments), "--field", field, "--format", fmt, "--output", str(out))
    assert r.exit_code == 2
    assert f"{comments}: {why}" in r.stderr
    assert not out.exists() and leftovers(tmp_path) == []


def test_parquet_needs_an_output_file_and_parquet_inputs(comments: Path, tmp_path: Path) -> None:
    r = run(str(comments), "--field", "body", "--format", "parquet")
    assert r.exit_code == 2 and "--format parquet writes a file: name it with --output FILE" in r.stderr
    r = run(str(comments), "--field", "body", "--format", "jsonl", "--output", str(comments))
    assert r.exit_code == 2 and "is an input" in r.stderr
    other = tmp_path / "more.jsonl"
    other.write_text('{"body": "shit"}\n', encoding="utf-8")
    out = tmp_path / "out.parquet"
    r = run(str(comments), str(other), "--field", "body", "--format", "parquet", "--output", str(out))
    assert r.exit_code == 2 and f"{other}: a Parquet report holds the rows of Parquet files" in r.stderr
    assert pq.read_table(out).num_rows == ROWS  # the readable input is reported; the other named


def test_inputs_of_another_schema_are_named(comments: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"body": ["shit"]}), other)
    out = tmp_path / "out.parquet"
    r = run(str(comments), str(other), "--field", "body", "--format", "parquet", "--output", str(out))
    assert r.exit_code == 2 and f"{other}: its columns differ from those of {comments}" in r.stderr
    assert pq.read_table(out).num_rows == ROWS


def test_no_cleaned_copy_of_a_parquet_file(comments: Path, tmp_path: Path) -> None:
    r = run(str(comments), "--field", "body", "--write-cleaned", str(tmp_path / "clean"))
    assert r.exit_code == 2 and "no cleaned copy of a Parquet file is written" in r.stderr
    before = comments.read_bytes()
    assert run(str(comments), "--field", "body", "--in-place").exit_code == 2
    assert comments.read_bytes() == before


def test_a_folder_walk_reads_parquet_files(comments: Path) -> None:
    r = run(str(comments.parent), "--field", "body", "--format", "jsonl", "--only-flagged")
    assert r.exit_code == 1 and "0 skipped" in r.stderr
    assert {json.loads(line)["path"] for line in r.stdout.splitlines()} == {str(comments)}


def test_an_empty_file_gives_an_empty_report_with_its_columns(tmp_path: Path) -> None:
    source = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.int64()), "body": pa.array([], pa.string())}), source)
    out = tmp_path / "out.parquet"
    r = run(str(source), "--field", "body", "--format", "parquet", "--output", str(out))
    assert r.exit_code == 0, r.stderr
    table = pq.read_table(out)
    assert table.num_rows == 0 and table.schema.names == ["id", "body", *RESULTS.names]


def test_not_parquet_is_named(tmp_path: Path) -> None:
    source = tmp_path / "fake.parquet"
    source.write_bytes(b"PAR1 not really")
    r = run(str(source), "--format", "jsonl")
    assert r.exit_code == 2 and f"{source}: not a Parquet file" in r.stderr


def test_an_interrupted_run_leaves_no_report(comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet, "BATCH_BYTES", 2000)
    writes = []

    def interrupted(self: parquet.Writer, batch: pa.RecordBatch) -> None:
        writes.append(batch.num_rows)
        if len(writes) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(parquet.Writer, "write", interrupted)
    out = tmp_path / "out.parquet"
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(out))
    assert r.exit_code == 130 and len(writes) == 3
    assert not out.exists() and leftovers(tmp_path) == []


def test_without_pyarrow_the_extra_is_named(comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")
                 or m in ("moderation.batch.parquet", "moderation.batch.columns", "moderation.batch.arrow")]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("parquet", "columns", "arrow"):  # imported already: attributes of the package
        monkeypatch.delattr(moderation.batch, name, raising=False)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(tmp_path / "o.parquet"))
    assert r.exit_code == 2 and "--format parquet needs pyarrow: pip install 'moderation[arrow]'" in r.stderr
    r = run(str(comments), "--field", "body")
    assert r.exit_code == 2 and "reading Parquet needs pyarrow: pip install 'moderation[arrow]'" in r.stderr


def test_standard_input_is_no_parquet(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    r = CliRunner().invoke(main, ["check", "-", "--format", "parquet", "--output", str(out)], input="shit")
    assert r.exit_code == 2 and "-: a Parquet report holds the rows of Parquet files" in r.stderr
    assert not out.exists()
    r = CliRunner().invoke(main, ["check", "-", "--as", "parquet"], input="PAR1")
    assert r.exit_code == 2 and "-: Parquet is not read from standard input" in r.stderr


def test_a_huge_row_group_is_read_a_page_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded memory whatever the row groups: the file is read through a buffer, never a whole
    column chunk at once (a row group of a billion rows is no larger a read than one of a hundred)."""
    source = tmp_path / "one-group.parquet"
    texts = [f"comment {i} about the weather, nothing more to say {i * 7}" for i in range(60_000)]
    pq.write_table(pa.table({"body": texts}), source, row_group_size=60_000, compression="none",
                   use_dictionary=False)
    assert pq.ParquetFile(source).metadata.row_group(0).total_byte_size > 3 * parquet.READ_BUFFER
    reads: list[int] = []
    opened = parquet.open_file

    class Counted:
        def __init__(self, f: Any) -> None:
            self.f = f

        def read(self, n: int = -1) -> bytes:
            data = self.f.read(n)
            reads.append(len(data))
            return data

        def __getattr__(self, name: str) -> Any:
            return getattr(self.f, name)

        def __enter__(self) -> Counted:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

    monkeypatch.setattr(parquet, "open_file", lambda path: Counted(opened(path)))
    r = run(str(source), "--field", "body", "--format", "jsonl", "--only-flagged", "--fail-on", "never")
    assert r.exit_code == 0, r.stderr
    assert "60000 items" in r.stderr
    assert reads and max(reads) <= parquet.READ_BUFFER


@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "named"])
def test_a_report_put_together_from_parts_leaves_nothing_when_interrupted(comments: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           named: bool) -> None:
    """Ctrl-C while the main process puts the workers' parts together: no report, no part left,
    whether the scratch files are unnamed or (on a system without O_TMPFILE) named."""
    monkeypatch.setattr(parquet, "SPAN_ROWS", 1)
    if named:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    whole = tmp_path / "whole.parquet"
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(whole), "--jobs", "2")
    assert r.exit_code == 1 and pq.read_table(whole).num_rows == ROWS and leftovers(tmp_path) == []
    added: list[Any] = []
    add = Assembly.add

    def interrupted(self: Assembly, part: Any) -> None:
        added.append(part)
        if len(added) == 3:
            raise KeyboardInterrupt
        add(self, part)

    monkeypatch.setattr(Assembly, "add", interrupted)
    out = tmp_path / "out.parquet"
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(out), "--jobs", "2")
    assert r.exit_code == 130 and len(added) == 3
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_real_signal_midway_through_a_parallel_report_leaves_nothing(tmp_path: Path, signum: int) -> None:
    source = tmp_path / "big.parquet"
    line = "a long comment that says shit in the middle of ordinary words, and more words after it"
    pq.write_table(pa.table({"id": pa.array(range(600_000)), "body": pa.array([line] * 600_000)}), source,
                   row_group_size=20_000)
    out = tmp_path / "out.parquet"
    proc = subprocess.Popen([sys.executable, "-c", "from moderation.cli import main; main()", "check", str(source),
                             "--field", "body", "--format", "parquet", "--output", str(out), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, "the run ended before the signal: give it more rows\n" + err
    assert "Traceback" not in err and "interrupted" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.parquet"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_out_of_memory_is_named_and_no_report_is_written(comments: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """pyarrow's ArrowMemoryError is a MemoryError: under a memory limit, a worker that meets one
    stops the run with its file and row named, not a worker's traceback."""
    def short(*args: Any, **kwargs: Any) -> Any:
        raise pa.ArrowMemoryError("malloc of size 6291456 failed")

    monkeypatch.setattr(parquet, "moderated", short)
    out = tmp_path / "out.parquet"
    r = run(str(comments), "--field", "body", "--format", "parquet", "--output", str(out), "--jobs", jobs)
    assert r.exit_code == 2, r.stderr
    assert f"{comments}: out of memory checking it (from its row 1); the run stopped" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists() and leftovers(tmp_path) == []
