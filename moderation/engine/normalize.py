"""Folding text into a one-byte-per-code-point skeleton that the matcher scans.

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

That is the Latin view, read by the languages written in Latin letters. Russian is read in the
Cyrillic view (``fold_cyrillic``): Cyrillic letters keep their own 32 bytes (see CYRILLIC), Latin
words stay Latin (suka, blyat are how Russian is written on a Latin keyboard), and a word that
mixes the two scripts is read in the one its letters show: ``xyй`` as Cyrillic, ``fuсk`` (a
Cyrillic с) as Latin. The Cyrillic text is encoded by the cp1251 codec, in C, as the ASCII is.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

import ahocorasick_rs

from moderation.engine._unicode_table import DIACRITIC_PAIRS, HOMOGLYPH_PAIRS, INVISIBLE

OTHER_LETTER: Final = "\x01"
# The skeleton bytes of the 32 Cyrillic letters а-я (ё is е): Latin-1's small letters ß, à-ö, ø-ÿ,
# so that a skeleton decoded as Latin-1 is still letters to str.isalpha and a regex's [^\W\d_].
CYRILLIC_ALPHABET: Final = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
CYRILLIC: Final = "".join(chr(b) for b in range(0xDF, 0x100) if b != 0xF7)
TO_CYRILLIC_SLOT: Final = dict(zip(CYRILLIC_ALPHABET, CYRILLIC, strict=True)) | {"ё": CYRILLIC[5]}
# Every letter a skeleton holds, in either view.
SKELETON_LETTERS: Final = "abcdefghijklmnopqrstuvwxyz" + CYRILLIC
INVISIBLE_MARK: Final = "\x02"
EVASION_CHARS: Final = "0123456789@$!|+*#_-%"
APOSTROPHES: Final = "'\u2019\u2018\u02bc\u2032`"

HOMOGLYPHS: Final[dict[str, str]] = dict(zip(HOMOGLYPH_PAIRS[::2], HOMOGLYPH_PAIRS[1::2], strict=True))
DIACRITICS: Final[dict[str, str]] = dict(zip(DIACRITIC_PAIRS[::2], DIACRITIC_PAIRS[1::2], strict=True))
INVISIBLES: Final = frozenset(INVISIBLE)


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


ASCII_TABLE: Final = bytes(ord(_ascii_fold(chr(i))) for i in range(128)) + bytes(range(128, 256))


# Letters with no decomposition that stand for a Latin letter: German's ß is its s (Scheiße; the
# languages table reads it as ss too, Scheisse).
EXTRA_LETTERS: Final = {"ß": "s", "ẞ": "s"}


def fold_char(c: str) -> str:
    """The skeleton character of one non-ASCII character (always ASCII)."""
    letter = HOMOGLYPHS.get(c) or DIACRITICS.get(c) or EXTRA_LETTERS.get(c)
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
_CACHE_LIMIT: Final = 65536


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


# The non-ASCII characters European text is made of (Latin-1's, Polish letters, typographic
# quotes and dashes) are encoded to a byte each by a charmap codec, in C, as cp1251 does for
# Russian; only the others reach the error handler (a word of Polish was a call each).
COMMON: Final = ("".join(chr(c) for c in range(0xA0, 0x100)) + "ąĄćĆęĘłŁńŃśŚźŹżŻ" + "’‘“”„‚–—…€" + "čšžČŠŽ")
_COMMON_MAP: Final = codecs.charmap_build("".join(chr(c) for c in range(128)) + COMMON)


# ASCII capitals as A, small letters as a, all else a space: where camelCase joins its words.
_ASCII_CASES: Final = bytes(ord("A") if chr(i).isupper() else ord("a") if chr(i).islower() else ord(" ")
                            for i in range(128))


def _tables(chars: str) -> tuple[bytes, bytes]:
    """For bytes 128-255 standing for `chars`: the table that folds each byte of an encoded text,
    and the one that gives its case (a folded non-ASCII letter is small)."""
    folded = bytes(ASCII_TABLE[ord(fold_char(c))] for c in chars)
    return ASCII_TABLE[:128] + folded, _ASCII_CASES + bytes(_ASCII_CASES[b] for b in folded)


# Text of Latin-1's code points alone (most European text) is encoded by a copy; other text by
# the charmap codec, six times slower: COMMON's characters as their index past 127.
_LATIN1: Final = _tables("".join(map(chr, range(128, 256))))
_CHARMAP: Final = _tables(COMMON)


def _encode(text: str) -> tuple[bytes, tuple[bytes, bytes]]:
    """One byte per code point, and the tables that fold those bytes and give their case."""
    try:
        return text.encode("latin-1"), _LATIN1
    except UnicodeEncodeError:
        return codecs.charmap_encode(text, "moderation.fold", _COMMON_MAP)[0], _CHARMAP


def fold(text: str) -> bytes:
    """The ASCII skeleton of `text`: one byte per code point, see the module docstring."""
    raw, (folded, _) = _encode(text)
    return raw.translate(folded)


def fold_keeping_case(text: str) -> tuple[bytes, bytes]:
    """The skeleton of `text` (see fold), and its case view, where ASCII capitals are A, small
    letters a, all else a space (for camel_joints): one encode for both."""
    raw, (folded, cases) = _encode(text)
    return raw.translate(folded), raw.translate(cases)


def camel_joints(cases: bytes) -> list[int]:
    """Where a capital follows a small letter (stupidTrump, #DumberThanDogShit: the offsets of
    T, T, D, S), in the case view of fold_keeping_case, found in C: searched for "aA"."""
    return [start + 1 for _, start, _ in _JOINT.find_matches_as_indexes(cases)]


# An automaton of one pattern skips to each capital at memchr speed; str.find and re, which
# stop at every small letter, are 50 times slower here, and `b"aA" in cases` costs more even on a
# comment of 150 bytes (3,500 instructions against 2,700).
_JOINT: Final = ahocorasick_rs.BytesAhoCorasick([b"aA"])


def is_odd_case(chars: Iterable[str]) -> bool:
    """Mixed case that is neither Capitalised nor ALL CAPS: fUcK, ShIt."""
    flags = list(map(str.isupper, filter(str.isalpha, chars)))  # loops in C: a word may be long
    if not any(flags) or all(flags):
        return False
    return not (flags[0] and not any(flags[1:]))


# The euro sign is an е Russian swearing is spelled with (пизд€ц), its look and its cp1251 byte; and a я
# (бл€ть, бл€дь: the sign that stood for я where one codepage was read as another, kept since as a
# spelling). The skeleton reads it as е; a token that holds it beside a Cyrillic letter is read both
# ways too (signs_read_two_ways, readings._slots).
EURO: Final = "€"
EURO_AS: Final = {EURO: TO_CYRILLIC_SLOT["е"]}
EURO_READS: Final = TO_CYRILLIC_SLOT["е"] + TO_CYRILLIC_SLOT["я"]  # in the Cyrillic view: е or я


def _cyrillic_byte(b: int) -> int:
    """The Cyrillic view's byte for byte `b` of cp1251."""
    c = bytes([b]).decode("cp1251", "replace")
    slot = TO_CYRILLIC_SLOT.get(c.lower()) or EURO_AS.get(c)
    if slot is not None:
        return ord(slot)
    return ord(ASCII_TABLE[b : b + 1].decode("latin-1")) if b < 128 else ord(fold_char(c)[0])


