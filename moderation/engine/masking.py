"""Masking flagged spans: the rules of DESIGN.md, applied to the text and nothing else.

A mask keeps the span's length (except `replace`), so offsets after it stay valid for a CMS
that highlights the cleaned copy. Text outside the spans is copied unchanged. Compiled (setup.py):
a check makes a mask a hit, and the cleaned copy a piece a hit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

RULES: Final = ("full", "first", "first_last", "grawlix", "replace")
# Cycled in this order, no reading of these symbols as leet (@ a, $ s, ! i) spells a word:
# no two letter-like symbols ever stand side by side.
GRAWLIX: Final = "@#$%!&"


@dataclass(frozen=True, slots=True)
class MaskRule:
    """How one category's spans are hidden."""

    rule: str = "first"  # full, first, first_last, grawlix or replace
    char: str = "*"  # the mask character for full, first and first_last
    replacement: str = "[removed]"  # the text that stands for the span with `replace`

    def __reduce__(self) -> tuple[type[MaskRule], tuple[str, str, str]]:
        # Compiled and frozen, it cannot be unpickled field by field: it is made again from them.
        return MaskRule, (self.rule, self.char, self.replacement)


def mask_span(span: str, rule: MaskRule) -> str:
    """The masked form of one flagged span."""
    n = len(span)
    if rule.rule == "replace":
        return rule.replacement
    if rule.rule == "grawlix":
        return (GRAWLIX * (n // len(GRAWLIX) + 1))[:n]
    if rule.rule == "first" and n > 1:
        return span[0] + rule.char * (n - 1)
    if rule.rule == "first_last" and n > 2:
        return span[0] + rule.char * (n - 2) + span[-1]
    return rule.char * n


def mask(text: str, spans: Iterable[tuple[int, int, MaskRule]]) -> str:
    """`text` with each (start, end, rule) span masked; spans must be sorted and disjoint."""
    return replaced(text, ((start, end, mask_span(text[start:end], rule)) for start, end, rule in spans))


def replaced(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new) span replaced by `new`; spans sorted and disjoint."""
    out: list[str] = []
    at = 0
    for start, end, new in spans:
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)
