"""Aimed words and the frames that aim them: the window a frame is looked for in is bounded and
stays within the word's sentence, an intensifier may stand between, a policy's own aimed terms
use its language's frames, and the match spans the word."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation import Moderator
from moderation.engine.languages import LANGUAGES
from moderation.engine.matcher import FRAME_BREAKS, FRAME_SLACK, LINE_BLANKS, Frames
from moderation.engine.normalize import fold

SPANISH = LANGUAGES["es"]


def aims(frames: Frames, text: str, word: str) -> bool:
    start = text.index(word)
    words = (b" " + fold(text) + b" ").translate(bytes.maketrans(b"'*_-!", b"     "))
    return frames.aims(text, words, start, start + len(word))


@pytest.fixture(scope="module")
def frames() -> Frames:
    return Frames(["eres un _", "un _ como tú", "_ de mierda"], ["puto"], SPANISH)


def test_a_frame_before_after_or_around(frames: Frames) -> None:
    assert aims(frames, "eres un burro", "burro")
    assert aims(frames, "¡ERES UN BURRO!", "BURRO")
    assert aims(frames, "burro de mierda", "burro")
    assert aims(frames, "un burro como tu", "burro")  # folded: tú and tu are one
    assert not aims(frames, "un burro como", "burro")  # half a frame
    assert not aims(frames, "el burro come", "burro")


def test_one_intensifier_and_no_more(frames: Frames) -> None:
    assert aims(frames, "eres un puto burro", "burro")
    assert not aims(frames, "eres un puto puto burro", "burro")
    assert not aims(frames, "burro puto de mierda", "burro")  # only before the word


def test_the_window_is_bounded_and_stays_in_its_sentence(frames: Frames) -> None:
    assert aims(frames, "eres un" + " " * FRAME_SLACK + "burro", "burro")  # a few stray blanks
    assert not aims(frames, "eres un" + " " * (frames.reach_before + 1) + "burro", "burro")
    assert not aims(frames, "burro" + " " * (frames.reach_after + 1) + "de mierda", "burro")
    for cut in ".,;:!?¡¿…()[]\n":
        assert not aims(frames, f"eres un{cut} burro", "burro"), cut
        assert not aims(frames, f"burro{cut} de mierda", "burro"), cut


def test_a_word_cut_by_the_window_is_no_frame_word() -> None:
    frames = Frames(["so _"], [], SPANISH)
    reach = frames.reach_before
    assert aims(frames, "x" * 50 + " so burro", "burro")
    # the window starts inside a long word ending in "so": that word is not the frame's
    text = "x" * 50 + "so" + " " * (reach - 3) + "burro"
    assert not aims(frames, text, "burro")


def test_a_policy_of_its_own_aims_with_its_languages_frames(tmp_path: Path) -> None:
    config = tmp_path / "moderation.toml"
    config.write_text('[wordlists]\nlanguages = ["es"]\n[policies.default]\nlanguages = ["es"]\n'
                      '[[policies.default.block]]\nterm = "besugazo"\nscope = "aimed"\n', encoding="utf-8")
    moderator = Moderator.from_config(config)
    assert [m.text for m in moderator.check("eres un besugazo").matches] == ["besugazo"]
    assert moderator.check("un besugazo a la plancha").matches == ()
    assert [m.text for m in moderator.check("eres un capullo").matches] == ["capullo"]
    assert [m.text for m in moderator.check("el b3sugazo").matches] == ["b3sugazo"]


# -- followers: a word aimed from before it must end its phrase ----------------------------------

ENGLISH = LANGUAGES["en"]


@pytest.fixture(scope="module")
def english() -> Frames:
    return Frames(["you're a _", "you _", "a _ like you"], ["total"], ENGLISH, ["and", "who", "lol"])


def test_a_word_aimed_from_before_must_end_its_phrase(english: Frames) -> None:
    for text in ("you're a pig", "you're a pig.", "you're a pig!!", "you're a pig, honestly", "you pig\nthen",
                 "you're a total pig", "you're a pig and a liar", "you're a pig who lies", "you're a pig lol",
                 "you're a pig 🐷 go away", "you're a pig 100%"):
        assert aims(english, text, "pig"), text
    # the first half of a compound, or a verb: the next word goes on with it
    for text in ("you're a pig farmer", "you pig out", "you're a total pig farmer", "you're a pigsty",
                 "you're a pig's ear"):
        assert not aims(english, text, "pig"), text


def test_a_hyphen_glued_to_the_word_makes_a_compound_a_closing_quote_ends_it(english: Frames) -> None:
    assert not aims(english, "you're a pig-farmer", "pig")
    assert not aims(english, "you're a pig-and-whistle", "pig")  # a follower after the hyphen joins nothing
    assert aims(english, "the 'fix it you clown' line", "clown")
    assert aims(english, 'he said "you\'re a pig" and left', "pig")


def test_a_frame_with_words_after_says_itself_where_the_phrase_goes(english: Frames) -> None:
    assert aims(english, "a pig like you should know", "pig")  # no follower asked after the frame's words


def test_without_followers_a_language_asks_no_end() -> None:
    frames = Frames(["eres un _"], [], SPANISH)
    assert aims(frames, "eres un cerdo asqueroso", "cerdo")  # Spanish puts its adjectives after the noun


def test_the_window_after_the_word_holds_a_follower_and_no_more(english: Frames) -> None:
    assert english.reach_after >= len("lol") + 1 + FRAME_SLACK
    # a long word the window cuts is a word all the same, though its start spells a follower
    assert not aims(english, "you pig " + "and" + "x" * (english.reach_after + 5), "pig")
    assert not aims(english, "you pig " + "x" * (english.reach_after * 3), "pig")
    # blanks beyond the window: nothing read, nothing goes on
    assert aims(english, "you pig" + " " * (english.reach_after + 1) + "farmer", "pig")


def test_english_aimed_words_count_framed_only_disguised_or_not() -> None:
    moderator = Moderator.from_config()
    found = {text: [m.text for m in moderator.check(text).matches]
             for text in ("you're a cl0wn", "cl0wn", "pigz", "you're a clown", "a clown", "what a clown show")}
    assert found == {"you're a cl0wn": ["cl0wn"], "cl0wn": [], "pigz": [], "you're a clown": ["clown"],
                     "a clown": [], "what a clown show": []}


def test_a_masked_token_is_read_as_an_aimed_word_last() -> None:
    moderator = Moderator.from_config()
    # c**t fits clot, an aimed word; people mask the swear word
    assert [m.term for m in moderator.check("you c**t").matches] == ["cunt"]


def test_a_frame_written_with_a_comma_reads_across_one() -> None:
    """`cállate, _` is said to someone, whose name a comma sets apart (or no comma: people drop
    them); a comma ends every other frame's window."""
    frames = Frames(["cállate, _", "eres un _"], [], SPANISH)
    assert aims(frames, "cállate, burro", "burro")
    assert aims(frames, "¡Cállate,  burro!", "burro")  # blanks after the comma
    assert not aims(frames, "eres un, burro", "burro")  # a comma ends a frame written without
    assert not aims(frames, "cállate, dijo el burro", "burro")  # the comma is not right before the word
    assert aims(frames, "cállate burro", "burro")
    # a frame of ASCII letters is its own skeleton: its comma must go all the same
    plain = Frames(["calla, _"], [], SPANISH)
    assert aims(plain, "calla, burro", "burro")
    assert aims(plain, "calla burro", "burro")
    assert not aims(plain, "calla, dijo el burro", "burro")
    assert Frames(["eres un _"], [], SPANISH).addressing == set()


def test_the_blanks_a_phrase_ends_across_are_str_isspace_s_but_line_breaks() -> None:
    """What comes after an aimed word is read past the blanks of its line (lstrip(LINE_BLANKS)):
    every character str.isspace calls blank, but the breaks that end a frame's window."""
    blanks = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(LINE_BLANKS) == blanks - set(FRAME_BREAKS)
    frames = Frames(["you're a _"], [], LANGUAGES["en"], ["lol"])
    for blank in sorted(blanks):
        phrase = f"you're a pig{blank * 3}"
        if blank in FRAME_BREAKS:  # the phrase ends at the break
            assert aims(frames, phrase + "farmer", "pig")
        else:
            assert not aims(frames, phrase + "farmer", "pig"), repr(blank)
            assert aims(frames, phrase + "lol", "pig"), repr(blank)
