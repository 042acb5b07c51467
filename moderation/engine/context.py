"""Whether a hit is a misreading of technical text or of a name, judged from what surrounds it.

The readings find a listed word wherever letters, leet, masks or separators could spell one.
Docs, code and changelogs are full of such shapes that nobody wrote as a word: numbers with a
unit (``900k``), hex (``B008``), decrement operators (``j--``), macro families (``CO_*``), prefixes
(``FC_``), identifiers (``nth_of_c_impl``, ``gcUntil``, ``GPG_ERR_ASS_GENERAL``), paths and
URLs, and names (``Ty Coon``, ``Dick Buttlar``, ``Mr. Dick``). Each rule below was decided on
flags of ``benchmarks/technical_text.py`` (Debian's docs and man pages) against the golden cases
of ordinary prose and evasions, which must stay caught (``sh1t``, ``5h17``, ``f***``, ``f--k``,
``s_h_i_t``, ``ass_hole``), and against what it drops on real comments (SemEval's) and the
fortunes, where it must drop nothing but names.

What is never dropped: a term no innocent word holds (an ``inside`` term) written as is, even in
a URL or an identifier (``example.com/fuck``, ``fuck_this``): the writer wrote the word; only
inside a longer word of a file's path (``src/lib/srcuntabifier.h``) is it a name's accident.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from typing import Final

from moderation.engine.languages import LANGUAGES
from moderation.engine.readings import LEET, MASKS, Hit

EVASIVE: Final = frozenset(("leet", "masked", "separator", "repeat"))  # readings, not the word as written
PROSE_BEFORE: Final = frozenset(("", " ", "\n", "\t", "(", '"', "\u201c"))  # beside which a word is only a word
PROSE_AFTER: Final = frozenset(("", " ", "\n", "\t", ",", ";", "!", "?", ")", '"', "\u201d"))
OPENERS: Final = "([{<\"'`"
CLOSERS: Final = ")]}>\"'`.,;:!?"
# How far a token is followed from a hit, each way: a path or an identifier shows what it is
# within this, and a text without spaces (f.u.c.k.f.u.c.k...) must not be walked once per hit.
REACH: Final = 64
SPACE: Final = re.compile(r"\s")
LAST_SPACE: Final = re.compile(r"\s\S*\Z")  # tried from each space only: linear

# A number with at most one letter of unit or prefix (900k, v49, 8000000b, B008, F46), or hex.
NUMBER: Final = re.compile(r"[A-Za-z]?\d{2,}|\d{2,}[A-Za-z]|0[xX][0-9A-Fa-f]+|[A-Za-z]{2,}\d")
LETTERS_DIGIT: Final = re.compile(r"[^\W\d_]{2,}\d")  # a word numbered by one last digit, or leet for its last letter
SIGILS: Final = frozenset(a + b for a in "@$%" for b in "@$")
SNAKE: Final = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]")  # parts of an identifier joined: buf_ck
CONSTANT: Final = re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)+")  # GPG_ERR_ASS_GENERAL
# A setting, an option or a dotted name: TERM=dumb, --dumb, dbm.dumb (a word's sentence dot is
# no part of its token: token() strips it).
SETTING: Final = re.compile(r"[\w.-]*\w=\w+|--?\w[\w-]*|\w+(?:\.\w+)+")
# Each tried once per run of its characters, not from every one (f.u.c.k.f.u.c.k... is one run).
URL: Final = re.compile(r"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE)
EMAIL: Final = re.compile(r"[^\s@]@[^\s@]+\.[A-Za-z]{2,}")
PATH: Final = re.compile(r"^\*\.\w|(?:^|[\s(\[\"'=:])(?:~|\.{1,2})?/[\w.-]+/\S|(?:^|[\s(\[\"'=:])(?:~|\.{1,2})/\S"
                         r"|\S/\S*/|[\w*-]/[\w*-]+\.[A-Za-z]{1,4}\b")  # /dev/fd*, /tmp/fu*: a glob in an absolute path
LINE_BREAK: Final = re.compile(r"[-\u2010\u00ad]\r?\n[ \t]*[a-z]")  # a hyphen, a line break, the word's rest
LETTER: Final = re.compile(r"[^\W\d_]")
DECREMENT: Final = re.compile(r"[A-Za-z]--|--[A-Za-z]")
OPTIONS: Final = re.compile(r"(?:^|[\[{(|])--?[A-Za-z][\w-]*[|\]})]|\|--?[A-Za-z]")  # -f|--fqdn, |--help
PRINTF: Final = re.compile(r"(?<![A-Za-z%])%[-+ #0-9.]*[A-Za-z]")  # %s, %-10d after no letter: a format
CODE_AFTER: Final = re.compile(r" {0,8}[);\],]")  # j--; f--) a[j--]
CODE_BEFORE: Final = re.compile(r"[(;=\[{,] *\Z")  # (--i  x = --n
# A product of two one-letter variables (b*c), and the arithmetic beside one in a formula: an
# operator or a bracket next to it (blanks between), at least one of them an operator.
PRODUCT: Final = re.compile(r"[^\W\d_]\*[^\W\d_]")
OPERAND_BEFORE: Final = re.compile(r"([-+*/=<>(\[]) *\Z")
OPERAND_AFTER: Final = re.compile(r" *([-+*/=<>)\]^])")
OPERATORS: Final = frozenset("-+*/=<>^")
# What follows a formula's first product at a line's start (b*c = 5, a*b + c, b*c < a*d): a relation, a
# sum or a power, then a number, a bracket or a one-letter variable; or a difference with a number, a
# bracket or another product (b*c - a*d). Not a dash before a word or a lone letter, as prose puts
# after a word (F*g - go away, B*c - a tak), nor a word (f*g = you).
LINE_START_FORMULA: Final = re.compile(r" *(?:[+=<>^] *(?:[\d(\[]|[^\W\d_](?![^\W\d_]))|- *(?:[\d(\[]|[^\W\d_][*/^]))")
LINE_START: Final = re.compile(r"(?:\A|\n)[ \t]*\Z")  # nothing before it on its line but indentation
# A table's edge or an axis: |------, H----I
DASH_LINE: Final = re.compile(r"[A-Z|+]-{4,}(?![-a-z])|(?<![-a-z])-{4,}[A-Z|+]")
# The nouns that name a kind of setting: a mild word quoted beside one is that setting's value
# (merge strategy "stupid"; "dumb" and "vt510" terminals), as a word quoted to name it is no insult.
KINDS: Final = frozenset(k + s for k in ("strategy", "mode", "option", "setting", "value", "backend", "driver",
                                         "terminal", "level", "style", "format", "profile", "method", "algorithm",
                                         "plugin", "module", "target", "type") for s in ("", "s")) | {"strategies"}
QUOTES: Final = {'"': '"', "\u201c": "\u201d", "'": "'"}
# A list of quoted values after a quoted word, then the next word; and one before it (searched in
# a bounded window): `" and "vt510" terminals`, `strategy "`.
QUOTED_LIST: Final = r"""(?:(?:,|,?[ \t\n]+(?:and|or))?[ \t\n]+["'\u201c][^"'\u201d\s]{1,32}["'\u201d])"""
VALUES_THEN_WORD: Final = re.compile(QUOTED_LIST + r"*[ \t\n]+([A-Za-z]+)")
WORD_THEN_VALUES: Final = re.compile(r"([A-Za-z]+)" + QUOTED_LIST + r"*[ \t\n]+\Z")
# A column of a table: the key at the start of its line, and its heading two spaces or more after
# it, then the next column or the line's end (ps's `wops        WOPS      Number of writes`).
TABLE_KEY: Final = re.compile(r"[ \t]{2,}(\S+)(?:[ \t]{2,}|[ \t]*(?:\n|\Z))")
KEY_FIRST: Final = re.compile(r"[ \t]*(\S+)[ \t]{2,}")  # a line's first column, up to the next
PADDING: Final = frozenset(a + b for a in " \t" for b in " \t")  # two blanks: a column's padding
# A topic branch's name: initials or a remote, a slash, then three hyphenated pieces or more
# (es/utf8-stupid-compiler-workaround); prose joins two words with a hyphen (stupid-looking).
BRANCH: Final = re.compile(r"[\w.]+/[\w.]+(?:-[\w.]+){2,}")
# What follows a pipe or an alternation's bar in code: a closing bracket, a bar, a dotted name.
BAR_OPERAND: Final = re.compile(r"[)\]}|]|\.\w")
# A command line: its first word (after a prompt) followed by an option: `zip -rm foo foo/dick`.
COMMAND_LINE: Final = re.compile(r"[ \t]*(?:[$#>][ \t]+)?[a-z][\w.+-]*[ \t]+--?[A-Za-z]")
# The one- or two-letter words people write before another word in camelCase or a hashtag
# (myDick, noStupid); any other lead of so few letters is a prefix of code's names (ioWop, pWnd).
SHORT_WORDS: Final = frozenset(("a", "i", "u", "ur", "my", "me", "we", "he", "no", "so", "go", "do", "be", "is",
                                "im", "oh", "ok", "to", "up", "of", "on", "in", "at", "it", "as", "an", "by", "or",
                                "us", "ya"))
# Listed words that are also names, the only ones a name context may hide: Useful Idiots, Holy
# Crap, Corrupt Bastards and His Royal Anus are insults in title case (SemEval's comments).
NAME_WORDS: Final = frozenset(("dick", "coon", "cock", "boner", "dyke", "dykes", "willy", "fanny", "randy", "peter",
                               "wang", "dong", "hooker", "johnson", "butts", "cummings", "prat", "heeb"))
# Listed words that are also first names, and so may stand before a surname: Dick Buttlar.
FIRST_NAMES: Final = frozenset(("dick", "willy", "fanny", "randy", "peter", "rod", "jock"))
PARTICLES: Final = frozenset(("de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "ter", "ten", "del",
                              "dos"))
TITLES: Final = frozenset(("mr", "mrs", "ms", "mx", "dr", "prof", "sir", "rev", "fr", "st", "sr", "jr", "lord", "lady"))
# Capitalised words that stand before a listed word without making a name of it: "You Dick".
NOT_NAMES: Final = frozenset((
    "a", "an", "the", "you", "your", "you're", "he", "she", "his", "her", "they", "their", "my", "our", "this",
    "that", "what", "such", "some", "no", "not", "big", "fat", "little", "old", "dirty", "stupid", "dumb",
    "fucking", "damn", "bloody", "silly", "ugly", "lazy", "total", "complete", "real", "and", "or",
    "of", "is", "are", "was", "be", "like", "to", "for", "with", "hey", "oh", "yo", "go", "get", "i", "i'm",
    "shut", "up", "fuck", "fucken", "dear", "mr", "mrs", "ms", "dr",
    # the tails insults are built with: Dick Head is dickhead, not a Mr Head
    "face", "head", "hole", "wad", "bag", "brain", "stain", "licker", "sucker", "muncher", "tard", "ass",
))


# How far from its hit an evasive reading's judgement looks (its token, and a few characters
# beside): a judgement is the same wherever these characters are the same.
LOCAL: Final = REACH + 8


def kept(text: str, hits: Iterable[Hit]) -> list[Hit]:
    """The hits that are not misread. The judgement of an evasive reading (not one read by its
    sound: names are looked for words away) is remembered by what it looks at, since a hostile
    text repeats a few shapes thousands of times (f**k f**k ...) and each is judged in Python."""
    judged: dict[tuple[str, int, int, int, tuple[str, ...]], bool] = {}
    out = []
    for hit in hits:
        start, end = hit.start, hit.end
        if not hit.evasions or EVASIVE.isdisjoint(hit.evasions) or text[start:end].isalpha():
            if not misread(text, hit):
                out.append(hit)
            continue
        low = max(0, start - LOCAL)
        key = (text[low : end + LOCAL], start - low, end - start, id(hit.entry), hit.evasions)
        wrong = judged.get(key)
        if wrong is None:
            wrong = judged[key] = misread(text, hit)
        if not wrong:
            out.append(hit)
    return out


def misread(text: str, hit: Hit) -> bool:
    """Whether `hit`, found in `text`, is technical text or a name rather than the listed word."""
    start, end = hit.start, hit.end
    whole_word = not hit.evasions and hit.entry.scope != "inside"  # (an inside term as written stands)
    if whole_word and hit.entry.severity == 1 and is_quoted_value(text, start, end):
        return True
    if not hit.evasions and text[end : end + 1] in PROSE_AFTER and text[start - 1 : start] in PROSE_BEFORE:
        # the common case, a word as written between spaces: only a name or a table can make it misread
        return ((text[start].isupper() and is_name(text, start, end))
                or (whole_word and is_table_column(text, start, end)))
    evasive = EVASIVE.intersection(hit.evasions)
    if not evasive and hit.entry.scope == "inside":
        if camel_crossing(text, hit):
            return True
        if "compound" not in hit.evasions:
            return False
        start, end = token(text, hit.start, hit.end)
        return is_path(text[start:end])
    start, end = token(text, hit.start, hit.end)
    word = text[start:end]
    if evasive:
        written = text[hit.start : hit.end]
        return (is_dereference(written)
                or ("leet" in evasive and ((is_number(text, hit.start, hit.end) and not is_gender_leet(text, hit))
                                           or is_bar_operator(text, hit.end)))
                or ("masked" in evasive and (is_code_mask(text, hit.start, hit.end) or is_option_list(word)
                                             or is_mild_mark(written, hit)))
                or is_part_of_identifier(word, written, hit)
                or is_link_or_path(word)
                or (written.isalpha() and is_sounded_name(text, hit.start, hit.end)))
    # A word-scope term as written: bounded by the skeleton's boundaries, so never inside camelCase.
    if len(word) > hit.end - hit.start and (is_link_or_path(word) or CONSTANT.fullmatch(word) is not None
                                            or SETTING.fullmatch(word) is not None
                                            or ("/" in word and is_command_line(text, start))
                                            or (hit.entry.severity == 1 and BRANCH.fullmatch(word) is not None)
                                            or ("compound" in hit.evasions and is_code_prefix(word))):
        return True
    return broken_at_line_end(text, hit.end) or is_name(text, hit.start, hit.end)


def is_quoted_value(text: str, start: int, end: int) -> bool:
    """A word quoted alone beside the noun of a kind of setting, directly or across a list of
    quoted values: ``merge strategy "stupid"``, ``top for "dumb" and "vt510" terminals``. It
    names the setting's value; an insult quoted in a comment stands beside no such noun (``you
    can't fix "stupid"``, ``an extremely "STUPID" decision``)."""
    closer = QUOTES.get(text[start - 1 : start])
    if closer is None or text[end : end + 1] != closer:
        return False
    after = VALUES_THEN_WORD.match(text, end + 1, end + 1 + REACH)
    if after is not None and after[1].lower() in KINDS:
        return True
    before = WORD_THEN_VALUES.search(text, max(0, start - 1 - REACH), start - 1)
    return before is not None and before[1].lower() in KINDS


