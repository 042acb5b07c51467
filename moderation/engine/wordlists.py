"""Reading wordlist files into entries, with `file:line: why` for every mistake.

The format is documented in wordlists/README.md. In short::

    [profanity]                  # a section names the category of the entries below it
    fuck: 3 inside +ing +er      # term: severity, scope (word, inside, evaded, aimed), forms (+suffix)
    [allow]                      # the allowlist: names and phrases, one per line
    scunthorpe
    [frames]                     # how the language aims a word at someone: _ is where it goes
    eres un _
    [intensifiers]               # one of these may stand between a frame and its word
    puto
    [followers]                  # English: what may follow a word a frame aims from before it
    lol
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderation.engine.entry import Entry as Entry  # made here, named here too
from moderation.engine.languages import LANGUAGES
from moderation.errors import ConfigError

CATEGORIES = ("profanity", "sexual", "slur", "insult", "sexual_abuse", "anatomy")
# What a policy reports unless it names its categories: clinical anatomy (penis, vagina) is what
# a health article says, listed so that a policy for children's content can choose it.
REPORTED = tuple(c for c in CATEGORIES if c != "anatomy")
# Any match of these sends a text to review at least (a policy's review_categories).
REVIEWED = ("sexual_abuse",)
SCOPES = ("word", "inside", "evaded", "aimed")
ALLOW_SECTION = "allow"
FRAMES_SECTION = "frames"
INTENSIFIERS_SECTION = "intensifiers"
FOLLOWERS_SECTION = "followers"
SECTIONS = (*CATEGORIES, ALLOW_SECTION, FRAMES_SECTION, INTENSIFIERS_SECTION, FOLLOWERS_SECTION)
SLOT = "_"  # where a frame's word goes
# The languages whose endings take the place of a word's last vowel (stronzo, stronzi; puta, putas
# is a form, puto +a is not): there, one vowel appended to a vowel is a mistake (172 Italian forms
# such as puttana +e made puttanae and matched nothing). French and English append (abruti +e, vulva +e).
VOWEL_REPLACED = frozenset(("es", "pt", "it", "pl", "ru"))
VOWELS = "aeiouyąęóаеиоуыэюяё"
# Installed wheels carry the lists inside the package; a source checkout has them at the top.
_PACKAGED = Path(__file__).resolve().parent.parent / "wordlists"
BUNDLED = _PACKAGED if _PACKAGED.is_dir() else _PACKAGED.parent.parent / "wordlists"

_SECTION = re.compile(r"^\[([a-z_]+)\]$")
TERM = re.compile(r"^[^\W\d_]+(?:['\- ][^\W\d_]+)*$")  # a term of a list or a policy: letters of any script
TERM_SHAPE = "may hold only letters, with single spaces, hyphens or apostrophes between words"  # TERM, said
_SUFFIX = re.compile(r"^\+(?:[^\W\d_A-Z]|')+$")


@dataclass(frozen=True, slots=True)
class Listed:
    """A frame (``eres un _``), an intensifier (``puto``) or a follower (``lol``) of a language's lists."""

    text: str  # as written, lowercase, single spaces
    language: str
    source: str = field(default="", compare=False)  # "file:line"