CYRILLIC_TABLE: Final = bytes(_cyrillic_byte(b) for b in range(256))
# Latin letters that look like Cyrillic ones, read as those inside a Cyrillic word (xyй), and back.
LATIN_TO_CYRILLIC: Final = {"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р",
                            "t": "т", "x": "х", "y": "у"}
# Latin letters a Cyrillic word holds for the letter they sound as (пиZдец, бляdь), read as it there when
# typed as ASCII: a Serbian ј and a Macedonian ѕ fold to j and s too, and are letters. Not i (Ukrainian
# typed on a Russian keyboard writes its і so: пiдручник is no пидр).
LATIN_BY_SOUND: Final = {"d": "д", "f": "ф", "g": "г", "j": "й", "l": "л", "s": "с", "v": "в", "w": "ш", "z": "з"}
# Latin letters that look like a Cyrillic one in italics and handwriting, read as it inside a Cyrillic
# word (nидор, xyuня, rовно): n is п, u и, r г. The skeleton reads them so; they sound as н, у, р too,
# and a writer who switches keyboard for one letter types it by its sound as often (трахnуть, нахuй),
# so the readings read a token that holds one both ways (READ_TWO_WAYS, as the euro sign). A word all
# in Latin letters is Latin (xyu, nahuj are listed).
LATIN_BY_LOOK: Final = {"n": "п", "u": "и", "r": "г"}
LATIN_BY_LOOK_SOUND: Final = {"n": "н", "u": "у", "r": "р"}  # the letters they sound as
# What the readings read each of those letters as inside a Cyrillic word, in the Cyrillic view: its look or its sound.
READ_TWO_WAYS: Final = {latin: TO_CYRILLIC_SLOT[look] + TO_CYRILLIC_SLOT[LATIN_BY_LOOK_SOUND[latin]]
                        for latin, look in LATIN_BY_LOOK.items()}
_READ_TWO_WAYS: Final = frozenset(map(ord, LATIN_BY_LOOK))
_IN_CYRILLIC: Final = {ord(latin): ord(TO_CYRILLIC_SLOT[cyrillic])
                       for latin, cyrillic in (LATIN_BY_SOUND | LATIN_BY_LOOK).items()}