def is_table_column(text: str, start: int, end: int) -> bool:
    """A word and its twin in capitals as the first two columns of a table, padded by two spaces
    or more: ps's ``wops        WOPS      Number of writes`` is a field's key and its heading. Prose
    has no columns, and a shout repeats a word one space apart (fuck FUCK)."""
    if text[end : end + 2] not in PADDING and text[start - 2 : start] not in PADDING:
        return False  # no column's padding on either side: most words (start - 2 < 0 slices nothing)
    low = max(0, start - REACH)
    line = text.rfind("\n", low, start) + 1
    if line == 0 and low > 0:
        return False  # its line starts beyond the reach: no table's first columns
    written = text[start:end]
    heading = TABLE_KEY.match(text, end, end + REACH)
    if heading is not None and heading[1] == written.upper() != written:
        return not text[line:start].strip(" \t")  # the key, first on its line
    key = KEY_FIRST.fullmatch(text, line, start)  # the heading, after its key
    return (key is not None and key[1] == written.lower() != written
            and TABLE_KEY.match(text, key.end(1), end + REACH) is not None)


def broken_at_line_end(text: str, end: int) -> bool:
    """A word hyphenated at the end of a line, as man pages are set: ``anal-`` at a
    line's end and ``ogous`` on the next is analogous, not a word followed by another."""
    return LINE_BREAK.match(text, end) is not None


