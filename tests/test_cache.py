"""The cache of what the engine derives from its install (today: the language model unpacked):
stored once, mapped after, and never a reason to fail (unwritable, damaged, filled twice at once)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest

from moderation.engine import cache, identify

TEXTS = ("este es un texto en español, claro que sí", "ceci est un texte écrit en français, bien sûr",
         "this is a sentence written in English, of course", "to jest zdanie napisane po polsku, oczywiście")
CANDIDATES = ("en", "es", "fr", "pl")


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty cache folder, and no model loaded in this process yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MODERATION_CACHE_DIR", str(folder))
    monkeypatch.setattr(identify, "_model", [])
    monkeypatch.setattr(identify, "_columns", {})
    return folder


def _answers() -> list[tuple[str, float]]:
    identify._model.clear()
    identify._columns.clear()
    return identify.classify_many(list(TEXTS), CANDIDATES)


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_model_is_unpacked_once_and_read_from_the_cache_after(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _answers()
    [stored] = _entries(fresh)  # one entry, no scratch folder left beside it
    assert sorted(p.name for p in stored.iterdir()) == sorted(f"{n}.npy" for n in identify.MODEL_ARRAYS)
    assert stored.stat().st_mode & 0o777 == 0o755  # readable by another user (an image's)

    def refuse(path: Path) -> dict[str, object]:
        raise AssertionError("the wheel's model was unpacked again")

    monkeypatch.setattr(identify, "_unpacked", refuse)
    assert _answers() == first
    assert [lang for lang, _ in first] == ["es", "fr", "en", "pl"]


def test_an_unwritable_cache_is_no_error(fresh: Path, caplog: pytest.LogCaptureFixture) -> None:
    fresh.parent.mkdir(exist_ok=True)
    fresh.write_text("a file where the folder should be", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="moderation.engine.cache"):
        answers = _answers()
    assert [lang for lang, _ in answers] == ["es", "fr", "en", "pl"]
    assert "no cache for langid-" in caplog.text
    assert fresh.read_text(encoding="utf-8") == "a file where the folder should be"


def test_a_damaged_entry_is_unpacked_and_stored_again(fresh: Path, caplog: pytest.LogCaptureFixture,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first = _answers()
    [stored] = _entries(fresh)
    ptc = stored / "ptc.npy"
    os.truncate(ptc, ptc.stat().st_size // 2)
    with caplog.at_level(logging.WARNING, logger="moderation.engine.identify"):
        assert _answers() == first
    assert "cannot be read" in caplog.text
    assert _entries(fresh) == [stored]

    def refuse(path: Path) -> dict[str, object]:
        raise AssertionError("the wheel's model was unpacked again")

    monkeypatch.setattr(identify, "_unpacked", refuse)
    assert _answers() == first


def test_an_entry_stored_twice_keeps_one_and_leaves_no_scratch(fresh: Path) -> None:
    def write(folder: Path) -> None:
        np.save(folder / "a.npy", np.arange(3))

    first = cache.store("entry", write)
    second = cache.store("entry", write)  # as a second process would, having found none before
    assert first == second == fresh / "entry"
    assert _entries(fresh) == [fresh / "entry"]
    assert np.load(fresh / "entry" / "a.npy").tolist() == [0, 1, 2]


def test_a_write_that_fails_leaves_nothing(fresh: Path) -> None:
    def write(folder: Path) -> None:
        (folder / "part").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    assert cache.store("entry", write) is None
    assert cache.entry("entry") is None
    assert _entries(fresh) == []


def test_scratch_left_by_a_killed_writer_is_removed_but_not_a_live_one(fresh: Path) -> None:
    fresh.mkdir(parents=True)
    abandoned, writing = fresh / ".entry-dead", fresh / ".entry-live"
    for scratch in (abandoned, writing):
        scratch.mkdir()
        (scratch / "a.npy").write_bytes(b"half")
    old = time.time() - cache.ABANDONED - 60
    os.utime(abandoned, (old, old))
    cache.store("entry", lambda folder: np.save(folder / "a.npy", np.arange(2)))
    assert not abandoned.exists() and writing.exists()
    assert (fresh / "entry" / "a.npy").exists()
