"""Reading wordlist files into entries, with `file:line: why` for every mistake.

The format is documented in wordlists/README.md. In short::

    [profanity]                  # a section names the category of the entries below it
    fuck: 3 inside +ing +er      # term: severity, scope (word or inside), forms (+suffix)
    [allow]                      # the allowlist: names and phrases, one per line
    scunthorpe
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from moderation.errors import ConfigError

CATEGORIES = ("profanity", "sexual", "slur", "insult")
SCOPES = ("word", "inside", "evaded")
ALLOW_SECTION = "allow"
# Installed wheels carry the lists inside the package; a source checkout has them at the top.
_PACKAGED = Path(__file__).resolve().parent.parent / "wordlists"
BUNDLED = _PACKAGED if _PACKAGED.is_dir() else _PACKAGED.parent.parent / "wordlists"

_SECTION = re.compile(r"^\[([a-z_]+)\]$")
_ENTRY = re.compile(r"^(?P<term>[^:]+):(?P<rest>.*)$")
_TERM = re.compile(r"^[a-z]+(?:['\- ][a-z]+)*$")
_SUFFIX = re.compile(r"^\+[a-z']+$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One term the engine looks for."""

    term: str  # canonical lowercase spelling, what a match reports as `term`
    category: str  # profanity, sexual, slur or insult
    severity: int  # 1 mild, 2 strong, 3 severe
    scope: str  # "word": only as a whole word; "inside": also inside longer words;
    # "evaded": a whole word with an innocent reading, flagged only when disguised (cr*pple)
    list: str  # the list it comes from, as "en/profanity"
    source: str = field(default="", compare=False)  # "file:line", for error messages


@dataclass(frozen=True, slots=True)
class Wordlists:
    """Every entry and allowlisted phrase of the loaded lists."""

    entries: tuple[Entry, ...]
    allow: tuple[str, ...]


def list_name(path: Path, root: Path) -> str:
    """"en/profanity" for root/en/profanity.txt."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    return rel.with_suffix("").as_posix()


def _canonical_term(raw: str, where: tuple[str, int]) -> str:
    term = " ".join(raw.split()).lower()
    if not _TERM.match(term):
        raise ConfigError(
            f"term {raw.strip()!r} may hold only letters a-z, with single spaces, hyphens or "
            "apostrophes between words", *where)
    return term


def _parse_entry(line: str, category: str, name: str, where: tuple[str, int]) -> list[Entry]:
    m = _ENTRY.match(line)
    if not m:
        raise ConfigError(f"expected 'term: severity scope [+suffix ...]', got {line!r}", *where)
    term = _canonical_term(m["term"], where)
    fields = m["rest"].split()
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
    source = f"{where[0]}:{where[1]}"
    terms = [term] + [term + s[1:] for s in suffixes]
    return [Entry(t, category, int(severity), scope, name, source) for t in terms]


def parse(text: str, file: str, name: str) -> Wordlists:
    """Parse one wordlist file's text. `file` is for messages, `name` is the list's name."""
    entries: list[Entry] = []
    allow: list[str] = []
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        where = (file, number)
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if m := _SECTION.match(line):
            section = m[1]
            if section != ALLOW_SECTION and section not in CATEGORIES:
                raise ConfigError(
                    f"unknown section [{section}]; use one of {', '.join(CATEGORIES)} or {ALLOW_SECTION}", *where)
        elif section is None:
            raise ConfigError("an entry before any [category] or [allow] section", *where)
        elif section == ALLOW_SECTION:
            allow.append(_canonical_term(line, where))
        else:
            entries.extend(_parse_entry(line, section, name, where))
    return Wordlists(tuple(entries), tuple(allow))


def load_files(paths: Iterable[Path], root: Path) -> Wordlists:
    """Load and merge list files; a term defined twice is an error naming both places."""
    entries: list[Entry] = []
    allow: list[str] = []
    seen: dict[str, Entry] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise ConfigError(f"not UTF-8 ({e.reason} at byte {e.start})", str(path)) from None
        except OSError as e:
            raise ConfigError(f"cannot read: {e.strerror}", str(path)) from None
        loaded = parse(text, str(path), list_name(path, root))
        for entry in loaded.entries:
            if entry.term in seen:
                file, _, line = entry.source.rpartition(":")
                raise ConfigError(f"{entry.term!r} is already defined at {seen[entry.term].source}", file, int(line))
            seen[entry.term] = entry
            entries.append(entry)
        allow.extend(loaded.allow)
    return Wordlists(tuple(entries), tuple(dict.fromkeys(allow)))


def list_files(root: Path, languages: Iterable[str]) -> list[Path]:
    """The .txt list files of each language folder under root, in a stable order."""
    files: list[Path] = []
    for language in languages:
        folder = root / language
        if not folder.is_dir():
            raise ConfigError(f"no wordlist folder {language!r} under {root}")
        files.extend(sorted(folder.glob("*.txt")))
    return files
