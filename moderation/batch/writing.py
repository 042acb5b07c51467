"""Cleaned copies written so that nothing is lost, whenever the run is stopped.

A copy is written to a file without a name (Linux's O_TMPFILE: a kill, even SIGKILL, leaves
nothing behind) or, where the filesystem has none, to a hidden `.NAME.moderation-PID.tmp`
beside its target (the next run that writes into the folder removes those of processes that are
gone). It gets its name only when complete: the backup is a hard link to the
original (never a partial copy), then the copy is renamed over the target. Ctrl-C and SIGTERM
are held back while a copy is created, named or dropped, and while its bookkeeping changes, so
an interrupt finds every file old or new and every temporary file known (and removed).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from moderation.batch.encodings import UTF8, Encoding, encode

COMPARE = 1 << 16  # bytes compared at a time, to tell an unchanged copy from a changed one
INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then take their course. Their handlers
    are swapped, not the signal mask: the pool's threads would take a signal the main one blocks."""
    caught: list[int] = []
    held = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in INTERRUPTS}
    try:
        yield
    finally:
        for s, handler in held.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        if caught:
            signal.raise_signal(caught[0])


class CleanedCopy:
    """A cleaned copy of `source`, to become `target` when complete (OSError if it cannot)."""

    def __init__(self, source: Path, target: Path, backup_suffix: str | None, encoding: Encoding = UTF8) -> None:
        self.source, self.target, self.backup_suffix, self.encoding = source, target, backup_suffix, encoding
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, self.temp = _unnamed(target)
        self.file: BinaryIO = open(fd, "wb")  # noqa: SIM115 (closed by commit or abandon)
        self.file.write(encoding.bom)

    def write(self, parts: Iterable[str]) -> None:
        """UnicodeEncodeError if a character has no bytes in the file's encoding."""
        for part in parts:
            self.file.write(encode(part, self.encoding))

    def commit(self, only_if_changed: bool) -> bool:
        """Put the copy in place (and back up the original); False if it was left out unchanged."""
        self.file.flush()
        fd = self.file.fileno()
        if only_if_changed and _same(fd, self.source):
            self.abandon()
            return False
        os.fchmod(fd, stat.S_IMODE(os.stat(self.source).st_mode))
        if self.backup_suffix and self.target.exists():
            _back_up(self.target, self.target.with_name(self.target.name + self.backup_suffix))
        if self.temp is None:  # give the unnamed file a name for the moment of the rename
            self.temp = _temp_name(self.target)
            with suppress(FileNotFoundError):  # left by an earlier process of the same id
                os.unlink(self.temp)
            _link(fd, self.temp)
        os.replace(self.temp, self.target)
        self.temp = None
        self.file.close()
        return True

    def abandon(self) -> None:
        self.file.close()
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)


def _unnamed(target: Path) -> tuple[int, Path | None]:
    """A new file for writing, beside the target: unnamed where the system can, else named."""
    tmpfile = getattr(os, "O_TMPFILE", 0)
    if tmpfile and Path("/proc/self/fd").is_dir():
        try:
            return os.open(target.parent, tmpfile | os.O_RDWR, 0o600), None
        except OSError as e:  # a filesystem without it says so one of these ways
            if e.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
    temp = _temp_name(target)
    return os.open(temp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600), temp


def _link(fd: int, path: Path) -> None:
    """A name for the unnamed file open at fd (linkat with AT_SYMLINK_FOLLOW, which os.link
    only uses given a folder's fd: plain link() would link the /proc symlink itself)."""
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.moderation-{os.getpid()}.tmp")


_TEMP = re.compile(r"\..+\.moderation-(\d+)\.tmp")


