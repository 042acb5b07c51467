"""Which files a run checks: the ones named, and those found walking the folders named.

A folder is walked in path order; hidden files and folders, backups of earlier --in-place runs,
FIFOs, sockets and devices (never opened: reading one could wait forever) and binary files are
left out and counted. A folder that cannot be read is named, and counted as unreadable.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from moderation.batch.documents import BY_SUFFIX, DocumentError, open_file, special
from moderation.batch.encodings import of_bom

BINARY_SNIFF = 8192


@dataclass
class Found:
    """What a walk left out, by why; and how to name what could not be read."""

    warn: Callable[[str], None]
    include: tuple[str, ...] = ()  # globs a file in a folder must match (any)
    exclude: tuple[str, ...] = ()  # globs that leave a file out
    backup_suffix: str = ""
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("hidden", "backup", "special", "binary", "unreadable"), 0))


def discover(paths: Sequence[str], found: Found) -> Iterator[Path]:
    """Every file to check, in a stable order, each once however many times it is named."""
    seen: set[str] = set()
    for name in paths:
        path = Path(name)
        if name == "-":
            files: Iterable[Path] = [path]
        elif path.is_dir():
            files = _walk(path, found)
        else:
            files = [path] if _regular(path, found) else []
        for file in files:
            key = os.path.abspath(file) if name != "-" else "-"
            if key not in seen:
                seen.add(key)
                yield file


def _regular(path: Path, found: Found) -> bool:
    """Whether a file named on the command line is one to read; a FIFO, a socket or a device is
    named and counted (a missing file goes on, for reading it to name the error)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    if stat.S_ISREG(mode):
        return True
    found.skipped["special"] += 1
    found.warn(f"{path}: not a regular file but {special(mode)}; skipped (read a pipe with -)")
    return False


def _walk(root: Path, found: Found) -> Iterator[Path]:
    """The files under root in path order (posts/a.md before rows.csv), the others counted."""
    files = []
    for folder, dirs, names in os.walk(root, onerror=lambda e: _unreadable(e, found)):
        found.skipped["hidden"] += sum(d.startswith(".") for d in dirs)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            why = _left_out(path, rel, found)
            if why in found.skipped:
                found.skipped[why] += 1
            elif not why:
                files.append((rel, path))
    for _, path in sorted(files):
        yield path


def _left_out(path: Path, rel: str, found: Found) -> str:
    """Why a file met walking a folder is not checked, or '' to check it."""
    if path.name.startswith("."):
        return "hidden"
    if found.backup_suffix and path.name.endswith(found.backup_suffix):  # an earlier --in-place's backup
        return "backup"
    if (found.include and not _matches(rel, found.include)) or _matches(rel, found.exclude):
        return "excluded"  # as asked: not counted
    try:
        mode = path.stat().st_mode
    except OSError:
        return ""  # reading it names the error
    if not stat.S_ISREG(mode):
        return "special"
    if BY_SUFFIX.get(path.suffix.lower()) == "parquet":  # binary, and read as what it is
        return ""
    return "binary" if _is_binary(path) else ""


def _unreadable(error: OSError, found: Found) -> None:
    found.skipped["unreadable"] += 1
    found.warn(f"{error.filename}: cannot read the folder: {error.strerror}; skipped")


def _matches(rel: str, globs: tuple[str, ...]) -> bool:
    """Whether the relative path, or its file name, matches one of the globs."""
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


def _is_binary(path: Path) -> bool:
    """A NUL in the first bytes, unless a byte order mark says UTF-16 or UTF-32."""
    try:
        with open_file(path) as f:
            head = f.read(BINARY_SNIFF)
    except (OSError, DocumentError):
        return False  # reading it later names the error
    return b"\0" in head and of_bom(head) is None