@dataclass(frozen=True, slots=True)
class Wordlists:
    """Every entry, allowlisted phrase, frame, intensifier and follower of the loaded lists."""

    entries: tuple[Entry, ...]
    allow: tuple[str, ...]
    # The language of each allowed phrase, in order; a phrase beyond its end is English's.
    allow_languages: tuple[str, ...] = ()
    frames: tuple[Listed, ...] = ()  # where an `aimed` entry counts: eres un _, _ de mierda
    intensifiers: tuple[Listed, ...] = ()  # what may stand between a frame and its word: puto
    followers: tuple[Listed, ...] = ()  # what may follow a word a frame aims from before it: lol

    def allow_for(self, language: str) -> tuple[str, ...]:
        """The phrases allowed in text of `language`."""
        languages = itertools.chain(self.allow_languages, itertools.repeat("en"))
        return tuple(phrase for phrase, lang in zip(self.allow, languages, strict=False) if lang == language)

    def frames_for(self, language: str) -> tuple[str, ...]:
        """The frames of `language` (``eres un _``)."""
        return tuple(f.text for f in self.frames if f.language == language)

    def intensifiers_for(self, language: str) -> tuple[str, ...]:
        """The intensifiers of `language` (``puto``)."""
        return tuple(i.text for i in self.intensifiers if i.language == language)

    def followers_for(self, language: str) -> tuple[str, ...]:
        """The followers of `language` (``lol``): none, where the language asks no end of a phrase."""
        return tuple(f.text for f in self.followers if f.language == language)


