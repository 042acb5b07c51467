"""Dots inside a word, as the letters they hide: С..ка, б.лять, х.й, на.уй, f..k, sh.t, f...ing.

The skeleton reads a dot as a space (normalize): most dots end a sentence or join the parts of a
name. So the runs of one to three dots between two letters are found here, in the text itself
(where a dotted reading may start), and a dotted word is told from the shapes honest text gives
one: abbreviations and initials (т.е., ж.д., i.e., U.S., J.R.R.), dotted names of files, hosts and
modules (a.sh, mail.ru, os.path), sentences run together (word.Next).

A dotted word is letters and runs of dots only, between spaces or prose punctuation: a dot beside
a slash, a digit, an underscore or a bracket is a path, a version or code. Inside Cyrillic words
dots hardly occur but in abbreviations of one or two letters; Latin text holds dotted names
everywhere, so it is read more strictly (see `honest`, and readings.Readings.read_dotted).
"""

from __future__ import annotations

import re
from typing import Final

from moderation.engine.normalize import CYRILLIC, is_odd_case

LETTER: Final = r"[^\W\d_]"
# A run of one to three dots after a letter and before the rest of a word of at most two such
# runs, which ends at a space or prose punctuation. Not inside a chain of single letters (f.u.c.k,
# J.R.R.: the chain reading's). The dot comes first, so that the search skips to each dot in C,
# then what rules out a sentence's end soonest: no letter or dot after it.
DOTS: Final = re.compile(
    rf"\.(?=[.\w])(?<={LETTER}\.)(?<!\.{LETTER}\.)\.{{0,2}}"
    rf"(?!{LETTER}\.{LETTER})(?={LETTER}+(?:\.{{1,3}}{LETTER}+)?(?:[\s,;:!?)\]}}\"'»”’…]|\.(?!\w)|\Z))")
DOT_RUNS: Final = re.compile(r"(\.+)")
WORD_END: Final = re.compile(rf"{LETTER}+(?:\.{{1,3}}{LETTER}+)*")
WORD_START: Final = re.compile(rf"{LETTER}*(?:\.+{LETTER}+)*")  # read backwards from a word's letter: where it starts
BEFORE: Final = frozenset(" \t\n\r([{\"'«„“‘")  # beside which a dotted word is a word of prose, not a name's part
AFTER: Final = frozenset(" \t\n\r.,;:!?)]}\"'»”’…")
# Prose punctuation a Cyrillic dotted word may be glued to, its space left out (ну,с..ка; Ужас!Пи...да):
# Cyrillic only, where code and dotted names hardly occur (if(!sh.t) and x,os.path stay unread).
GLUED_BEFORE: Final = frozenset(",;:!?…")
MAX_RUNS: Final = 2  # dot runs in a word: a.b.c.d and www.x.co.uk are names
# Letters no Russian word starts with: after a dot, a word's hidden letter, not an abbreviation's
# next word (х.й is хуй; ж.д. is железная дорога).
NO_INITIAL: Final = frozenset("йьъы")
# Latin letters and Cyrillic ones as the Cyrillic view's skeleton writes them.
CYRILLIC_SKELETON: Final = frozenset(CYRILLIC)


def positions(text: str) -> list[int]:
    """The offset of the letter before each run of dots that may hide letters of a word."""
    found = []
    at = text.find(".")
    while at >= 0:
        # Most dots end a sentence: a blank follows. DOTS is tried only at a run of up to three
        # dots between two letters (searched for from the first such dot on, it cost a tenth of
        # the check of a long text), and not inside a chain of single letters (f.u.c.k), which it
        # refuses: there it would be tried at each dot.
        after = text[at + 1 : at + 2]
        if (at and (_letter(after) or (after == "." and _letter(text[at + 2 : at + 4].lstrip(".")[:1])))
                and _letter(text[at - 1]) and not _in_chain(text, at) and DOTS.match(text, at)):
            found.append(at - 1)
        at = text.find(".", at + 1)
    return found


