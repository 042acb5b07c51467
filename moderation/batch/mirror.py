"""Where `--write-cleaned DIR` puts the cleaned copies, so that no file is ever overwritten.

The copies keep their paths relative to the deepest folder that holds every input (a folder
named on the command line holds itself, a file is held by its folder): `check site/` writes
DIR/posts/a.md for site/posts/a.md, and `check a/x.txt b/x.txt` writes DIR/a/x.txt and
DIR/b/x.txt. Distinct inputs have distinct paths under that folder, so their copies never
collide. A DIR that is an input, holds one or lies inside one is refused before any write.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from moderation.errors import ModerationError


class UnsafeOutput(ModerationError):
    """--write-cleaned names a folder whose copies could overwrite or be mistaken for inputs."""


class Mirror:
    def __init__(self, folder: Path, inputs: Sequence[str]) -> None:
        files = [name for name in inputs if name != "-"]  # standard input gets no copy
        self.folder = folder
        self.root = Path(os.path.commonpath([_holder(name) for name in files])) if files else Path()
        _refuse_overlap(folder, files)

    def target(self, path: Path) -> Path:
        return self.folder / os.path.relpath(os.path.abspath(path), self.root)


def _holder(name: str) -> str:
    """The folder an input's copies are placed relative to: itself or, for a file, its folder."""
    path = os.path.abspath(name)
    return path if os.path.isdir(path) else os.path.dirname(path)


def _refuse_overlap(folder: Path, inputs: Sequence[str]) -> None:
    """UnsafeOutput if the folder is an input, holds one or is inside one (symbolic links followed)."""
    out = Path(os.path.realpath(folder))
    for name in inputs:
        source = Path(os.path.realpath(name))
        if out == source or source in out.parents or out in source.parents:
            where = "is" if out == source else "is inside" if source in out.parents else "holds"
            raise UnsafeOutput(f"--write-cleaned {folder} {where} the input {name}: its copies could overwrite the "
                               "originals or be checked as inputs; choose a folder outside the inputs")
