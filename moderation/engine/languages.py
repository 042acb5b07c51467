"""The languages the engine reads, each a row of a table: its script, how its writers fold its
letters, how they respell its sounds, and which of the English-built readings apply to it.

A new language is a row here and a folder of lists under wordlists/, not a change to the matcher:
the matcher takes a Language and spells each listed term in the skeleton of its script.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

from moderation.engine.normalize import fold, fold_cyrillic


class Respelling(NamedTuple):
    """A sound of a term as writers may write it instead: `written` for `sound`, anywhere in the
    term, only first ("^") or only last ("$"); the matcher reads a token where one may stand
    (`least` letters of it, the respelling and a letter each side at least). `paired`: only in a
    word that holds another respelling too (Spanish b for v: mamawebo, but Berga is a town)."""

    sound: str
    written: str
    where: str = ""
    least: int = 4
    paired: bool = False


@dataclass(frozen=True)
class Sounds:
    """How a language's writers respell its sounds, by habit or past a filter (fvck, phuk, azz;
    kabrón, xupa, wevada): a row of a language, read by readings.respell and fired on by the
    matcher's respelled windows."""

    # How a written sound reads, in order: a regular expression of the skeleton's letters (without
    # groups of its own) and the letters it stands for; one pass finds where any applies, each
    # where the ones before it do not.
    reads: tuple[tuple[str, str], ...]
    # Where in a term a respelling may stand: a token is read by `reads` only where one fires.
    writes: tuple[Respelling, ...]
    # Whether terms are read by `reads` too, and a token is the term whose reading it shares: where
    # the respelling is no more the sound's than the spelling (Portuguese x and ch), a respelling
    # and the term meet in their reading (chereca and xereca: both xereca). English spells its
    # terms one way.
    both_ways: bool = False
    # Whether two respellings in one word are read (mamawebo: w for hu, b for v), as one is: where
    # writers respell as they chat, a word holds several; English writers respell one sound to slip
    # past a filter (its windows of two would only cost a start-up).
    pairs: bool = False
    # Whether a respelling alone is a disguise, enough for an `evaded` or `aimed` word: English
    # writers respell to slip past a filter (phag); Spanish and Portuguese ones respell as they
    # chat (ke, xq, kasa), so a respelled word innocent somewhere needs what its plain word needs.
    disguises: bool = True