def token(text: str, start: int, end: int) -> tuple[int, int]:
    """The whitespace-delimited token around text[start:end], without the brackets, quotes and
    sentence punctuation around it; at most REACH characters beyond the hit each way."""
    lowest, highest = max(0, start - REACH), min(len(text), end + REACH)
    space = LAST_SPACE.search(text, lowest, start)
    start = space.start() + 1 if space else lowest
    space = SPACE.search(text, end, highest)
    end = space.start() if space else highest
    while start < end and text[start] in OPENERS:
        start += 1
    while end > start and text[end - 1] in CLOSERS:
        end -= 1
    return start, end


def is_number(text: str, start: int, end: int) -> bool:
    """A number, not leet: digits with at most one letter at one end (a unit, a prefix, a hex
    digit: 900k, v49, F46, B008, 8000000b), hex with 0x, a word numbered by one last digit (sh3,
    test3, as mp3 and ext4), or digits of a dotted version (gir1.2).

    Leet keeps letters on both sides of its digits (b00b, c0ck, h0e) or puts digits between
    letters (5h17, sh1t); a lone letter at one end of a run of digits is how numbers are written.
    A leet word of one letter and digits only (a55) is read as a number too."""
    written = text[start:end]
    if NUMBER.fullmatch(written):
        return True
    before, after = text[start - 1 : start], text[end : end + 2]
    dotted = (written[-1].isdigit() and after[:1] == "." and after[1:2].isdigit()) or (
        written[0].isdigit() and before == "." and text[start - 2 : start - 1].isdigit())
    return dotted