_READ_IN_CYRILLIC: Final = re.compile(b"[%s]" % "".join(LATIN_BY_SOUND | LATIN_BY_LOOK).encode("ascii"))
_TO_CYRILLIC: Final = bytes.maketrans(bytes(map(ord, LATIN_TO_CYRILLIC)),
                                      bytes(ord(TO_CYRILLIC_SLOT[c]) for c in LATIN_TO_CYRILLIC.values()))
_TO_LATIN: Final = bytes.maketrans(bytes(ord(TO_CYRILLIC_SLOT[c]) for c in LATIN_TO_CYRILLIC.values()),
                                   bytes(map(ord, LATIN_TO_CYRILLIC)))
_ONLY_CYRILLIC: Final = re.compile(b"[%s]" % re.escape(bytes(ord(TO_CYRILLIC_SLOT[c]) for c in CYRILLIC_ALPHABET
                                                              if c not in LATIN_TO_CYRILLIC.values())))
_ONLY_LATIN: Final = re.compile(b"[%s]" % bytes(c for c in b"abcdefghijklmnopqrstuvwxyz"
                                                if chr(c) not in LATIN_TO_CYRILLIC))
# Of those, the ones a Cyrillic word never holds for one of its letters (i, q...): a word with one is Latin.
_ONLY_LATIN_UNREAD: Final = re.compile(b"[%s]" % bytes(c for c in b"abcdefghijklmnopqrstuvwxyz"
                                                       if chr(c) not in LATIN_TO_CYRILLIC
                                                       and chr(c) not in LATIN_BY_SOUND | LATIN_BY_LOOK))
# Where a Latin letter meets a Cyrillic one, found as camel joints are: each letter's script ("L",
# "C") searched for "LC" and "CL" by an automaton, at memchr speed (a regex stopped at every byte).
_SCRIPTS: Final = bytes(ord("L") if 97 <= b <= 122 else ord("C") if chr(b) in CYRILLIC else ord(" ")
                        for b in range(256))
_SCRIPT_JOINTS: Final = ahocorasick_rs.BytesAhoCorasick([b"LC", b"CL"])
_WORD_EDGE: Final = re.compile(b"[^a-z%s]" % re.escape(CYRILLIC.encode("latin-1")))  # what is no letter of either
MIXED_REACH: Final = 64  # a word is followed this far from where its scripts meet: a text without spaces is no word


def fold_cyrillic(text: str, two_ways: list[int] | None = None) -> bytes:
    """The Cyrillic view of `text`: as fold, but Cyrillic letters are CYRILLIC's bytes, and a word
    that mixes scripts is read in one (see the module docstring). Where a Latin letter of
    LATIN_BY_LOOK is read inside a Cyrillic word, its offset is added to `two_ways` if given: the
    readings read its token with it as its look or its sound (READ_TWO_WAYS)."""
    skeleton = text.encode("cp1251", "moderation.fold").translate(CYRILLIC_TABLE)
    # Both searched by find, not `in`: bytes.__contains__ tries its argument as an int first, and the
    # TypeError it raises and clears cost ~2,000 instructions a check (callgrind).
    if skeleton.find(_MARK) >= 0:  # rare: a combining mark, which may make a letter of the one before it
        skeleton = _composed(text, skeleton)
    if skeleton.find(b"3 14") >= 0:  # most texts: one search in C
        skeleton = _pi_read(text, skeleton)
    joints = _SCRIPT_JOINTS.find_matches_as_indexes(skeleton.translate(_SCRIPTS))
    if not joints:
        return skeleton
    out = bytearray(skeleton)
    done = -1
    for _, joint, _ in joints:
        at = joint + 1
        if at <= done:
            continue  # inside the word read last
        low = max(0, at - MIXED_REACH)
        edges = [e.end() for e in _WORD_EDGE.finditer(skeleton, low, at)]
        start = edges[-1] if edges else low
        after = _WORD_EDGE.search(skeleton, at, at + MIXED_REACH)
        end = after.start() if after is not None else min(len(skeleton), at + MIXED_REACH)
        out[start:end] = _one_script(skeleton[start:end], text[start:end], start, two_ways)
        done = end
    return bytes(out)


_MARK: Final = INVISIBLE_MARK.encode("latin-1")
_CYRILLIC_BYTES: Final = frozenset(CYRILLIC.encode("latin-1"))