# English's: ph f, v u, oo u as in stoopid, kk cc q ck, a k after a vowel ck but not in Fukuoka,
# the zz of azz ss but not buzzy or pizz, a final z s as in idiotz, a final uh ah er as in nigguh.
# Written: not oo for u nor cc for ck but at a word's end (book and accept would fire all day: fucc,
# dicc, not succ-), ph only for a first f (inside, graphic and sophist), five letters from a first
# ph (phen- and phil- are everywhere).
ENGLISH_SOUNDS = Sounds(
    reads=(("ph", "f"), ("kk", "ck"), ("cc", "ck"), ("oo", "u"), ("q", "ck"), ("(?<=[aeiou])k(?![aou])", "ck"),
           ("v", "u"), ("(?<=a)zz", "ss"), ("z\\Z", "s"), ("(?<=...)[ua]h\\Z", "er")),
    writes=(Respelling("f", "ph", "^", 5), Respelling("u", "v"), Respelling("uck", "uk"), Respelling("ck", "kk"),
            Respelling("ck", "q"), Respelling("ass", "azz"), Respelling("er", "uh", "$"), Respelling("er", "ah", "$"),
            Respelling("s", "z", "$"), Respelling("ick", "ik", "$"), Respelling("ck", "cc ", "$", 5)),
)
# Spanish's, as a native reader reads them: k for the c of ca co cu and the qu of que qui (kabrón,
# kulo, meketrefe), x for ch (xupa), w for hu before a vowel (wevada) and gu for the hu of hue
# (güevón, guevo: one sound, written either way in the Caribbean and the Andes). Two in one word are
# read as one is (mamawebo, mamaguebo, kabrona), and b for v, one sound in Spanish, only with
# another: alone it makes words (Berga is a town, baca a roof rack: the lists hold berga's phrases).
# Not a first h dropped (an ostión is an oyster, no hostión: the lists hold ijo de puta, ijueputa,
# ijoputa), nor y for ll (poya is an old fee, poyo a stone bench), nor s for z and c (casa and caza,
# coser and cocer), nor a doubled r made single (pera, a pear).
SPANISH_SOUNDS = Sounds(
    reads=(("qu(?=[ei])", "k"), ("c(?=[aou])", "k"), ("ch", "x"), ("hu(?=[aeio])", "w"), ("gu(?=e)", "w"),
           ("v", "b")),
    writes=(Respelling("ca", "ka"), Respelling("co", "ko"), Respelling("cu", "ku"), Respelling("que", "ke"),
            Respelling("qui", "ki"), Respelling("ch", "x"), Respelling("hu", "w"), Respelling("hue", "gue"),
            Respelling("v", "b", paired=True)),
    both_ways=True, pairs=True, disguises=False,
)
# Portuguese's: k for the c of ca co cu and the qu of que qui (kacete, bokete), x for ch and ch for
# x, one sound (xifrudo, bixa). Not i for lh (caraio is listed; as a rule, fio, a thread, reads
# filho), nor h for rr (poha is listed), nor b for v (bela and vela).
PORTUGUESE_SOUNDS = Sounds(
    reads=(("qu(?=[ei])", "k"), ("c(?=[aou])", "k"), ("ch", "x")),
    writes=(Respelling("ca", "ka"), Respelling("co", "ko"), Respelling("cu", "ku"), Respelling("que", "ke"),
            Respelling("qui", "ki"), Respelling("ch", "x"), Respelling("x", "ch")),
    both_ways=True, disguises=False,
)


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, the name of its folder under wordlists/
    name: str
    script: str = "latin"  # the skeleton it is read in: "latin" (normalize.fold) or "cyrillic"
    # Letters a writer may also spell another way, each way a spelling of the same term: German's
    # ä is ae on a keyboard without it, ß is ss. Every other diacritic folds to its letter.
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Letters whose diacritic makes the word: Spanish coño is not cono (a cone). A term holding one
    # is found only where the text holds it too (or hides it behind a mask).
    distinct: str = ""
    # How its writers respell its sounds (phuck, kabrón); None: words are read as spelled.
    sounds: Sounds | None = None
    # English's own reading: compounds of a root and a tail (shitface); other languages'
    # compounds are their lists' inside-word roots.
    compounds: bool = False
    # Characters that stand for a letter of the script (leet); Latin's are readings.LEET.
    leet: dict[str, str] = field(default_factory=dict)
    # The letters of its alphabet beyond ASCII: written in a word of the language, they are
    # no diacritic or homoglyph evasion.
    letters: str = ""
    # Endings it inflects with whose diacritic a list need not spell (Polish dziwką for dziwka,
    # French emmerdé for emmerde); elsewhere a diacritic written is meant (see matcher._agrees).
    endings: tuple[str, ...] = ()
    # Whether a disguise alone makes an `aimed` word count (c*pullo, c4pullo), as it does an
    # `evaded` one: Spanish and Portuguese insults are masked past filters. English aimed words are
    # everyday nouns no filter blocks, which names, code and handles spell so (pigz, git@, t00l):
    # only a frame aims them, disguised or not (you're a cl0wn).
    disguise_aims: bool = True
    # The vowels its nouns and adjectives end in for gender (Spanish puta, puto): a leet digit for
    # one of them, last after letters (put4, put0), reads that vowel, where a word numbered by one
    # last digit (ext4, mp3, sh3) is otherwise a name and no leet (context.is_number).
    gender_vowels: str = ""
    # Its short words that stand alone (prepositions, conjunctions, particles, pronouns). Where a
    # language lists them, a whole word cut in two by one space is read as the word (дро чить), as one
    # cut by a mark (sh.it) is everywhere, unless a piece is one of these (иди от, до сих пор но, вы
    # серы: two words). English lists none: two of its short words side by side often spell a listed
    # one (pen is, as shole); two Russian words, which inflect, seldom do but through these.
    standalone: tuple[str, ...] = ()

    @functools.cached_property
    def view_standalone(self) -> frozenset[str]:
        """`standalone` in its skeleton's letters."""
        return frozenset(skeleton_of(word, self.script).decode("latin-1") for word in self.standalone)

    @functools.cached_property
    def view_leet(self) -> dict[str, str]:
        """`leet` in its skeleton's letters (Russian's 3 as the Cyrillic view's з)."""
        return {char: skeleton_of(read, self.script).decode("latin-1") for char, read in self.leet.items()}