def is_gender_leet(text: str, hit: Hit) -> bool:
    """A word of letters whose last letter alone is a digit, the leet of the vowel its term ends in
    where its language inflects gender with that vowel: Spanish put4 (puta), put0 (puto), zorr4.
    is_number reads such a token as a word numbered by one last digit (ext4, mp3), which is right in
    English and wrong where a filter is dodged by the gender's vowel. A dotted version (put4.2) stays
    a number."""
    vowels = LANGUAGES[hit.entry.language].gender_vowels if hit.entry.language in LANGUAGES else ""
    written, term = text[hit.start : hit.end], hit.entry.term
    if not vowels or term[-1:] not in vowels or LETTERS_DIGIT.fullmatch(written) is None:
        return False
    dotted = text[hit.end : hit.end + 1] == "." and text[hit.end + 1 : hit.end + 2].isdigit()
    return LEET.get(written[-1]) == term[-1] and not dotted


def is_bar_operator(text: str, end: int) -> bool:
    """A ``|`` after a name and before code's punctuation is a pipe or an alternation: jq's
    ``.foo|.bar``, a regex's ``(a|b|)``. Leet writes its bar among letters (sh|t), or last in a
    word before a space or a sentence's end."""
    return text[end - 1 : end] == "|" and BAR_OPERAND.match(text, end) is not None


