"""dots.positions looks at each dot before it searches with DOTS: it must find all that DOTS finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.engine import dots

# Letters, digits that are no decimal (², Ⅻ: letters to DOTS), dots, and what stands beside them.
AROUND_DOTS = st.text(alphabet="ab.. _1²Ⅻйж\n,!?'\"()-/é\u0301", max_size=30)


@given(AROUND_DOTS)
@settings(max_examples=3000)
def test_positions_are_where_the_pattern_finds_dots(text: str) -> None:
    assert dots.positions(text) == [found.start() - 1 for found in dots.DOTS.finditer(text)]


def test_a_sentence_end_is_no_dotted_word_and_a_dotted_word_is() -> None:
    assert dots.positions("The end. Then more. And more.") == []
    assert dots.positions("The end. what a f..k up") == [16]
    assert dots.positions("so sh.t.") == [4]
    assert dots.positions("ok... ") == []
