"""Files the engine derives from what it is installed with, kept between processes.

The one kept today is the language model unpacked (see identify): unpacking its xz costs each
process ~0.4 s; read unpacked, ~15 ms, and its 28 MB feature table is mapped, shared by every
worker of a server instead of held by each.

Where: MODERATION_CACHE_DIR when set, else $XDG_CACHE_HOME/moderation, else ~/.cache/moderation.
A cache that cannot be written (a read-only image, no home) is no error: the work is done again
in each process, as without one. An entry is a folder written whole under a temporary name and
renamed into place, so a reader sees all of it or nothing; two processes filling one entry at
once both succeed, and one's copy is kept.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
ABANDONED = 3600  # seconds: a scratch folder older than this was left by a writer that died


def folder() -> Path:
    """The cache's folder (it may not exist yet)."""
    chosen = os.environ.get("MODERATION_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "moderation"


def entry(name: str) -> Path | None:
    """The folder of entry `name`, if it was stored."""
    path = folder() / name
    return path if path.is_dir() else None


def discard(name: str) -> None:
    """Remove entry `name` (found damaged: it is stored again). A process that maps its files
    keeps them until it ends."""
    shutil.rmtree(folder() / name, ignore_errors=True)


def store(name: str, write: Callable[[Path], None]) -> Path | None:
    """Store entry `name`: `write` fills the folder it is given. Its folder once in place, or None
    when the cache cannot be written (logged; the caller goes on without it)."""
    try:
        parent = folder()
        parent.mkdir(parents=True, exist_ok=True)
        _forget_abandoned(parent, name)
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=parent))
    except OSError as error:
        log.info("no cache for %s: %s", name, error)
        return None
    try:
        write(scratch)
        for path in scratch.iterdir():  # on disk before its name says it is whole
            with path.open("rb") as file:
                os.fsync(file.fileno())
        os.chmod(scratch, 0o755)  # mkdtemp's is 0o700: another user (an image's) reads it too
        os.rename(scratch, parent / name)
    except OSError as error:
        if (parent / name).is_dir():  # another process stored it first
            return parent / name
        log.info("no cache for %s: %s", name, error)
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # (gone once renamed) a write that failed
    return parent / name


def _forget_abandoned(parent: Path, name: str) -> None:
    """Remove the scratch folders of `name` that a process killed while it wrote left behind (a
    model's is 70 MB): those untouched for ABANDONED seconds, which no writer takes."""
    now = time.time()
    for scratch in parent.glob(f".{name}-*"):
        try:
            if now - scratch.stat().st_mtime > ABANDONED:
                shutil.rmtree(scratch, ignore_errors=True)
        except OSError:  # gone meanwhile: its writer finished or another process removed it
            pass