def is_command_line(text: str, start: int) -> bool:
    """Whether the line of `start` is a command: its first word then an option (``zip -rm foo
    foo/dick``, ``$ tar -xf dick/``). Its arguments are paths, a slash is enough to make one;
    prose writes a single slash between words (f**k/sh*t, and/or)."""
    low = max(0, start - 2 * REACH)
    line = text.rfind("\n", low, start) + 1
    if line == 0 and low > 0:  # a line longer than a command is no command
        return False
    return COMMAND_LINE.match(text, line, start) is not None


def is_code_prefix(word: str) -> bool:
    """camelCase led by one or two small letters that are no word: a prefix of code's names
    (``ioWop``, an I/O counter; ``pWnd``, ``szName``), whose next piece is no word of its own."""
    lead = len(word) - len(word.lstrip(string.ascii_lowercase))
    return 1 <= lead <= 2 and word[lead : lead + 1].isupper() and word[:lead] not in SHORT_WORDS


def is_dereference(written: str) -> bool:
    """Perl's and the shell's ``@$s``, ``$$x``: two sigils, then a name. Leet puts its symbols
    among letters (``@$$hole``, ``$hit``), not two before a plain name."""
    return written[:2] in SIGILS and written[2:].replace("_", "").isalnum()


def is_option_list(word: str) -> bool:
    """A command line's options, alternatives or in brackets (``[-f|--fqdn|--long]``,
    ``--inet|--ip``, ``{--diff|--compare}``): their dashes and bars are no mask."""
    return OPTIONS.search(word) is not None


