"""A Moderator ships small and is built once per process (DESIGN: Python API; issue 14).

Builds are counted, not timed: each moderator an unpickling builds is put in the process's cache
of them (moderator._built), which counts what it is given.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from moderation import Moderator
from moderation.engine import moderator as moderator_module
from moderation.engine.wordlists import Wordlists

TEXTS = ["What the f**k, that is sh1t.", "A quiet day in Scunthorpe.", "<p>f<b>u</b>ck</p>", ""]
SMALL = 1 << 20  # bytes: the pickle of the bundled lists' moderator stays far below this


class _Counting(dict[str, Moderator]):
    """A cache of unpickled moderators that counts the moderators put in it: one a build."""

    def __init__(self, count: list[int]) -> None:
        super().__init__()
        self.count = count

    def __setitem__(self, version: str, moderator: Moderator) -> None:
        self.count[0] += 1
        super().__setitem__(version, moderator)


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """An empty cache of unpickled moderators, and a counter of the moderators built from now on."""
    count = [0]
    monkeypatch.setattr(moderator_module, "_built", _Counting(count))
    yield count


def results(mod: Moderator) -> list[dict[str, Any]]:
    return [mod.check(t).to_dict() for t in TEXTS] + [mod.check(TEXTS[2], content_type="text/html").to_dict()]


def test_a_round_trip_checks_as_the_original(moderator: Moderator, builds: list[int]) -> None:
    shipped = pickle.loads(pickle.dumps(moderator))
    assert shipped is not moderator
    assert builds[0] == 1
    assert (shipped.version, shipped.config, shipped.lists, shipped.sources) == (
        moderator.version, moderator.config, moderator.lists, moderator.sources)
    assert results(shipped) == results(moderator)


def test_a_second_unpickle_in_the_process_builds_nothing(moderator: Moderator, builds: list[int]) -> None:
    data = pickle.dumps(moderator)
    first = pickle.loads(data)
    assert builds[0] == 1
    again = [pickle.loads(data) for _ in range(3)] + [pickle.loads(pickle.dumps(first)), copy.deepcopy(first)]
    assert builds[0] == 1
    assert all(m is first for m in again)


def test_the_pickle_is_small(moderator: Moderator) -> None:
    size = len(pickle.dumps(moderator, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"pickled Moderator of the bundled lists: {size:,} bytes")
    assert size < SMALL
    with pytest.raises(TypeError, match="pickle"):  # what it leaves out: its automaton does not pickle
        pickle.dumps(moderator._matchers[moderator.config.default_policy, "en"])


def test_the_same_version_with_other_lists_is_built_apart(moderator: Moderator, builds: list[int]) -> None:
    """A moderator made by hand may keep the version of the lists it extends (compat does)."""
    extended = Moderator(moderator.config, Wordlists(moderator.lists.entries, (*moderator.lists.allow, "shit happens")),
                         moderator.version)
    plain, other = pickle.loads(pickle.dumps(moderator)), pickle.loads(pickle.dumps(extended))
    assert plain is not other
    assert plain.check("shit happens").flagged and not other.check("shit happens").flagged
    assert pickle.loads(pickle.dumps(extended)) is other


def test_a_process_keeps_a_few_versions(moderator: Moderator, builds: list[int]) -> None:
    kept = moderator_module.BUILT_KEPT
    shipped = [moderator_module.built_once(moderator.config, moderator.lists, f"v{i}", ()) for i in range(kept + 1)]
    assert list(moderator_module._built) == [f"v{i}" for i in range(1, kept + 1)]  # the oldest went
    assert pickle.loads(pickle.dumps(shipped[-1])) is shipped[-1]
    assert builds[0] == kept + 1


def test_a_fresh_process_builds_it_once(moderator: Moderator, tmp_path: Path) -> None:
    """The way Spark, Dask and Ray ship it: unpickled in another process, with nothing cached."""
    shipped = tmp_path / "moderator.pickle"
    shipped.write_bytes(pickle.dumps(moderator))
    probe = ("import json, pickle, sys; data = open(sys.argv[1], 'rb').read(); mod = pickle.loads(data); "
             "assert pickle.loads(data) is mod; print(json.dumps(mod.check(sys.argv[2]).to_dict()))")
    out = subprocess.run([sys.executable, "-c", probe, str(shipped), TEXTS[0]], check=True, capture_output=True,
                         text=True).stdout
    assert json.loads(out) == moderator.check(TEXTS[0]).to_dict()
