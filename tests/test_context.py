"""engine/context.py: what a technical token and a name context are, rule by rule."""

from __future__ import annotations

import pytest

from moderation.engine import context
from moderation.engine.readings import Hit
from moderation.engine.wordlists import Entry


def hit(text: str, written: str, term: str, evasions: tuple[str, ...] = (), scope: str = "word") -> tuple[str, Hit]:
    start = text.index(written)
    return text, Hit(start, start + len(written), Entry(term, "profanity", 2, scope, "test", "test"), evasions)


def span(text: str, written: str) -> tuple[str, int, int]:
    start = text.index(written)
    return text, start, start + len(written)


@pytest.mark.parametrize(("text", "written", "expected"), [
    ("a 900k block", "900k", True), ("the F46 key", "F46", True), ("B008", "B008", True),
    ("8000000b", "8000000b", True), ("v49.3.2", "v49", True), ("gir1.2-glib", "gir1", True),
    ("0xB00B5", "0xB00B5", True), ("the sh3 port", "sh3", True),
    ("sh1t", "sh1t", False), ("5h17", "5h17", False), ("b00b", "b00b", False), ("c0ck", "c0ck", False),
    ("h0e", "h0e", False), ("b1tch3s", "b1tch3s", False),
])
def test_a_number_is_not_leet(text: str, written: str, expected: bool) -> None:
    assert context.is_number(*span(text, written)) is expected


def spanish(text: str, written: str, term: str) -> tuple[str, Hit]:
    start = text.index(written)
    return text, Hit(start, start + len(written), Entry(term, "profanity", 3, "word", "es/profanity", "test",
                                                        language="es"), ("leet",))


@pytest.mark.parametrize(("text", "written", "term", "expected"), [
    ("eres una put4", "put4", "puta", True), ("put0 coche", "put0", "puto", True),
    ("vete a la mierd4.", "mierd4", "mierda", True),
    ("la put4.2", "put4", "puta", False),  # a dotted version stays a number
    ("ab3", "ab3", "abe", False),  # e is no gender's vowel
])
def test_a_digit_for_the_gender_vowel_is_leet_where_a_language_inflects_so(text: str, written: str, term: str,
                                                                             expected: bool) -> None:
    assert context.is_gender_leet(*spanish(text, written, term)) is expected
    # English inflects no gender: a word numbered by one last digit stays a name there (sh3, ext4)
    assert not context.is_gender_leet(*hit(text, written, term, ("leet",)))


@pytest.mark.parametrize(("text", "written", "expected"), [
    ("for (; j--; )", "j--", True), ("while (f--)", "f--", True), ("$p1->parse", "$p1-", True),
    ("ja* files", "ja*", False), ("a dumb as*", "as*", False), ("gnu.org* ", "org*", True),
    ("kiss my a--", "a--", False), ("F-----g crooks", "F-----g", False),
    ("sh1# prompt", "sh1#", True), ('"FC_"', "FC_", True),
    ("CO_* flags", "CO_*", True), ("|------|", "|------", True), ("H----I", "H----I", True), ("$3$", "$3$", True),
    ("s/a*$/X/", "a*$", True),
    ("f***", "f***", False), ("sh**", "sh**", False), ("sh*t", "sh*t", False), ("f--k", "f--k", False),
    ("f---ing", "f---ing", False), ("b----", "b----", False), ("F*** off", "F***", False),
    ("cr*pple", "cr*pple", False),
    ("z*w = (a*c - b*d) + (a*d + b*c)*i", "b*c", True), ("((b*c - a*d)/(c*c + d*d))", "b*c", True),
    ("x = a*s + 1", "a*s", True), ("ty b*c!", "b*c", False), ("(a*s)", "a*s", False), ("kiss my a*s", "a*s", False),
    ("you f*g - go away", "f*g", False),
    ("b*c = 5", "b*c", True), ("x\n  a*b + c", "a*b", True), ("a*d^2", "a*d", True), ("b*c < a*d", "b*c", True),
    ("f*g - go away", "f*g", False), ("F*g\nyou", "F*g", False), ("f*g/slut", "f*g", False),
    ("ty b*c = 5", "b*c", False), ("f*g = you", "f*g", False), ("F*g + idiot", "F*g", False),
    ("b*c - a*d = 1", "b*c", True), ("b*c - 5", "b*c", True), ("  a*s - (x + 1)", "a*s", True),
    ("B*c - a tak", "B*c", False), ("b*c - a", "b*c", False), ("F*g -- you", "F*g", False),
])
def test_code_marks_are_not_masks(text: str, written: str, expected: bool) -> None:
    assert context.is_code_mask(*span(text, written)) is expected


