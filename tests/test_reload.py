"""Hot reload tells the truth: what changed is built, off the request path; what fails keeps the
last good lists, says why, and recovers."""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from moderation import ConfigError, Moderator
from moderation.service import create_app, reloader
from moderation.service.reloader import LiveModerator, one_build_per_host
from tests.test_wordlists import configmap

WAIT = 30.0  # seconds before a test that should not hang gives up: a guard, never a measure


def bump(path: Path) -> None:
    """Make an edit visible to a stat even within one clock tick."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def edit(path: Path, text: str) -> None:
    """Replace the file whole, as editors and Kubernetes do: a watcher looking meanwhile sees the
    old text or the new, never a half-written file (which would be a valid list of fewer terms)."""
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)
    bump(path)


def terms(live: LiveModerator, text: str = "frak smeg gorram") -> list[str]:
    return [m.term for m in live.moderator.check(text).matches]


class Outcomes:
    """The on_reload callback: each reload's outcome, and an event per outcome to wait on."""

    def __init__(self) -> None:
        self.seen: list[bool] = []
        self.event = threading.Event()

    def __call__(self, ok: bool) -> None:
        self.seen.append(ok)
        self.event.set()


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, Path]:
    lists = tmp_path / "lists"
    lists.mkdir()
    edit(lists / "mine.txt", "[profanity]\nfrak: 2 word\n")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["lists"]\n', encoding="utf-8")
    return config, lists / "mine.txt"


def live_of(config: Path, outcomes: Outcomes | None = None, interval: float = 3600) -> LiveModerator:
    """A LiveModerator whose watcher sleeps (the test looks with check_now), unless told otherwise."""
    return LiveModerator(config, interval, on_reload=outcomes)


def blocking_build(monkeypatch: pytest.MonkeyPatch, before: Callable[[], None] = lambda: None,
                   after: Callable[[], None] = lambda: None) -> None:
    """Builds run `before`, build, then run `after`: to hold a build where a test wants it."""
    build = Moderator.from_config.__func__  # type: ignore[attr-defined]

    def held(cls: type[Moderator], path: str | Path | None = None) -> Moderator:
        before()
        fresh: Moderator = build(cls, path)
        after()
        return fresh

    monkeypatch.setattr(Moderator, "from_config", classmethod(held))


