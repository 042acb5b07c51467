"""Cleaned copies: an interrupt or a failure at any step of writing one leaves every file old
or new, every backup complete or absent, and no temporary file behind."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.batch import writing
from moderation.cli import main

OLD, NEW = "what the fuck\n", "what the f***\n"
STEPS = ("open", "write", "pread", "fchmod", "unlink", "link", "replace", "close")


def _files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"{i:04}.txt" for i in range(n)]
    for f in files:
        f.write_text(OLD, encoding="utf-8")
    return files


def _old_or_new(files: list[Path], suffix: str = ".bak") -> int:
    """How many files are new; asserts each is old or new, with a complete backup when new."""
    new = 0
    for f in files:
        text, backup = f.read_text(encoding="utf-8"), f.with_name(f.name + suffix)
        assert text in (OLD, NEW), f
        assert not backup.exists() or backup.read_text(encoding="utf-8") == OLD, backup
        if text == NEW:
            assert backup.exists(), backup
            new += 1
    return new


def _no_temporary_files(folder: Path) -> None:
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def _faulty(step: str, fault: Callable[[], None], unnamed: bool) -> types.SimpleNamespace:
    """The os module as writing sees it, the `step` call faulting the second time it is made."""
    calls = []

    def wrapped(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            fault()
        return getattr(os, step)(*args, **kwargs)

    names = {name: getattr(os, name) for name in dir(os) if not name.startswith("_")}
    if not unnamed:
        names.pop("O_TMPFILE", None)
    return types.SimpleNamespace(**(names | {step: wrapped}))


def _interrupt() -> None:
    signal.raise_signal(signal.SIGINT)


def _disk_full() -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named temp"])
@pytest.mark.parametrize("step", STEPS)
def test_ctrl_c_at_any_step_leaves_files_old_or_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str,
                                                    unnamed: bool) -> None:
    files = _files(tmp_path, 4)
    files[0].with_name(files[0].name + ".bak").write_text(OLD, encoding="utf-8")  # a backup of an earlier run
    if step == "write":
        real = writing.CleanedCopy.write
        calls = []

        def write(self: writing.CleanedCopy, parts: list[str]) -> None:
            calls.append(1)
            if len(calls) == 2:
                _interrupt()
            real(self, parts)

        monkeypatch.setattr(writing.CleanedCopy, "write", write)
    elif step == "close":
        monkeypatch.setattr(writing, "os", _faulty("close", _interrupt, unnamed))
    else:
        monkeypatch.setattr(writing, "os", _faulty(step, _interrupt, unnamed))
    r = CliRunner().invoke(main, ["check", str(tmp_path), "--in-place"])
    _no_temporary_files(tmp_path)
    new = _old_or_new(files)
    taken = unnamed or step != "close"  # only naming an unnamed file closes a folder's fd
    assert (r.exit_code, new < 4) == ((130, True) if taken else (1, False)), r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named temp"])
@pytest.mark.parametrize("step", ["open", "pread", "fchmod", "link", "replace"])
def test_a_failure_at_any_step_names_the_file_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  step: str, unnamed: bool) -> None:
    files = _files(tmp_path, 4)
    monkeypatch.setattr(writing, "os", _faulty(step, _disk_full, unnamed))
    r = CliRunner().invoke(main, ["check", str(tmp_path), "--in-place", "--fail-on", "never"])
    _no_temporary_files(tmp_path)
    assert _old_or_new(files) == 3
    assert r.exit_code == 2, r.output
    assert "cannot write the cleaned copy: No space left on device" in r.stderr
    assert "1 cleaned copies not written" in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_is_named_and_the_rest_cleaned(tmp_path: Path) -> None:
    locked, free = _files(tmp_path / "locked", 1), _files(tmp_path / "free", 1)
    (tmp_path / "locked").chmod(0o555)
    try:
        r = CliRunner().invoke(main, ["check", str(tmp_path), "--in-place", "--fail-on", "never"])
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert r.exit_code == 2
    assert f"{locked[0]}: cannot write the cleaned copy: Permission denied" in r.stderr
    assert locked[0].read_text(encoding="utf-8") == OLD and free[0].read_text(encoding="utf-8") == NEW


CLI = [sys.executable, "-c", "from moderation.cli import main; main()"]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_real_signal_midway_leaves_no_trace(tmp_path: Path, signum: int, jobs: str) -> None:
    files = _files(tmp_path / "site", 1500)
    proc = subprocess.Popen([*CLI, "check", str(tmp_path / "site"), "--in-place", "--jobs", jobs],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not files[0].with_name(files[0].name + ".bak").exists() and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and "interrupted" in err
    _no_temporary_files(tmp_path)
    assert 0 < _old_or_new(files) < len(files), "the run ended before the signal: give it more files"


def test_a_closed_pipe_ends_the_run_quietly_with_141(tmp_path: Path) -> None:
    _files(tmp_path, 3000)
    proc = subprocess.Popen([*CLI, "check", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141 and not err, err


def _children(pid: int) -> list[int]:
    """The processes whose parent is pid, from /proc."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _big_jsonl(path: Path) -> bytes:
    line = '{"id": 1, "text": "a long comment that says shit in the middle of ordinary words"}\n'
    original = (line * 400_000).encode()
    path.write_bytes(original)
    return original


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_worker_killed_midway_stops_the_run_instead_of_hanging(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    original = _big_jsonl(path)
    proc = subprocess.Popen([*CLI, "check", str(path), "--in-place", "--jobs", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(_children(proc.pid)[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert "a worker process was killed by signal 9" in err and "Traceback" not in err
    assert path.read_bytes() == original and sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_main_process_killed_leaves_no_temporary_file_and_no_worker(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    original = _big_jsonl(path)
    err = tmp_path / "stderr"
    with err.open("w") as stderr:  # the workers' too: they outlive the main process for a moment
        proc = subprocess.Popen([*CLI, "check", str(path), "--in-place", "--jobs", "2"], stdout=subprocess.DEVNULL,
                                stderr=stderr)
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    proc.kill()
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)):
        assert time.monotonic() < deadline, "a worker outlived the main process"
        time.sleep(0.05)
    assert "Traceback" not in err.read_text()  # a worker that found the main process gone ends quietly
    err.unlink()
    assert path.read_bytes() == original and sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]


def test_temporary_files_of_killed_runs_are_removed_and_named(tmp_path: Path) -> None:
    """What a SIGKILL leaves in the instant of a rename (or where files cannot be unnamed) is
    removed by the next run that writes into that folder; one of a live process is left alone."""
    _files(tmp_path, 1)
    gone = subprocess.Popen(["true"])
    gone.wait()  # its process id is free
    stale = tmp_path / f".0000.txt.moderation-{gone.pid}.tmp"
    live = tmp_path / f".other.txt.moderation-{os.getpid()}.tmp"
    for f in (stale, live):
        f.write_text("half", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path), "--in-place"])
    assert r.exit_code == 1
    assert f"{stale}: removed, a temporary file of a run that was killed while writing" in r.stderr
    assert not stale.exists() and live.exists()


@pytest.mark.parametrize("suffix", ["", "/x"])
def test_a_backup_suffix_that_names_no_other_file_is_refused(tmp_path: Path, suffix: str) -> None:
    files = _files(tmp_path, 1)
    r = CliRunner().invoke(main, ["check", str(tmp_path), "--in-place", "--backup-suffix", suffix])
    assert r.exit_code == 2 and "--backup-suffix" in r.stderr
    assert files[0].read_text(encoding="utf-8") == OLD and sorted(tmp_path.iterdir()) == files


def test_an_interrupted_run_that_cannot_stop_its_workers_is_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort: if the orderly stop hangs (multiprocessing's teardown can), the run is
    ended with the signal's exit code after STOP_GRACE, and only once however many signals come."""
    import threading

    from moderation import cli

    ended: list[int] = []
    done = threading.Event()
    monkeypatch.setattr(cli, "STOP_GRACE", 0.01)
    monkeypatch.setattr(cli, "_end_now", lambda code: (ended.append(code), done.set()))
    monkeypatch.setattr(cli, "_stopped_by", [])
    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            cli._interrupted(signal.SIGTERM, None)
    assert done.wait(10)
    assert ended == [143]
