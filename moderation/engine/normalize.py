"""Folding text into a one-character-per-code-point ASCII skeleton that the matcher scans.

The skeleton keeps offsets: character i of the skeleton stands for code point i of the text,
so a hit in the skeleton is a span of the original without any offset map. It holds:

- lowercase letters a-z for ASCII letters and for every non-ASCII letter that reads as one
  (homoglyphs from other scripts, fullwidth and styled letters, letters with diacritics);
- the characters that carry evasions, unchanged: digits and ``@ $ ! | + * # _ - %`` (leet,
  self-censoring masks, separators inside a word);
- ``'`` for apostrophes, ``\\x01`` for letters of other scripts, ``\\x02`` for a character that
  renders as nothing (zero-width, soft hyphen, control) or a combining mark;
- a space for everything else (whitespace, punctuation, symbols).

ASCII runs go through one C-level ``bytes.translate``; only non-ASCII runs reach Python, through
a codec error handler, so ordinary prose is folded at memory speed.
"""

from __future__ import annotations

import codecs
import unicodedata

import ahocorasick_rs

from moderation.engine._unicode_table import DIACRITIC_PAIRS, HOMOGLYPH_PAIRS, INVISIBLE

OTHER_LETTER = "\x01"
INVISIBLE_MARK = "\x02"
EVASION_CHARS = "0123456789@$!|+*#_-%"
APOSTROPHES = "'\u2019\u2018\u02bc\u2032`"

HOMOGLYPHS: dict[str, str] = dict(zip(HOMOGLYPH_PAIRS[::2], HOMOGLYPH_PAIRS[1::2], strict=True))
DIACRITICS: dict[str, str] = dict(zip(DIACRITIC_PAIRS[::2], DIACRITIC_PAIRS[1::2], strict=True))
INVISIBLES = frozenset(INVISIBLE)


def _ascii_fold(c: str) -> str:
    if c.isalpha():
        return c.lower()
    if c in EVASION_CHARS or c in (OTHER_LETTER, INVISIBLE_MARK):
        return c
    if c in APOSTROPHES:
        return "'"
    if (c < " " and c not in "\t\n\r") or c == "\x7f":
        return INVISIBLE_MARK
    return " "


ASCII_TABLE = bytes(ord(_ascii_fold(chr(i))) for i in range(128)) + bytes(range(128, 256))


def fold_char(c: str) -> str:
    """The skeleton character of one non-ASCII character (always ASCII)."""
    letter = HOMOGLYPHS.get(c) or DIACRITICS.get(c)
    if letter:
        return letter
    if c in INVISIBLES or unicodedata.combining(c):
        return INVISIBLE_MARK
    if c in APOSTROPHES:
        return "'"
    compat = unicodedata.normalize("NFKC", c)
    if len(compat) == 1 and compat.isascii():
        return _ascii_fold(compat)  # fullwidth punctuation and digits: ＊ → *
    category = unicodedata.category(c)
    if category in ("Mn", "Me", "Cf"):
        return INVISIBLE_MARK
    return OTHER_LETTER if category[0] == "L" else " "


_fold_cache: dict[str, str] = {}
_CACHE_LIMIT = 65536


def _fold_run(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for c in error.object[error.start : error.end]:
        f = _fold_cache.get(c)
        if f is None:
            f = fold_char(c)
            if len(_fold_cache) < _CACHE_LIMIT:
                _fold_cache[c] = f
        out.append(f)
    return "".join(out), error.end


codecs.register_error("moderation.fold", _fold_run)


def fold(text: str) -> bytes:
    """The ASCII skeleton of `text`: one byte per code point, see the module docstring."""
    return text.encode("ascii", "moderation.fold").translate(ASCII_TABLE)


# ASCII capitals as A, small letters as a, all else a space: where camelCase joins its words.
CASE_TABLE = bytes(ord("A") if chr(i).isupper() else ord("a") if chr(i).islower() else ord(" ")
                   for i in range(128)) + b" " * 128


def fold_keeping_case(text: str) -> tuple[bytes, bytes]:
    """The skeleton of `text` (see fold), and the byte view it is made from, where ASCII letters
    keep their case (for camel_joints): one encode for both."""
    raw = text.encode("ascii", "moderation.fold")
    return raw.translate(ASCII_TABLE), raw


def camel_joints(raw: bytes) -> list[int]:
    """Where a capital follows a small letter (stupidTrump, #DumberThanDogShit: the offsets of
    T, T, D, S), in the byte view of fold_keeping_case, found in C: its case searched for "aA"."""
    cases = raw.translate(CASE_TABLE)
    return [start + 1 for _, start, _ in _JOINT.find_matches_as_indexes(cases)]


# An automaton of one pattern skips to each capital at memchr speed; str.find and re, which
# stop at every small letter, are 50 times slower here.
_JOINT = ahocorasick_rs.BytesAhoCorasick([b"aA"])


def evasion_of(c: str) -> str | None:
    """Which evasion an original character in a match represents, if any."""
    if c.isascii():
        return "invisible" if (c < " " and c not in "\t\n\r") or c == "\x7f" else None
    if c in HOMOGLYPHS:
        return "homoglyph"
    if c in DIACRITICS or unicodedata.combining(c):
        return "diacritic"
    if c in INVISIBLES or unicodedata.category(c) == "Cf":
        return "invisible"
    return None
