"""Picking up edited wordlists and config without a restart, and surviving a bad edit.

Each worker process holds a LiveModerator. At most every `interval` seconds, on a request, it
compares the size and modification time of every file and folder the moderator was loaded
from (a `stat` each: cheap); when something changed, it builds a new moderator. A bad edit is
logged as `file:line: why`, kept in `error` for /readyz and the metrics, and the last good
moderator goes on serving. The next good edit clears it. No thread, no signal: it works the
same under any number of gunicorn workers, each on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from moderation.engine.moderator import Moderator
from moderation.errors import ModerationError

log = logging.getLogger("moderation.reload")

Stamp = tuple[tuple[str, int, int], ...]


def stamp(paths: tuple[Path, ...]) -> Stamp:
    """(path, mtime, size) of each path; a missing one stamps as (path, -1, -1)."""
    found = []
    for path in paths:
        try:
            st = path.stat()
            found.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            found.append((str(path), -1, -1))
    return tuple(found)


class LiveModerator:
    """The current moderator of a config, rebuilt when its files change."""

    def __init__(self, config_path: str | Path | None, interval: float = 2.0,
                 on_reload: Callable[[bool], None] | None = None) -> None:
        self.config_path = config_path
        self.interval = interval
        self.error: str | None = None  # why the last reload failed, until one succeeds
        self.reloads = 0
        self._on_reload = on_reload
        self._moderator = Moderator.from_config(config_path)  # a bad config stops start-up
        self._stamp = stamp(self._moderator.sources)
        self._next_check = time.monotonic() + interval
        self._lock = threading.Lock()

    @property
    def moderator(self) -> Moderator:
        """The moderator to use now, after a reload if the files changed."""
        if time.monotonic() >= self._next_check and self._lock.acquire(blocking=False):
            try:
                self.check_now()
            finally:
                self._lock.release()
        return self._moderator

    def check_now(self) -> None:
        """Reload if any source changed since the last look."""
        self._next_check = time.monotonic() + self.interval
        current = stamp(self._moderator.sources)
        if current == self._stamp:
            return
        self._stamp = current
        try:
            fresh = Moderator.from_config(self.config_path)
        except ModerationError as e:
            self.error = str(e)
            log.error("reload failed, still serving version %s: %s", self._moderator.version, e)
            self._report(False)
            return
        self._stamp = stamp(fresh.sources)  # a new list file adds a source
        self._moderator = fresh
        self.error = None
        self.reloads += 1
        log.info("reloaded wordlists and config: version %s", fresh.version)
        self._report(True)

    def _report(self, ok: bool) -> None:
        if self._on_reload is not None:
            self._on_reload(ok)