@pytest.mark.parametrize(("word", "expected"), [
    ("https://example.com/x", True), ("www.example.com", True), ("dick@example.org", True), ("src/slutty.c", True),
    ("/usr/share/doc", True), ("man/po4a/ja*", True), ("s/a*$/X/3", True), ("*.ass", True), ("~/x", True),
    ("and/or", False), ("f**k/sh*t", False), ("e.g.", False), ("@ss", False),
])
def test_links_and_paths(word: str, expected: bool) -> None:
    assert context.is_link_or_path(word) is expected


@pytest.mark.parametrize(("text", "written", "term", "evasions", "expected"), [
    ("buf_ck", "buf_ck", "fuck", ("masked", "compound"), True),
    ("nth_of_c_impl", "nth_of_c_impl", "fuck", ("masked", "compound"), True),
    ("gcc-N-base", "gcc-N-base", "cunt", ("masked", "compound", "case"), True),
    ("ass_hole", "ass_hole", "asshole", ("separator",), False),
    ("s_h_i_t", "s_h_i_t", "shit", ("separator",), False),
    ("clusterf**k", "clusterf**k", "fuck", ("masked", "compound"), False),
])
def test_readings_across_an_identifier(text: str, written: str, term: str, evasions: tuple[str, ...],
                                       expected: bool) -> None:
    _, h = hit(text, written, term, evasions)
    assert context.is_part_of_identifier(written, written, h) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("gcUntil", True), ("fUcK", False), ("myFuckingVar", False), ("FUCK", False), ("clusterfuck", False),
])
def test_camel_case_read_across_its_words(text: str, expected: bool) -> None:
    term = "cunt" if "ntil" in text else "fuck"
    assert context.camel_crossing(*hit(text, text, term, scope="inside")) is expected


@pytest.mark.parametrize(("text", "written", "expected"), [
    ("signature of Ty Coon, 1 April", "Coon", True), ("Ty Coon, President", "Coon", True),
    ("by Dick Buttlar & Jacqueline", "Dick", True), ("Dick Streefland   <x@y.org>", "Dick", True),
    ("by David Dick, merged", "Dick", True), ("from Steven S. Dick did", "Dick", True),
    ("Mr. Dick said", "Dick", True), ("found by Roel de Cock", "Cock", True), ("the de Cock", "Cock", False),
    ("Dr Coon", "Coon", True), ("Jonas Bonér wrote", "Bonér", True),
    ("Dammit Jim, I'm a doctor", "Dammit", False), ('see "Idiot Lights"', "Idiot", False),
    ("for Sheer Idiot's Monopurpose Language", "Idiot", False), ("-- Dave Cock", "Cock", True),
    ("Useful Idiots", "Idiots", False), ("Holy Crap", "Crap", False), ("His Royal Anus", "Anus", False),
    ("Mr. Asshole", "Asshole", False), ("You Dick", "Dick", False),
    ("Dick Head", "Dick", False), ("ty coon", "coon", False),
    ("Local Man Called Coon By Neighbours", "Coon", False), ("what a Dick", "Dick", False),
    ("DICK MOVE", "DICK", False), ("Stupid Coon", "Coon", False),
])
def test_a_name_context(text: str, written: str, expected: bool) -> None:
    assert context.is_name(*span(text, written)) is expected


@pytest.mark.parametrize(("text", "written", "term", "evasions", "scope", "expected"), [
    ("GPG_ERR_ASS_GENERAL", "ASS", "ass", (), "word", True),
    ("see src/slutty.c", "slutty", "slutty", (), "word", True),
    ("https://example.com/fuck", "fuck", "fuck", (), "inside", False),  # written as the word: stays
    ("fuck_this", "fuck", "fuck", (), "inside", False),
    ("a 900k block", "900k", "gook", ("leet",), "word", True),
    ("foreach (@$s)", "@$s", "ass", ("leet",), "word", True),
    ("what an @ss", "@ss", "ass", ("leet",), "word", False),
    ("you @$$hole", "@$$hole", "asshole", ("leet",), "word", False),
    ("kiss my ass", "ass", "ass", (), "word", False),
    ("src/lib/srcuntabifier.h", "srcuntabifier", "cunt", ("compound",), "inside", True),
    ("see src/fuck.c", "fuck", "fuck", (), "inside", False),
    ("as anal\u2010\n    ogous to", "anal", "anal", (), "word", True),
    ("anal\nogous", "anal", "anal", (), "word", False),
])
def test_misread(text: str, written: str, term: str, evasions: tuple[str, ...], scope: str, expected: bool) -> None:
    assert context.misread(*hit(text, written, term, evasions, scope)) is expected