def is_code_mask(text: str, start: int, end: int) -> bool:
    """Marks that code and docs put beside letters, which self-censoring does not:

    - no letter at all (``$3$``, ``$$@``): a self-censored word shows its first letter;
    - a decrement in code or an arrow: ``j--;``, ``while (f--)``, ``--i``, ``$p1->parse``
      (``kiss my a--`` is prose: no bracket or semicolon beside it);
    - a single mark after the letters: a prompt or a prefix (``sh1#``, ``FC_``, ``test$``), or a
      star after a domain (``gnu.org*``); a self-censored word hides one letter inside (``sh*t``),
      or more than one, or its last with a star (``a dumb as*``);
    - ``_`` beside ``*``: a macro family (``CO_*``, ``PA_*``), ``*$``: a regex (``a*$``);
      self-censoring uses one mark;
    - a printf format after no letter (``@%s``, ``c%-%d``); ``sh%t`` hides a letter between two;
    - a product of two one-letter variables in a formula (``(a*d + b*c)*i``: see is_product);
    - four dashes or more between a capital, ``|`` or ``+`` and no letter: a table's edge or an
      axis (``I------``, ``H----I``; ``F-----g`` is a word).
    """
    written = text[start:end]
    if LETTER.search(written) is None:  # $3$, $$@: crypt prefixes and make's variables
        return True
    last = written[-1]
    if last == "-" and text[end : end + 1] == ">":
        return True
    if DECREMENT.fullmatch(written) and (
            CODE_AFTER.match(text, end) or CODE_BEFORE.search(text, max(0, start - 8), start)):
        return True
    masks = sum(c in MASKS for c in written)
    if masks == 1 and ((last in "#_$" and not text[end : end + 1].isalnum())
                       or (last == "*" and text[start - 1 : start] == ".")):
        return True
    if written.endswith("*$"):  # a regex's end anchor after a star: s/a*$/X/
        return True
    if "%" in written and (PRINTF.search(written) or "%*" in written):  # '@%s', 'c%-%d', T%*: formats, not sh%t
        return True
    if PRODUCT.fullmatch(written) and is_product(text, start, end):
        return True
    hash_at = start + written.find("#")
    if written.startswith("$_") or (hash_at >= start and text[hash_at + 1 : hash_at + 2].isdigit()):
        return True  # jq's $__loc__, a Perl $_var; an issue's number (PR#7)
    return "_*" in written or "*_" in written or DASH_LINE.search(text, max(0, start - 1), end + 1) is not None


