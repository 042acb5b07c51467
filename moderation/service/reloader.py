"""Picking up edited wordlists and config without a restart, and surviving a bad edit.

Each worker process holds a LiveModerator. A thread of its own looks every `interval` seconds
at every file and folder the moderator was loaded from (a `stat` each: cheap); when one changed,
it builds a new moderator while the old one goes on serving, and swaps them when the new one is
ready. A request never builds. The thread is started with the LiveModerator, which gunicorn
creates in each worker; and, since a thread does not survive a fork, again by the first use in
any other process (the app created before the fork, as with gunicorn's --preload). It is a plain
thread that sleeps, which gevent's monkey-patching turns into a greenlet; a greenlet never lets
go while it computes, so there the build itself runs in a real thread of gevent's pool.

What it tells is true:
- the files are stamped before the build, so an edit that lands during a build is seen by the
  next look and built again;
- a stamp holds the inode, mode and change time too, so a file replaced by a rename or a
  permission restored is a change;
- a failed reload (a bad edit, a file or folder that cannot be read, any exception at all) is
  logged as `file:line: why`, kept in `error` for /readyz and counted in the metrics, and the last
  good moderator goes on serving. While it fails, the build is retried every RETRY_SECONDS even
  without a change, for what no stamp shows (a folder the last good config did not name made
  readable again, memory freed). The next good build clears it.

The workers of a host rebuild one at a time (a lock file in the temporary folder): the automaton
step of a build holds the interpreter lock, so the building worker answers nothing for as long
as it lasts, and the others must be free to take the connections meanwhile.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import importlib
import logging
import os
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from moderation.engine import identify
from moderation.engine.moderator import Moderator, sources
from moderation.errors import ModerationError

log = logging.getLogger("moderation.reload")

RETRY_SECONDS = 30.0  # while the last reload failed, build again this often even without a change
MIN_PAUSE = 0.05  # the watcher's shortest pause between looks (an interval of 0 must not spin)
LOCK_POLL = 0.05  # how often a worker waiting for another's build tries the lock again

Stat = tuple[int, int, int, int, int]  # inode, mode, size, modification and change time (ns)
Stamp = dict[str, Stat | None]  # None: the path cannot be stat'ed (missing, or its folder unreadable)
UNSEEN: Stat = (-1, -1, -1, -1, -1)  # a path not stamped before the build: the next look rebuilds

_pid = os.getpid()  # this process's, kept by the fork hook: a cheap "is my watcher mine?"
_starting = threading.Lock()  # one watcher per LiveModerator and process
_turns: set[int] = set()  # descriptors of the build lock file this process has open


def _forked() -> None:
    """A forked child has none of its parent's threads, nor any lock one of them held: nor its
    turn to build, which the child's copy of the descriptor would hold for as long as it lives."""
    global _pid, _starting
    _pid = os.getpid()
    _starting = threading.Lock()
    for fd in _turns:
        os.close(fd)
    _turns.clear()


os.register_at_fork(after_in_child=_forked)


