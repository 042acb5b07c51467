"""The golden cases: every file of tests/cases, every line a test."""

from __future__ import annotations

import pytest

from moderation import Moderator
from tests.golden import Case, files, load


def _params(name: str, xfail: bool = False) -> list[object]:
    marks = [pytest.mark.xfail(strict=True, reason="known failure")] if xfail else []
    return [pytest.param(c, id=f"{c.where} {c.label}", marks=marks) for c in load(name)]


def found(moderator: Moderator, case: Case) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    result = moderator.check(case.text)
    for m in result.matches:
        assert case.text[m.start : m.end] == m.text
    return tuple((m.text, m.term, tuple(sorted(m.evasions))) for m in result.matches)


def expected(case: Case) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple((text, term, tuple(sorted(ev))) for text, term, ev in case.expected)


@pytest.mark.parametrize(
    "case", [case for kind in ("positive", "evasion", "negative") for name in files(kind) for case in _params(name)]
)
def test_case(moderator: Moderator, case: Case) -> None:
    assert found(moderator, case) == expected(case)


@pytest.mark.parametrize("case", _params("known_failures.txt", xfail=True))
def test_known_failure(moderator: Moderator, case: Case) -> None:
    assert found(moderator, case) == expected(case)