def signs_read_two_ways(text: str, skeleton: bytes) -> list[int]:
    """Where the euro sign stands beside a Cyrillic letter (бл€ть) in the Cyrillic view `skeleton`
    of `text`: tokens the readings read with it as е or я (EURO_READS). Most texts hold none: one
    search in C."""
    at = text.find(EURO)
    if at < 0:
        return []
    found: list[int] = []
    while at >= 0:
        after = skeleton[at + 1 : at + 2]
        if (at and skeleton[at - 1] in _CYRILLIC_BYTES) or (after and after[0] in _CYRILLIC_BYTES):
            found.append(at)
        at = text.find(EURO, at + 1)
    return found


def _composed(text: str, skeleton: bytes) -> bytes:
    """The Cyrillic view with each letter that a combining mark after it composes into another
    letter read as that one: й written decomposed, и + U+0306 (as macOS and some keyboards write
    it), is й, not и. The mark stays an invisible character, so offsets still point at what was
    written. (ё, е + U+0308, reads as е either way; in the Latin view a composed letter folds to
    its base letter, so composing changes nothing there.)"""
    out: bytearray | None = None
    at = skeleton.find(_MARK, 1)
    while at > 0:
        # after a Cyrillic letter, a combining mark (U+0300 on): not a control character (a fortune's
        # backspaces) nor a zero-width one, which compose with nothing
        if skeleton[at - 1] in _CYRILLIC_BYTES and text[at] >= "\u0300":
            letter = TO_CYRILLIC_SLOT.get(unicodedata.normalize("NFC", text[at - 1 : at + 1]).lower())
            if letter is not None and ord(letter) != skeleton[at - 1]:
                if out is None:
                    out = bytearray(skeleton)
                out[at - 1] = ord(letter)
        at = skeleton.find(_MARK, at + 1)
    return skeleton if out is None else bytes(out)


# π written as its digits before the letters of a word (3.14здец, 3,14дор): п and и, the dot or comma and the
# 4 hidden as invisible characters are, so that offsets still point at what was written. Not after a digit
# or a letter (13.14, v3.14), nor before a space or another digit (3.14 м, 3.1415).
_PI_READ: Final = (TO_CYRILLIC_SLOT["п"] + INVISIBLE_MARK + TO_CYRILLIC_SLOT["и"] + INVISIBLE_MARK).encode("latin-1")
_PI_BESIDE: Final = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyz" + CYRILLIC.encode("latin-1"))  # a word, a number
_PI_BEFORE: Final = frozenset(CYRILLIC.encode("latin-1"))


def _pi_read(text: str, skeleton: bytes) -> bytes:
    """The skeleton with each π before a word read as пи (see _PI_READ). Each "3 14" is found by
    bytes.find, in C: a regex's lookbehind, tried at every byte, made a text with one 20 times
    slower to fold."""
    out: bytearray | None = None
    at = skeleton.find(b"3 14")
    while at >= 0:
        if (skeleton[at + 4 : at + 5] and skeleton[at + 4] in _PI_BEFORE and text[at + 1] in ".,"
                and not (at and skeleton[at - 1] in _PI_BESIDE)):
            if out is None:
                out = bytearray(skeleton)
            out[at : at + 4] = _PI_READ
        at = skeleton.find(b"3 14", at + 4)
    return skeleton if out is None else bytes(out)


def _one_script(word: bytes, written: str, start: int, two_ways: list[int] | None) -> bytes:
    """A word of Latin and Cyrillic letters in one script: Cyrillic where it holds a letter Latin
    has no look-alike for (xyй, and its ASCII letters of LATIN_BY_SOUND and LATIN_BY_LOOK as the
    letter they stand for: пиzдец, nидор), or where the Latin letters it holds are all such letters
    and fewer than its Cyrillic ones (муdак); Latin where it holds one Cyrillic has none for (fuсk),
    else the script most of its letters are in. Read in Cyrillic, the offsets (from `start`) of its
    letters of LATIN_BY_LOOK are added to `two_ways` if given."""
    if _ONLY_CYRILLIC.search(word) or (_cyrillic_first(word) and _ONLY_LATIN_UNREAD.search(word) is None):
        cyrillic = word.translate(_TO_CYRILLIC)
        if _READ_IN_CYRILLIC.search(cyrillic) is None:
            return cyrillic
        if two_ways is not None:
            two_ways.extend(start + i for i, b in enumerate(cyrillic) if b in _READ_TWO_WAYS and written[i].isascii())
        return bytes(_IN_CYRILLIC.get(b, b) if written[i].isascii() else b for i, b in enumerate(cyrillic))
    if _ONLY_LATIN.search(word):
        return word.translate(_TO_LATIN)
    latin = sum(1 for b in word if b < 128)
    return word.translate(_TO_LATIN if latin * 2 > len(word) else _TO_CYRILLIC)


def _cyrillic_first(word: bytes) -> bool:
    """Whether most of a word's letters are typed in Cyrillic."""
    return sum(1 for b in word if b >= 128) * 2 > len(word)


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
