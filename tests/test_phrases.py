"""A masked or leet word of a listed phrase, read with the phrase's other words around it."""

from __future__ import annotations

import pytest

from moderation import Moderator


@pytest.mark.parametrize(("text", "span"), [
    ("he is a porch m*nkey", "porch m*nkey"),
    ("jungle b*nny!", "jungle b*nny"),
    ("camel  j0ckey go home", "camel  j0ckey"),
])
def test_the_match_spans_the_phrase(moderator: Moderator, text: str, span: str) -> None:
    (match,) = moderator.check(text).matches
    assert (match.start, match.end) == (text.index(span), text.index(span) + len(span))
    assert match.text == span and " " in match.term


@pytest.mark.parametrize("text", [
    " b*nny in the jungle",  # the word before is looked for before the token only, never wrapped to the end
    "b*nny jungle",  # the phrase's words in their order only
    "the m*nkey bars",
    "a torch m*nkey",  # a longer word ends with the phrase's word
    "porch m*nkeyish",  # the token is read whole
    "porch   m*nkey",  # more than two blanks apart
])
def test_a_masked_word_without_its_phrase_is_not_read(moderator: Moderator, text: str) -> None:
    assert moderator.check(text).matches == ()