def stamp(paths: Iterable[str | Path]) -> Stamp:
    """What a stat shows of each path."""
    found: Stamp = {}
    for path in paths:
        try:
            st = os.stat(path)
            found[str(path)] = (st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except OSError:
            found[str(path)] = None
    return found


class LiveModerator:
    """The current moderator of a config, rebuilt off the request path when its files change."""

    def __init__(self, config_path: str | Path | None, interval: float = 2.0,
                 on_reload: Callable[[bool], None] | None = None) -> None:
        self.config_path = config_path
        self.interval = interval
        self.error: str | None = None  # why the last reload failed, until one succeeds
        self.reloads = 0
        self._on_reload = on_reload
        self._lock = threading.Lock()  # one build at a time: the watcher's, or a check_now caller's
        self._watcher_pid: int | None = None  # the process whose watcher thread runs
        self._retry_at = 0.0
        before = self._stamp_upcoming({})
        # Not in turns with the other workers: gunicorn times a worker's boot, and a booting
        # worker serves nothing the build could hold up.
        self._moderator = Moderator.from_config(config_path)  # a bad config stops start-up
        if any(len(p.languages) > 1 for p in self._moderator.policies.values()):
            identify.load()  # the language identifier (~1 s) before the first request, not during it
        self._stamp = self._seen(before, self._moderator)
        _settle()
        self._start_watcher()

    @property
    def moderator(self) -> Moderator:
        """The moderator to use now. Never builds; starts this process's watcher after a fork."""
        if self._watcher_pid != _pid:
            self._start_watcher()
        return self._moderator

    def check_now(self) -> None:
        """Look for changes now and rebuild if there are any (or a retry is due), in the caller's
        thread; the moderator in use serves meanwhile. Waits for a build the watcher is doing."""
        with self._lock:
            current = stamp(self._stamp)  # the paths stamped last time, in the same order
            retry = self.error is not None and time.monotonic() >= self._retry_at
            if current == self._stamp and not retry:
                return
            before = self._stamp_upcoming(current)
            try:
                with one_build_per_host(self.config_path):
                    fresh = _build(self.config_path)
            except Exception as e:  # whatever a build raises, the last good lists serve on
                self._failed(e, before, quiet=retry and current == self._stamp)
                return
            self._stamp = self._seen(before, fresh)
            self._moderator = fresh
            _settle()  # the replaced moderator collected, the new one frozen
            self.error = None
            self.reloads += 1
            log.info("reloaded wordlists and config: version %s", fresh.version)
            self._report(True)

    def _stamp_upcoming(self, current: Stamp) -> Stamp:
        """The stamps of what the next build will read, taken before it reads them: the current
        sources' and those the config names now (a new file, a new folder)."""
        try:
            upcoming = stamp(sources(self.config_path))
        except Exception:  # the build itself will say what is wrong
            upcoming = {}
        return {**current, **upcoming}

    @staticmethod
    def _seen(before: Stamp, moderator: Moderator) -> Stamp:
        """The stamps the moderator was built from; a source not stamped before the build (it
        appeared during it) is UNSEEN, so that the next look builds again."""
        return {str(p): before.get(str(p), UNSEEN) for p in moderator.sources}

    def _failed(self, error: Exception, before: Stamp, quiet: bool) -> None:
        """Keep the last good moderator; say why, unless a retry failed as the last attempt did."""
        # Stamped as they were before the build, so a change during it is still a change; the
        # paths the bad config names are watched too, so that their fix is seen at once.
        self._stamp = before
        self._retry_at = time.monotonic() + RETRY_SECONDS
        why = str(error) if isinstance(error, ModerationError) else f"{type(error).__name__}: {error}"
        if quiet and why == self.error:
            return
        self.error = why
        if isinstance(error, ModerationError):
            log.error("reload failed, still serving version %s: %s", self._moderator.version, why)
        else:
            log.error("reload failed, still serving version %s", self._moderator.version, exc_info=error)
        self._report(False)

    def _start_watcher(self) -> None:
        with _starting:
            if self._watcher_pid == _pid:
                return
            if self._watcher_pid is not None:  # forked: the parent's watcher may have held the lock
                self._lock = threading.Lock()
            self._watcher_pid = _pid
            watcher = threading.Thread(target=_watch, args=(weakref.ref(self), max(self.interval, MIN_PAUSE)),
                                       name="moderation-reload", daemon=True)
            watcher.start()

    def _report(self, ok: bool) -> None:
        if self._on_reload is not None:
            self._on_reload(ok)


def lock_file(config_path: str | Path | None) -> Path:
    """The lock the workers of this host building this config take turns on."""
    name = str(Path(config_path).resolve()) if config_path is not None else "bundled"
    return Path(tempfile.gettempdir()) / f"moderation-build-{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock"


@contextmanager
def one_build_per_host(config_path: str | Path | None) -> Iterator[None]:
    """Wait for any other worker's build of the config to end, and hold off theirs during ours.
    Polls rather than blocks, so that under gevent the worker's other greenlets run meanwhile; a
    lock file that cannot be opened (another user's, a read-only folder) only loses the turns."""
    try:
        fd = os.open(lock_file(config_path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    _turns.add(fd)
    try:
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    log.debug("waiting for another worker's build of the lists to end")
                    waiting = True
                time.sleep(LOCK_POLL)
        yield  # the lock goes with the descriptor, closed below
    finally:
        _turns.discard(fd)
        os.close(fd)


def _settle() -> None:
    """Keep the collector off the moderator in use: its objects (~100k with nine languages) live as
    long as it serves, and every full collection would walk them again, ~30 ms in the middle of a
    request (2 ms with English alone). Frozen, they are skipped. What the last moderator left is
    collected first (its caches hold themselves: a cycle that freezing would keep forever)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _build(config_path: str | Path | None) -> Moderator:
    """Moderator.from_config; under gevent's monkey-patching, in a real thread of the hub's pool,
    so that the worker's greenlets answer meanwhile (the interpreter lock passes between them
    every few milliseconds, except during the automaton step)."""
    gevent_monkey = sys.modules.get("gevent.monkey")
    if gevent_monkey is not None and gevent_monkey.is_module_patched("threading"):
        hub = importlib.import_module("gevent").get_hub()
        fresh: Moderator = hub.threadpool.apply(Moderator.from_config, (config_path,))
        return fresh
    return Moderator.from_config(config_path)


def _watch(ref: weakref.ref[LiveModerator], pause: float) -> None:
    """The watcher thread: look, sleep, until the LiveModerator is gone."""
    while True:
        time.sleep(pause)
        live = ref()
        if live is None:
            return
        try:
            live.check_now()
        except Exception:  # never let the watcher die: the service would stop picking up edits
            log.exception("looking for edits failed")
        del live
