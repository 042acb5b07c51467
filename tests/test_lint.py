"""`moderation lint`: every mistake of every file, each with its file:line, and exit 1 if any."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from moderation.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "moderation.toml.example"


def lint(*paths: Path) -> Result:
    return CliRunner().invoke(main, ["lint", *map(str, paths)])


def written(tmp_path: Path, name: str, text: str) -> Path:
    """tmp_path/name (es/frames.txt: a list of the language of its folder) holding `text`."""
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_mistake_of_a_list_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("[profanity]\nfrak: 5 word\nsm3g: 2 word\n[swears]\ngit: 1 wrod\n", encoding="utf-8")
    r = lint(bad)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{bad}:2: severity of 'frak' must be 1, 2 or 3, not '5'",
        f"{bad}:3: term 'sm3g' may hold only letters, with single spaces, hyphens or apostrophes between words",
        f"{bad}:4: unknown section [swears]; use one of profanity, sexual, slur, insult, sexual_abuse, anatomy, "
        "allow, frames, intensifiers or followers",
        f"{bad}:5: scope of 'git' must be word or inside or evaded or aimed, not 'wrod'",
        "checked 0 config(s) and 1 list(s): 4 mistake(s)",
    ]


def test_every_mistake_of_a_config_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "moderation.toml"
    config.write_text('[policies.default]\nmin_severity = 7\nmask = "blur"\ncolour = "red"\n', encoding="utf-8")
    r = lint(config)
    assert r.exit_code == 1
    assert [line.split(";")[0] for line in r.stderr.splitlines()] == [
        f"{config}:2: min_severity must be between 1 and 3, not 7",
        f"{config}:3: mask rule 'blur' is not one of full, first, first_last, grawlix, replace",
        f"{config}:4: unknown key 'colour' in [policies.default]",
        "checked 1 config(s) and 0 list(s): 3 mistake(s)",
    ]


def test_a_file_is_told_by_its_content_not_its_name(tmp_path: Path) -> None:
    assert lint(EXAMPLE).exit_code == 0  # moderation.toml.example is a config
    config = tmp_path / "settings.txt"
    shutil.copy(EXAMPLE, config)
    r = lint(config)
    assert (r.exit_code, r.stderr) == (0, "checked 1 config(s) and 0 list(s): 0 mistake(s)\n")
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace('mask = "full"', 'mask = "blur"'),
                      encoding="utf-8")
    assert "mask rule 'blur'" in lint(config).stderr
    mislabeled = tmp_path / "mine.toml"
    mislabeled.write_text("# my words\n[profanity]\nfrak: 2 word\n[allow]\nfrakes\n", encoding="utf-8")
    r = lint(mislabeled)
    assert (r.exit_code, r.stderr) == (0, "checked 0 config(s) and 1 list(s): 0 mistake(s)\n")


def test_a_config_is_checked_with_the_lists_it_names(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("[profanity]\nfrak: 9 word\n", encoding="utf-8")
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\npaths = ["mine.txt"]\n', encoding="utf-8")
    r = lint(config, tmp_path / "mine.txt")  # the list's mistake, named by both, is reported once
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:-1] == [f"{tmp_path / 'mine.txt'}:2: severity of 'frak' must be 1, 2 or 3, not '9'"]


def test_a_folder_is_read_as_a_config_reads_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("[insult]\nfrak: 1 word\nsmeg 2 word\n", encoding="utf-8")
    (tmp_path / ".old").mkdir()  # hidden, as a ConfigMap's ..data: not read
    (tmp_path / ".old" / "a.txt").write_text("[profanity]\nfrak: 2 word\n", encoding="utf-8")
    r = lint(tmp_path)
    b = tmp_path / "sub" / "b.txt"
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{b}:3: expected 'term: severity scope [+suffix ...]', got 'smeg 2 word'",
        f"{b}:2: 'frak' is already defined at {tmp_path / 'a.txt'}:2",
        "checked 0 config(s) and 2 list(s): 2 mistake(s)",
    ]


def test_the_bundled_lists_are_clean() -> None:
    r = lint()
    assert r.exit_code == 0 and r.stderr.endswith(": 0 mistake(s)\n")


def test_a_fifo_is_named_not_waited_on_and_link_loops_are_walked_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "mine.txt")
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")  # two loops: following them blindly never ends
    os.symlink("../sub", tmp_path / "sub" / "again")
    (tmp_path / "sub" / "moderation.toml").write_text("[policies.default]\nmask = \"blur\"\n", encoding="utf-8")
    r = lint(tmp_path / "mine.txt", tmp_path)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{tmp_path / 'mine.txt'}: cannot read: not a regular file",
        f"{tmp_path / 'sub' / 'moderation.toml'}:2: mask rule 'blur' is not one of full, first, first_last, grawlix, "
        "replace",
        "checked 1 config(s) and 1 list(s): 2 mistake(s)",
    ]


def test_mistakes_of_frames_are_reported(tmp_path: Path) -> None:
    bad = written(tmp_path, "es/frames.txt",
                  "[frames]\nvaya un\nvaya un _\n[intensifiers]\nmuy puto\n[insult]\nburro: 1 aimed\n")
    twice = written(tmp_path, "es/more.txt", "[frames]\nvaya un _\n")
    r = lint(bad.parent)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{bad}:2: frame 'vaya un' must hold one _ where the word goes, not 0",
        f"{bad}:5: intensifier 'muy puto' must be one word (at most one stands between frame and word)",
        f"{twice}:2: frame 'vaya un _' is already listed at {bad}:3",
        "checked 0 config(s) and 2 list(s): 3 mistake(s)",
    ]


def test_lists_are_linted_with_the_bundled_frames_as_they_load(tmp_path: Path) -> None:
    """An aimed word of your own needs no frames where its language has bundled ones (English
    does); where it has none (German), lint says so; a frame the bundled lists hold already is
    listed twice, as loading the lists with a config would say."""
    mine = tmp_path / "mine.txt"
    mine.write_text("[insult]\nclown: 1 aimed +s\n", encoding="utf-8")
    assert lint(mine).exit_code == 0
    german = written(tmp_path, "de/beleidigungen.txt", "[insult]\naffe: 1 aimed +n\n")
    r = lint(german)
    assert r.exit_code == 1
    assert "'affe' is aimed, but no [frames] of its language (de) are loaded with it" in r.stderr
    copied = written(tmp_path, "es/frames.txt", "[frames]\neres un _\n")
    r = lint(copied)
    assert r.exit_code == 1
    assert f"frame 'eres un _' is already listed at {copied}:2" in r.stderr


def test_a_frames_file_alone_is_a_list(tmp_path: Path) -> None:
    good = written(tmp_path, "pt/frames.txt", "[frames]\nnosso _\n_ do cacete\n[intensifiers]\nbruto\n")
    r = lint(good)
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines() == ["checked 0 config(s) and 1 list(s): 0 mistake(s)"]


def test_a_vowel_appended_to_a_vowel_is_reported_where_endings_replace_it(tmp_path: Path) -> None:
    """Italian, Spanish, Portuguese, Polish and Russian endings take the place of the last vowel: a
    form appends, so stronzo +i would make stronzoi, which no one writes. French and English append."""
    italian = written(tmp_path, "it/insults.txt", "[insult]\nstronzo: 2 word +i +issimo\nputtana: 2 word +ccia\n")
    french = written(tmp_path, "fr/insults.txt", "[insult]\nabruti: 1 word +e +s +es\n")
    r = lint(italian)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0].startswith(f"{italian}:2: form '+i' of 'stronzo' makes 'stronzoi'")
    assert "mistake(s)" in r.stderr.splitlines()[-1] and len(r.stderr.splitlines()) == 2
    assert lint(french).exit_code == 0, lint(french).stderr


def test_a_comma_stands_in_a_frame_right_before_its_word_only(tmp_path: Path) -> None:
    frames = written(tmp_path, "es/frames.txt", "[frames]\nlárgate, _\nvaya, un _\n")
    r = lint(frames)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0].startswith(f"{frames}:3: frame 'vaya, un _' may hold only _ and words")
    assert len(r.stderr.splitlines()) == 2  # the first frame is right


def test_a_policy_checking_a_language_not_loaded_is_named_at_its_line(tmp_path: Path) -> None:
    """Found when the lists are built, not while the config is read: still `file:line: why`."""
    config = written(tmp_path, "moderation.toml", '[wordlists]\nlanguages = ["en"]\n\n[policies.titles]\n'
                     'min_severity = 2\n\n[policies.default]\nlanguages = ["en", "es"]\n')
    r = lint(config)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"{config}:8: policy 'default' checks es, whose lists are not loaded: "
                                        "add es to [wordlists] languages (loaded: en)")