def _stale(folder: Path) -> list[Path]:
    """Remove the temporary files in the folder whose process is gone (one killed with SIGKILL
    in the instant of a rename, or on a filesystem without unnamed files), and name them."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []  # not there yet, or not readable: writing into it names the error
    removed = []
    for name in names:
        m = _TEMP.fullmatch(name)
        if m and not _running(int(m[1])):
            try:
                os.unlink(folder / name)
            except OSError:
                continue
            removed.append(folder / name)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        pass
    return True


def _same(fd: int, source: Path) -> bool:
    """Whether the file open at fd holds the bytes of source, read a block at a time."""
    if os.fstat(fd).st_size != os.stat(source).st_size:
        return False
    with source.open("rb") as f:
        offset = 0
        while block := f.read(COMPARE):
            if os.pread(fd, len(block), offset) != block:
                return False
            offset += len(block)
    return True


def _back_up(original: Path, backup: Path) -> None:
    """The backup as a hard link to the original: complete or absent, never half-copied. An old
    backup goes first (the original is still there); a filesystem without links gets a copy,
    written aside and renamed into place."""
    if backup == original:
        raise OSError(errno.EINVAL, "the backup would be the file itself", str(backup))
    with suppress(FileNotFoundError):
        os.unlink(backup)
    try:
        os.link(original, backup)
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        temp = _temp_name(backup)
        try:
            shutil.copy2(original, temp)
            os.replace(temp, backup)
        finally:
            temp.unlink(missing_ok=True)


class Copies:
    """The cleaned copies being written, by source path. A copy that cannot be written is named
    through `warn`, dropped, and counted in `failed`: the original stays as it was."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.warn = warn
        self.open: dict[str, CleanedCopy] = {}
        self.failed = 0
        self.swept: set[Path] = set()  # folders rid of the temporary files of killed runs

    def start(self, source: Path, target: Path, backup_suffix: str | None, encoding: Encoding = UTF8) -> None:
        if target.parent not in self.swept:
            self.swept.add(target.parent)
            for stale in _stale(target.parent):
                self.warn(f"{stale}: removed, a temporary file of a run that was killed while writing")
        with interrupts_held():
            try:
                self.open[str(source)] = CleanedCopy(source, target, backup_suffix, encoding)
            except OSError as e:
                self._failed(str(source), e)

    def write(self, source: str, parts: Iterable[str]) -> None:
        copy = self.open.get(source)
        if copy is None:
            return
        try:
            copy.write(parts)
        except UnicodeEncodeError as e:
            char = e.object[e.start]
            self.drop(source)
            self._failed(source, f"{char!r} (U+{ord(char):04X}) has no bytes in {copy.encoding.name.upper()}, "
                                 "the file's encoding")
        except OSError as e:
            self.drop(source)
            self._failed(source, e)

    def commit(self, source: str, only_if_changed: bool) -> None:
        with interrupts_held():
            copy = self.open.pop(source, None)
            if copy is None:
                return
            try:
                copy.commit(only_if_changed)
            except OSError as e:
                copy.abandon()
                self._failed(source, e)

    def drop(self, source: str) -> None:
        with interrupts_held():
            copy = self.open.pop(source, None)
            if copy is not None:
                copy.abandon()

    def drop_all(self) -> None:
        with interrupts_held():
            while self.open:
                self.open.popitem()[1].abandon()

    def _failed(self, source: str, error: OSError | str) -> None:
        self.failed += 1
        why = error if isinstance(error, str) else (error.strerror or str(error)) + (
            f" ({error.filename})" if error.filename else "")
        self.warn(f"{source}: cannot write the cleaned copy: {why}; the file is left as it was")


class NewFile:
    """A report written aside (`file`) and named `target` only when complete: `commit` puts it in
    place with one rename, `abandon` (an interrupt, a failure) leaves no file behind."""

    def __init__(self, target: Path) -> None:
        self.target = target
        _stale(target.parent)  # the temporary files of killed runs
        with interrupts_held():
            fd, self.temp = _unnamed(target)
            self.file: BinaryIO = open(fd, "wb")  # noqa: SIM115 (closed by commit or abandon)

    def commit(self) -> None:
        with interrupts_held():
            self.file.flush()
            fd = self.file.fileno()
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)  # as any new file: not the 0600 of a temporary one
            if self.temp is None:
                self.temp = _temp_name(self.target)
                with suppress(FileNotFoundError):
                    os.unlink(self.temp)
                _link(fd, self.temp)
            os.replace(self.temp, self.target)
            self.temp = None
            self.file.close()

    def abandon(self) -> None:
        with interrupts_held():
            self.file.close()
            if self.temp is not None:
                self.temp.unlink(missing_ok=True)


class Scratch:
    """A file for the run's own use, beside `target` (a part of a report, written by a worker), that
    never outlives the run: unnamed where the system can (gone when the last process holding it
    ends, SIGKILL or not), else a named temporary file that `close` or the next run removes.
    `where` is a path by which another process of this user opens it (a worker, started before it)."""

    def __init__(self, target: Path) -> None:
        with interrupts_held():
            self.fd, self.temp = _unnamed(target)
        self.where = str(self.temp) if self.temp is not None else f"/proc/{os.getpid()}/fd/{self.fd}"

    def close(self) -> None:
        with interrupts_held():
            os.close(self.fd)
            if self.temp is not None:
                self.temp.unlink(missing_ok=True)
