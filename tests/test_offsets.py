"""Properties of spans, folding and masking that must hold for any text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import Moderator
from moderation.engine.normalize import fold

BAD = ["fuck", "f**k", "sh1t", "a$$hole", "f.u.c.k", "fu\u200bck", "füсk", "ｆｕｃｋ", "cunt", "shiiit",
       "motherf***er", "ass", "@ss", "s_h_i_t"]
PIECES = st.one_of(
    st.sampled_from(BAD),
    st.sampled_from([" ", ".", "\n", "😀", "𝐟", "\u0301", "\u00ad", "Scunthorpe", "class", "*", "--", "'"]),
    st.text(max_size=6),
)
TEXTS = st.lists(PIECES, max_size=12).map("".join)
MOD = Moderator.from_config()


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_spans_point_at_what_was_written(text: str) -> None:
    result = MOD.check(text)
    previous_end = 0
    for m in result.matches:
        assert 0 <= previous_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        previous_end = m.end


@pytest.fixture(scope="module")
def two_scripts(tmp_path_factory: pytest.TempPathFactory) -> Moderator:
    config = tmp_path_factory.mktemp("scripts") / "moderation.toml"
    config.write_text('[wordlists]\nlanguages = ["en", "ru"]\n[policies.default]\nlanguages = ["en", "ru"]\n',
                      encoding="utf-8")
    return Moderator.from_config(config)


MARKED = st.lists(st.sampled_from(["fuck", "sh1t", "f**k", "сука", "пизда", "ху\u0438", " ", ".", "\u0301", "\u0306",
                                   "\u0308", "\u20dd", "\u200b"]), max_size=10).map("".join)


@given(MARKED)
@settings(max_examples=300, deadline=None)
def test_a_span_takes_in_the_combining_marks_after_its_last_letter(two_scripts: Moderator, text: str) -> None:
    # a mark is of the letter before it (пизда́, й as и + U+0306): a mask leaves none to sit on the next
    for m in two_scripts.check(text).matches:
        assert text[m.start : m.end] == m.text
        assert unicodedata.category(text[m.end : m.end + 1] or " ") not in ("Mn", "Me")


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_cleaned_differs_only_inside_spans(text: str) -> None:
    result = MOD.check(text)
    assert len(result.cleaned) == len(text)  # the default rule keeps lengths
    inside = {i for m in result.matches for i in range(m.start, m.end)}
    for i, (a, b) in enumerate(zip(text, result.cleaned, strict=True)):
        if i not in inside:
            assert a == b


@given(st.text())
def test_skeleton_has_one_byte_per_code_point_and_is_stable(text: str) -> None:
    skeleton = fold(text)
    assert len(skeleton) == len(text)
    assert fold(skeleton.decode("ascii")) == skeleton


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_clean_text_comes_back_unchanged(text: str) -> None:
    result = MOD.check(text)
    if not result.flagged:
        assert result.cleaned == text
        assert result.action == "allow"


def test_long_runs_of_evasions_are_all_found() -> None:
    # Each region is read once: long inputs of evasions stay linear and lose nothing.
    for unit, count in (("f u c k ", 3000), ("f**k ", 5000), ("fu ck ", 5000), ("f-u-c-k ", 3000)):
        result = MOD.check(unit * count)
        assert len(result.matches) == count, unit
        assert {m.term for m in result.matches} == {"fuck"}


@given(st.lists(TEXTS, max_size=8))
@settings(max_examples=200, deadline=None)
def test_check_many_is_check_of_each(texts: list[str]) -> None:
    assert [r.to_dict() for r in MOD.check_many(texts)] == [MOD.check(t).to_dict() for t in texts]


@given(st.lists(st.none() | TEXTS, max_size=8))
@settings(max_examples=100, deadline=None)
def test_check_many_gives_none_for_no_text(texts: list[str | None]) -> None:
    """None is no text (a null cell): its result is None, and the others are as if it were not there."""
    results = MOD.check_many(texts)
    assert [r is None for r in results] == [t is None for t in texts]
    assert [r.to_dict() for r in results if r is not None] == [MOD.check(t).to_dict() for t in texts if t is not None]


@given(st.lists(TEXTS, max_size=8))
@settings(max_examples=100, deadline=None)
def test_flagged_among_is_check_of_the_flagged(texts: list[str]) -> None:
    expected = {i: r.to_dict() for i, t in enumerate(texts) if (r := MOD.check(t)).flagged}
    assert {i: r.to_dict() for i, r in MOD.flagged_among(texts).items()} == expected
