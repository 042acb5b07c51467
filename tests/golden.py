"""Reading the golden case files of tests/cases (format: tests/cases/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")
_EXPECTED = re.compile(r"\s*(?P<text>.+?)=(?P<term>[a-z' -]+?)\[(?P<evasions>[a-z,]*)\]")


@dataclass(frozen=True)
class Case:
    label: str
    text: str
    expected: tuple[tuple[str, str, tuple[str, ...]], ...]  # (matched text, term, evasions)
    where: str


def unescape(s: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), s)


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