def is_product(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], a letter, a star and a letter, stands in a formula: an operator or a
    bracket on each side, and an operator on one (``(a*d + b*c)*i``, ``((b*c - a*d)/...``), or at a
    line's start before a relation, a sum or a power and an operand (``b*c = 5``), or a difference
    with a number, a bracket or another product (``b*c - a*d``). A word of three letters masked in
    prose (a b*c, the f*g) has a word or a space beside it, one in brackets alone, ``(a*s)``, is
    prose's aside, and one that starts a line is followed by a word, or a dash and a word (``F*g - go
    away``, ``f*g = you``)."""
    after = OPERAND_AFTER.match(text, end, end + 8)
    if after is None:
        return False
    before = OPERAND_BEFORE.search(text, max(0, start - 8), start)
    if before is None:  # the line's start stands for a bracket, if a formula goes on after it
        return (LINE_START_FORMULA.match(text, end, end + 16) is not None
                and LINE_START.search(text, max(0, start - 16), start) is not None)
    return before[1] in OPERATORS or after[1] in OPERATORS


def is_mild_mark(written: str, hit: Hit) -> bool:
    """A mild word (severity 1) hidden by one mark at its end or by an underscore: a glob or an
    identifier (``foo*`` is no fool, ``do_t`` no dolt). Self-censoring hides strong words, and
    hides them inside; an `evaded` or `aimed` entry (t*rt), listed to be caught disguised, stands."""
    if hit.entry.severity > 1 or hit.entry.scope in ("evaded", "aimed"):
        return False
    marks = [c for c in written if c in MASKS]
    return len(marks) == 1 and (marks[0] == "_" or written.endswith(marks[0]))


def is_part_of_identifier(word: str, written: str, hit: Hit) -> bool:
    """A reading across the parts of an identifier: ``buf_ck`` (f_ck), ``nth_of_c_impl`` (f_c_),
    ``process_cu_tu_index``, ``gcc-N-base`` (c-N-). The joints of snake_case and of hyphenated names
    are read as masks or separators there; a reading of the whole identifier stands (``ass_hole``,
    ``s_h_i_t``), since that is how a split word is written."""
    if "compound" not in hit.evasions and len(written) == len(word):
        return False
    if SNAKE.search(word) and not _spelled_out(word):
        return True
    # a mask that is a lone joint between letters, inside a longer token: gcc-N-base
    joints = re.findall(r"(?<=[A-Za-z0-9])[-_](?=[A-Za-z0-9])", written)
    masks = [c for c in written if c in MASKS]
    return "masked" in hit.evasions and bool(masks) and len(joints) == len(masks)


def _spelled_out(word: str) -> bool:
    """s_h_i_t: single characters between the joints."""
    return all(len(part) <= 1 for part in re.split(r"[_\-.*]+", word.strip("_-.*")))


def is_link_or_path(word: str) -> bool:
    """A URL, an e-mail address or a path (``src/slutty.c``, ``man/po4a/ja*``, ``s/a*$/X/``): its
    parts are names chosen for machines. Two slashes, a leading one, or a file's extension make a
    path, and so does a glob of one (``*.ass``); a single slash between words (``and/or``,
    ``f**k/sh*t``) is prose."""
    if not any(c in word for c in "/@.:"):
        return False
    # each pattern only where the character it needs is there: hits may be many
    return ((("://" in word or "www." in word.lower()) and URL.search(word) is not None)
            or ("@" in word and EMAIL.search(word) is not None)
            or is_path(word))


def is_path(word: str) -> bool:
    """Whether PATH finds a path in `word`; searched only where it holds what each of PATH's shapes
    needs, a slash or a leading glob (a compound read inside a word is judged per hit: hits may be many)."""
    return ("/" in word or word.startswith("*.")) and PATH.search(word) is not None


def camel_crossing(text: str, hit: Hit) -> bool:
    """camelCase read across its words: ``gcUntil`` holds cunt from the c of gc to the n of Until.
    A term that starts at the identifier's start is written as one (``fUcK``, odd case), and one
    that starts at a capital is a word of it (``myFuckingVar``)."""
    span = text[hit.start : hit.end]
    if span.islower() or span.isupper() or not span.isascii() or not span.isalpha():
        return False
    folded = span.lower()
    term = hit.entry.term
    at = folded.find(term)
    if at < 0:
        return False
    while at >= 0:
        if at == 0 or span[at].isupper():
            return False  # one way to read it is as the word
        # (a loop, not any() over pairs: hostile text repeats fUcK thousands of times)
        for k in range(at, at + len(term) - 1):
            if span[k].islower() and span[k + 1].isupper():
                break  # this reading crosses a joint
        else:
            return False
        at = folded.find(term, at + 1)
    return True


def is_name(text: str, start: int, end: int) -> bool:
    """A capitalised word in a name: after a title (``Mr. Dick``), an initial (``Steven S.
    Dick``) or a first name and a particle (``Roel de Cock``), or one of two capitalised words
    that make a name (``Ty Coon``, ``Jonas Bonér``, ``David Dick``; and ``Dick Buttlar``, where the
    word is a first name itself: ``Dammit Jim`` and ``Idiot Lights`` are no names). Only a
    Capitalised word counts (not ``DICK``, not ``dick``); a word that is no name (``You``,
    ``Stupid``) makes none, and a run of three capitalised words or more is a headline in title
    case, not a name. Only listed words that are also names (NAME_WORDS) are judged so. Debian's
    credits and copyrights are full of names."""
    written = text[start:end]
    if not (written[:1].isupper() and written[1:].islower()) or _ascii(written.lower()) not in NAME_WORDS:
        return False
    before = _word_before(text, start)
    if before is not None:
        word = before[0]
        if word.rstrip(".").lower() in TITLES or re.fullmatch(r"[A-Z]\.", word):
            return True
        if word in PARTICLES:  # Roel de Cock, Jan van Dyke: a particle after a first name
            first_name = _word_before(text, before[1])
            return first_name is not None and _name_like(first_name[0])
    if re.match(r"['\u2019]s\b", text[end : end + 3]):
        end += 2  # Idiot's: the word after the possessive
    after = _word_after(text, end)
    first = before is not None and _name_like(before[0])
    last = after is not None and _name_like(after[0])
    if first == last:  # no name beside it, or three capitalised words in a row
        return False
    if before is not None and first:  # a first name, with nothing capitalised before it
        earlier = _word_before(text, before[1])
        return earlier is None or not _name_like(earlier[0])
    if written.lower() not in FIRST_NAMES:  # Dammit Jim, Idiot Lights: a word, then a name or a noun
        return False
    assert after is not None  # a surname, with nothing capitalised after it
    later = _word_after(text, after[1]) if after[1] >= 0 else None
    return later is None or not _name_like(later[0])


def is_sounded_name(text: str, start: int, end: int) -> bool:
    """A Capitalised word read by its sound (Dik as dick, Slutz as sluts) beside another name:
    a surname (Casper Dik, Donald Slutz) or a first name (Dik Browne), not a respelled word."""
    written = text[start:end]
    if not (written[:1].isupper() and written[1:].islower()):
        return False
    before, after = _word_before(text, start), _word_after(text, end)
    return (before is not None and _name_like(before[0])) or (after is not None and _name_like(after[0]))


def _ascii(word: str) -> str:
    """Bonér -> boner: the letters without their accents."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")


def _word_before(text: str, start: int) -> tuple[str, int] | None:
    """The word one space before `start`, on the same line, and where it starts."""
    if start < 2 or text[start - 1] != " " or text[start - 2].isspace():
        return None
    i = start - 1
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i : start - 1], i


def _word_after(text: str, end: int) -> tuple[str, int] | None:
    """The word one space after `end`, on the same line, without its trailing punctuation, and
    where it ends (None after punctuation: "Dick, Tom")."""
    if text[end : end + 1] != " " or text[end + 1 : end + 2].isspace():
        return None
    j = end + 1
    while j < len(text) and not text[j].isspace():
        j += 1
    word = text[end + 1 : j]
    bare = word.rstrip(CLOSERS)
    return bare, (end + 1 + len(bare) if bare == word else -1)


def _name_like(word: str) -> bool:
    """Capitalised letters only (Ty, Jonas, Buttlar, O'Brien), two or more, not a common word."""
    return (len(word) >= 2 and word[0].isupper() and word[1:].replace("'", "").isalpha()
            and not word[1:].isupper() and word.lower() not in NOT_NAMES)
