"""moderation.compat behaves as better-profanity's API, with our engine's reach."""

from __future__ import annotations

from pathlib import Path

import pytest
from better_profanity import Profanity as Original

from moderation.compat import Profanity, profanity


@pytest.mark.parametrize("text", ["you are a shit", "what the fuck", "a clean sentence", "Fuck, SHIT!"])
def test_same_output_as_better_profanity_on_plain_words(text: str) -> None:
    assert Profanity().censor(text) == Original().censor(text)


def test_catches_what_better_profanity_misses() -> None:
    assert profanity.censor("the f**king thing") == "the **** thing"
    assert profanity.censor("f.u.c.k off", censor_char="#") == "#### off"
    assert profanity.contains_profanity("sh1t")
    assert not profanity.contains_profanity("Scunthorpe cocktail")


def test_custom_whitelist_and_added_words(tmp_path: Path) -> None:
    p = Profanity()
    p.load_censor_words(["frak", "smeg"], whitelist_words=["frakes"])
    assert p.censor("frak this, Frakes") == "**** this, Frakes"
    assert not p.contains_profanity("fuck")  # custom words replace the lists, as upstream
    p.add_censor_words(["gorram"])
    assert p.censor("gorram sm3g") == "**** ****"
    wordfile = tmp_path / "words.txt"
    wordfile.write_text("belgium\n\n", encoding="utf-8")
    q = Profanity(str(wordfile))
    assert q.censor("oh belgium") == "oh ****"


def test_aimed_words_count_framed_after_a_whitelist_or_added_words() -> None:
    p = Profanity()
    p.load_censor_words(whitelist_words=["frakes"])
    assert p.censor("shut it, you clown") == "shut it, you ****"
    p.add_censor_words(["gorram"])
    assert p.censor("gorram, what a creep") == "****, what a ****"
    assert not p.contains_profanity("a circus clown")


def test_bad_words_are_named_not_dropped() -> None:
    with pytest.raises(ValueError, match="'f\\*ck' in custom_words"):
        Profanity(["f*ck"])
    with pytest.raises(TypeError, match="only accepts list, tuple or set"):
        Profanity().add_censor_words("frak")  # type: ignore[arg-type]