def _letter(char: str) -> bool:
    """Whether `char` is a LETTER: a word character but a digit or an underscore."""
    return char.isalnum() and not char.isdecimal()


def _in_chain(text: str, at: int) -> bool:
    """Whether the dot at `at` is one of a chain of single letters: a letter and a dot before it,
    or a letter, a dot and a letter after it (letters as DOTS's lookarounds read them, or fewer)."""
    return ((at >= 2 and text[at - 2] == "." and text[at - 1].isalpha())
            or (text[at + 2 : at + 3] == "." and text[at + 1].isalpha() and text[at + 3 : at + 4].isalpha()))


def word_around(text: str, pos: int, reach: int) -> tuple[int, int] | None:
    """The dotted word around the letter at pos (letters and runs of one to three dots), or None
    where it is part of something else: a path, a number, code, an ellipsis of four dots."""
    low = max(0, pos - reach)
    start = pos + 1 - WORD_START.match(text[low : pos + 1][::-1]).end()  # type: ignore[union-attr]
    found = WORD_END.match(text, start, min(len(text), pos + reach))
    if found is None or found.end() <= pos + 1:
        return None
    end = found.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if (before and before not in BEFORE and not (before in GLUED_BEFORE and _cyrillic(text[start]))) or (
            after and after not in AFTER):
        return None
    return None if after == "." and _dot_before_letter(text, end) else (start, end)


def _cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _dot_before_letter(text: str, end: int) -> bool:
    """Whether the dots at text[end:] lead on to a letter: four dots or more inside a word."""
    stop = end
    while stop < len(text) and text[stop] == ".":
        stop += 1
    return stop < len(text) and text[stop].isalpha()


def pieces(word: str) -> tuple[list[str], list[int]]:
    """'с..ка' -> (['с', 'ка'], [2]): the runs of letters, and the length of each run of dots."""
    parts = DOT_RUNS.split(word)
    return parts[::2], [len(dots) for dots in parts[1::2]]


def script_of(skeleton: str) -> str | None:
    """'cyrillic' or 'latin', as the letters of a dotted word's skeleton are; None for a mix or
    for letters of neither (a word of another script in the Latin view)."""
    letters = skeleton.replace(" ", "")
    if letters.isascii():
        return "latin" if letters.isalpha() else None
    return "cyrillic" if all(c in CYRILLIC_SKELETON for c in letters) else None


def hidden(dots: int, script: str) -> range:
    """How many letters a run of dots may stand for: one a dot; in Cyrillic also fewer, since two
    or three dots are an ellipsis there for one letter or two (С..ка, Пи...да, е..ный), or none,
    a dot that only cuts the word (Б.лять). Latin text cuts words with dots too (sh.it), but
    only where each piece is two letters or more (readings.read_split reads those)."""
    return range(0, dots + 1) if script == "cyrillic" else range(dots, dots + 1)


def honest(word: str, script: str) -> bool:
    """Whether a dotted word is a shape honest text writes: mixed case (word.Next, iOS.app), more
    than MAX_RUNS runs of dots, in Latin text an ellipsis between words, initials and
    abbreviations of single letters (i.e., U.S., т.е., ж.д.; in Cyrillic not before a letter no
    word starts with: х.й)."""
    letters, runs = pieces(word)
    if len(runs) > MAX_RUNS or is_odd_case("".join(letters)):
        return True
    between = zip(letters[:-1], runs, letters[1:], strict=True)
    if script == "latin" and any(n == 3 and len(a) > 1 and len(b) > 1 for a, n, b in between):
        return True  # an ellipsis between two words (for...in, damn...it); f...ing hides letters
    if any(len(piece) > 1 for piece in letters) or any(dots > 1 for dots in runs):
        return False  # a word's letters, or an ellipsis hiding some: f..k, х..й
    return script == "latin" or letters[-1].lower() not in NO_INITIAL
