"""A Parquet report put together by the main process from the parts its workers wrote.

Each worker reads its span of an input's row groups, checks it and writes it as a whole Parquet
file (a part) into a scratch file beside the report (`writing.Scratch`). The main process copies
each part's pages into the report, in input order, inside the kernel (copy_file_range), and keeps
its footer, moved to where the pages now are (`footer.Joined`); closing the report writes the
joined footer. So the main process neither decodes nor encodes a row, and `--jobs 2` runs on two
cores what `--jobs 1` runs on one. A scratch file is reused once its part is copied: there are
as many as parts in flight, and the disk holds them beside the report.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO

from moderation.batch import footer
from moderation.batch.parquet import Written
from moderation.batch.writing import Scratch

COPY = 1 << 24  # bytes copied at a time where copy_file_range cannot be used


class Assembly:
    """The report being written to `f` (its --output file, written aside), from parts."""

    def __init__(self, f: BinaryIO, target: Path) -> None:
        self.fd, self.target = f.fileno(), target
        self.scratch: dict[str, Scratch] = {}  # by where
        self.free: list[Scratch] = []
        self.joined = footer.Joined()
        self.at = 0  # bytes of the report written
        self.began: dict[str, tuple[int, int, int]] = {}  # by input path: where its parts began
        self.dropped: set[str] = set()

    def slot(self) -> str:
        """A scratch file for a worker to write the next part into (its path)."""
        scratch = self.free.pop() if self.free else Scratch(self.target.with_name(
            f"{self.target.name}.part{len(self.scratch)}"))
        self.scratch[scratch.where] = scratch
        return scratch.where

    def add(self, part: Written) -> None:
        """The part's row groups appended to the report (a part without a footer, one that could not
        be read, drops its file: the rows of its parts so far are taken back, and those to come
        are left out); its scratch file free again."""
        scratch = self.scratch[part.slot]
        try:
            if not part.footer:
                self._drop(part.path)
            elif part.path not in self.dropped:
                self._append(part, scratch)
        finally:
            os.ftruncate(scratch.fd, 0)  # its disk space back at once
            self.free.append(scratch)

    def _append(self, part: Written, scratch: Scratch) -> None:
        if not self.at:
            self.at = _write(self.fd, footer.MAGIC, 0)
        read = footer.read(part.footer, part.size)
        self.began.setdefault(part.path, (self.at, *self.joined.mark()))
        self.joined.add(read, self.at)
        _copy(scratch.fd, self.fd, len(footer.MAGIC), read.data_end - len(footer.MAGIC), self.at)
        self.at += read.data_end - len(footer.MAGIC)

    def _drop(self, path: str) -> None:
        self.dropped.add(path)
        if path in self.began:
            at, *mark = self.began.pop(path)
            self.joined.rewind(*mark)
            os.ftruncate(self.fd, at)
            self.at = at

    def close(self) -> None:
        """The joined footer written (a report of no part stays empty: the caller drops it), and the
        scratch files closed."""
        try:
            if self.at:
                _write(self.fd, self.joined.footer(), self.at)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """The scratch files closed (and removed, where named)."""
        while self.scratch:
            self.scratch.popitem()[1].close()
        self.free.clear()


def _write(fd: int, data: bytes, at: int) -> int:
    done = 0
    while done < len(data):
        done += os.pwrite(fd, data[done:], at + done)
    return done


def _copy(source: int, target: int, offset: int, count: int, at: int) -> None:
    """`count` bytes of `source` from `offset` written at `at` in `target`, inside the kernel where
    it can (copy_file_range), else through a buffer."""
    done = 0
    try:
        while done < count:
            n = os.copy_file_range(source, target, count - done, offset + done, at + done)
            if not n:
                raise OSError(errno.EIO, "a part ended early")
            done += n
        return
    except (AttributeError, OSError) as e:
        if isinstance(e, OSError) and e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    while done < count:
        block = os.pread(source, min(COPY, count - done), offset + done)
        if not block:
            raise OSError(errno.EIO, "a part ended early")
        os.pwrite(target, block, at + done)
        done += len(block)
