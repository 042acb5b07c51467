"""Reading a suspicious token the way its writer meant it: leet, masks, separators, repeats.

The matcher sends here only the few tokens where a trigger fired (see matcher). Each is
turned into slots, one per character that carries a letter, and read these ways:

- letters: leet read as letters (1 is i or l), invisible characters dropped, repeated letters
  allowed beyond what the term has (fuuuck, but not butt for but);
- masked: a token that keeps its first letter and hides others behind * # _ - @ $ is matched
  against terms of the same length whose known letters sit at the same places (f***ing); one
  that hides its first letters behind stars, by the letters it shows (*sshole, ***ло);
- dotted: a word whose runs of dots hide letters, or only cut it (С..ка, f..k, Б.лять; see dots);
- separated: single letters split by separators (f.u.c.k, s_h_i_t, f u c k) joined;
- split: a word cut once by a separator (fu-ck, ass_hole) or, for inside-word terms only, by
  a space or dot (fu ck, fu.ck), read whole.

Offsets always point at the original characters, so a match covers exactly what was written.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import ahocorasick_rs

from moderation.engine import dots
from moderation.engine.entry import Entry
from moderation.engine.languages import Sounds
from moderation.engine.normalize import (
    EURO,
    EURO_READS,
    INVISIBLE_MARK,
    READ_TWO_WAYS,
    SKELETON_LETTERS,
    TO_CYRILLIC_SLOT,
    evasion_of,
    is_odd_case,
)

LEET: Final = {"0": "o", "1": "il", "2": "z", "3": "e", "4": "a", "5": "s", "6": "gb", "7": "t", "8": "b",
               "9": "g", "@": "a", "$": "s", "!": "il", "|": "il", "+": "t"}
MASKS: Final = frozenset("*#_-@$%")  # stand for a hidden letter in a self-censored word (sh%t too)
SEPARATORS: Final = frozenset("*_-.+|~/,:")  # may split the letters of a word: f.u.c.k, s_h_i_t
WRAPPERS: Final = frozenset("*_#-")  # may wrap a word: *word*, _word_
MAX_TOKEN: Final = 64  # longer runs (hashes, base64) are not words anyone reads
MAX_VARIANTS: Final = 16  # leet readings tried per token (1 and | read as i or l)
RESPELLED_VARIANTS: Final = 4  # of those, read by sound too (ph@ggot; a token of many 1s and |s is no word)
TOKEN_CACHE: Final = 4096  # readings of tokens kept per wordlist
IS_LETTER: Final = frozenset(SKELETON_LETTERS)
# Russian's words of one letter (а, в, и, к, о, с, у, я), as the Cyrillic view writes them: one may stand
# before a word spelled out letter by letter (ну ты и с у к а), not part of it.
WORDS_OF_ONE_LETTER: Final = frozenset(TO_CYRILLIC_SLOT[c] for c in "авикосуя")
_EURO_E: Final = EURO_READS[0]  # the letter the Cyrillic view reads the euro sign as


class Hit:
    """A term found in the text: a half-open span of the original, and what was undone. (A class,
    not a named tuple: compiled, one is made in a quarter of the instructions and its fields are
    read without a lookup, and text dense with matches makes one per match, several times over.)"""

    def __init__(self, start: int, end: int, entry: Entry, evasions: tuple[str, ...]) -> None:
        self.start = start
        self.end = end
        self.entry = entry
        self.evasions = evasions

    def __repr__(self) -> str:
        return f"Hit({self.start}, {self.end}, {self.entry.term!r}, {self.evasions!r})"


class Slot:
    """One character of a token that may carry a letter (a compiled class, as Hit: a token read
    makes one a character)."""

    def __init__(self, letters: str, pos: int, char: str, maskable: bool) -> None:
        self.letters = letters  # the letters it may stand for; "" for a pure mask or separator
        self.pos = pos  # its offset in the original text
        self.char = char  # the original character
        self.maskable = maskable  # may stand for a hidden letter

    def __repr__(self) -> str:
        return f"Slot({self.letters!r}, {self.pos}, {self.char!r}, {self.maskable})"


Hidden = tuple[int, str]  # offset of a dropped character, and its evasion


class Readings:
    """The term tables the readings need, built once per wordlist."""

    def __init__(self, entries: Sequence[Entry], leet: dict[str, str] | None = None, sounds: Sounds | None = None,
                 aimed_last: bool = False, standalone: frozenset[str] = frozenset()) -> None:
        """The tables of `entries` (spelled in their skeleton); `leet`, what each character may
        stand for beside LEET's Latin letters (the Cyrillic letters of Russian's leet);
        `sounds`, how its writers respell sounds (None: words are not read by their sounds);
        `aimed_last`, whether a masked token is read as an `aimed` word only when it fits no other
        (English's, where a disguise alone does not aim one: c**t read as clot would flag nothing);
        `standalone`, the language's words that stand alone (Language.standalone, in the
        skeleton's letters): where it has some, a whole word cut by one space is read, but for a
        piece of them."""
        self._sounds = None if sounds is None else Sounded(sounds)
        self._standalone = standalone
        self._leet = LEET if not leet else {k: LEET.get(k, "") + leet.get(k, "") for k in LEET.keys() | leet.keys()}
        words = [e for e in entries if " " not in e.term and "'" not in e.term and "-" not in e.term]
        keys: dict[str, list[tuple[Entry, tuple[int, ...]]]] = {}
        for entry in words:
            key, runs = collapse(entry.term)
            keys.setdefault(key, []).append((entry, runs))
        self._keys = list(keys)
        self._key_entries = [keys[k] for k in self._keys]
        self._collapsed = ahocorasick_rs.AhoCorasick(self._keys)
        # Where terms are read by sound too (Sounds.both_ways: Portuguese x and ch), the terms as read.
        self._sounded_keys: dict[str, list[tuple[Entry, tuple[int, ...]]]] = {}
        if self._sounds is not None and self._sounds.both_ways:
            for entry in words:
                key, runs = collapse(self._sounds.respell(entry.term)[0])
                self._sounded_keys.setdefault(key, []).append((entry, runs))
        self._sounded = ahocorasick_rs.AhoCorasick(list(self._sounded_keys)) if self._sounded_keys else None
        self._sounded_entries = list(self._sounded_keys.values())
        # The words of the phrases (wet back: back), by length and first letter: a masked token that
        # fits one, with the phrase's other words as written around it, is the phrase (wet b*ck).
        self._phrase_words: dict[tuple[int, str], list[tuple[Entry, list[str], int]]] = {}
        for entry in entries:
            parts = entry.term.split(" ")
            if len(parts) > 1 and all(part.isalpha() for part in parts):
                for i, part in enumerate(parts):
                    if len(part) >= 3:  # a word of two letters masked (a*) is no word anyone reads
                        self._phrase_words.setdefault((len(part), part[0]), []).append((entry, parts, i))
        self._read_cached = functools.lru_cache(maxsize=TOKEN_CACHE)(self._read_uncached)
        self._split_cached = functools.lru_cache(maxsize=TOKEN_CACHE)(self._read_split)
        self._chain_cached = functools.lru_cache(maxsize=TOKEN_CACHE)(self._read_chain)
        self._dotted_cached = functools.lru_cache(maxsize=TOKEN_CACHE)(self._read_dotted)
        # Masked tokens keep their first letter: index terms by it and their length; a token that
        # hides its first letters by its third, which it shows when it hides one or two (*sshole,
        # **cking), else by its last (***ло, ***hole). Each term with its rank (see below).
        self._by_shape: dict[tuple[int, str], list[tuple[int, Entry]]] = {}
        self._by_third: dict[tuple[int, str], list[tuple[int, Entry]]] = {}
        self._by_last: dict[tuple[int, str], list[tuple[int, Entry]]] = {}
        self._inside_by_first: dict[str, list[Entry]] = {}
        # Swearing is what people self-censor most: s*** is read as shit before slut, c*** as crap.
        def order(entry: Entry) -> tuple[bool, bool]:
            return entry.category != "profanity", aimed_last and entry.scope == "aimed"

        for rank, entry in enumerate(sorted(words, key=order)):
            self._by_shape.setdefault((len(entry.term), entry.term[0]), []).append((rank, entry))
            self._by_last.setdefault((len(entry.term), entry.term[-1]), []).append((rank, entry))
            if len(entry.term) > 2:
                self._by_third.setdefault((len(entry.term), entry.term[2]), []).append((rank, entry))
            if entry.scope == "inside":
                self._inside_by_first.setdefault(entry.term[0], []).append(entry)

    # -- the token and its slots ----------------------------------------------------------

    @staticmethod
    def token(skeleton: str, pos: int) -> tuple[int, int]:
        """The span of the token around pos (between spaces and apostrophes), in the skeleton's
        terms; one longer than MAX_TOKEN each way is cut there (no reading takes it whole), so
        that a text without spaces costs no more than one with them."""
        low = max(0, pos - MAX_TOKEN - 1)
        start = max(skeleton.rfind(" ", low, pos), skeleton.rfind("'", low, pos))
        start = start + 1 if start >= 0 else low
        high = min(len(skeleton), pos + MAX_TOKEN + 2)
        end = skeleton.find(" ", pos + 1, high)
        if end < 0:
            end = high
        apostrophe = skeleton.find("'", pos + 1, end)
        return start, apostrophe if apostrophe >= 0 else end

    def read_token(self, text: str, skeleton: str, start: int, end: int) -> Hit | None:
        """The best reading of text[start:end], a single token, or None.

        A token's reading depends on its characters alone, and the same few evasions (f**k,
        sh1t) come back all day: readings are cached by token, at their offsets in the token.
        """
        if end - start > MAX_TOKEN:
            return None
        found = self._read_cached(text[start:end], skeleton[start:end])
        if found is None:
            return None
        return Hit(found.start + start, found.end + start, found.entry, found.evasions)

    def read_word(self, text: str, skeleton: str, start: int, end: int, two_ways: bool = True) -> Hit | None:
        """text[start:end] read alone (read_token), or as a word of a listed phrase (read_in_phrase)
        where it reads as no word alone or holds a Latin letter read two ways: a phrase whose first
        word is listed alone (анальnый секс) is the phrase, as its look-alike spelling is.
        `two_ways`: False where the text holds no such letter (the caller's views know), so that a
        word read is not searched for one."""
        hit = self.read_token(text, skeleton, start, end)
        if hit is None or (two_ways and _reads_two_ways(text, skeleton, start, end)):
            hit = _best((hit, self.read_in_phrase(text, skeleton, start, end)))
        return hit

    def read_in_phrase(self, text: str, skeleton: str, start: int, end: int) -> Hit | None:
        """text[start:end], a masked or leet token that reads as no word alone, or one with
        combining marks (убеи + U+0306 себя, й decomposed), read as a word of a listed phrase whose
        other words stand right around it as written (porch m*nkey, porco di0); or None. Looks
        at most a phrase's length each side."""
        while end > start + 1 and text[end - 1] == "!":  # the end of a sentence (jungle b*nny!), as _read_uncached
            end -= 1
        first = skeleton[start : start + 1]
        length = end - start - skeleton.count(INVISIBLE_MARK, start, end)  # a combining mark is of its letter
        candidates = self._phrase_words.get((length, first))
        if not candidates or (text[start + 1 : end].isalpha() and not _reads_two_ways(text, skeleton, start, end)):
            return None
        slots, hidden = _slots(text[start:end], skeleton[start:end], 0, end - start, self._leet)
        if len(slots) != length or not all(s.letters or s.maskable for s in slots):
            return None
        masked = any(s.maskable for s in slots[1:])
        for entry, parts, k in candidates:
            if not _fits(parts[k], slots):
                continue
            low = _words_before(skeleton, start, parts[:k])
            high = _words_after(skeleton, end, parts[k + 1 :])
            if low >= 0 and high >= 0:
                hit = _hit(slots, slots, hidden, entry, ["masked"] if masked else [], True)
                return Hit(low, high, entry, hit.evasions)
        return None

    def _read_uncached(self, token: str, skeleton: str) -> Hit | None:
        slots, hidden = _slots(token, skeleton, 0, len(token), self._leet)
        lead = 0  # the stars it starts with
        while lead < len(slots) and slots[lead].char == "*":
            lead += 1
        shown = len(slots) - lead
        if lead and shown >= 2 and all(s.letters for s in slots[lead:]):  # *word* (emphasis) ends with one
            hit = None
            if lead <= 2 and shown >= 4:
                hit = self._read_leading_mask(slots, hidden)  # *sshole, **cking
            elif lead >= 2 and (shown >= 4 or not slots[-1].letters.isascii()):
                # ***ло, **ять, ***hole; not *out, *ptr (pointers in C), nor **ok or ***ad: a short
                # Latin tail fits a word of the language that no list holds
                hit = self._read_masked_head(slots, hidden)
            if hit is not None:
                return hit
        wrapped = bool(slots) and not slots[0].letters  # *word* is emphasis, f** is masking
        while slots and not slots[0].letters and slots[0].char in WRAPPERS:
            slots.pop(0)
        while slots and (slots[-1].char == "!" or (wrapped and slots[-1].char in WRAPPERS)):
            slots.pop()
        if not slots:
            return None
        candidates = []
        if all(s.letters for s in slots):
            candidates.append(self._read_letters(slots, hidden, ()))
        if any(s.maskable for s in slots[1:]) and slots[0].letters:
            candidates.append(self._read_masked(slots, hidden))
        separated = _separated(slots)
        if separated:
            candidates.append(self._read_letters(separated, hidden, ("separator",)))
        best = _best(candidates)
        letters = [s for s in slots if s.letters]
        if best is None and len(letters) < len(slots):  # fu-ck, ass_hole: one word, split
            best = self._read_letters(letters, hidden, ("separator",), whole_only=True)
        if best is None and len(letters) == len(slots) and self._sounds is not None:
            best = self._read_respelled(slots, hidden, self._sounds)
        return best

    def _read_respelled(self, slots: Sequence[Slot], hidden: Sequence[Hidden], sounds: Sounded) -> Hit | None:
        """A word respelled as it sounds (fvck, phuk, fukk, fuq, azz, nigguh; kulo, xupa, wevada),
        read as the term; the leet of sound, so named leet. Tried only when the letters as written
        spell nothing, and on three letters at least (fq is no fck)."""
        best: Hit | None = None
        if len(slots) < 3:
            return None
        # One evasion per character: a letter read from leet is not respelled too (ming32 is no
        # minges: 2 read as z, then z as s).
        leet = frozenset(i for i, s in enumerate(slots) if not s.char.isalpha())
        for word in _variants([s.letters for s in slots], RESPELLED_VARIANTS):
            canonical, source = sounds.respell(word, leet)
            if self._sounded is not None:  # the term read the same way: chereca and xereca meet in xereca
                spellings = _spelled_in(canonical, self._sounded, self._sounded_entries)
            elif canonical != word:
                spellings = self._spellings(canonical)
            else:
                continue
            for first, last, whole, entry, repeated in spellings:
                if not whole:  # a sound read inside a longer word makes names of places: Phuket
                    continue
                used = slots[source[first] : source[last - 1] + 1]
                evasions = ["leet", "repeat"] if repeated else ["leet"]
                best = _best([best, _hit(slots, used, hidden, entry, evasions, whole)])
        return best

    def read_split(self, text: str, skeleton: str, pos: int) -> tuple[int, int, Hit | None]:
        """Two tokens one space or mark apart that spell a term together: fu ck, cu.nt, sh.it.
        Split by a space, only an inside-word term counts ("pen is" is two words), but in a
        language whose words seldom pair so, a whole word too (дро чить), where neither piece is
        a word that stands alone (иди от: Language.standalone)."""
        start, middle = self.token(skeleton, pos)
        if middle + 1 >= len(skeleton) or text[middle] in "\n\r":
            return start, middle, None
        _, end = self.token(skeleton, middle + 1)
        if end - start > MAX_TOKEN:
            return start, end, None
        hit = self._split_cached(text[start:end], skeleton[start:end], middle - start)  # as read_token
        return start, end, None if hit is None else Hit(hit.start + start, hit.end + start, hit.entry, hit.evasions)

    def _read_split(self, text: str, skeleton: str, middle: int) -> Hit | None:
        slots, hidden = _slots(text, skeleton, 0, len(text), self._leet)
        letters = [s for s in slots if s.letters and s.pos != middle]
        hit = self._read_letters(letters, hidden, ("separator",), whole_only=True)
        if hit is not None and hit.entry.scope != "inside" and text[middle].isspace() and not self._spaced(
                hit, skeleton[:middle].lstrip(), skeleton[middle + 1 :].rstrip()):
            hit = None  # pen is, as shole: two words; only sh.it, a word cut by a mark, is one
        return hit

    def _spaced(self, hit: Hit, before: str, after: str) -> bool:
        """Whether a whole word's hit, cut by a space into `before` and `after`, is one word: in a
        language with words that stand alone, a word listed as a `word` (an `evaded` or `aimed` one
        has an innocent reading: a space is too little disguise), neither piece one of those."""
        return (bool(self._standalone) and hit.entry.scope == "word"
                and before not in self._standalone and after not in self._standalone)

    def read_dotted(self, text: str, skeleton: str, pos: int) -> tuple[int, int, Hit | None]:
        """A word self-censored with dots around the letter at pos (С..ка, f..k; see dots): its span
        and reading. Not a word of prose (a path, code, an ellipsis of four dots): an empty span."""
        span = dots.word_around(text, pos, MAX_TOKEN)
        if span is None:
            return pos, pos, None
        start, end = span
        hit = self._dotted_cached(text[start:end], skeleton[start:end])  # as read_token
        return start, end, None if hit is None else Hit(hit.start + start, hit.end + start, hit.entry, hit.evasions)

    def _read_dotted(self, word: str, skeleton: str) -> Hit | None:
        """Each run of dots read as the letters it may hide (dots.hidden: none, where a dot only cuts
        a Russian word, б.лять), and the word as a masked token of that length: of the readings
        that invent fewest letters, the first term in the order of _by_shape whose letters sit
        where the written ones do (С..ка is сука, not срака). At least two letters shown, and
        half the term's; Latin text hides strong words only (a mild one is a name: he.ll, da.mn)."""
        script = dots.script_of(skeleton)
        if script is None or dots.honest(word, script):
            return None
        letters, runs = dots.pieces(word)
        best: tuple[int, Entry, list[Slot], tuple[int, ...]] | None = None
        for hides in sorted(itertools.product(*(dots.hidden(n, script) for n in runs)), key=sum):
            if best is not None and sum(hides) > sum(best[3]):
                break
            slots = _dotted_slots(word, skeleton, letters, runs, hides)
            shown = len(slots) - sum(hides)
            if shown < 2 or 2 * shown < len(slots):
                continue
            for rank, entry in self._by_shape.get((len(slots), slots[0].letters), ()):
                if best is not None and rank >= best[0]:
                    break
                if _fits(entry.term, slots) and (script == "cyrillic" or entry.severity > 1):
                    best = (rank, entry, slots, hides)
                    break
        if best is None:
            return None
        evasions = (["masked"] if any(best[3]) else []) + (["separator"] if not all(best[3]) else [])
        return _hit(best[2], best[2], [], best[1], evasions, True)

    def read_chain(self, text: str, skeleton: str, pos: int, floor: int = 0) -> tuple[int, int, list[Hit]]:
        """Single letters split by spaces or punctuation around pos (f u c k): span and reading.

        The chain reaches back no further than `floor`, where the last region read ended.
        """
        elements = [pos]
        for step in (-1, 1):
            at = pos
            while len(elements) < MAX_TOKEN:  # a longer run is read in pieces, never at once
                nxt = _next_single(text, skeleton, at, step, self._leet)
                if nxt is None or nxt < floor:
                    break
                elements.append(nxt)
                at = nxt
        elements.sort()
        # The words the chain spells, at its offsets. Chains repeat as tokens do (f u c k, all day
        # and all down a hostile text): their readings are cached by their characters and the
        # letters each may be, with the index of each element for its offsets (_read_chain).
        leet = self._leet
        letters = tuple([c if (c := skeleton[i]) in IS_LETTER else leet.get(c, "") for i in elements])
        read = self._chain_cached("".join([text[i] for i in elements]), letters)
        return elements[0], elements[-1] + 1, [Hit(elements[h.start], elements[h.end - 1] + 1, h.entry, h.evasions)
                                               for h in read]

    def _read_chain(self, chars: str, letters: tuple[str, ...]) -> list[Hit]:
        """The words a chain of letters spells (f u c k  o f f: two), with the index of each
        element for its offsets: the best reading of the chain, then of the letters on either side
        of it, and so on. Every reading is found in one pass over the chain (a chain of many words
        was read again for each), then chosen among."""
        slots = [Slot(lets, i, c, False) for i, (lets, c) in enumerate(zip(letters, chars, strict=True))]
        found = []  # (rank, first slot, last slot, whether it must be all of a part, hit)
        for variant in itertools.islice(itertools.product(*(s.letters for s in slots)), MAX_VARIANTS):
            for first, last, _, entry, repeated in self._spellings("".join(variant)):
                used = slots[first:last]
                hit = _hit(used, used, [], entry, ["separator", "repeat"] if repeated else ["separator"], True)
                found.append((rank(hit), first, last, entry.scope != "inside", hit))
        hits: list[Hit] = []
        pending = [(0, len(slots))]
        while pending:
            lo, hi = pending.pop()
            fits = [f for f in found if lo <= f[1] and f[2] <= hi and not (f[3] and (f[1], f[2]) != (lo, hi))]
            if hi - lo >= 3 and fits:
                best = max(fits, key=operator.itemgetter(0))  # the first of the best ranked
                hits.append(best[4])
                pending += [(lo, best[1]), (best[2], hi)]
            elif hi - lo >= 6 and (tiled := _tiling([(f[1], f[2], f[4]) for f in found], lo, hi)):
                hits += tiled
            elif lo == 0 and hi >= 4 and slots[0].letters in WORDS_OF_ONE_LETTER:
                pending.append((1, hi))  # a word of one letter before a word spelled out: ну ты и с у к а
        return hits

    # -- the three readings ---------------------------------------------------------------

    def _read_letters(self, slots: Sequence[Slot], hidden: Sequence[Hidden], extra: tuple[str, ...],
                      token: bool = True, whole_only: bool = False) -> Hit | None:
        """Read slots as letters; `token`: slots are one word, so a match spans all of it;
        `whole_only`: only a term that is all of the letters counts."""
        best: Hit | None = None
        for word in _variants([s.letters for s in slots], MAX_VARIANTS):
            best = _best([best, self._match_collapsed(word, slots, hidden, extra, token, whole_only)])
        return best

    def _match_collapsed(self, word: str, slots: Sequence[Slot], hidden: Sequence[Hidden],
                         extra: tuple[str, ...], token: bool, whole_only: bool) -> Hit | None:
        best: Hit | None = None
        for first, last, whole, entry, repeated in self._spellings(word):
            if (entry.scope != "inside" or whole_only) and not whole:
                continue
            evasions = [*extra, "repeat"] if repeated else list(extra)
            used = slots[first:last]
            hit = _hit(slots if token else used, used, hidden, entry, evasions, whole or not token)
            best = _best([best, hit])
        return best

    def _spellings(self, word: str) -> Iterator[tuple[int, int, bool, Entry, bool]]:
        """Each entry `word` spells (see _spelled_in)."""
        return _spelled_in(word, self._collapsed, self._key_entries)

    def _read_leading_mask(self, slots: Sequence[Slot], hidden: Sequence[Hidden]) -> Hit | None:
        """A word whose first letters are starred (*sshole, **cking): a term of its length whose
        other letters sit where the written ones do. Only with stars (#tag, --flag and _name are
        no masks) and four letters shown at least (*out and *ptr are pointers in C)."""
        fitting = (ranked for letter in slots[2].letters for ranked in self._by_third.get((len(slots), letter), ())
                   if _fits(ranked[1].term, slots))
        first = min(fitting, key=operator.itemgetter(0), default=None)  # the first listed, as _by_shape's
        return None if first is None else _hit(slots, slots, hidden, first[1], ["masked"], True)

    def _read_masked_head(self, slots: Sequence[Slot], hidden: Sequence[Hidden]) -> Hit | None:
        """A word whose first letters are starred and whose last two or more show (***ло, **ять,
        ***hole), when its third does not (or it shows fewer than four): a term of its length
        whose letters sit where the written ones do. So little shown fits several terms (***ло:
        хуйло, ебало, быдло, мудло): read only as the only one that fits, or as the first in the
        order of _by_shape when that is swearing, what people star most (***ло is хуйло)."""
        fitting = sorted(ranked for letter in slots[-1].letters
                         for ranked in self._by_last.get((len(slots), letter), ()) if _fits(ranked[1].term, slots))
        if not fitting or (len(fitting) > 1 and fitting[0][1].category != "profanity"):
            return None
        return _hit(slots, slots, hidden, fitting[0][1], ["masked"], True)

    def _read_masked(self, slots: Sequence[Slot], hidden: Sequence[Hidden]) -> Hit | None:
        n = len(slots)
        for first in slots[0].letters:
            for _, entry in self._by_shape.get((n, first), ()):
                if _fits(entry.term, slots):
                    return _hit(slots, slots, hidden, entry, ["masked"], True)
        best: Hit | None = None
        # How many slots before each are masks, and known letters: a part's counts by subtraction.
        masks = list(itertools.accumulate((s.maskable for s in slots), initial=0))
        known = list(itertools.accumulate((bool(s.letters) and not s.maskable for s in slots), initial=0))
        for at, slot in enumerate(slots):  # a masked term inside a longer token: clusterf**k
            for first in slot.letters:
                for entry in self._inside_by_first.get(first, ()):
                    end = at + len(entry.term)
                    # Inside a longer token, one known letter is too little (graphic*** is no c***).
                    if (end <= n and masks[end] > masks[at] and known[end] - known[at] >= 2
                            and _fits(entry.term, slots[at:end])):
                        best = _best([best, _hit(slots, slots[at:end], hidden, entry, ["masked"], False)])
        return best


_RUNS: Final = re.compile(r"((.)\2*)", re.DOTALL)
_DOUBLED: Final = re.compile(r"(.)\1", re.DOTALL)


class Sounded:
    """A language's Sounds made ready to read a word by: its `reads` in one expression, whose
    one pass in C finds where any applies."""

    def __init__(self, sounds: Sounds) -> None:
        # No group a rule: re skips a rule whose first letter is not the word's at a glance, and a
        # group in front of each made it try every rule at every letter (twice the instructions).
        # Which rule applied is asked again where one did, seldom (_rule_at).
        self._pattern = re.compile("|".join(f"(?:{written})" for written, _ in sounds.reads))
        self._rules = [re.compile(written) for written, _ in sounds.reads]
        self._spelled = [spelled for _, spelled in sounds.reads]
        self.both_ways = sounds.both_ways

    def respell(self, word: str, fixed: frozenset[int] = frozenset()) -> tuple[str, list[int]]:
        """'phukk' -> ('fuck', [0, 2, 3, 4]): the word spelled as the sounds it writes are usually
        spelled, and for each letter of that, the index of the letter it was read from. A sound
        that holds a `fixed` index (a letter read from leet) is left as it is."""
        out: list[str] = []
        source: list[int] = []
        at = 0
        for sound in self._pattern.finditer(word):
            i, j = sound.span()
            if fixed and not fixed.isdisjoint(range(i, j)):
                continue
            new = self._spelled[self._rule_at(word, i)]
            out += (word[at:i], new)
            source += range(at, i)
            source += (min(i + k, j - 1) for k in range(len(new)))
            at = j
        out.append(word[at:])
        source += range(at, len(word))
        return "".join(out), source

    def _rule_at(self, word: str, i: int) -> int:
        """The index of the rule the expression applied at word[i]: the first that matches there,
        as an alternation tries them (a rule's lookbehind sees the letters before i)."""
        for k, rule in enumerate(self._rules):
            if rule.match(word, i):
                return k
        raise ValueError(f"no rule applies at {i} of {word!r}")


def collapse(word: str) -> tuple[str, tuple[int, ...]]:
    """'fuuck' -> ('fuck', (1, 2, 1, 1)): letters with their run lengths."""
    if _DOUBLED.search(word) is None:  # most words: one search, not one each for the two
        return word, (1,) * len(word)
    return collapsed(word), run_lengths(word)


def collapsed(word: str) -> str:
    """'fuuck' -> 'fuck': each run of a letter as one."""
    if _DOUBLED.search(word) is None:  # most words
        return word
    # A loop, not a join of itertools.groupby: compiled, a fifth of the instructions (a group
    # object a letter).
    letters = [word[0]]
    for c in word:
        if c != letters[-1]:
            letters.append(c)
    return "".join(letters)


def run_lengths(word: str) -> tuple[int, ...]:
    """'fuuck' -> (1, 2, 1, 1): how many times each letter of collapsed(word) is written."""
    if _DOUBLED.search(word) is None:
        return (1,) * len(word)
    return tuple(len(run) for run, _ in _RUNS.findall(word))


def _spelled_in(word: str, keys: ahocorasick_rs.AhoCorasick,
               entries: list[list[tuple[Entry, tuple[int, ...]]]]) -> Iterator[tuple[int, int, bool, Entry, bool]]:
    """Each entry `word` spells (of the collapsed `keys` and their `entries`), its letters
    repeated any number of times (fuuuck): where in `word` (first, last), whether that is all
    of it, the entry, and whether its letters are written more times than the term has them."""
    key = collapsed(word)
    found = keys.find_matches_as_indexes(key, overlapping=True)
    if not found:  # most words: no term at all, and no runs to count
        return
    counts = run_lengths(word)
    starts = list(itertools.accumulate(counts, initial=0))
    for key_index, a, b in found:
        for entry, runs in entries[key_index]:
            if _repeats_fit(counts[a:b], runs, entry.scope == "inside"):
                yield starts[a], starts[b], a == 0 and b == len(key), entry, counts[a:b] != runs


def _repeats_fit(counts: tuple[int, ...], runs: tuple[int, ...], inside: bool) -> bool:
    """Whether letter runs written `counts` times spell a term with runs `runs`.

    A run may be longer than the term's, but doubled letters make ordinary words out of
    whole-word terms (assess, Bonner, Shiite), so there a longer run must reach three: asss,
    booobs. Inside-word terms are roots no innocent word holds, so fuuck counts.
    """
    for have, need in zip(counts, runs, strict=True):
        if have < need or (have > need and not inside and have < 3):
            return False
    return True


def _variants(choices: list[str], limit: int) -> list[str]:
    """The words spelled by one letter of each of `choices`, the first `limit` in the order of
    itertools.product. Most tokens have one letter a slot: their one word is joined at once,
    without product's tuple a slot and its join."""
    word = "".join(choices)
    if len(word) == len(choices) and "" not in choices:
        return [word]
    return ["".join(variant) for variant in itertools.islice(itertools.product(*choices), limit)]


def _slots(text: str, skeleton: str, start: int, end: int, leet: dict[str, str]) -> tuple[list[Slot], list[Hidden]]:
    slots: list[Slot] = []
    hidden: list[Hidden] = []  # invisible characters and combining marks, dropped
    for i in range(start, end):
        f, c = skeleton[i], text[i]
        if f in IS_LETTER:
            if f == _EURO_E and c == EURO:  # € in the Cyrillic view: е or я (бл€ть)
                f = EURO_READS
            elif f > "z" and c < "\x80":  # a Latin letter read in a Cyrillic word: n is п or н (nидор, трахnуть)
                f = READ_TWO_WAYS.get(c.lower(), f)
            slots.append(Slot(f, i, c, False))
        elif f == INVISIBLE_MARK:
            # a visible character the skeleton hides is one of π's digits read as пи (normalize._PI)
            hidden.append((i, evasion_of(c) or ("leet" if c.isascii() and c.isprintable() else "invisible")))
        elif f in leet:
            slots.append(Slot(leet[f], i, c, f in MASKS))
        else:
            slots.append(Slot("", i, c, f in MASKS))
    return slots, hidden


def _tiling(found: Sequence[tuple[int, int, Hit]], lo: int, hi: int) -> list[Hit]:
    """The words of `found` (first, last, hit) that spell the chain's letters lo..hi back to back,
    every letter used, fewest words first; or none. A whole word needs all of a part of the chain
    (``a s s e s s`` is no ass), and words written one after another each are one: ``s h i t s h
    i t`` is shit twice."""
    starting: dict[int, list[tuple[int, Hit]]] = {}
    for first, last, hit in found:
        if lo <= first and last <= hi:
            starting.setdefault(first, []).append((last, hit))
    ending: dict[int, list[Hit]] = {lo: []}  # the fewest words that spell lo..p, by p
    for p in sorted(starting):  # ascending: each start is reached, if at all, before it is left
        before = ending.get(p)
        if before is None:
            continue
        for last, hit in starting[p]:
            if last not in ending or len(ending[last]) > len(before) + 1:
                ending[last] = [*before, hit]
    return ending.get(hi, [])


def _dotted_slots(word: str, skeleton: str, letters: list[str], runs: list[int], hides: tuple[int, ...]) -> list[Slot]:
    """The slots of a dotted word whose runs of dots hide `hides` letters: a slot a letter, and a
    masked slot a hidden letter, at the place of a dot of its run."""
    slots: list[Slot] = []
    at = 0
    for i, piece in enumerate(letters):
        slots.extend(Slot(skeleton[at + j], at + j, word[at + j], False) for j in range(len(piece)))
        at += len(piece)
        if i < len(runs):
            slots.extend(Slot("", at + min(j, runs[i] - 1), ".", True) for j in range(hides[i]))
            at += runs[i]
    return slots


def _separated(slots: Sequence[Slot]) -> list[Slot] | None:
    """The letter slots of 'f*u*c*k'-like tokens: single letters between separators."""
    letters = [s for s in slots if s.letters]
    if len(letters) < 3 or len(letters) == len(slots):
        return None
    for a, b in itertools.pairwise(slots):
        if a.letters and b.letters:
            return None  # two letters side by side: a word, not spelled-out letters
        if not a.letters and not b.letters and a.char != b.char:
            return None
    if any(not s.letters and s.char not in SEPARATORS for s in slots):
        return None
    return letters


def _next_single(text: str, skeleton: str, at: int, step: int, leet: dict[str, str]) -> int | None:
    """The next single-character element from `at` across 1-3 spaces or punctuation, or None."""
    i = at + step
    gap = 0
    while 0 <= i < len(skeleton) and skeleton[i] == " " and text[i] not in "\n\r" and gap < 3:
        i += step
        gap += 1
    if gap == 0 or not 0 <= i < len(skeleton) or not _single(skeleton, i, leet):
        return None
    return i


def _single(skeleton: str, i: int, leet: dict[str, str]) -> bool:
    f = skeleton[i]
    if not (f in IS_LETTER or f in leet):
        return False
    before = skeleton[i - 1] if i > 0 else " "
    after = skeleton[i + 1 : i + 2] or " "
    if after == "!":  # f.u.c.k! : an exclamation mark that ends a sentence, not an i in leet
        after = " " if skeleton[i + 2 : i + 3] in ("", " ", "!") else "!"
    return before == " " and after == " "


def _words_before(skeleton: str, start: int, words: list[str]) -> int:
    """Where `words` start, when they stand right before skeleton[start] (a blank or two between
    each, and before it), each whole; -1 when they do not. `start` itself when there are none."""
    at = start
    for word in reversed(words):
        gap = len(skeleton[max(0, at - 2) : at]) - len(skeleton[max(0, at - 2) : at].rstrip(" "))
        if gap == 0 or at - gap - len(word) < 0 or not skeleton.startswith(word, at - gap - len(word)):
            return -1  # (a negative start would count from the end)
        at -= gap + len(word)
        if at > 0 and skeleton[at - 1] not in " '":
            return -1  # the end of a longer word (a sweet b*ck is no wet back)
    return at


def _words_after(skeleton: str, end: int, words: list[str]) -> int:
    """Where `words` end, when they stand right after skeleton[:end], as _words_before."""
    at = end
    for word in words:
        gap = len(skeleton[at : at + 2]) - len(skeleton[at : at + 2].lstrip(" "))
        if gap == 0 or not skeleton.startswith(word, at + gap):
            return -1
        at += gap + len(word)
        if at < len(skeleton) and skeleton[at].isalpha():
            return -1  # the start of a longer word
    return at


_TWO_WAYS_LETTER: Final = re.compile("[%s]" % ("".join(READ_TWO_WAYS).upper() + "".join(READ_TWO_WAYS)))


def _reads_two_ways(text: str, skeleton: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds a Latin letter that a Cyrillic word reads two ways (гuбы): a
    letter of READ_TWO_WAYS whose skeleton is Cyrillic. A Latin word's skeleton is ASCII: no search."""
    if skeleton[start:end].isascii():
        return False
    found = _TWO_WAYS_LETTER.search(text, start, end)
    while found is not None:
        if skeleton[found.start()] > "z":
            return True
        found = _TWO_WAYS_LETTER.search(text, found.start() + 1, end)
    return False


def _fits(term: str, slots: Sequence[Slot]) -> bool:
    """Whether `slots` (as many as `term` has letters) may spell `term`: each carries its letter
    or hides one. (A loop, not all() over a zip: candidates are tried by the dozen a token.)"""
    if len(term) != len(slots):
        raise ValueError(f"{term!r} has {len(term)} letters, the token {len(slots)}")
    for i in range(len(term)):
        slot = slots[i]
        if not slot.maskable and term[i] not in slot.letters:
            return False
    return True


def _hit(token: Sequence[Slot], used: Sequence[Slot], hidden: Sequence[Hidden], entry: Entry,
         evasions: list[str], whole: bool) -> Hit:
    """A Hit spanning `token` (the word, or the letters used), naming every evasion shown."""
    start, end = token[0].pos, token[-1].pos + 1
    if not whole:
        evasions.append("compound")
    for s in used:
        if s.char.isalpha() or s.char == EURO:  # € is a homoglyph of е and я, not leet
            if not s.char.isascii() and (kind := evasion_of(s.char)):
                evasions.append(kind)
        elif s.letters and "masked" not in evasions:
            evasions.append("leet")
    evasions.extend(kind for i, kind in hidden if start < i < end)
    if is_odd_case(s.char for s in used if s.letters):
        evasions.append("case")
    return Hit(start, end, entry, tuple(dict.fromkeys(evasions)))


def rank(hit: Hit) -> tuple[int, bool, int, int, int]:
    """How good a reading of a span is, higher better: it covers more text, it is a listed word
    rather than a compound, it undid less (xxx as written over xx repeated), it is more severe,
    its term is longer (fucking over fuck)."""
    return (hit.end - hit.start, "compound" not in hit.evasions, -len(hit.evasions), hit.entry.severity,
            len(hit.entry.term))


def _best(hits: Iterable[Hit | None]) -> Hit | None:
    """The best-ranked hit; among equals, the first (the earliest listed term)."""
    best: Hit | None = None
    for hit in hits:
        if hit is not None and (best is None or rank(hit) > rank(best)):
            best = hit
    return best
