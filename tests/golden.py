"""Reading the golden case files of tests/cases (format: tests/cases/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")
_EXPECTED = re.compile(r"\s*(?P<text>.+?)=(?P<term>(?:[^\W\d_]|['\- ])+?)\[(?P<evasions>[a-z,]*)\]")


@dataclass(frozen=True)
class Case:
    label: str
    text: str
    expected: tuple[tuple[str, str, tuple[str, ...]], ...]  # (matched text, term, evasions)
    where: str


def unescape(s: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), s)


def files(kind: str, language: str = "") -> list[str]:
    """The case files of a kind: `positive.txt`, and `positive-<topic>.txt` beside it; of a
    language other than English, in its folder (`es/positive.txt`)."""
    folder = CASES / language if language else CASES
    return sorted(p.relative_to(CASES).as_posix() for p in folder.glob(f"{kind}*.txt"))


def languages() -> list[str]:
    """The languages with case folders of their own."""
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


def load(name: str) -> list[Case]:
    path = CASES / name
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, rest = line.partition(": ")
        text, _, expected = rest.partition(" =>")
        found = []
        at = 0
        expected = expected.strip()
        while at < len(expected):
            m = _EXPECTED.match(expected, at)
            if not m:
                raise ValueError(f"{path}:{number}: cannot read expectation {expected[at:]!r}")
            evasions = tuple(e for e in m["evasions"].split(",") if e)
            found.append((unescape(m["text"]), m["term"], evasions))
            at = m.end()
        cases.append(Case(label, unescape(text), tuple(found), f"{name}:{number}"))
    return cases


@dataclass(frozen=True)
class Document:
    label: str
    policy: str | None
    source: str
    expected: tuple[tuple[str, str], ...]  # (matched source text, term)
    cleaned: str
    where: str


_HEADER = re.compile(r"=== (?P<label>.+?)(?: \[policy=(?P<policy>\w+)\])?")
_FOUND = re.compile(r"(?P<text>.+) => (?P<term>[a-z' -]+)")


def load_documents(name: str) -> list[Document]:
    """The cases of a markup file: blocks of `=== label`, the source, `--- found` and one
    `text => term` a line, then `--- cleaned` and the cleaned source (README.md)."""
    path = CASES / name
    blocks = re.split(r"^(?==== )", path.read_text(encoding="utf-8"), flags=re.M)
    documents = []
    line = 1
    for block in blocks:
        where, line = f"{name}:{line}", line + block.count("\n")
        if not block.startswith("=== "):
            continue
        header, _, rest = block.partition("\n")
        head = _HEADER.fullmatch(header)
        source, found_marker, rest = rest.partition("--- found\n")
        found, _, cleaned = rest.partition("--- cleaned\n")
        if head is None or not found_marker:
            raise ValueError(f"{where}: expected '=== label' and '--- found'")
        expected = []
        for text in filter(None, found.splitlines()):
            m = _FOUND.fullmatch(text)
            if m is None:
                raise ValueError(f"{where}: cannot read {text!r}; expected 'text => term'")
            expected.append((unescape(m["text"]).replace("\\n", "\n"), m["term"]))
        source = unescape(source.removesuffix("\n"))
        cleaned = unescape(cleaned.rstrip("\n")) if cleaned else source
        documents.append(Document(head["label"], head["policy"], source, tuple(expected), cleaned, where))
    return documents