def test_a_request_is_not_blocked_by_a_rebuild(setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    config, mine = setup
    outcomes = Outcomes()
    live = live_of(config, outcomes, interval=0)
    old = live.moderator
    building, release = threading.Event(), threading.Event()
    blocking_build(monkeypatch, before=lambda: (building.set(), release.wait(WAIT)))
    try:
        edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
        assert building.wait(WAIT)  # the watcher builds, held here
        served: list[Moderator] = []
        request = threading.Thread(target=lambda: served.append(live.moderator))  # what a request does
        request.start()
        request.join(WAIT)
        assert served == [old]  # answered at once, with the old lists, while the build waits
    finally:
        release.set()
    assert outcomes.event.wait(WAIT)
    assert live.moderator is not old and terms(live) == ["frak", "smeg"]


def test_an_edit_during_a_build_is_built_again(setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    config, mine = setup
    live = live_of(config)
    read, release = threading.Event(), threading.Event()
    blocking_build(monkeypatch, after=lambda: (read.set(), release.wait(WAIT)))
    edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
    rebuild = threading.Thread(target=live.check_now)
    rebuild.start()
    assert read.wait(WAIT)  # the build has read the lists: this edit comes too late for it
    edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\ngorram: 2 word\n")
    release.set()
    rebuild.join(WAIT)
    assert terms(live) == ["frak", "smeg"] and live.reloads == 1
    live.check_now()  # the next look sees the late edit
    assert terms(live) == ["frak", "smeg", "gorram"] and live.reloads == 2


def test_the_watcher_reloads_without_any_request(setup: tuple[Path, Path]) -> None:
    config, mine = setup
    outcomes = Outcomes()
    live = live_of(config, outcomes, interval=0)  # its watcher starts with it
    edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
    assert outcomes.event.wait(WAIT)
    assert outcomes.seen[0] is True and terms(live) == ["frak", "smeg"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_runs_its_own_watcher(setup: tuple[Path, Path]) -> None:
    """An app created before gunicorn forks its workers (--preload): the watcher started before
    the fork is not in the child, which must start its own on first use."""
    config, mine = setup
    outcomes = Outcomes()
    live = live_of(config, outcomes, interval=0)
    assert terms(live) == ["frak"]  # the parent's watcher runs
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            outcomes.event.clear()
            live.moderator  # noqa: B018 - the first use, as a request's
            edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
            if outcomes.event.wait(WAIT) and terms(live) == ["frak", "smeg"]:
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_bad_edit_keeps_the_last_good_lists_and_says_why(setup: tuple[Path, Path]) -> None:
    config, mine = setup
    outcomes = Outcomes()
    live = live_of(config, outcomes)
    edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 9 word\ngorram: 2 wrod\n")
    live.check_now()
    assert terms(live) == ["frak"] and outcomes.seen == [False]
    assert live.error == (f"{mine}:3: severity of 'smeg' must be 1, 2 or 3, not '9'\n"
                          f"{mine}:4: scope of 'gorram' must be word or inside or evaded or aimed, not 'wrod'")
    live.check_now()  # nothing changed: no second attempt, no second failure counted
    assert outcomes.seen == [False]
    edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 3 word\n")
    live.check_now()
    assert terms(live) == ["frak", "smeg"] and live.error is None and outcomes.seen == [False, True]


def test_an_unreadable_folder_fails_the_reload_and_recovers(setup: tuple[Path, Path], unreadable: None) -> None:
    config, mine = setup
    outcomes = Outcomes()
    live = live_of(config, outcomes)
    os.chmod(mine.parent, 0)
    try:
        live.check_now()
        assert live.error == f"{mine.parent}: cannot read folder: Permission denied"
        assert terms(live) == ["frak"] and outcomes.seen == [False]  # the last good lists, not none
    finally:
        os.chmod(mine.parent, 0o755)
    live.check_now()  # restoring the permission is a change
    assert live.error is None and terms(live) == ["frak"] and outcomes.seen == [False, True]


def test_an_unreadable_list_fails_the_reload_and_recovers(setup: tuple[Path, Path], unreadable: None) -> None:
    config, mine = setup
    live = live_of(config)
    os.chmod(mine, 0)
    try:
        live.check_now()
        assert live.error == f"{mine}: cannot read: Permission denied" and terms(live) == ["frak"]
    finally:
        os.chmod(mine, 0o644)
    live.check_now()
    assert live.error is None


def test_a_config_nested_too_deeply_fails_the_reload_and_the_start(setup: tuple[Path, Path]) -> None:
    config, _ = setup
    live = live_of(config)
    edit(config, '[wordlists]\npaths = ["lists"]\nx = ' + "[" * 3000 + "]" * 3000 + "\n")
    live.check_now()
    assert live.error == f"{config}:3: invalid TOML: arrays or inline tables nested too deeply"
    assert terms(live) == ["frak"]
    with pytest.raises(ConfigError, match="nested too deeply"):
        live_of(config)


def test_any_exception_in_a_build_is_a_failed_reload(setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    config, mine = setup
    outcomes = Outcomes()
    live = live_of(config, outcomes)

    def out_of_memory() -> None:
        raise MemoryError("cannot allocate the automaton")

    with monkeypatch.context() as patch:
        blocking_build(patch, before=out_of_memory)
        edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
        with caplog.at_level(logging.ERROR, logger="moderation.reload"):
            live.check_now()
    assert live.error == "MemoryError: cannot allocate the automaton" and outcomes.seen == [False]
    assert terms(live) == ["frak"]
    assert "reload failed, still serving version" in caplog.text and "MemoryError" in caplog.text
    live.check_now()  # nothing changed, and no retry is due yet
    assert outcomes.seen == [False]
    monkeypatch.setattr(reloader, "RETRY_SECONDS", 0)
    live._retry_at = 0  # what no stamp shows (memory freed) is retried
    live.check_now()
    assert live.error is None and terms(live) == ["frak", "smeg"] and outcomes.seen == [False, True]


def test_a_configmap_update_is_picked_up(tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    configmap(folder, {"mine.txt": "[profanity]\nfrak: 2 word\n"}, "2026_11_30_01_00_00.000000001")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["lists"]\n', encoding="utf-8")
    live = live_of(config)
    assert terms(live) == ["frak"]
    configmap(folder, {"mine.txt": "[profanity]\nfrak: 2 word\nsmeg: 2 word\n"}, "2026_11_30_01_05_00.000000002")
    live.check_now()
    assert live.error is None and terms(live) == ["frak", "smeg"]


def test_a_new_list_file_is_picked_up(setup: tuple[Path, Path]) -> None:
    config, mine = setup
    live = live_of(config)
    edit(mine.parent / "more.txt", "[insult]\nsmeg: 2 word\n")
    live.check_now()
    assert terms(live) == ["frak", "smeg"] and live.reloads == 1


def test_a_list_folder_removed_and_restored(setup: tuple[Path, Path]) -> None:
    config, mine = setup
    live = live_of(config)
    shutil.move(mine.parent, mine.parent.with_name("away"))
    live.check_now()
    assert live.error is not None and "does not exist" in live.error and terms(live) == ["frak"]
    shutil.move(mine.parent.with_name("away"), mine.parent)
    live.check_now()
    assert live.error is None and terms(live) == ["frak"]


class Said(logging.Handler):
    """Sets `event` when the reload log says `phrase`."""

    def __init__(self, phrase: str) -> None:
        super().__init__(logging.DEBUG)
        self.phrase = phrase
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.phrase in record.getMessage():
            self.event.set()


def test_the_workers_of_a_host_rebuild_one_at_a_time(setup: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """While one worker builds, holding the interpreter lock, the others must be free to serve."""
    config, mine = setup
    live = live_of(config)
    building = threading.Event()
    blocking_build(monkeypatch, before=building.set)
    said = Said("waiting for another worker's build")
    logger = logging.getLogger("moderation.reload")
    monkeypatch.setattr(logger, "level", logging.DEBUG)
    logger.addHandler(said)
    other = os.open(reloader.lock_file(config), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)  # another worker is building
        edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
        rebuild = threading.Thread(target=live.check_now)
        rebuild.start()
        assert said.event.wait(WAIT)
        assert not building.is_set() and terms(live) == ["frak"]  # its turn has not come
    finally:
        os.close(other)  # the other build is over
        logger.removeHandler(said)
    rebuild.join(WAIT)
    assert building.is_set() and terms(live) == ["frak", "smeg"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_fork_during_a_build_does_not_keep_the_turn(tmp_path: Path) -> None:
    """A child forked while its parent builds has a copy of the lock's descriptor, and no thread
    to close it: it must not hold the turn once the parent's build is over."""
    config = tmp_path / "moderation.toml"
    ended_r, ended_w = os.pipe()
    with one_build_per_host(config):
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.read(ended_r, 1)  # the parent's build is over
                fd = os.open(reloader.lock_file(config), os.O_RDWR)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if anyone still holds it
                code = 0
            finally:
                os._exit(code)
    os.write(ended_w, b"x")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def reload_metrics(client: FlaskClient) -> tuple[float, float]:
    """(moderation_reload_failures_total, moderation_reload_ok) as /metrics shows them."""
    found = {s.name: s.value for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
             for s in family.samples}
    return found["moderation_reload_failures_total"], found["moderation_reload_ok"]


def test_the_service_shows_a_failed_reload_and_its_recovery(setup: tuple[Path, Path], unreadable: None) -> None:
    config, mine = setup
    app = create_app({"CONFIG": str(config), "RELOAD_INTERVAL": 3600})
    client = app.test_client()
    live = app.extensions["moderation"].live
    failures, _ = reload_metrics(client)
    os.chmod(mine.parent, 0)
    try:
        live.check_now()
        ready = client.get("/readyz").get_json()
        assert ready["reload"] == {"ok": False, "error": f"{mine.parent}: cannot read folder: Permission denied",
                                   "reloads": 0}
        assert reload_metrics(client) == (failures + 1, 0)
        r = client.post("/v1/check", json={"text": "frak"})
        assert r.status_code == 200 and r.get_json()["flagged"]  # the last good lists, not none
    finally:
        os.chmod(mine.parent, 0o755)
    live.check_now()
    assert client.get("/readyz").get_json()["reload"] == {"ok": True, "error": None, "reloads": 1}
    assert reload_metrics(client) == (failures + 1, 1)


GEVENT_WORKER = """
from gevent import monkey

monkey.patch_all()  # as gunicorn's gevent worker does, before the app is made
import sys, time
from pathlib import Path

import gevent

from moderation import Moderator
from moderation.service.reloader import LiveModerator

config, mine = Path(sys.argv[1]), Path(sys.argv[2])
live = LiveModerator(config, 3600)
build = Moderator.from_config.__func__
ran = []


def held(cls, path=None):  # computes until a greenlet has run: only possible outside the hub's thread
    give_up = time.monotonic() + 20
    while not ran and time.monotonic() < give_up:
        pass
    print("a greenlet ran during the build:", bool(ran))
    return build(cls, path)


Moderator.from_config = classmethod(held)
mine.write_text("[profanity]\\nfrak: 2 word\\nsmeg: 2 word\\n", encoding="utf-8")
gevent.spawn(ran.append, 1)  # a request's greenlet, as it were
live.check_now()
print("terms:", [m.term for m in live.moderator.check("frak smeg").matches])
"""


def test_under_gevent_a_build_lets_the_greenlets_run(setup: tuple[Path, Path]) -> None:
    pytest.importorskip("gevent")
    config, mine = setup
    bump(mine)
    done = subprocess.run([sys.executable, "-c", GEVENT_WORKER, str(config), str(mine)], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.splitlines() == ["a greenlet ran during the build: True", "terms: ['frak', 'smeg']"], done.stderr


def test_the_moderator_in_use_is_frozen_and_the_one_it_replaced_is_collected(setup: tuple[Path, Path]) -> None:
    """Full collections skip the moderator in use (frozen: tracked, yet in no generation), and
    freezing leaks nothing: what the replaced moderator held in cycles (its caches) is collected
    at the swap, where freezing the new one alone had kept ~8,000 objects for good."""
    config, mine = setup
    live = live_of(config)
    for text in ("frak you", "sh1t", "f**k this", "what the hell"):
        live.moderator.check(text)  # its caches filled, as a worker's are
    edit(mine, "[profanity]\nfrak: 2 word\nsmeg: 2 word\n")
    live.check_now()
    assert live.reloads == 1 and live.moderator.check("smeg").flagged
    entries = live.moderator.lists.entries
    assert gc.is_tracked(entries) and not any(o is entries for o in gc.get_objects())  # frozen
    gc.unfreeze()
    try:
        assert gc.collect() < 100  # the replaced moderator's cycles were collected at the swap
    finally:
        gc.freeze()
