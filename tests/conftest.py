from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from moderation import Moderator

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The engine's cache (moderation.engine.cache) in the run's temporary folder, not the home's;
    subprocesses inherit it."""
    before = os.environ.get("MODERATION_CACHE_DIR")
    os.environ["MODERATION_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["MODERATION_CACHE_DIR"]
    else:
        os.environ["MODERATION_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator.from_config()


@pytest.fixture()
def unreadable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`chmod 0` makes a folder or file unreadable, as it does for any user but root. Tests run
    as root too (in containers), where it does not: there, listing a folder or reading a file
    whose permission bits are all cleared raises the PermissionError anyone else would get."""
    if os.geteuid() != 0:
        yield
        return
    scandir, open_ = os.scandir, os.open

    def refuse(path: Any) -> None:
        if os.stat(path).st_mode & 0o777 == 0:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def guarded_scandir(path: Any = ".") -> Any:
        refuse(path)
        return scandir(path)

    def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        refuse(path)
        return open_(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    monkeypatch.setattr(os, "open", guarded_open)
    yield


@pytest.fixture(autouse=True)
def build_lock_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock of the reload builds' turns in the test's folder, not one more file in /tmp per test."""
    from moderation.service import reloader

    monkeypatch.setattr(reloader, "lock_file", lambda config_path: tmp_path / "build.lock")
