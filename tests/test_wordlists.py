"""A bad list fails the load with file:line: why; a good one loads as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation import ConfigError, Moderator
from moderation.engine.wordlists import BUNDLED, list_files, load_files, parse


def test_entry_with_forms() -> None:
    lists = parse("[profanity]\nfrak: 2 word +ing +ed\n[allow]\nFrakes\n", "x.txt", "en/x")
    assert [e.term for e in lists.entries] == ["frak", "fraking", "fraked"]
    assert {(e.category, e.severity, e.scope, e.list) for e in lists.entries} == {("profanity", 2, "word", "en/x")}
    assert lists.allow == ("frakes",)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("frak: 2 word\n", 1, "before any [category]"),
        ("[profanity]\n\n[swears]\n", 3, "unknown section [swears]"),
        ("[profanity]\nfrak 2 word\n", 2, "expected 'term: severity scope"),
        ("[profanity]\nfrak: 5 word\n", 2, "severity of 'frak' must be 1, 2 or 3"),
        ("[profanity]\nfrak: 2 everywhere\n", 2, "scope of 'frak' must be word or inside"),
        ("[profanity]\nfrak: 2\n", 2, "needs a severity (1-3) and a scope"),
        ("[profanity]\n# fine\nfrak: 2 word ing\n", 3, "form 'ing' of 'frak' must be '+'"),
        ("[profanity]\nfr4k: 2 word\n", 2, "may hold only letters a-z"),
        ("[allow]\nsc*nthorpe\n", 2, "may hold only letters a-z"),
    ],
)
def test_bad_line_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse(text, "lists/en/bad.txt", "en/bad")
    assert err.value.line == line
    assert str(err.value).startswith(f"lists/en/bad.txt:{line}: ")
    assert message in str(err.value)


def test_term_defined_twice_names_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("[insult]\n\nfrak: 1 word\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_files([tmp_path / "a.txt", tmp_path / "b.txt"], tmp_path)
    assert str(err.value) == f"{tmp_path / 'b.txt'}:3: 'frak' is already defined at {tmp_path / 'a.txt'}:2"


def test_undecodable_list_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"[profanity]\nfr\xffk: 2 word\n")
    with pytest.raises(ConfigError, match=r"bad\.txt: not UTF-8"):
        load_files([tmp_path / "bad.txt"], tmp_path)


def test_bundled_lists_load_and_cover_every_category() -> None:
    lists = load_files(list_files(BUNDLED, ["en"]), BUNDLED)
    assert {e.category for e in lists.entries} == {"profanity", "sexual", "slur", "insult"}
    assert {e.severity for e in lists.entries} == {1, 2, 3}
    assert {"damn", "crap", "hell"} <= {e.term for e in lists.entries if e.severity == 1}
    assert "scunthorpe" in lists.allow


def test_bad_custom_list_fails_the_moderator_load(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("[profanity]\nfrak: 9 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["mine.txt"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mine\.txt:2: severity of 'frak'"):
        Moderator.from_config(config)
