"""Finding every listed term in a text, with two C-speed passes over its skeleton.

Two Aho-Corasick automata (automaton.py), each built once per script for all the languages written
in it (a text is scanned once, however many languages a policy checks; each language reads its
own patterns' matches):

- the words automaton runs over the word view of the skeleton, where the marks that may stand
  beside a word (``' * _ - !``) read as spaces. It holds the terms (an inside-word term as is,
  ``fuck``; a whole-word term between spaces, `` ass ``, so that ``class`` and ``assassin``
  never reach Python), the allowlisted phrases (``scunthorpe``: any match inside one is
  dropped) and each term cut in two (``fu ck``, ``fu-ck``, ``sh.it``), which readings.py joins.
  A few patterns per term: a list of 50,000 terms builds in seconds.
- the triggers automaton runs over the skeleton itself and holds the few shapes an evasion
  leaves: three letters of a term in leet or respelled (fvck, phuk), a letter written thrice, a mask beside a letter,
  ``--``, an invisible character, an inside-word term with one letter doubled, two lone letters
  in a row. Only there do the slower readings of readings.py run. Its size hardly grows with
  the list: leet windows are three letters long. A dot is a space in the skeleton, so the runs
  of dots inside a word (С..ка, f..k) are found in the text itself (dots.positions) and read too.

Plain words, inflections, compounds, case, homoglyphs, diacritics and styled letters are all
found by the words automaton itself, since the skeleton has already folded them to a-z.

An `aimed` term (capullo, a flower bud) is found as any whole word is; its hit stands when it is
disguised, or when a frame of its language aims it (eres un capullo, capullo de mierda: Frames),
looked for in a bounded window of the word view on each side of the hit, within its sentence.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import operator
import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

from moderation.engine import dots
from moderation.engine.automaton import Automaton, automaton
from moderation.engine.context import kept
from moderation.engine.entry import Entry
from moderation.engine.languages import DEFAULT, Language, Respelling, skeleton_forms, skeleton_of
from moderation.engine.normalize import (
    CYRILLIC,
    INVISIBLE_MARK,
    LATIN_BY_SOUND,
    OTHER_LETTER,
    READ_TWO_WAYS,
    TO_CYRILLIC_SLOT,
    camel_joints,
    evasion_of,
    fold_cyrillic,
    fold_keeping_case,
    is_odd_case,
    signs_read_two_ways,
)
from moderation.engine.readings import Hit, Readings, rank

# The word view: what may stand right beside a whole word reads as a space.
WORD_VIEW_MARKS: Final = "'*_-!"
WORD_VIEW: Final = bytes.maketrans(WORD_VIEW_MARKS.encode("ascii"), b" " * len(WORD_VIEW_MARKS))
# A term with one of those marks (g-spot) cut in two holds it still, which no word view does.
_WORD_VIEW_MARK: Final = re.compile(f"[{re.escape(WORD_VIEW_MARKS)}]")
LETTERS: Final = string.ascii_lowercase
MASK_SYMBOLS: Final = "*#_%"  # rare in prose beside a letter: any such token is read
# The leet characters a reader takes for each letter (the inverse of readings.LEET).
LEET_FOR: Final = {"a": "4@", "b": "86", "e": "3", "g": "96", "i": "1!|", "l": "1|", "o": "0", "s": "5$",
                   "t": "7+", "z": "2"}
WORD_LETTERS: Final = LETTERS + CYRILLIC + OTHER_LETTER  # what a word is made of in a skeleton
# A word's letters, and stars between two letters are of it: the rest of a self-censored word
# glued to a root (sh*tcunt, s****cunt) is the root's word, so that its mask covers all of it.
_LETTER_RUN: Final = re.compile(f"[{WORD_LETTERS}]*(?:\\*+[{WORD_LETTERS}]+)*")
_IN_RUN: Final = frozenset(WORD_LETTERS + "*")  # what a run of _LETTER_RUN may hold
_BYTE_LETTER_RUN: Final = re.compile(b"[a-z]*")
MAX_WORD: Final = 64  # a longer run of letters is no camelCase anyone reads
MAX_MARKS: Final = 64  # the combining marks after a word's last letter that its hit takes in
INVISIBLE_BYTE: Final = INVISIBLE_MARK.encode("latin-1")
SINGLE_LETTERS: Final = "bcdefghjklmnopqrstuvwxyz"  # 'a' and 'i' stand alone in ordinary prose
# Russian's words of one letter: в, к, с, у, о, и, а, я.
CYRILLIC_SINGLES: Final = "".join(TO_CYRILLIC_SLOT[c] for c in "бгдежзйлмнпртфхцчшщъыьэю")

# Pattern kinds (and DOTTED, a run of dots inside a word: dots.positions). Triggers at one place
# are read in this order: a dotted word (х.й) before the chain of its lone letters.
TERM: Final = 0
ALLOW: Final = 1
TOKEN: Final = 2
DOTTED: Final = 3
CHAIN: Final = 4
SPLIT: Final = 5
ROOT: Final = 6
# What insults are built with after a root: shitface, dickwad, idiotbrain, dumbass.
TAILS: Final = frozenset(t + s for t in ("face", "head", "hole", "wad", "bag", "brain", "stain", "licker", "sucker",
                                         "muncher", "tard", "breath", "nugget", "weasel") for s in ("", "s")) | {"ass"}
SPACE: Final = ord(" ")
EDGE_PUNCTUATION: Final = "\"'()[]{}<>,.;:!?*_"  # around a word beside a line break
WRAP_BLANKS: Final = 64  # the blanks a line wrap may put inside a phrase, at most, where it is looked for
# What ends the stretch a frame is looked for in: a frame never reaches across a sentence, a
# clause or a line (eres. Un capullo de rosa...).
FRAME_BREAKS: Final = ".,;:!?¡¿…()[]{}\n\r"
# The characters str.isspace calls blank but the line breaks of FRAME_BREAKS (tests/test_frames.py
# holds them to str.isspace): lstrip skips them in C.
LINE_BLANKS: Final = ("\t\x0b\x0c\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                      "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
FRAME_SLACK: Final = 8  # characters beyond a frame's own that a window holds: a doubled space, a stray mark
_FRAME_BREAK: Final = re.compile(f"[{re.escape(FRAME_BREAKS)}]")
HYPHENS: Final = ("-", "\u2010", "\u2011")  # a hyphen glued to a word makes a compound of it
APOSTROPHES: Final = ("'", "\u2019")  # glued to a word and followed by a letter, it goes on with it: pig's
WordMeta = tuple[int, int, int, int]  # a word pattern's kind, ref, left, right (see Matcher)
STANDING: Final = frozenset({"word", "inside"})  # the scopes whose hits stand as found (see Matcher._stands)


# What a generic shape asks of the bytes around its match, beyond its own: (index from the match's
# start, the bytes allowed there). A shape of a class of letters (x!y: any letter, then !, then
# any letter) is one pattern a letter it names, the class read here when it fires, not one a pair
# of letters: the automaton grows with the alphabet, not with its square or cube (the Cyrillic
# view's 58 letters made 24,000 such patterns, a fifth of the nine languages' automata builds).
Needs = tuple[tuple[int, frozenset[int]], ...]
NO_NEEDS: Final[Needs] = ()
_SPACE_BYTE: Final = frozenset(b" ")


def _trigger_patterns(letters: str, singles: str) -> list[tuple[str, int, int, Needs]]:
    """(pattern, kind, offset of the character to read from, what it needs around it) for every
    evasion shape, in a script of these letters, of which `singles` are no word alone."""
    found: list[tuple[str, int, int, Needs]] = [(INVISIBLE_MARK, TOKEN, 0, NO_NEEDS)]
    cyrillic = CYRILLIC[0] in letters
    letter = frozenset(letters.encode("latin-1"))
    after_letter: Needs = ((-1, letter),)  # the byte before the match a letter: x!y, x-y-
    for x in letters:
        # In the Cyrillic view, a Latin letter beside _ is code (size_t, __func__), not Russian
        # written in Latin letters and masked: Russian man pages fired 8,000 such triggers a MB.
        masks = MASK_SYMBOLS.replace("_", "") if cyrillic and x.isascii() else MASK_SYMBOLS
        found += [(x + k, TOKEN, 0, NO_NEEDS) for k in masks]
        found += [(k + x, TOKEN, 1, NO_NEEDS) for k in masks]
        found.append(("!" + x, TOKEN, -1, after_letter))  # x!x, read from the letter before
        found.append(("-" + x + "-", TOKEN, -1, after_letter))  # x-x-
        found.append((x + "--", TOKEN, 0, NO_NEEDS))
        found.append((x * 3, TOKEN, 0, NO_NEEDS))  # fuuuck, fuckkk: a letter thrice, rare in prose
    # Two lone letters in a row, 1-3 separators apart: the start of f u c k, f. u. c. k. In the
    # Latin view a pattern a pair (1,872): lone letters are common in English prose (initials, list
    # items, n for and), and a pattern of one would fire on each. In the Cyrillic view, whose 58
    # letters would make 8,352, a pattern a lone letter and gap, the next lone letter read as it fires.
    for gap in (" ", "  ", "   "):
        if cyrillic:
            lone_after: Needs = ((2 + len(gap), letter), (3 + len(gap), _SPACE_BYTE))
            found += [(f" {x}{gap}", CHAIN, 1, lone_after) for x in singles]
        else:
            found += [(f" {x}{gap}{y} ", CHAIN, 1, NO_NEEDS) for x in singles for y in letters]
    # Russian has eight words of one letter, each a word on its own (с у к а starts with three):
    # after one of them, three lone letters in a row (the third read where the pattern fires).
    if cyrillic:
        words = [c for c in CYRILLIC if c not in singles]
        third: Needs = ((5, frozenset(CYRILLIC.encode("latin-1"))), (6, _SPACE_BYTE))
        found += [(f" {x} {y} ", CHAIN, 1, third) for x in words for y in CYRILLIC]
    return found


def _meets(padded: bytes, start: int, needs: Needs) -> bool:
    """Whether the bytes around a match at `start` are those a generic shape needs (see Needs)."""
    for at, allowed in needs:
        i = start + at
        if i < 0 or i >= len(padded) or padded[i] not in allowed:
            return False
    return True


def _windows(terms: Iterable[str]) -> set[str]:
    """Every three letters of the terms (the whole term, where shorter): the windows leet may spell."""
    return {t[i : i + 3] for t in terms for i in range(max(1, len(t) - 2))}


def _leet_windows(windows: dict[str, int], leet_for: dict[str, str], patterns: dict[str, int]) -> None:
    """Every three letters of a term written with at least one leet character (sh1, 5hi, @ss), in
    `patterns` with the languages' bits of its window: `windows`, each window's (_windows) bits.
    A window's spellings are made once, however many languages list it.

    Digits beside letters are common in prose (1st, mp3, 10am); these patterns fire only
    where leet could spell part of a listed word.
    """
    for window, bits in windows.items():
        if len(window) == 3 and window.isalpha():
            for spelled in _leet_spellings(window, leet_for):
                patterns[spelled] = patterns.get(spelled, 0) | bits


def _leet_spellings(window: str, leet_for: dict[str, str]) -> list[str]:
    choices = [c + leet_for.get(c, "") for c in window]
    # A window of digits is a number (1990), a final ! ends a sentence (finger!).
    return [spelled for spelled in map("".join, itertools.product(*choices))
            if spelled != window and not spelled.isdigit() and spelled[-1] != "!"]


def _respelled_windows(terms: Iterable[str], writes: Iterable[Respelling], pairs: bool = False) -> set[str]:
    """A term respelled as its language's writers may (one sound, every one of a kind, or two
    sounds), as the respelling with a letter on each side, `least` letters at least where the term
    has them: fvck, phuc, fukk, fuki, azz, gguh (nigguh); kulo, xupa, wevad, awebo (mamawebo). Only
    where these fire is a token of plain letters read by sound: like, make and book are not (lik of
    lick would be). Two sounds only where `pairs` (Sounds.pairs); a `paired` respelling counts
    only with another one in the same word."""
    found: set[str] = set()
    writes = list(writes)
    for term in terms:
        if not term.isalpha():
            continue
        forms = []  # (form, where its respelling starts, its length, least)
        places = []  # each single respelling: (at, the sound's length, written, least, paired)
        for sound, written, where, least, paired in writes:
            if where == "$":
                if term.endswith(sound) and len(term) > 3:
                    places.append((len(term) - len(sound), len(sound), written, least, paired))
                continue
            at = term.find(sound)
            while at >= 0:
                if not (where == "^" and at):
                    places.append((at, len(sound), written, least, paired))
                at = term.find(sound, at + 1)
            if term.count(sound) > 1 and not paired:  # every one respelled: azz, azzhole
                every = term.replace(sound, written)
                forms.append((every, term.find(sound), len(every) - term.find(sound), least))
        forms += [(term[:at] + written + term[at + size :], at, len(written), least)
                  for at, size, written, least, paired in places if not paired]
        for one, two in itertools.combinations(sorted(places) if pairs else [], 2):  # two sounds: mamawebo
            (a, a_size, a_written, a_least, a_paired), (b, b_size, b_written, b_least, b_paired) = one, two
            if b < a + a_size or (a_paired and b_paired):
                continue
            form = term[:a] + a_written + term[a + a_size : b] + b_written + term[b + b_size :]
            forms.append((form, a, b + len(b_written) - a_size + len(a_written) - a, max(a_least, b_least)))
        for form, at, size, least in forms:  # the respelling, a letter each side, `least` letters at least
            lo, hi = max(0, at - 1), min(len(form), at + size + 1)
            while hi - lo < least and (lo > 0 or hi < len(form)):
                lo, hi = (lo, hi + 1) if hi < len(form) else (lo - 1, hi)
            found.add(form[lo:hi])
    return found


def _doubled(term: str) -> list[str]:
    """fuck -> ffuck, fuuck, fucck, fuckk: the term with one letter written twice."""
    return [term[: i + 1] + term[i:] for i in range(len(term)) if term[i].isalpha()]


def _spacings(phrase: str) -> list[str]:
    """A phrase as the skeleton may show it: one or two spaces between words (Philip K. Dick)."""
    if " " not in phrase:  # most terms
        return [phrase]
    words = phrase.split(" ")
    if len(words) > 5:
        return [phrase]
    return [words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))
            for gaps in itertools.product((" ", "  "), repeat=len(words) - 1)]


def _split(term: str, terms: set[str]) -> list[tuple[str, int]]:
    """fuck -> (fu ck, 2): the term in two pieces of two letters or more, and where it is cut.
    In the word view the cut is a space, a dot (both fold to one), or a mark beside a word
    (fu-ck, ass_hole, bit*ch); readings joins two tokens only for an inside-word term.

    Not where a piece is a term itself: "fuck off" is two words, not a split "fuckoff".
    """
    return [(term[:i] + " " + term[i:], i) for i in range(2, len(term) - 1)
            if term[:i] not in terms and term[i:] not in terms]


class Frames:
    """The frames that aim a word at someone in one language (``eres un _``, ``_ de mierda``), the
    intensifiers that may stand between a frame and its word (``eres un puto _``) and, where the
    language lists them, the followers that may come right after a word a frame aims from before
    it alone (``you're a _ lol``), in the word view of its skeleton; `aims` tells whether a hit is
    so framed."""

    def __init__(self, frames: Iterable[str], intensifiers: Iterable[str], language: Language,
                 followers: Iterable[str] = ()) -> None:
        self.pairs: set[tuple[bytes, bytes]] = set()  # (words before _, words after _), each maybe empty
        # The words before _ of the frames written with a comma before it (shut up, _; you, _): said
        # to someone, whose name a comma sets apart; elsewhere a comma ends a frame's window.
        self.addressing: set[bytes] = set()
        for frame in frames:
            before, _, after = frame.partition("_")
            for b in _frame_forms(before, language):
                for a in _frame_forms(after, language):
                    self.pairs.add((b, a))
            if before.rstrip().endswith(","):
                self.addressing.update(_frame_forms(before.rstrip().removesuffix(","), language))
        self.intensifiers = frozenset(f for i in intensifiers for f in _frame_forms(i, language))
        # The words after _ of each side before it, as the pairs hold them: a hit's sides are looked
        # up by what comes before.
        afters: dict[bytes, set[bytes]] = {}
        for b, a in self.pairs:
            afters.setdefault(b, set()).add(a)
        self.after_of = {b: frozenset(each) for b, each in afters.items()}
        # How many words of the text on each side a frame may take: the sizes its sides come in.
        self.before_sizes = sorted({len(b.split()) for b, _ in self.pairs if b})
        self.after_sizes = sorted({len(a.split()) for _, a in self.pairs if a})
        # The words that may stand right before a framed word (a frame's last, an intensifier) and
        # right after it (a frame's first): a hit beside none of them is framed by none.
        self.last_words = frozenset(b.split()[-1] for b, _ in self.pairs if b) | self.intensifiers
        self.first_words = frozenset(a.split()[0] for _, a in self.pairs if a)
        longest = max((len(i) for i in self.intensifiers), default=0)
        # How far from the word a window reaches: a side's letters and spaces, an intensifier, slack.
        self.reach_before = max((len(b) for b, _ in self.pairs), default=0) + longest + 1 + FRAME_SLACK
        # Where followers are listed, a word a frame aims from before it alone must end its phrase:
        # a break, the end, or a follower next (you're a pig, lol), not another word (a pig farmer,
        # you pig out). None listed: the language asks it not (eres un cerdo asqueroso is aimed).
        self.followers = frozenset(f for each in followers for f in _frame_forms(each, language))
        # A follower fits whole in the window after the word, with the space before it and slack.
        reach = max((len(a) for _, a in self.pairs), default=0)
        self.reach_after = max(reach, max((len(f) + 1 for f in self.followers), default=0)) + FRAME_SLACK

    def aims(self, text: str, words: bytes, start: int, end: int) -> bool:
        """Whether a frame stands around text[start:end]: its words right before (an intensifier
        may come between) and right after, read in `words` (the word view: text[i] is words[i + 1])
        within reach and within the sentence. Looks at a bounded window: a hit costs O(reach)."""
        low = max(0, start - self.reach_before)
        high = min(len(text), end + self.reach_after)
        # A word the window cut in two is no frame's word.
        cut_before = low > 0 and words[low] != SPACE and words[low + 1] != SPACE
        cut_after = high < len(text) and words[high + 1] != SPACE and words[high] != SPACE
        # Most hits have no frame's word beside them: the word right before and right after are
        # looked at first, without splitting the windows into all their words.
        window_before, window_after = words[low + 1 : start + 1], words[end + 1 : high + 1]
        last, first = window_before.rsplit(None, 1), window_after.split(None, 1)
        if not ((len(last) == 2 or (last and not cut_before)) and last[-1] in self.last_words) and not (
                (len(first) == 2 or (first and not cut_after)) and first[0] in self.first_words):
            return False
        before, after = window_before.split(), window_after.split()
        if before and cut_before:
            before = before[1:]
        if after and cut_after:
            after = after[:-1]
        # A frame stays within the sentence: the window ends at a break on either side, but for a
        # comma right before the word where a frame is written with one (shut up, clown).
        behind = text[low:start][::-1]
        cut = _FRAME_BREAK.search(behind)
        addressed = False
        if cut is not None and cut.group() == "," and self.addressing and not behind[: cut.start()].strip():
            addressed = True
            cut = _FRAME_BREAK.search(behind, cut.end())
        if cut is not None:
            before = words[start + 1 - cut.start() : start + 1].split()
        cut = _FRAME_BREAK.search(text, end, high)
        if cut is not None:
            after = words[end + 1 : cut.start() + 1].split()
        befores = [b""]
        boosted = len(before) > 0 and before[-1] in self.intensifiers
        for size in self.before_sizes:
            if size <= len(before):
                befores.append(b" ".join(before[-size:]))
            if boosted and size < len(before):
                befores.append(b" ".join(before[-size - 1 : -1]))
        if addressed:  # only a frame written with its comma reads across it
            befores = [b for b in befores if not b or b in self.addressing]
        afters = [b" ".join(after[:size]) for size in self.after_sizes if size <= len(after)]
        alone = False  # a frame from before it alone (you're a _)
        for b in befores:
            of = self.after_of.get(b)
            if of is None:
                continue
            for a in afters:
                if a in of:
                    return True  # words after it: the frame says where the phrase goes on (_ de mierda, a _ like you)
            if b and b"" in of:
                alone = True
        return alone and (not self.followers or self._ends(text, words, end))

    def _ends(self, text: str, words: bytes, end: int) -> bool:
        """Whether the word that ends at `end` ends its phrase: what comes next, past blanks, is no
        letter (a break, the end, a closing quote, an emoji, a number) or begins a follower; not a
        word that goes on with it (a pig farmer), nor one glued to it (a pig-farmer, a pig's ear).
        Reads at most reach_after characters."""
        if text.startswith(HYPHENS, end) or (text.startswith(APOSTROPHES, end) and text[end + 1 : end + 2].isalpha()):
            return False
        high = min(len(text), end + self.reach_after)
        rest = text[end:high]
        at = end + len(rest) - len(rest.lstrip(LINE_BLANKS))  # a line break ends it
        if at == high or not text[at].isalpha():
            return True
        window = words[at + 1 : high + 1]
        first = window.split(maxsplit=1)[0]
        if len(first) == len(window) and high < len(text) and words[high + 1] != SPACE:
            return False  # a word the window cut: longer than any follower, so none
        return first in self.followers


def _add_pattern(patterns: dict[str, WordMeta], pattern: str, kind: int, ref: int, left: int = 0,
                 right: int = 0) -> None:
    """A word pattern, unless one of a lower kind has it (a term over an allow or a split)."""
    if pattern not in patterns or patterns[pattern][0] > kind:
        patterns[pattern] = (kind, ref, left, right)


def _add_term(patterns: dict[str, WordMeta], twins: dict[int, list[int]], pattern: str, index: int,
              bound: int) -> None:
    """A term's pattern; where another term has it already, the two are twins (see Matcher)."""
    first = patterns.get(pattern)
    if first is not None and first[0] == TERM and first[1] != index:
        twins.setdefault(first[1], [first[1]]).append(index)
    else:
        _add_pattern(patterns, pattern, TERM, index, bound, bound)


def _frame_forms(words: str, language: Language) -> list[bytes]:
    """A frame's side (or an intensifier) as the word view of its language's skeleton spells it,
    its words one space apart: tú as tu, größter as grosster and groesster. The comma of a frame
    said to someone (calla, _) is a break, never a letter of its last word: an ASCII side is its own
    skeleton, so it goes here."""
    words = " ".join(words.replace(",", " ").split())
    if not words:
        return [b""]
    forms = (" ".join(_word_view(form).split()).encode("latin-1") for form in skeleton_forms(words, language))
    return list(dict.fromkeys(forms))


class Matcher:
    """Finds the entries of a wordlist in text; build once, use from any thread."""

    def __init__(self, entries: Sequence[Entry], allow: Sequence[str], base: Matcher | None = None,
                 language: Language = DEFAULT, triggers: Triggers | None = None,
                 spelled: Spelled | None = None, words: Words | None = None, frames: Frames | None = None) -> None:
        """A matcher of `entries` and `allow`, read as `language` is written; with a `base` (the
        lists' matcher, shared by every policy), of a policy's own terms and phrases on top of
        it: its terms replace listed twins. `triggers` and `words`: the automata of every
        language of its script (each run once per scan for them all), else its own (`words` must
        then be built, Words.build, before the first scan); `spelled`: the entries as
        spell_entries spells them, when the caller has them already; `frames`: where its language
        aims a word (an `aimed` entry's hit stands there), else its base's, else none."""
        self.base = base
        self.frames: Frames | None = frames if frames is not None or base is None else base.frames
        self.language = language
        self.script = language.script
        self._replaced = frozenset(e.term for e in entries)
        # Each entry as its skeleton spells it (scheiße as scheise and scheisse, хуй in the Cyrillic
        # view's bytes); a hit names the entry as listed (_listed), and a term with a distinct letter
        # (coño) counts only where the text shows it (_distinct).
        self.entries, self._listed, self._distinct = spelled or spell_entries(entries, language)
        # pattern -> (kind, ref, left, right). A term: ref is its entry, left/right how many
        # boundary characters the pattern holds on each side. A trigger: left is the offset of
        # the character to read from; a split: right is where it is cut. On a clash the lower
        # kind wins (a term over an allow or a split).
        patterns: dict[str, WordMeta] = {}
        # Terms the word view spells alike (towel-head, towel head): the one written so is read.
        self._twins: dict[int, list[int]] = {}
        for index, entry in enumerate(self.entries):
            term = _word_view(entry.term)
            if entry.scope == "inside":
                _add_term(patterns, self._twins, term, index, 0)
                continue
            for spacing in _spacings(term):
                _add_term(patterns, self._twins, " " + spacing + " ", index, 1)
            if language.compounds and entry.scope == "word" and entry.term.isalpha() and len(entry.term) >= 3:
                _add_pattern(patterns, " " + term, ROOT, index, 1, 0)  # a root that a compound starts with
        for index, phrase in enumerate(allow):
            for form in skeleton_forms(phrase, language):
                for spacing in _spacings(_word_view(form)):
                    _add_pattern(patterns, spacing, ALLOW, index)
        terms = {e.term for e in self.entries} | ({e.term for e in base.entries} if base else set())
        for entry in self.entries:
            if " " in entry.term or _WORD_VIEW_MARK.search(entry.term):  # (its cuts would never be found)
                continue
            for variant, cut in _split(entry.term, terms):
                if entry.scope == "inside":
                    _add_pattern(patterns, variant, SPLIT, 0, 0, cut)
                else:  # a whole word cut (sh.it, ass_hole), not two that end in one (an alarm)
                    _add_pattern(patterns, " " + variant + " ", SPLIT, 0, 1, cut)
        # The triggers of every language of the script, when the moderator made them for all.
        self.triggers = triggers if triggers is not None else Triggers([(self.entries, language)])
        self._bit = self.triggers.bit(language.code)
        # Terms with a hyphen or an apostrophe inside, found only as written: "hard on" is no hard-on.
        self._marked = frozenset(i for i, e in enumerate(self.entries) if "-" in e.term or "'" in e.term)
        # By entry, whether its term is found inside words; and whether one of those holds a mark (a
        # policy's g-spot, none listed), whose start and end may lie in two words (_plain_hits).
        self._inside = bytes(e.scope == "inside" for e in self.entries)
        self._marked_inside = any(e.scope == "inside" and not _IN_RUN.issuperset(_word_view(e.term))
                                  for e in self.entries)
        # The roots a compound may end with: every word-scope word of the list (shitdick).
        self._roots = {e.term: i for i, e in enumerate(self.entries)
                       if language.compounds and e.scope == "word" and e.term.isalpha()}
        self.patterns = len(patterns) + self.triggers.patterns
        # The allowed phrases a line wrap may cut (of two words or more): only a hit of a term they
        # hold, near enough a line break, is looked at again (_allowed_across_wraps).
        self._wrappable = [phrase for phrase in allow if " " in phrase or "-" in phrase]
        self._wrap_spans: dict[str, tuple[int, frozenset[str]]] = {}  # by term: see _wrap_span
        self.words = words_of_script = words if words is not None else Words()
        self._word_meta = words_of_script.add(patterns)
        if words is None:
            words_of_script.build()
        self._readings = Readings(self.entries, language.view_leet, language.sounds,
                                  aimed_last=not language.disguise_aims, standalone=language.view_standalone)

    def scan(self, text: str, seen: Views | None = None) -> list[Hit]:
        """Every term in `text`, in order of start, without overlaps. `seen`: the views of this
        text that other matchers of the same scan made already (each view is made once)."""
        if seen is None and self.base is None:  # one text, one language: no views to share
            views = _views(text, self.script)
            hits, allowed = self._candidates(text, views, self.triggers.fired(views.padded, self._bit),
                                             self.words.find(views.words))
        else:
            seen = seen or Views(text)
            views = seen.of(self.script)
            hits, allowed = self._candidates(text, views, seen.triggered(self.triggers, self.script, self._bit),
                                             seen.found(self.words, self.script))
        if self.base is not None:  # the lists' matcher, then this policy's own terms and phrases
            assert seen is not None
            base = self.base
            shared, also_allowed = base._candidates(text, views, seen.triggered(base.triggers, self.script, base._bit),
                                                    seen.found(base.words, self.script))
            hits = [h for h in shared if h.entry.term not in self._replaced] + hits
            allowed += also_allowed
        if not hits:
            return []
        if views.sounded is not None:  # an allowed word typed with a Latin letter for its sound: застраxuй
            allowed += self._allowed_in(self.words.find(views.sounded))
            if self.base is not None:
                allowed += self.base._allowed_in(self.base.words.find(views.sounded))
        if "\n" in text:  # dumb⏎       servers
            allowed += self._allowed_across_wraps(text, hits)
        if allowed:
            allow = _Spans(allowed)
            hits = [h for h in hits if not allow.overlaps(h.start, h.end)]
        # The hits that count (an aimed word framed, an evaded one disguised), then those of them
        # their context does not show to be technical text or a name: each judges a hit alone, and
        # a word a frame does not aim is most hits of a text that repeats one (pig pig pig ...).
        hits = kept(text, [h for h in hits if h.entry.scope in STANDING or self._stands(text, views.words, h)])
        return _non_overlapping([_vulgar(h) for h in hits])

    def _allowed_in(self, found: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
        """The spans of this matcher's allowed phrases among the word patterns `found`."""
        meta = self._word_meta
        spans: list[tuple[int, int]] = []
        for index, start, end in found:
            mine = meta.get(index)
            if mine is not None and mine[0] == ALLOW:
                spans.append((start - 1, end - 1))
        return spans

    def _stands(self, text: str, words: bytes, hit: Hit) -> bool:
        """Whether a hit counts: an `evaded` entry's when disguised, an `aimed` entry's when framed
        (eres un capullo) or, where its language says so, disguised (c*pullo), any other's always."""
        scope = hit.entry.scope
        if scope == "evaded":
            return _disguised(hit) and not self._as_chatted(text, hit)
        if scope == "aimed":
            if self.language.disguise_aims and _disguised(hit) and not self._as_chatted(text, hit):
                return True
            return self.frames is not None and self.frames.aims(text, words, hit.start, hit.end)
        return True

    def _as_chatted(self, text: str, hit: Hit) -> bool:
        """Whether a hit is a word respelled by its sounds and nothing else (xoxo as chocho, kapullo
        as capullo), where its language's writers respell as they chat: no disguise (Sounds.disguises)."""
        sounds = self.language.sounds
        return (sounds is not None and not sounds.disguises and "leet" in hit.evasions
                and all(e in ("leet", "case") for e in hit.evasions) and text[hit.start : hit.end].isalpha())

    def _candidates(self, text: str, views: _Views, fired: list[tuple[int, int]],
                    found: list[tuple[int, int, int]]) -> tuple[list[Hit], list[tuple[int, int]]]:
        """The hits of this matcher's terms in `text` (seen through `views`, its triggers `fired`,
        its script's word patterns `found`), before the allowlist and the context judge them;
        and the spans of its allowlisted phrases."""
        if not found and not fired and not views.joints and not views.dotted and not views.signs:  # most short texts
            return [], []
        skeleton, padded = views.skeleton, views.padded
        plain: list[tuple[int, int, int]] = []
        allowed: list[tuple[int, int]] = []
        roots: list[tuple[int, int, Entry]] = []
        triggers = list(fired)
        triggers.extend((pos, DOTTED) for pos in views.dotted)
        if views.signs:
            triggers.extend((pos, TOKEN) for pos in views.signs)
        meta = self._word_meta
        twins, marked = self._twins, self._marked
        for index, start, end in found:
            mine = meta.get(index)
            if mine is None:  # a pattern of another language
                continue
            kind, ref, left, right = mine
            if kind == TERM:
                start, end = start + left - 1, end - right - 1
                if ref in twins:
                    ref = self._twin(ref, skeleton[start:end], text[start:end])
                if ref in marked and not _as_marked(skeleton[start:end], self.entries[ref]):
                    continue
                plain.append((start, end, ref))
            elif kind == ALLOW:
                allowed.append((start - 1, end - 1))
            elif kind == ROOT:
                compound = self._compound(skeleton, start, end - 1, ref)
                if compound is not None:
                    roots.append(compound)
            else:  # a split word: two tokens apart (fu ck), or one token cut by a mark (fu-ck)
                triggers.append((start - 1 + left, SPLIT if padded[start + left + right] == SPACE else TOKEN))
        if views.joints and self._roots:
            roots.extend(self._camel_words(skeleton, views.joints))
        hits = self._read_triggers(text, views.folded, triggers, views.sounded is not None) if triggers else []
        hits.extend(self._plain_hits(text, views.folded, plain))
        hits.extend(Hit(start, end, entry, ("compound", *_evasions(text[start:end], entry)))
                    for start, end, entry in roots)
        if hits and INVISIBLE_BYTE in skeleton:  # a combining mark may end a word: пизда́, хуи + U+0306
            hits = [_through_marks(text, skeleton, h) for h in hits]
        if self._listed:
            listed = self._listed
            hits = [h if (as_listed := listed.get(id(h.entry))) is None
                    else Hit(h.start, h.end, as_listed, h.evasions) for h in hits]
        if self._distinct:
            hits = [h for h in hits if _shows_distinct(text, h, self._distinct)]
        if self.language.letters:
            hits = [_own_letters(text, h, self.language.letters) for h in hits]
            if self.script == "latin":
                hits = [h for h in hits if _agrees(text, h, self.language)]
        if self.script == "cyrillic":
            hits = [_mixed_script(text, h) for h in hits]
        return hits, allowed

    def _wrap_span(self, term: str) -> tuple[int, frozenset[str]]:
        """How far beyond `term` the longest allowed phrase of this matcher (or its base) that a line
        wrap may cut and that holds it reaches (0 when none does), and the words of those phrases."""
        found = self._wrap_spans.get(term)
        if found is None:
            phrases = [p for m in (self, self.base) if m is not None for p in m._wrappable if term in p]
            found = self._wrap_spans[term] = (max((len(p) - len(term) for p in phrases), default=0),
                                              frozenset(w for p in phrases for w in p.replace("-", " ").split()))
        return found

    def _allowed_across_wraps(self, text: str, hits: list[Hit]) -> list[tuple[int, int]]:
        """The spans of the allowed phrases that line wraps cut, around those of `hits` that such a
        phrase may hold: man pages and changelogs break a line anywhere and indent the next
        (``dumb⏎       servers``, ``TERM is⏎ "dumb"``), and a phrase is the same phrase whatever
        its lines. A hit is looked at when a line break stands within its phrases' reach of it
        (the blanks of the wrap aside); around it (the windows merged), the text is read once more,
        each line break and the blanks around it as one space, and what is found mapped back."""
        windows: list[list[int]] = []
        for hit in sorted(hits, key=_start):
            span, words = self._wrap_span(hit.entry.term)
            if not span or not _wrap_within(text, hit.start, hit.end, span, words):
                continue
            low, high = max(0, hit.start - span - WRAP_BLANKS), hit.end + span + WRAP_BLANKS
            if windows and low <= windows[-1][1]:  # (a longer reach may start before the last)
                windows[-1] = [min(windows[-1][0], low), max(windows[-1][1], high)]
            else:
                windows.append([low, high])
        spans: list[tuple[int, int]] = []
        for low, high in windows:
            spans += [(start + low, end + low) for start, end in self._allowed_unwrapped(text[low:high])]
        return spans

    def _allowed_unwrapped(self, window: str) -> list[tuple[int, int]]:
        """The spans of this matcher's (and its base's) allowed phrases in `window` read with each
        line wrap as one space."""
        lines = window.split("\n")
        pieces = [line.rstrip(" \t\r") for line in lines[:-1]] + lines[-1:]
        blanks = [0] + [len(line) - len(line.lstrip(" \t")) for line in lines[1:]]  # a line's indentation
        pieces = [piece[lead:] for piece, lead in zip(pieces, blanks, strict=True)]
        ends = itertools.accumulate((len(line) + 1 for line in lines), initial=0)
        origins = [end + lead for end, lead in zip(ends, blanks, strict=False)]  # where each piece starts
        starts = list(itertools.accumulate((len(piece) + 1 for piece in pieces), initial=0))  # read unwrapped
        words = (b" " + skeleton_of(" ".join(pieces), self.script) + b" ").translate(WORD_VIEW)

        def origin(position: int) -> int:
            k = bisect.bisect_right(starts, position) - 1
            return origins[k] + position - starts[k]

        spans = []
        for matcher in (self, self.base):
            if matcher is not None:
                spans += [(origin(a), origin(b)) for a, b in matcher._allowed_in(matcher.words.find(words))]
        return spans

    def _camel_words(self, skeleton: bytes, joints: list[int]) -> list[tuple[int, int, Entry]]:
        """The listed words among the words camelCase or a hashtag joins (stupidTrump,
        #DumberThanDogShit: stupid, dumber, shit), each one whole. A run of letters is split at
        each joint once; one longer than a token (MAX_WORD) is not split at all."""
        found = []
        i, n = 0, len(skeleton)
        while i < len(joints):
            joint = joints[i]
            lowest = max(0, joint - MAX_WORD - 1)
            start = end = joint  # the run of letters around it (the skeleton's are a-z), by byte
            while start > lowest and 97 <= skeleton[start - 1] <= 122:
                start -= 1
            while end < n and 97 <= skeleton[end] <= 122:
                end += 1
            after = bisect.bisect_left(joints, end, i)  # the joints of this run: joints[i:after]
            inner, i = joints[i:after], after
            if end - start > MAX_WORD:
                continue
            a = start
            for b in [*inner, end]:
                if b - a >= 3:  # (fUcK: no piece to look up)
                    index = self._roots.get(skeleton[a:b].decode("latin-1"))
                    if index is not None:
                        found.append((a, b, self.entries[index]))
                a = b
        return found

    def _compound(self, skeleton: bytes, start: int, end: int, ref: int) -> tuple[int, int, Entry] | None:
        """A word-scope root (skeleton[start:end]) that a word starts with, and the rest of the word
        a tail (shitface, dumbass) or another root (shitdick): the word, and the worse of its two
        entries. Not cocktail, assassin, Dickens: their rest is neither."""
        rest_end = _BYTE_LETTER_RUN.match(skeleton, end).end()  # type: ignore[union-attr]
        if rest_end == end:
            return None  # the root alone: a term pattern has it
        rest = skeleton[end:rest_end].decode("latin-1")
        entry = self.entries[ref]
        if rest in TAILS:
            return start, rest_end, entry
        other = self._roots.get(rest)
        if other is None:
            return None
        return start, rest_end, max(entry, self.entries[other], key=_severity)

    def _twin(self, ref: int, written: bytes, original: str) -> int:
        """Of the terms the word view spells alike, the one listed as written (kurwą beside kurwa),
        else the one spelled so (towel-head beside towel head), else the first."""
        lowered = original.lower()
        for r in self._twins[ref]:
            if self._listed.get(id(self.entries[r]), self.entries[r]).term == lowered:
                return r
        shown = written.decode("latin-1")
        return next((r for r in self._twins[ref] if self.entries[r].term == shown), ref)

    def _plain_hits(self, text: str, skeleton: str, plain: list[tuple[int, int, int]]) -> list[Hit]:
        """A hit for each term the automaton found as written; an inside-word term spans its
        whole word (motherfucker around fuck). Every hit of one term in one word is the same
        hit, and a word's letters are looked at once, however many terms it holds."""
        if self._marked_inside:
            return self._plain_hits_across(text, skeleton, plain)
        entries, inside = self.entries, self._inside
        evasions: dict[tuple[str, int], tuple[str, ...]] = {}  # the same word, the same hit: fuck fuck fuck
        hits = []
        # The word of the last inside-word term, and its terms: a term of letters lies in one word,
        # and the terms come in the order they end, so those of one word come together.
        word_start = word_end = -1
        in_word: set[int] = set()
        for start, end, ref in plain:
            if inside[ref]:
                if not (word_start <= start and end <= word_end):
                    low = word_end if 0 <= word_end <= start else 0  # the last word's end, if before it
                    word_start, word_end = _run_start(skeleton, start, low), _run_end(skeleton, end)
                    in_word = set()
                elif ref in in_word:
                    continue
                in_word.add(ref)
                start, end = word_start, word_end
            # (Any other term's pattern holds the spaces around it: it is found once a place.)
            key = (text[start:end], ref)
            shown = evasions.get(key)
            if shown is None:
                shown = evasions[key] = _evasions(key[0], entries[ref])
            hits.append(Hit(start, end, entries[ref], shown))
        return hits

    def _plain_hits_across(self, text: str, skeleton: str, plain: list[tuple[int, int, int]]) -> list[Hit]:
        """_plain_hits for a matcher with an inside-word term that holds a mark (g-spot): its start
        and end may lie in two words, each position's word found once."""
        inside = self._inside
        starts = _run_starts(skeleton, sorted({s for s, _, ref in plain if inside[ref]}))
        ends = _run_ends(skeleton, sorted({e for _, e, ref in plain if inside[ref]}))
        hits = []
        for start, end, ref in dict.fromkeys((starts[s], ends[e], ref) if inside[ref] else (s, e, ref)
                                             for s, e, ref in plain):
            hits.append(Hit(start, end, self.entries[ref], _evasions(text[start:end], self.entries[ref])))
        return hits

    def _read_triggers(self, text: str, skeleton: str, triggers: list[tuple[int, int]], two_ways: bool) -> list[Hit]:
        """The hits the readings read where `triggers` fired; `two_ways`: whether the text holds a
        Latin letter a Cyrillic word reads two ways (the view by sound is made only then)."""
        hits: list[Hit] = []
        done_until = -1  # triggers come in order: one inside the last region read is done
        dotted_until = -1  # a dotted word read as none is done as that, its other triggers not (ok.fuuuck)
        readings = self._readings
        for pos, kind in sorted(triggers):
            if pos < done_until:
                continue
            if kind == DOTTED:
                if pos < dotted_until:
                    continue
                start, dotted_until, hit = readings.read_dotted(text, skeleton, pos)
                if hit is None:
                    continue
                hits.append(hit)
                end = dotted_until
            elif kind == CHAIN:
                start, end, found = readings.read_chain(text, skeleton, pos, done_until)
                hits.extend(found)
            elif kind == SPLIT:
                start, end, hit = readings.read_split(text, skeleton, pos)
                if hit is not None:
                    hits.append(hit)
            else:
                start, end = readings.token(skeleton, pos)
                hit = readings.read_word(text, skeleton, start, end, two_ways)  # f**k, or a phrase's: wet b*ck
                if hit is not None:
                    hits.append(hit)
            done_until = max(done_until, end)
        return hits


class _Views:
    """What the automata and readings look at, made once per scan however many matchers look. (A
    class, not a named tuple: compiled, it is made at a tenth of the cost, and each check makes one.)"""

    def __init__(self, skeleton: bytes, padded: bytes, words: bytes, folded: str, joints: list[int],
                 dotted: list[int], signs: list[int], sounded: bytes | None) -> None:
        self.skeleton = skeleton  # see normalize
        self.padded = padded  # the skeleton between two spaces: the triggers automaton's input
        self.words = words  # the word view of padded: the words automaton's input
        self.folded = folded  # the skeleton as str, for the readings
        self.joints = joints  # where camelCase joins words
        self.dotted = dotted  # where a run of dots inside a word starts (the letter before it): dots.positions
        self.signs = signs  # where a sign or letter reading as two stands in a word (бл€ть, трахnуть): read as a token
        self.sounded = sounded  # the word view, those letters read by sound (застраxuй): allowed words looked for too


def _views(text: str, script: str = "latin", dotted: list[int] | None = None) -> _Views:
    """The views of `text` in `script`; `dotted`, its dots.positions when another view has them."""
    if script == "cyrillic":  # Russian: no camelCase compounds are read
        two_ways: list[int] = []
        skeleton, joints = fold_cyrillic(text, two_ways), []
        signs = signs_read_two_ways(text, skeleton)
        sounded = None
        if two_ways:  # rare: Latin n, u, r in a Cyrillic word (трахnуть)
            signs += two_ways
            sounded = _as_sounded(text, skeleton, two_ways)
    else:
        skeleton, cases = fold_keeping_case(text)
        joints, signs, sounded = camel_joints(cases), [], None
    padded = b" " + skeleton + b" "
    return _Views(skeleton, padded, padded.translate(WORD_VIEW), skeleton.decode("latin-1"), joints,
                  dots.positions(text) if dotted is None else dotted, signs, sounded)


def _as_sounded(text: str, skeleton: bytes, two_ways: list[int]) -> bytes:
    """The word view of `skeleton` with each Latin letter at `two_ways` (read by its look, n as п) read
    by its sound (н): the readings read such a word both ways, so its allowed words are looked for
    both ways too."""
    sounded = bytearray(b" " + skeleton + b" ")
    for at in two_ways:
        sounded[at + 1] = ord(READ_TWO_WAYS[text[at].lower()][1])
    return bytes(sounded).translate(WORD_VIEW)


class Views:
    """The views of one text that a scan's matchers look through, each made when first asked for:
    the Latin one for the languages of Latin letters, the Cyrillic one for Russian; and where each
    set of triggers fired in them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._made: dict[str, _Views] = {}
        self._fired: dict[int, list[tuple[int, int, int]]] = {}
        self._found: dict[int, list[tuple[int, int, int]]] = {}

    def of(self, script: str) -> _Views:
        made = self._made.get(script)
        if made is None:
            other = next(iter(self._made.values()), None)  # the dots of the text are the same in each
            made = self._made[script] = _views(self.text, script, None if other is None else other.dotted)
        return made

    def found(self, words: Words, script: str) -> list[tuple[int, int, int]]:
        """Where the patterns of `words` were found in the word view of `script`."""
        found = self._found.get(id(words))
        if found is None:
            found = self._found[id(words)] = words.find(self.of(script).words)
        return found

    def triggered(self, triggers: Triggers, script: str, bit: int) -> list[tuple[int, int]]:
        """Where `triggers` fired in the view of `script`, for the language of `bit`."""
        fired = self._fired.get(id(triggers))
        if fired is None:
            fired = self._fired[id(triggers)] = triggers.fire(self.of(script).padded)
        return _for_language(fired, bit)


class Words:
    """The word patterns of one script's languages in one automaton over the word view: a text is
    scanned once for all of them, however many languages a policy checks. Each language adds its
    patterns, then the automaton is built once (build); each language reads the matches of its own."""

    def __init__(self) -> None:
        self._added: list[tuple[dict[str, WordMeta], dict[int, WordMeta]]] = []
        self._automaton: Automaton | None = None

    def add(self, patterns: dict[str, WordMeta]) -> dict[int, WordMeta]:
        """Add a language's patterns; the dict it gets back is filled by build: the meta of each
        of its patterns, by the pattern's index in the automaton."""
        metas: dict[int, WordMeta] = {}
        self._added.append((patterns, metas))
        return metas

    def build(self) -> None:
        """Build the automaton of every pattern added, and fill each language's metas."""
        every: dict[str, int] = {}
        for patterns, metas in self._added:  # one pass: a pattern's index, then its meta by it
            for pattern, meta in patterns.items():
                metas[every.setdefault(pattern, len(every))] = meta
        self._automaton = automaton(every)
        self._added = []

    def find(self, words: bytes) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) of every pattern in `words`, a word view."""
        assert self._automaton is not None, "Words.build was not called"
        return self._automaton.find(words)


class Triggers:
    """The evasion shapes of one script's languages in one automaton over its skeleton (see the
    module docstring): where one fires, each language's readings read the token."""

    def __init__(self, languages: Sequence[tuple[Sequence[Entry], Language]]) -> None:
        """The triggers of these (spelled entries, language) pairs, all of one script. Each pattern
        names the languages it is for (a bit each, in this order: bit()), so that a language's
        readings read only the tokens its own words could be in."""
        # pattern -> (kind, offset of the character to read, the languages' bits, its needs)
        patterns: dict[str, tuple[int, int, int, Needs]] = {}
        self.codes = [language.code for _, language in languages]
        every = (1 << len(languages)) - 1
        script = languages[0][1].script if languages else "latin"
        letters, singles = LETTERS, SINGLE_LETTERS
        if script == "cyrillic":  # its view holds both: Russian is written in Latin letters too
            letters, singles = LETTERS + CYRILLIC, SINGLE_LETTERS + CYRILLIC_SINGLES
        for pattern, kind, offset, needs in _trigger_patterns(letters, singles):
            patterns.setdefault(pattern, (kind, offset, every, needs))
        # Each shape's languages first, then its patterns once: the languages of a script share
        # most windows, whose spellings were merged into the patterns once a language before.
        shapes: dict[str, int] = {}  # respelled windows and doubled letters: the languages' bits
        windows: dict[tuple[tuple[str, str], ...], tuple[dict[str, str], dict[str, int]]] = {}  # by leet table
        for n, (entries, language) in enumerate(languages):
            bit = 1 << n
            leet_for = dict(LEET_FOR)
            for char, read in language.view_leet.items():  # Russian's 3 for з: the inverse
                for letter in read:
                    leet_for[letter] = leet_for.get(letter, "") + char
            terms = [e.term for e in entries]
            of_table = windows.setdefault(tuple(sorted(leet_for.items())), (leet_for, {}))[1]
            for window in _windows(terms):
                of_table[window] = of_table.get(window, 0) | bit
            sounds = language.sounds
            own = _respelled_windows(terms, sounds.writes, sounds.pairs) if sounds is not None else set()
            for entry in entries:  # doubled letters count only in inside-word terms (readings)
                if entry.scope == "inside" and " " not in entry.term:
                    own.update(_doubled(entry.term))
            for pattern in own:
                shapes[pattern] = shapes.get(pattern, 0) | bit
        for leet_for, of_table in windows.values():
            _leet_windows(of_table, leet_for, shapes)
        # (No shape is a generic one that needs more: those hold a space, or start with ! or -.)
        for pattern, bits in shapes.items():
            kind, offset, before, needs = patterns.get(pattern, (TOKEN, 0, 0, NO_NEEDS))
            patterns[pattern] = (kind, offset, before | bits, needs)
        self.patterns = len(patterns)
        self._automaton = automaton(patterns)
        self._meta = list(patterns.values())  # by pattern index: the automaton's are the dict's order

    def bit(self, code: str) -> int:
        """The bit of language `code` in the patterns' languages."""
        return 1 << self.codes.index(code) if code in self.codes else 0

    def fired(self, padded: bytes, bit: int) -> list[tuple[int, int]]:
        """(position, kind) of each trigger fired for the language of `bit` (see fire): fire and
        _for_language in one pass, without a tuple a trigger between them (text dense with
        separated letters fires one a letter)."""
        meta = self._meta
        out = []
        for index, start, _ in self._automaton.find(padded):
            kind, offset, bits, needs = meta[index]
            if bits & bit and (not needs or _meets(padded, start, needs)):
                out.append((start - 1 + offset, kind))
        return out

    def fire(self, padded: bytes) -> list[tuple[int, int, int]]:
        """(position in the skeleton of the character to read from, kind, the languages' bits) of
        each trigger fired."""
        meta = self._meta
        fired = []
        for index, start, _ in self._automaton.find(padded):
            kind, offset, bits, needs = meta[index]
            if not needs or _meets(padded, start, needs):
                fired.append((start - 1 + offset, kind, bits))
        return fired


def _for_language(fired: list[tuple[int, int, int]], bit: int) -> list[tuple[int, int]]:
    """(position, kind) of the triggers `fired` that are for the language of `bit`."""
    return [(pos, kind) for pos, kind, bits in fired if bits & bit]


Spelled = tuple[tuple[Entry, ...], dict[int, Entry], dict[int, tuple[str, int]]]


def spell_entries(entries: Sequence[Entry], language: Language) -> Spelled:
    """Each entry as its language's skeleton spells it, one entry per spelling; for each of
    those not spelled as listed, by id, the listed entry; and for each whose term holds a letter
    of the language's `distinct`, that letter and how many times."""
    out: list[Entry] = []
    listed: dict[int, Entry] = {}
    distinct: dict[int, tuple[str, int]] = {}
    for entry in entries:
        for form in skeleton_forms(entry.term, language):
            own = entry if form == entry.term else dataclasses.replace(entry, term=form)
            out.append(own)
            if own is not entry:
                listed[id(own)] = entry
        for letter in language.distinct:
            if letter in entry.term:
                distinct[id(entry)] = (letter, entry.term.count(letter))
    return tuple(out), listed, distinct


def _shows_distinct(text: str, hit: Hit, distinct: dict[int, tuple[str, int]]) -> bool:
    """Whether a hit of a term with a distinct letter (coño) shows that letter, or hides it."""
    need = distinct.get(id(hit.entry))
    if need is None:
        return True
    shown = unicodedata.normalize("NFC", text[hit.start : hit.end]).lower()  # n and a combining tilde are ñ
    return shown.count(need[0]) >= need[1] or "masked" in hit.evasions


def _own_letters(text: str, hit: Hit, letters: str) -> Hit:
    """A hit without the diacritics or homoglyphs that are letters of its language (Spanish ñ,
    German ß, Russian's х): a writer who writes their alphabet evades nothing, in either Unicode
    form: a combining accent that composes with the letter before it into one of the language's
    (inva\u0301lido, as macOS and some catalogues write inválido) is that letter."""
    if "diacritic" not in hit.evasions and "homoglyph" not in hit.evasions:
        return hit
    span = text[hit.start : hit.end]
    foreign = {evasion_of(c) for i, c in enumerate(span) if not c.isascii() and c.lower() not in letters
               and not (i and unicodedata.combining(c) and unicodedata.normalize("NFC", span[i - 1 : i + 1]).lower()
                        in letters)}
    kept = tuple(e for e in hit.evasions if e not in ("diacritic", "homoglyph") or e in foreign)
    return hit if kept == hit.evasions else Hit(hit.start, hit.end, hit.entry, kept)


def _agrees(text: str, hit: Hit, language: Language) -> bool:
    """Whether the letters of its language that a word as written holds are the term's: a writer
    may drop a diacritic (kurwa for kurwą, tare for taré), but one they wrote is meant (dębił is
    no debil, scemò no scemo, spaßt no Spast); except in the endings the language inflects with
    (Polish dziwką, French emmerdé), which a list need not spell out form by form."""
    span, term = text[hit.start : hit.end].lower(), hit.entry.term
    if len(span) != len(term) or span.isascii() or any(e != "case" for e in hit.evasions):
        return True
    stem = len(span) - next((len(e) for e in language.endings if span.endswith(e)), 0)
    return all(c == t for c, t in zip(span[:stem], term[:stem], strict=True) if c in language.letters)


def _mixed_script(text: str, hit: Hit) -> Hit:
    """A Cyrillic word with Latin look-alikes in it (xyй) is a homoglyph evasion, as a Latin word
    with Cyrillic ones is (fuсk: normalize tells those); a Cyrillic term with Latin letters read by
    their sound (пиzдец, бляdь), a leet one."""
    span = text[hit.start : hit.end]
    if span.isascii():
        return hit
    latin = {c.lower() for c in span if c.isascii() and c.isalpha()}
    if not latin:
        return hit
    sound = not hit.entry.term.isascii() and not latin.isdisjoint(LATIN_BY_SOUND)
    kinds = (["leet"] if sound else []) + (["homoglyph"] if not sound or latin - LATIN_BY_SOUND.keys() else [])
    added = tuple(kind for kind in kinds if kind not in hit.evasions)
    return Hit(hit.start, hit.end, hit.entry, (*hit.evasions, *added)) if added else hit


def _through_marks(text: str, skeleton: bytes, hit: Hit) -> Hit:
    """The hit with the combining marks right after its last letter (a stress mark, пизда́; й written
    и + U+0306; fuck with U+0301 on its k), as marks inside it are: they are of that letter, and a
    mask that left them out would set them on whatever follows. MAX_MARKS at most: more is no writing."""
    end = hit.end
    last = min(len(skeleton), end + MAX_MARKS)
    while end < last and skeleton[end] == INVISIBLE_BYTE[0] and unicodedata.category(text[end]) in ("Mn", "Me"):
        end += 1
    if end == hit.end:
        return hit
    marks = [kind for c in text[hit.end : end] if (kind := evasion_of(c))]
    return Hit(hit.start, end, hit.entry, tuple(dict.fromkeys((*hit.evasions, *marks))))


def _as_marked(written: bytes, entry: Entry) -> bool:
    """Whether `written` (skeleton) spells the term with its hyphens and apostrophes, at any spacing."""
    return b" ".join(written.split()) == entry.term.encode("latin-1")


def _word_view(pattern: str) -> str:
    return pattern.encode("latin-1").translate(WORD_VIEW).decode("latin-1")


def _vulgar(hit: Hit) -> Hit:
    """A clinical word disguised (v*gina, p3nis) is meant as a sexual one: the disguise shows it."""
    if hit.entry.category == "anatomy" and _disguised(hit):
        return Hit(hit.start, hit.end, dataclasses.replace(hit.entry, category="sexual"), hit.evasions)
    return hit


def _wrap_within(text: str, start: int, end: int, span: int, words: frozenset[str]) -> bool:
    """Whether a line break stands within `span` characters of text[start:end], not counting the
    blanks around it (a wrap's indentation), with a word of `words` (an allowed phrase's) on its
    other side: dumb⏎ servers may be a phrase, stupid⏎ trick none."""
    before = text.rfind("\n", max(0, start - span - WRAP_BLANKS), start)
    if (before >= 0 and len(text[before + 1 : start].lstrip(" \t")) <= span
            and _edge_word(text[max(0, before - span) : before].rsplit(None, 1)) in words):
        return True
    after = text.find("\n", end, end + span + WRAP_BLANKS)
    return (after >= 0 and len(text[end:after].rstrip(" \t\r")) <= span
            and _edge_word(text[after + 1 : after + 1 + span + WRAP_BLANKS].split(None, 1)[:1]) in words)


def _edge_word(pieces: list[str]) -> str:
    """The last of `pieces` (a word beside a line break), lowercased, without the punctuation around it."""
    return pieces[-1].strip(EDGE_PUNCTUATION).lower() if pieces else ""


def _run_start(skeleton: str, pos: int, low: int) -> int:
    """Where the run of word letters that ends at `pos` starts (stars between letters are of it,
    _LETTER_RUN), looked for down to `low`: `low` itself where the run goes on before it."""
    if pos <= low or skeleton[pos - 1] not in _IN_RUN:  # most: a word's first letter
        return pos
    before = len(skeleton[low:pos].rstrip(WORD_LETTERS))
    while before and skeleton[low + before - 1] == "*":
        stars = len(skeleton[low : low + before].rstrip("*"))
        if not stars or skeleton[low + stars - 1] not in WORD_LETTERS:
            break
        before = len(skeleton[low : low + stars].rstrip(WORD_LETTERS))
    return low + before


def _run_end(skeleton: str, pos: int) -> int:
    """Where the run of word letters that starts at `pos` ends."""
    if pos == len(skeleton) or skeleton[pos] not in _IN_RUN:  # most: a word's last letter before it
        return pos
    return _LETTER_RUN.match(skeleton, pos).end()  # type: ignore[union-attr]


def _run_starts(skeleton: str, positions: list[int]) -> dict[int, int]:
    """_run_start of each of `positions` (ascending), each character looked at once: between two
    positions, or not at all."""
    starts = {}
    at = start = 0
    for pos in positions:
        found = _run_start(skeleton, pos, at)
        if found != at:  # else the run goes on from the last position: it starts where that one's did
            start = found
        starts[pos] = start
        at = pos
    return starts


def _run_ends(skeleton: str, positions: list[int]) -> dict[int, int]:
    """_run_end of each of `positions` (ascending); one inside the last run read ends where it does."""
    ends = {}
    end = -1
    for pos in positions:
        if pos > end:
            end = _run_end(skeleton, pos)
        ends[pos] = end
    return ends


def _evasions(span: str, entry: Entry) -> tuple[str, ...]:
    """What was undone to read `span` as `entry`, found as written (letters folded)."""
    evasions = ["compound"] if entry.scope == "inside" and len(span) != len(entry.term) else []
    if "*" in span:  # a masked word glued to the root (sh*tcunt)
        evasions.append("masked")
    if not span.isascii():
        evasions.extend(kind for c in span if (kind := evasion_of(c)))
    if not span.islower() and is_odd_case(span):  # most words: no capital at all
        evasions.append("case")
    return tuple(dict.fromkeys(evasions))


def _disguised(hit: Hit) -> bool:
    """Whether the writer disguised the word: only then does an `evaded` entry count."""
    return any(e not in ("case", "compound") for e in hit.evasions)


class _Spans:
    """A set of spans, merged and sorted, that answers overlap queries by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end) - 1  # the last span starting before `end`
        return i >= 0 and self._ends[i] > start


def merge(found: Iterable[list[Hit]]) -> list[Hit]:
    """The hits of several scans of one text (one per language) as one scan's: in order, without overlaps."""
    return _non_overlapping(list(itertools.chain.from_iterable(found)))


def _non_overlapping(hits: list[Hit]) -> list[Hit]:
    """Keep, among overlapping hits, the one that starts first, then the best ranked (readings.rank)."""
    if not _in_order(hits):  # most are: a sort's key is a call a hit
        hits.sort(key=_start)  # stable: among equals, the first found
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.start == kept[-1].start and rank(hit) > rank(kept[-1]):
                kept[-1] = hit  # ranked only where two start together: hits may be many
            continue
        kept.append(hit)
    return kept


_severity = operator.attrgetter("severity")


def _start(hit: Hit) -> int:
    return hit.start


def _in_order(hits: list[Hit]) -> bool:
    """Whether `hits` are in order of start."""
    return all(hits[i].start >= hits[i - 1].start for i in range(1, len(hits)))