def list_name(path: Path, root: Path) -> str:
    """"en/profanity" for root/en/profanity.txt."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    return rel.with_suffix("").as_posix()


def list_language(path: Path) -> str:
    """The language of a list file: its folder's name where that is a language the engine reads
    (wordlists/es/, or a folder of one's own named es), else English."""
    return path.parent.name if path.parent.name in LANGUAGES else "en"


def _canonical_term(raw: str, where: tuple[str, int]) -> str:
    term = " ".join(raw.split()).lower()
    if not TERM.match(term):
        raise ConfigError(f"term {raw.strip()!r} {TERM_SHAPE}", *where)
    return term


def _parse_frame(line: str, where: tuple[str, int]) -> str:
    """A frame: words of letters and one _ standing alone where the word goes."""
    words = line.lower().split()
    slots = words.count(SLOT)
    if slots != 1:
        if slots == 0 and SLOT in line:
            raise ConfigError(f"frame {line!r}: _ must stand alone, as a word of its own (eres un _)", *where)
        raise ConfigError(f"frame {line!r} must hold one _ where the word goes, not {slots}", *where)
    if len(words) == 1:
        raise ConfigError("a frame needs a word besides _ (eres un _, _ de mierda)", *where)
    before, after = " ".join(words).split(SLOT)
    before = before.strip().removesuffix(",")  # said to someone: shut up, _
    for side in (before, after):
        if side.strip() and not TERM.match(side.strip()):
            raise ConfigError(
                f"frame {line!r} may hold only _ and words of letters, with single spaces, hyphens or "
                "apostrophes between them, and a comma right before _", *where)
    return " ".join(words)


def _parse_intensifier(line: str, where: tuple[str, int]) -> str:
    word = _canonical_term(line, where)
    if " " in word:
        raise ConfigError(f"intensifier {word!r} must be one word (at most one stands between frame and word)",
                          *where)
    return word


def _parse_follower(line: str, where: tuple[str, int]) -> str:
    word = _canonical_term(line, where)
    if " " in word:
        raise ConfigError(f"follower {word!r} must be one word (the word right after an aimed word)", *where)
    return word


def _parse_entry(line: str, category: str, name: str, where: tuple[str, int], language: str) -> list[Entry]:
    raw, colon, rest = line.partition(":")  # term: rest; no regex, most lines are entries
    if not raw or not colon:
        raise ConfigError(f"expected 'term: severity scope [+suffix ...]', got {line!r}", *where)
    term = _canonical_term(raw, where)
    fields = rest.split()
    if len(fields) < 2:
        raise ConfigError(f"{term!r} needs a severity (1-3) and a scope ({' or '.join(SCOPES)})", *where)
    severity, scope, suffixes = fields[0], fields[1], fields[2:]
    if severity not in ("1", "2", "3"):
        raise ConfigError(f"severity of {term!r} must be 1, 2 or 3, not {severity!r}", *where)
    if scope not in SCOPES:
        raise ConfigError(f"scope of {term!r} must be {' or '.join(SCOPES)}, not {scope!r}", *where)
    for suffix in suffixes:
        if not _SUFFIX.match(suffix):
            raise ConfigError(f"form {suffix!r} of {term!r} must be '+' and lowercase letters, as +ing", *where)
        if language in VOWEL_REPLACED and len(suffix) == 2 and suffix[1] in VOWELS and term[-1] in VOWELS:
            raise ConfigError(f"form {suffix!r} of {term!r} makes {term + suffix[1:]!r}: a form is appended, and "
                              f"an ending that takes the place of the last vowel is no form; list that word as "
                              f"an entry of its own", *where)
    source = f"{where[0]}:{where[1]}"
    terms = [term] + [term + s[1:] for s in suffixes]
    return [Entry(t, category, int(severity), scope, name, source, language) for t in terms]


def parse(text: str, file: str, name: str, errors: list[ConfigError] | None = None,
          language: str = "en") -> Wordlists:
    """Parse one wordlist file's text. `file` is for messages, `name` is the list's name, its
    entries are of `language`.

    Every bad line is a ConfigError: appended to `errors` when given (the parse goes on, so a
    file's mistakes are all found in one go), else the first is raised."""
    found: list[ConfigError] = [] if errors is None else errors
    entries: list[Entry] = []
    allow: list[str] = []
    frames: list[Listed] = []
    intensifiers: list[Listed] = []
    followers: list[Listed] = []
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        where = (file, number)
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            if line[0] == "[" and (m := _SECTION.match(line)):
                section = m[1]
                if section not in SECTIONS:
                    raise ConfigError(f"unknown section [{section}]; use one of {', '.join(SECTIONS[:-1])} or "
                                      f"{SECTIONS[-1]}", *where)
            elif section is None:
                section = ""  # said once: the lines up to the next section are not read
                raise ConfigError("an entry before any [category] or [allow] section", *where)
            elif section == ALLOW_SECTION:
                allow.append(_canonical_term(line, where))
            elif section == FRAMES_SECTION:
                frames.append(Listed(_parse_frame(line, where), language, f"{file}:{number}"))
            elif section == INTENSIFIERS_SECTION:
                intensifiers.append(Listed(_parse_intensifier(line, where), language, f"{file}:{number}"))
            elif section == FOLLOWERS_SECTION:
                followers.append(Listed(_parse_follower(line, where), language, f"{file}:{number}"))
            elif section:
                entries.extend(_parse_entry(line, section, name, where, language))
        except ConfigError as e:
            if errors is None:
                raise
            found.append(e)
    return Wordlists(tuple(entries), tuple(allow), frames=tuple(frames), intensifiers=tuple(intensifiers),
                     followers=tuple(followers))


def _located(source: str) -> tuple[str, int]:
    file, _, line = source.rpartition(":")
    return file, int(line)


def load_files(paths: Iterable[Path], root: Path, digest: Any = None) -> Wordlists:
    """Load and merge list files; a term defined twice is an error naming both places.

    Every mistake of every file is found; they are raised together as one ConfigError. Each
    file is read once, and its bytes fed to `digest` (a hashlib object) when one is given."""
    entries: list[Entry] = []
    allow: dict[tuple[str, str], None] = {}  # (phrase, language), in order, once each
    seen: dict[tuple[str, str], Entry] = {}  # by language and term: Spanish and Portuguese both list puta
    framing: dict[tuple[str, str, str], Listed] = {}  # frames, intensifiers, followers: by kind, language, text
    errors: list[ConfigError] = []
    for path in paths:
        try:
            raw = read_regular(path)
            text = raw.decode("utf-8")
        except OSError as e:
            errors.append(ConfigError(f"cannot read: {e.strerror}", str(path)))
            continue
        except UnicodeDecodeError as e:
            errors.append(undecodable(raw, e, str(path)))
            continue
        if digest is not None:
            digest.update(raw)
        language = list_language(path)
        loaded = parse(text, str(path), list_name(path, root), errors, language)
        for entry in loaded.entries:
            key = (entry.language, entry.term)
            if key in seen:
                errors.append(ConfigError(f"{entry.term!r} is already defined at {seen[key].source}",
                                          *_located(entry.source)))
                continue
            seen[key] = entry
            entries.append(entry)
        allow.update(((phrase, language), None) for phrase in loaded.allow)
        for kind, listed in (("frame", loaded.frames), ("intensifier", loaded.intensifiers),
                             ("follower", loaded.followers)):
            for item in listed:
                first = framing.setdefault((kind, item.language, item.text), item)
                if first is not item:
                    errors.append(ConfigError(f"{kind} {item.text!r} is already listed at {first.source}",
                                              *_located(item.source)))
    framed = {language for kind, language, _ in framing if kind == "frame"}
    unframed: dict[str, Entry] = {}
    for entry in entries:  # once a line: capullo: 2 aimed +s is one mistake
        if entry.scope == "aimed" and entry.language not in framed:
            unframed.setdefault(entry.source, entry)
    for entry in unframed.values():
        errors.append(ConfigError(
            f"{entry.term!r} is aimed, but no [frames] of its language ({entry.language}) are loaded with it: "
            "list the frames that aim it in a [frames] section (_ where the word goes), or make it evaded",
            *_located(entry.source)))
    if errors:
        raise ConfigError.collect(errors)
    return Wordlists(tuple(entries), tuple(p for p, _ in allow), tuple(lang for _, lang in allow),
                     tuple(i for (kind, _, _), i in framing.items() if kind == "frame"),
                     tuple(i for (kind, _, _), i in framing.items() if kind == "intensifier"),
                     tuple(i for (kind, _, _), i in framing.items() if kind == "follower"))


def read_regular(path: Path) -> bytes:
    """A file's bytes; an OSError for anything but a regular file: a FIFO or a device put where a
    list was would hang a reload forever, or fill the memory. Opened without blocking (a FIFO's
    open waits for a writer otherwise), then checked on the descriptor (no swap in between)."""
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return file.read()


def undecodable(raw: bytes, error: UnicodeDecodeError, file: str) -> ConfigError:
    """A file that is not UTF-8, named with the line of the first bad byte."""
    line = raw.count(b"\n", 0, error.start) + 1
    return ConfigError(f"not UTF-8 ({error.reason} at byte {error.start})", file, line)


def list_files(root: Path, languages: Iterable[str]) -> list[Path]:
    """The .txt list files of each language folder under root, in a stable order."""
    files: list[Path] = []
    for language in languages:
        folder = root / language
        if not folder.is_dir():
            raise ConfigError(f"no wordlist folder {language!r} under {root}")
        files.extend(walk(folder, recursive=False)[0])
    return files


def walk(folder: Path, recursive: bool = True, suffix: str = ".txt") -> tuple[list[Path], list[Path]]:
    """The visible files of that suffix under `folder`, in path order, and the folders walked.

    Hidden entries (a name starting with ".") are skipped: a Kubernetes ConfigMap volume shows
    each key as a symlink into `..data/`, itself a symlink to a timestamped `..2026_...` folder,
    so walking those too would load every list two or three times. Symlinks are followed (the
    visible keys are symlinks); a folder reached twice (a link loop) is walked once. A folder
    that cannot be read is a ConfigError, never an empty list."""
    files: list[Path] = []
    folders: list[Path] = []
    seen: set[tuple[int, int]] = set()
    todo = [folder]  # a stack, not recursion: a folder nested ten thousand deep is no crash
    while todo:
        where = todo.pop()
        try:
            st = where.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(where) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as e:
            raise ConfigError(f"cannot read folder: {e.strerror}", str(where)) from None
        folders.append(where)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():  # follows symlinks; False for a dangling one
                if recursive:
                    todo.append(where / entry.name)
            elif entry.name.endswith(suffix):
                files.append(where / entry.name)  # a dangling link fails its read, by name
    return sorted(files), folders
