"""The languages the engine reads, each a row of a table: its script, how its writers fold its
letters, and which of the English-built readings apply to it.

A new language is a row here and a folder of lists under wordlists/, not a change to the matcher:
the matcher takes a Language and spells each listed term in the skeleton of its script.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

from moderation.engine.normalize import fold, fold_cyrillic


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
    # English's own readings: sounds respelled (phuck, fvck) and compounds of a root and a tail
    # (shitface); other languages' compounds are their lists' inside-word roots.
    respelled: bool = False
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
    Language("en", "English", respelled=True, compounds=True, disguise_aims=False),
    Language("es", "Spanish", distinct="ñ", letters="ñáéíóúü", gender_vowels="ao"),
    Language("pt", "Portuguese", letters="ãõáâàéêíóôúüç"),
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
