"""A Moderator ships small and is built once per process (DESIGN: Python API; issue 14).

Builds are counted by the matchers constructed, not timed: a rebuild of the bundled lists makes
one Matcher for the lists (and one per policy with terms of its own).
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


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """An empty cache of unpickled moderators, and a counter of the matchers built from now on."""
    monkeypatch.setattr(moderator_module, "_built", {})
    count = [0]
    real = moderator_module.Matcher

    def counting(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(moderator_module, "Matcher", counting)
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
