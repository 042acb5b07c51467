"""What the batch CLI reads: special files never opened, unreadable folders named, files in
UTF-16, UTF-32 and declared HTML charsets read and written back in their own encoding."""

from __future__ import annotations

import codecs
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from moderation.batch import documents
from moderation.batch.encodings import WINDOWS_1252, Encoding, sniff
from moderation.cli import main

CLI = [sys.executable, "-c", "from moderation.cli import main; main()"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *args])


def test_fifos_and_devices_are_skipped_never_opened(tmp_path: Path) -> None:
    """In a subprocess with a timeout: opening a FIFO for reading would wait forever."""
    (tmp_path / "site").mkdir()
    os.mkfifo(tmp_path / "site" / "pipe.txt")
    (tmp_path / "site" / "a.txt").write_text("shit\n", encoding="utf-8")
    done = subprocess.run([*CLI, "check", str(tmp_path / "site")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "1 files" in done.stderr and "1 skipped (1 special)" in done.stderr
    done = subprocess.run([*CLI, "check", str(tmp_path / "site" / "pipe.txt"), "/dev/null"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2, done.stderr  # nothing could be read
    assert f"{tmp_path / 'site' / 'pipe.txt'}: not a regular file but a FIFO; skipped" in done.stderr
    assert "/dev/null: not a regular file but a device; skipped" in done.stderr
    assert "no input could be read" in done.stderr


def test_a_fifo_put_in_place_of_a_file_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "late.txt")  # as if it had replaced a file after the walk
    with pytest.raises(documents.DocumentError, match="not a regular file but a FIFO"):
        documents.read_text(tmp_path / "late.txt")


@pytest.mark.parametrize("nested", [False, True], ids=["top", "nested"])
def test_a_folder_that_cannot_be_read_is_named_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          nested: bool) -> None:
    (tmp_path / "site" / "locked").mkdir(parents=True)
    (tmp_path / "site" / "a.txt").write_text("fine\n", encoding="utf-8")
    locked = tmp_path / "site" / ("locked" if nested else "")
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.path.abspath(str(path)) == os.path.abspath(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)  # as root, a folder's mode does not stop reading it
    r = run(str(tmp_path / "site"), "--fail-on", "never")
    assert r.exit_code == 2
    assert f"{str(locked).rstrip('/')}: cannot read the folder: Permission denied; skipped" in r.stderr
    assert f"{0 if not nested else 1} files" in r.stderr


def test_a_run_that_reads_nothing_exits_2(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\0\0")
    r = run(str(tmp_path))
    assert r.exit_code == 2 and "no input could be read" in r.stderr
    assert run(str(tmp_path), "--include", "*.md").exit_code == 0  # nothing asked for is not an error


def test_backups_are_not_checked_again_unless_named(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("shit\n", encoding="utf-8")
    assert run(str(tmp_path), "--in-place").exit_code == 1
    again = run(str(tmp_path), "--fail-on", "never")
    assert "page.txt.bak" not in again.stdout and "1 files" in again.stderr and "(1 backup)" in again.stderr
    assert "page.txt.bak:1:1: 'shit'" in run(str(tmp_path / "page.txt.bak")).stdout


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_files_with_a_byte_order_mark_are_read_and_written_back_alike(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
           "utf-32-be": codecs.BOM_UTF32_BE, "utf-8": codecs.BOM_UTF8}[codec]
    (tmp_path / "in").mkdir()
    text, rows = "Füße\r\nwhat the fuck\r\n", "id,text\r\n1,café shit\r\n"
    (tmp_path / "in" / "a.txt").write_bytes(bom + text.encode(codec))
    (tmp_path / "in" / "b.csv").write_bytes(bom + rows.encode(codec))
    r = run(str(tmp_path / "in"), "--write-cleaned", str(tmp_path / "out"))
    assert r.exit_code == 1, r.stderr
    assert r.stdout.splitlines() == [f"{tmp_path / 'in' / 'a.txt'}:2:10: 'fuck' fuck (profanity, severity 3)",
                                     f"{tmp_path / 'in' / 'b.csv'}:2:6: 'shit' shit (profanity, severity 2)"]
    out = tmp_path / "out"
    assert (out / "a.txt").read_bytes() == bom + text.replace("fuck", "f***").encode(codec)
    assert (out / "b.csv").read_bytes() == bom + rows.replace("shit", "s***").encode(codec)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_in_utf16_is_read_and_written_back_in_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       jobs: str) -> None:
    monkeypatch.setattr(documents, "BLOCK", 64)  # lines and characters cut across blocks
    lines = "".join(f'{{"id": {n}, "text": "{"shit" if n % 3 == 0 else "fine"} ünïcode {n}"}}\n' for n in range(1, 30))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(codecs.BOM_UTF16_LE + lines.encode("utf-16-le"))
    r = run(str(tmp_path / "in"), "--jobs", jobs, "--format", "jsonl", "--write-cleaned", str(tmp_path / "out"))
    assert r.exit_code == 1, r.stderr
    assert [rec["line"] for rec in map(json.loads, r.stdout.splitlines()) if rec["flagged"]] == list(range(3, 30, 3))
    written = (tmp_path / "out" / "a.jsonl").read_bytes()
    assert written == codecs.BOM_UTF16_LE + lines.replace("shit", "s***").encode("utf-16-le")
    (tmp_path / "in" / "a.jsonl").write_bytes(codecs.BOM_UTF16_LE + lines.encode("utf-16-le")[:-1])
    r = run(str(tmp_path / "in" / "a.jsonl"))
    assert r.exit_code == 2 and "is not UTF-16-LE (truncated data)" in r.stderr


PAGE = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>' \
       b'<body>caf\xe9 \x93shit\x94</body></html>'


def test_html_in_its_declared_charset_is_read_with_offsets_in_characters(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.html").write_bytes(PAGE)
    r = run(str(tmp_path / "in"), "--format", "jsonl", "--write-cleaned", str(tmp_path / "out"))
    assert r.exit_code == 1, r.stderr
    match = json.loads(r.stdout)["matches"][0]
    text = PAGE.decode("cp1252")
    assert text[match["start"]:match["end"]] == "shit" == match["text"]
    assert (tmp_path / "out" / "p.html").read_bytes() == PAGE.replace(b"shit", b"s***")


def test_a_mask_the_declared_charset_cannot_hold_is_named_not_written(tmp_path: Path) -> None:
    config = tmp_path / "moderation.toml"
    config.write_text('[policies.default]\nmask = "full"\nmask_char = "\u2588"\n', encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.html").write_bytes(PAGE)
    (tmp_path / "in" / "q.html").write_text("<p>shit</p>", encoding="utf-8")
    r = run(str(tmp_path / "in"), "--config", str(config), "--write-cleaned", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert f"{tmp_path / 'in' / 'p.html'}: cannot write the cleaned copy: '\u2588' (U+2588) has no bytes in " \
           "WINDOWS-1252, the file's encoding; the file is left as it was" in r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["q.html"]


@pytest.mark.parametrize(("head", "expected"), [
    (b"<meta charset=koi8-r>", "koi8-r"),
    (b"<META CHARSET='Shift_JIS'>", "shift_jis"),
    (b"<!-- <meta charset=koi8-r> --><meta charset=latin1>", WINDOWS_1252),
    (b'<meta http-equiv=content-type content="text/html;charset=us-ascii">', WINDOWS_1252),
    (b"<meta content='text/html; charset=koi8-r'>", "utf-8"),  # no http-equiv: not a declaration
    (b"<meta charset=utf-16le>", "utf-8"),  # a document read as ASCII to find it is not UTF-16
    (b"<meta charset=nonsense><meta charset=base64><meta charset=utf-7><meta charset=iso-8859-2>", "iso8859-2"),
    (b" " * 1024 + b"<meta charset=koi8-r>", "utf-8"),  # past the first 1024 bytes
    (codecs.BOM_UTF8 + b"<meta charset=koi8-r>", "utf-8"),  # the byte order mark comes first
])
def test_the_html_encoding_prescan(head: bytes, expected: str) -> None:
    assert sniff(head, html=True).name == expected
    assert sniff(head, html=False) in (Encoding("utf-8"), Encoding("utf-8", codecs.BOM_UTF8))


def test_a_csv_with_only_its_header_is_copied_whole(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "h.csv").write_text("id,text\n", encoding="utf-8")
    (tmp_path / "in" / "e.csv").write_text("", encoding="utf-8")
    r = run(str(tmp_path / "in"), "--write-cleaned", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "h.csv").read_text(encoding="utf-8") == "id,text\n"
    assert (tmp_path / "out" / "e.csv").read_text(encoding="utf-8") == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a folder whatever its mode")
def test_a_real_unreadable_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "a.txt").write_text("fine\n", encoding="utf-8")
    (tmp_path / "locked").chmod(0)
    try:
        r = run(str(tmp_path))
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert r.exit_code == 2 and f"{tmp_path / 'locked'}: cannot read the folder: Permission denied" in r.stderr
