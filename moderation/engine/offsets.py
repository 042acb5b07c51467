"""Offsets in the unit a client counts in: code points (Python), UTF-16 code units
(JavaScript), or UTF-8 bytes (byte-based stores)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

UNITS: Final = ("codepoints", "utf16", "bytes")


def _width(piece: str, unit: str) -> int:
    if unit == "utf16":
        return len(piece.encode("utf-16-le")) // 2
    return len(piece.encode("utf-8", "surrogatepass"))


def convert(text: str, positions: Iterable[int], unit: str) -> dict[int, int]:
    """Each code-point position in `text`, as an offset in `unit`. One pass over the text."""
    wanted = sorted(set(positions))
    if unit == "codepoints" or text.isascii():
        return {p: p for p in wanted}
    found: dict[int, int] = {}
    at = total = 0
    for p in wanted:
        total += _width(text[at:p], unit)
        found[p] = total
        at = p
    return found
