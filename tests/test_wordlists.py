"""A bad list fails the load with file:line: why; a good one loads as written."""

from __future__ import annotations

import inspect
import os
import shutil
import sys
from pathlib import Path

import pytest

from moderation import ConfigError, Moderator
from moderation.engine.wordlists import BUNDLED, CATEGORIES, list_files, load_files, parse, walk


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
        ("[profanity]\nfr4k: 2 word\n", 2, "may hold only letters"),
        ("[allow]\nsc*nthorpe\n", 2, "may hold only letters"),
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
    with pytest.raises(ConfigError, match=r"bad\.txt:2: not UTF-8"):  # the line of the bad byte
        load_files([tmp_path / "bad.txt"], tmp_path)


def test_bundled_lists_load_and_cover_every_category() -> None:
    lists = load_files(list_files(BUNDLED, ["en"]), BUNDLED)
    assert {e.category for e in lists.entries} == set(CATEGORIES)
    assert {e.severity for e in lists.entries} == {1, 2, 3}
    assert {"damn", "crap", "hell"} <= {e.term for e in lists.entries if e.severity == 1}
    assert "scunthorpe" in lists.allow


def test_bad_custom_list_fails_the_moderator_load(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("[profanity]\nfrak: 9 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["mine.txt"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mine\.txt:2: severity of 'frak'"):
        Moderator.from_config(config)


def test_every_mistake_of_a_file_is_found_each_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "[profanity]\nfrak: 1 word\nsmeg: 5 word\nsm3g: 2 word\n[swears]\ngit: 1 wrod\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_files([tmp_path / "a.txt", tmp_path / "b.txt"], tmp_path)
    b = tmp_path / "b.txt"
    assert [e.located() for e in err.value.errors] == [
        f"{b}:3: severity of 'smeg' must be 1, 2 or 3, not '5'",
        f"{b}:4: term 'sm3g' may hold only letters, with single spaces, hyphens or apostrophes between words",
        f"{b}:5: unknown section [swears]; use one of profanity, sexual, slur, insult, sexual_abuse, anatomy, allow, "
        "frames, intensifiers or followers",
        f"{b}:6: scope of 'git' must be word or inside or evaded or aimed, not 'wrod'",
        f"{b}:2: 'frak' is already defined at {tmp_path / 'a.txt'}:2",
    ]
    assert (err.value.file, err.value.line) == (str(b), 3)  # the error itself is the first mistake
    assert str(err.value).splitlines() == [e.located() for e in err.value.errors]


def test_lines_before_any_section_are_one_mistake(tmp_path: Path) -> None:
    errors: list[ConfigError] = []
    parse("frak: 2 word\nsmeg: 2 word\n[insult]\ngit: 9 word\n", "x.txt", "x", errors)
    assert [e.located() for e in errors] == ["x.txt:1: an entry before any [category] or [allow] section",
                                             "x.txt:4: severity of 'git' must be 1, 2 or 3, not '9'"]


def test_a_long_list_of_mistakes_is_cut_short_in_the_message(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("[profanity]\n" + "frak: 9 word\n" * 25, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_files([tmp_path / "bad.txt"], tmp_path)
    assert len(err.value.errors) == 25
    lines = str(err.value).splitlines()
    assert len(lines) == 11 and lines[-1] == "... and 15 more mistakes (`moderation lint` lists them all)"


def configmap(folder: Path, files: dict[str, str], stamp: str) -> None:
    """A folder laid out as Kubernetes mounts a ConfigMap: each key a symlink through `..data`,
    itself a symlink to a timestamped folder; an update swaps `..data` with one rename."""
    folder.mkdir(exist_ok=True)
    real = folder / f"..{stamp}"
    real.mkdir()
    for name, text in files.items():
        (real / name).write_text(text, encoding="utf-8")
    old = os.readlink(folder / "..data") if (folder / "..data").is_symlink() else None
    os.symlink(real.name, folder / "..data_tmp")
    os.replace(folder / "..data_tmp", folder / "..data")
    for name in files:
        if not (folder / name).is_symlink():
            os.symlink(f"..data/{name}", folder / name)
    if old:
        shutil.rmtree(folder / old)


def test_a_configmap_folder_loads_each_list_once(tmp_path: Path) -> None:
    configmap(tmp_path / "lists", {"mine.txt": "[profanity]\nfrak: 2 word\n", "more.txt": "[insult]\nsmeg: 2 word\n"},
              "2026_11_30_01_00_00.000000001")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["lists"]\n', encoding="utf-8")
    mod = Moderator.from_config(config)
    assert [m.term for m in mod.check("frak and smeg").matches] == ["frak", "smeg"]
    assert sorted(p.name for p in mod.sources if p.suffix == ".txt" and "lists" in p.parts) == ["mine.txt", "more.txt"]


def test_hidden_files_and_folders_are_not_lists(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    (tmp_path / ".mine.txt.swp").write_text("junk", encoding="utf-8")
    (tmp_path / ".old").mkdir()
    (tmp_path / ".old" / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    assert walk(tmp_path)[0] == [tmp_path / "mine.txt"]


def test_a_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    os.symlink("..", tmp_path / "sub" / "up")
    assert walk(tmp_path)[0] == [tmp_path / "sub" / "mine.txt"]


def test_a_file_named_twice_is_loaded_once(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["lists", "lists/mine.txt"]\n', encoding="utf-8")
    assert [m.term for m in Moderator.from_config(config).check("frak").matches] == ["frak"]


def test_an_unreadable_folder_is_an_error_not_an_empty_list(tmp_path: Path, unreadable: None) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["lists"]\n', encoding="utf-8")
    os.chmod(tmp_path / "lists", 0)
    try:
        with pytest.raises(ConfigError, match=r"lists: cannot read folder: Permission denied"):
            Moderator.from_config(config)
    finally:
        os.chmod(tmp_path / "lists", 0o755)
    assert Moderator.from_config(config).check("frak").flagged


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_device_where_a_list_was_is_an_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "mine.txt")  # reading it would wait for a writer forever
    os.symlink("/dev/zero", tmp_path / "zero.txt")  # reading it would fill the memory
    with pytest.raises(ConfigError) as err:
        load_files(walk(tmp_path)[0], tmp_path)
    assert [e.located() for e in err.value.errors] == [f"{tmp_path / 'mine.txt'}: cannot read: not a regular file",
                                                       f"{tmp_path / 'zero.txt'}: cannot read: not a regular file"]


def test_a_folder_nested_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    # 300 folders deep, and a recursion limit lowered below that for the walk: a tree deeper than
    # the real limit would break pytest's own clean-up of old temporary folders (shutil.rmtree
    # recurses), for every later run on the machine.
    deep = tmp_path.joinpath(*["d"] * 300)
    deep.mkdir(parents=True)
    (deep / "mine.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 100)
    try:
        found = walk(tmp_path)[0]
    finally:
        sys.setrecursionlimit(limit)
    assert found == [deep / "mine.txt"]


# -- frames and aimed words -------------------------------------------------------------------------


def test_frames_and_intensifiers_are_read_in_their_language() -> None:
    lists = parse("[insult]\nburro: 1 aimed +s\n[frames]\nEres  un _\n_ de mierda\n[intensifiers]\nputo\n",
                  "es/frames.txt", "es/frames", language="es")
    assert [e.scope for e in lists.entries] == ["aimed", "aimed"]
    assert [(f.text, f.language, f.source) for f in lists.frames] == [
        ("eres un _", "es", "es/frames.txt:4"), ("_ de mierda", "es", "es/frames.txt:5")]
    assert [(i.text, i.language) for i in lists.intensifiers] == [("puto", "es")]


def test_followers_are_read_in_their_language_once() -> None:
    lists = parse("[frames]\nyou _\n[followers]\nLOL\nand\n", "en/frames.txt", "en/frames")
    assert [(f.text, f.language, f.source) for f in lists.followers] == [
        ("lol", "en", "en/frames.txt:4"), ("and", "en", "en/frames.txt:5")]
    assert lists.followers_for("en") == ("lol", "and")
    assert lists.followers_for("es") == ()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[frames]\neres un\n", 2, "frame 'eres un' must hold one _ where the word goes, not 0"),
        ("[frames]\n_ y _\n", 2, "frame '_ y _' must hold one _ where the word goes, not 2"),
        ("[frames]\n# a comment\neres un_\n", 3, "frame 'eres un_': _ must stand alone, as a word of its own"),
        ("[frames]\n_\n", 2, "a frame needs a word besides _"),
        ("[frames]\neres un 2 _\n", 2, "frame 'eres un 2 _' may hold only _ and words of letters"),
        ("[intensifiers]\nmuy puto\n", 2, "intensifier 'muy puto' must be one word"),
        ("[intensifiers]\np*to\n", 2, "may hold only letters"),
        ("[followers]\nja ja\n", 2, "follower 'ja ja' must be one word"),
        ("[insult]\nburro: 1 amied\n", 2, "scope of 'burro' must be word or inside or evaded or aimed, not 'amied'"),
    ],
)
def test_bad_frame_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse(text, "lists/es/frames.txt", "es/frames", language="es")
    assert str(err.value).startswith(f"lists/es/frames.txt:{line}: ")
    assert message in str(err.value)


def test_frame_listed_twice_and_aimed_word_without_frames(tmp_path: Path) -> None:
    es, en = tmp_path / "es", tmp_path / "en"
    es.mkdir()
    en.mkdir()
    (es / "a.txt").write_text("[frames]\neres un _\n[intensifiers]\nputo\n[followers]\njaja\n", encoding="utf-8")
    (es / "b.txt").write_text("[insult]\nburro: 1 aimed +s\n[frames]\neres  un _\n[intensifiers]\nputo\n"
                              "[followers]\nJAJA\n", encoding="utf-8")
    (en / "c.txt").write_text("[insult]\n\ndonkey: 1 aimed +s\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_files([es / "a.txt", es / "b.txt", en / "c.txt"], tmp_path)
    assert [e.located() for e in err.value.errors] == [
        f"{es / 'b.txt'}:4: frame 'eres un _' is already listed at {es / 'a.txt'}:2",
        f"{es / 'b.txt'}:6: intensifier 'puto' is already listed at {es / 'a.txt'}:4",
        f"{es / 'b.txt'}:8: follower 'jaja' is already listed at {es / 'a.txt'}:6",
        f"{en / 'c.txt'}:3: 'donkey' is aimed, but no [frames] of its language (en) are loaded with it: list the "
        "frames that aim it in a [frames] section (_ where the word goes), or make it evaded",  # once a line
    ]


def test_frames_of_one_language_aim_no_other(tmp_path: Path) -> None:
    es, pt = tmp_path / "es", tmp_path / "pt"
    es.mkdir()
    pt.mkdir()
    (es / "x.txt").write_text("[insult]\nburro: 1 aimed\n[frames]\neres un _\n", encoding="utf-8")
    (pt / "x.txt").write_text("[insult]\nburro: 1 aimed\n[frames]\nseu _\n", encoding="utf-8")
    lists = load_files([es / "x.txt", pt / "x.txt"], tmp_path)
    assert lists.frames_for("es") == ("eres un _",)
    assert lists.frames_for("pt") == ("seu _",)
    assert lists.intensifiers_for("es") == ()
