"""Linear time on hostile input, bounded by counting work, never by timing it.

Work is what a check does that grows with its input: the Python calls it makes (a profile
hook counts every call, of Python functions and of builtins) and the characters its regular
expressions run over (each module-level pattern of the engine and the readers is wrapped to
count them). For every shape of benchmarks/hostile.py, in every content type, a document twice
as long may cost at most 2.2 times the work. (Work in C that no counted pattern does, such as
str.find or slicing, is not seen: the readers search with patterns, so that it is.)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

import pytest

from benchmarks.hostile import BUILT, LANGUAGE_UNITS, UNITS, nine_languages, repeated
from moderation import Moderator
from moderation.engine import dots, matcher, normalize, readings
from moderation.markup import html, markdown, visible

MODULES = (matcher, normalize, readings, dots, html, markdown, visible)
SIZE = 4096  # characters of the smaller document
GROWTH = 2.2  # the most work(2n) / work(n) may be
SLACK = 100  # plus this much: a document of one tag costs a few calls, whatever its size
CONTENT_TYPES = ("text/plain", "text/html", "text/markdown")


class _Counted:
    """A compiled pattern that counts the characters its searches run over (to where a match
    ends, or to the end of the range when none is found)."""

    def __init__(self, pattern: re.Pattern[str], work: list[int]) -> None:
        self._pattern = pattern
        self._work = work

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def _ran(self, found: re.Match[str] | None, string: str, pos: int, endpos: int | None) -> None:
        stop = len(string) if endpos is None else min(endpos, len(string))
        self._work[0] += (found.end() if found else stop) - pos + 1

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        found = self._pattern.search(string, pos, sys.maxsize if endpos is None else endpos)
        self._ran(found, string, pos, endpos)
        return found

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        found = self._pattern.match(string, pos, sys.maxsize if endpos is None else endpos)
        self._ran(found, string, pos, found.end() if found else pos)
        return found

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        self._ran(None, string, pos, endpos)
        return self._pattern.finditer(string, pos, sys.maxsize if endpos is None else endpos)

    def split(self, string: str, *args: Any) -> list[str]:
        self._work[0] += len(string)
        return self._pattern.split(string, *args)

    def sub(self, repl: Any, string: str, *args: Any) -> str:
        self._work[0] += len(string)
        return self._pattern.sub(repl, string, *args)


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """work[0] while inside: calls made and characters searched."""
    work = [0]
    with monkeypatch.context() as patch:
        for module in MODULES:
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    patch.setattr(module, name, _Counted(value, work))

        def count(frame: FrameType, event: str, arg: object) -> None:
            if event in ("call", "c_call"):
                work[0] += 1

        sys.setprofile(count)
        try:
            yield work
        finally:
            sys.setprofile(None)


def work_of(monkeypatch: pytest.MonkeyPatch, check: Callable[[], object]) -> int:
    with counting(monkeypatch) as work:
        check()
    return work[0]


SHAPES: dict[str, Callable[[int], str]] = {name: (lambda n, u=unit: repeated(u, n)) for name, unit in UNITS.items()}
SHAPES.update(BUILT)


@pytest.fixture(scope="module")
def warm(moderator: Moderator) -> Moderator:
    for content_type in CONTENT_TYPES:  # patterns compiled and tables built before counting
        moderator.check("<p>[a](b) *f**k* sh1t f u c k</p>", content_type=content_type)
    return moderator


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_twice_the_input_is_at_most_twice_the_work(warm: Moderator, monkeypatch: pytest.MonkeyPatch,
                                                   shape: str, content_type: str) -> None:
    small, large = SHAPES[shape](SIZE), SHAPES[shape](2 * SIZE)
    for document in (small, large):  # what each caches (readings of tokens, masks, tags) cached for both
        warm.check(document, content_type=content_type)
    n = work_of(monkeypatch, lambda: warm.check(small, content_type=content_type))
    n2 = work_of(monkeypatch, lambda: warm.check(large, content_type=content_type))
    assert n2 <= GROWTH * n + SLACK, (n, n2)


@pytest.fixture(scope="module")
def nine() -> Moderator:
    return nine_languages()


@pytest.mark.parametrize("shape", list(LANGUAGE_UNITS))
def test_every_language_at_once_is_linear(nine: Moderator, monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    """The shapes of the other languages, read by all nine, each text identified."""
    small, large = repeated(LANGUAGE_UNITS[shape], SIZE), repeated(LANGUAGE_UNITS[shape], 2 * SIZE)
    for document in (small, large):
        nine.check(document)
    n = work_of(monkeypatch, lambda: nine.check(small))
    n2 = work_of(monkeypatch, lambda: nine.check(large))
    assert n2 <= GROWTH * n + SLACK, (n, n2)


def test_the_counter_sees_quadratic_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measure itself: a search for a `>` from every `<` of a text that has none (what the
    Markdown reader did) is found out, though it makes one call per `<`."""
    probe = ModuleType("probe")
    probe.closer = re.compile(">")  # type: ignore[attr-defined]
    monkeypatch.setattr(sys.modules[__name__], "MODULES", (probe,))

    def each_looks_to_the_end(text: str) -> None:
        for i in range(len(text)):
            probe.closer.search(text, i)

    n = work_of(monkeypatch, lambda: each_looks_to_the_end("<" * 1000))
    n2 = work_of(monkeypatch, lambda: each_looks_to_the_end("<" * 2000))
    assert n2 > 3 * n


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_deep_nesting_is_read_without_recursion(moderator: Moderator, content_type: str) -> None:
    """Links nested 330 deep raised RecursionError (a 500 from the service); 20,000 are read."""
    depth = 20_000
    for document in ("[" * depth + "fuck" + "](u)" * depth, "![" * depth + "fuck" + "](u)" * depth,
                     ">" * depth + " fuck", "*" * depth + "fuck" + "*" * depth):
        result = moderator.check(document, content_type=content_type)
        assert [m.term for m in result.matches] == ["fuck"], document[:20]
