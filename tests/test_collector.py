"""Work that makes many objects and no cycles runs with the cyclic collector paused (collector.py):
a moderator's build, a check of a long text, a batch of many; the collector runs again after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from moderation import Moderator
from moderation.engine.collector import paused
from moderation.engine.moderator import LONG_TEXT


@contextmanager
def collections() -> Iterator[list[int]]:
    """The generations of the collections started in the `with` block: a pause ends in one at
    most (the allocations made in it are counted, and the count is past the threshold)."""
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(record)
    try:
        yield started
    finally:
        gc.callbacks.remove(record)


def test_a_long_text_dense_with_hits_is_checked_without_a_collection() -> None:
    moderator = Moderator.from_config()
    text = "fuck " * (LONG_TEXT // 5 + 1)
    with collections() as started:
        assert len(moderator.check(text).matches) == LONG_TEXT // 5 + 1
    assert len(started) <= 1  # once the pause ends, not during it (17 for the scan alone, below)
    with collections() as started:
        assert len(moderator.check_many([text, "shit"])[0].matches) == LONG_TEXT // 5 + 1  # type: ignore[union-attr]
    assert len(started) <= 1
    assert gc.isenabled()


def test_without_the_pause_the_same_work_sets_collections_off() -> None:
    """What the test above rules out does happen: the allocations of such a check set one off."""
    moderator = Moderator.from_config()
    text = "fuck " * (LONG_TEXT // 5 + 1)
    with collections() as started:
        hits = moderator._matchers["default", "en"].scan(text)  # the scan alone, outside the pause
    assert len(hits) == LONG_TEXT // 5 + 1
    assert len(started) > 5


def test_a_build_sets_off_no_collection() -> None:
    built = Moderator.from_config()
    with collections() as started:
        Moderator(built.config, built.lists, built.version)
    assert len(started) <= 1  # once the pause ends
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        Moderator.from_config().check("fuck " * LONG_TEXT)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_runs_again_after_an_error_in_the_pause() -> None:
    with pytest.raises(ValueError), paused():
        assert not gc.isenabled()
        raise ValueError("stop")
    assert gc.isenabled()
