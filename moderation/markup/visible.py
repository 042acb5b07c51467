"""The visible text of a marked-up document, and the way back to its source.

A reader of HTML or Markdown sees text the source does not hold as such: tags gone, character
references decoded, runs of white space shown as one space, blocks apart. The engine checks
that visible text; every span it finds is mapped back to the source, and masking edits the
source only where a masked character came from, so tags, quoting and entities elsewhere stay
byte for byte.

The visible text is made of pieces. A *literal* piece is a slice of the source shown as is
(one visible character per source character); a *replaced* piece shows other text for a
source span (`&#117;` shows `u`, a line break and indentation show one space, a tag shows
nothing) and maps as a whole. Between blocks sits SEPARATOR, which no match crosses.

Each piece also names its context, which says how a mask character is written back into the
source so that it shows as itself: `&` as `&amp;` in HTML, `*` as `\\*` in Markdown prose, as is
in a code block.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

# Folds to four spaces: more than any phrase, chain of letters or split word spans (as the
# engine's check_many separator), so nothing is read across a block boundary.
SEPARATOR: Final = "\n\n\n\n"


class Pieces(NamedTuple):
    """The map of a visible text, one entry per piece, in the order of the visible text."""

    starts: list[int]  # where each piece starts in the visible text
    stops: list[int]  # and where it stops
    sources: list[int]  # where it starts in the source
    ends: list[int]  # where it ends in the source
    literal: list[bool]
    contexts: list[int]  # index into Visible.escapes


class Visible:
    """What a reader sees of `source` (see the module docstring). The piece map may be given
    as a function, for readers that only work it out when a span needs mapping."""

    __slots__ = ("_make", "_pieces", "escapes", "source", "text")

    def __init__(self, source: str, text: str, escapes: tuple[Callable[[str], str], ...],
                 pieces: Pieces | Callable[[], Pieces]) -> None:
        self.source = source
        self.text = text
        self.escapes = escapes  # how new text is written in each context
        self._pieces = pieces if isinstance(pieces, Pieces) else None
        self._make = pieces

    @property
    def pieces(self) -> Pieces:
        if self._pieces is None:
            self._pieces = self._make() if callable(self._make) else self._make
        return self._pieces

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of text[start:end], a span that holds no SEPARATOR."""
        p = self.pieces
        i = bisect.bisect_right(p.starts, start) - 1
        j = bisect.bisect_right(p.starts, end - 1) - 1
        first = p.sources[i] + start - p.starts[i] if p.literal[i] else p.sources[i]
        last = p.sources[j] + end - p.starts[j] if p.literal[j] else p.ends[j]
        return first, last

    def masked(self, changes: Iterable[tuple[int, int, str]]) -> str:
        """The source with text[start:end] shown as `new` for each disjoint (start, end, new).
        A `new` of another length (a replacement word) goes where the span starts."""
        edits: list[tuple[int, int, str]] = []
        for start, end, new in changes:
            edits.extend(self._edits(start, end, new))
        edits.sort()  # attribute text is read after the body text, but sits before it
        out: list[str] = []
        at = 0
        for first, last, new in edits:
            if first < at:  # two spans inside one replaced piece: the first edit stands
                continue
            out.append(self.source[at:first])
            out.append(new)
            at = last
        out.append(self.source[at:])
        return "".join(out)

    def _edits(self, start: int, end: int, new: str) -> Iterable[tuple[int, int, str]]:
        """Source edits that show text[start:end] as `new`, one for each piece it touches. White
        space shown as one space stays as it is."""
        p = self.pieces
        same_length = len(new) == end - start
        i = bisect.bisect_right(p.starts, start) - 1
        while i < len(p.starts) and p.starts[i] < end:
            piece_start, piece_end = p.starts[i], p.stops[i]
            a, b = max(start, piece_start), min(end, piece_end)
            shown = new[a - start : b - start] if same_length else (new if a == start else "")
            old = self.text[a:b]
            if a < b and shown != old and not (same_length and old == " " and not p.literal[i]):
                escape = self.escapes[p.contexts[i]]
                if not p.literal[i]:  # shown as a whole: rewritten as a whole
                    whole = self.text[piece_start:a] + shown + self.text[b:piece_end]
                    yield p.sources[i], p.ends[i], escape(whole)
                else:
                    first = p.sources[i] + a - piece_start
                    yield first, first + b - a, _written(old, shown, escape)
            i += 1


def _written(old: str, new: str, escape: Callable[[str], str]) -> str:
    """`new` as written in place of `old`: only the characters that change are escaped, and
    line breaks and tabs stay (in Markdown they make the blocks)."""
    if len(old) != len(new):
        return escape(new)
    return "".join(o if n == o or o in _KEPT else escape(n) for o, n in zip(old, new, strict=True))


_KEPT: Final = "\t\n\r\f"


class Builder:
    """Collects pieces in reading order, one call each; see Visible."""

    def __init__(self, source: str, escapes: tuple[Callable[[str], str], ...]) -> None:
        self.source = source
        self.escapes = escapes
        self.context = 0  # the context of the pieces added next
        self.parts: list[str] = []
        self.length = 0
        self.pieces = Pieces([], [], [], [], [], [])
        self.at_boundary = True  # nothing but separators since the last block began

    def literal_span(self, first: int, last: int) -> None:
        """source[first:last] shown as is."""
        if first < last:
            self._add(self.source[first:last], first, last, True)

    def replaced(self, first: int, last: int, shown: str) -> None:
        """source[first:last] shown as `shown`."""
        if shown:
            self._add(shown, first, last, False)

    def boundary(self) -> None:
        """A block ends: what follows is never read together with what came before."""
        if not self.at_boundary:
            self.parts.append(SEPARATOR)
            self.length += len(SEPARATOR)
            self.at_boundary = True

    def _add(self, shown: str, first: int, last: int, literal: bool) -> None:
        self.parts.append(shown)
        p = self.pieces
        if (literal and p.literal and p.literal[-1] and p.ends[-1] == first and p.stops[-1] == self.length
                and p.contexts[-1] == self.context):  # runs on from the last piece: one piece
            self.length += len(shown)
            p.stops[-1] = self.length
            p.ends[-1] = last
            return
        p.starts.append(self.length)
        self.length += len(shown)
        p.stops.append(self.length)
        p.sources.append(first)
        p.ends.append(last)
        p.literal.append(literal)
        p.contexts.append(self.context)
        self.at_boundary = False

    def build(self) -> Visible:
        return Visible(self.source, "".join(self.parts), self.escapes, self.pieces)