# Russian's words that stand alone and pair with a piece of another into a listed word (иди от is
# идиот, вы серы высеры): written for this table, checked against every split of the lists' words
# whose two pieces hunspell's Russian dictionary holds.
RUSSIAN_STANDALONE = (
    "во", "без", "безо", "для", "до", "за", "из", "изо", "ко", "на", "над", "надо", "об", "обо", "от", "ото",
    "по", "под", "подо", "при", "про", "со", "через", "меж", "перед",
    "но", "да", "же", "ли", "бы", "не", "ни", "ну", "то", "или", "либо", "что", "чтоб", "чтобы", "как", "так",
    "если", "раз", "хоть", "пока", "когда", "тоже", "зато",
    "вот", "вон", "уж", "ведь", "аж", "ещё", "еще", "лишь", "даже", "разве", "пусть",
    "ты", "он", "она", "оно", "мы", "вы", "они", "их", "его", "её", "ее", "им", "ей", "ему", "ими", "мне",
    "нам", "вам", "вас", "нас", "меня", "тебя", "тебе", "себе", "себя",
    "мой", "твой", "наш", "ваш", "свой", "кто", "чей", "где", "куда", "там", "тут", "это", "этот", "эта",
    "эти", "тот", "та", "те", "все", "всё", "весь", "вся", "сам", "иной",
    "ах", "ох", "эх", "ой", "ха", "хе", "ау", "эй", "ого",
)


LANGUAGES: dict[str, Language] = {language.code: language for language in (
    Language("en", "English", sounds=ENGLISH_SOUNDS, compounds=True, disguise_aims=False),
    Language("es", "Spanish", distinct="ñ", letters="ñáéíóúü", gender_vowels="ao", sounds=SPANISH_SOUNDS),
    Language("pt", "Portuguese", letters="ãõáâàéêíóôúüç", sounds=PORTUGUESE_SOUNDS),
    Language("fr", "French", letters="àâæçéèêëîïôœùûüÿ", endings=("ées", "ée", "és", "é")),
    Language("de", "German", spellings={"ä": ("ä", "ae"), "ö": ("ö", "oe"), "ü": ("ü", "ue"), "ß": ("ß", "ss")},
             letters="äöüß"),
    Language("it", "Italian", letters="àèéìíîòóùú"),
    Language("nl", "Dutch", letters="áéèëïóöüĳ"),
    Language("pl", "Polish", letters="ąćęłńóśźż", endings=("ą", "ę")),
    Language("ru", "Russian", script="cyrillic", leet={"0": "о", "3": "з", "4": "ч", "6": "б", "@": "а"},
             letters="абвгдеёжзийклмнопрстуфхцчшщъыьэюя", standalone=RUSSIAN_STANDALONE),
)}
DEFAULT = LANGUAGES["en"]


def skeleton_of(text: str, script: str) -> bytes:
    """The skeleton of `text` in the view of `script`."""
    return fold_cyrillic(text) if script == "cyrillic" else fold(text)


def skeleton_forms(term: str, language: Language) -> list[str]:
    """The ways `term` shows in its language's skeleton (decoded one character per byte): scheiße
    as scheise and scheisse, хуй in the Cyrillic view's bytes, fuck as fuck. First as listed."""
    term = term.lower()
    if term.isascii() and not language.spellings:  # a-z, spaces, hyphens, apostrophes: their own skeleton
        return [term]
    choices = [language.spellings.get(c, (c,)) for c in term]
    forms = ["".join(p) for p in itertools.product(*choices)] if language.spellings else [term]
    out = [skeleton_of(f, language.script).decode("latin-1") for f in forms]
    return list(dict.fromkeys(out))
