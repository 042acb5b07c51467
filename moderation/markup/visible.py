"""The visible text of a marked-up document, and the way back to its source.

A reader of HTML or Markdown sees text the source does not hold as such: tags gone, character
references decoded, runs of white space shown as one space, blocks apart. The engine checks
that visible text; every span it finds is mapped back to the source, and masking edits the
source only where a masked character came from, so tags, quoting and entities elsewhere stay
byte for byte.

The visible text is built from pieces. A *literal* piece is a slice of the source shown as is
(one visible character per source character); a *replaced* piece shows other text for a
source span (`&#117;` shows `u`, a line break and indentation show one space) and maps as a
whole. Between blocks sits SEPARATOR, which belongs to no piece and which no match crosses.

Each piece also names its context, which says how a mask character is written back into the
source so that it shows as itself: `&` as `&amp;` in HTML, `*` as `\\*` in Markdown prose, as is
in a code block.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Folds to four spaces: more than any phrase, chain of letters or split word spans (as the
# engine's check_many separator), so nothing is read across a block boundary.
SEPARATOR = "\n\n\n\n"


@dataclass(frozen=True, slots=True)
class Visible:
    """What a reader sees of `source`, piece by piece (see the module docstring)."""

    source: str
    text: str
    starts: list[int]  # where each piece starts in `text`
    stops: list[int]  # and where it stops
    sources: list[int]  # where it starts in `source`
    ends: list[int]  # where it ends in `source`
    literal: list[bool]
    contexts: list[int]  # index into `escapes`
    escapes: tuple[Callable[[str], str], ...]  # how new text is written in each context

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of text[start:end], a span that holds no SEPARATOR."""
        i = bisect.bisect_right(self.starts, start) - 1
        j = bisect.bisect_right(self.starts, end - 1) - 1
        first = self.sources[i] + start - self.starts[i] if self.literal[i] else self.sources[i]
        last = self.sources[j] + end - self.starts[j] if self.literal[j] else self.ends[j]
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
        """Source edits that show text[start:end] as `new`, one for each piece it touches. Line
        breaks and indentation (white space shown as one space) stay as they are."""
        same_length = len(new) == end - start
        i = bisect.bisect_right(self.starts, start) - 1
        while i < len(self.starts) and self.starts[i] < end:
            piece_start, piece_end = self.starts[i], self.stops[i]
            a, b = max(start, piece_start), min(end, piece_end)
            shown = new[a - start : b - start] if same_length else (new if a == start else "")
            old = self.text[a:b]
            if a < b and shown != old and not (same_length and old == " " and not self.literal[i]):
                escape = self.escapes[self.contexts[i]]
                if not self.literal[i]:  # shown as a whole: rewritten as a whole
                    whole = self.text[piece_start:a] + shown + self.text[b:piece_end]
                    yield self.sources[i], self.ends[i], escape(whole)
                else:
                    first = self.sources[i] + a - piece_start
                    yield first, first + b - a, _written(old, shown, escape)
            i += 1


def _written(old: str, new: str, escape: Callable[[str], str]) -> str:
    """`new` as written in place of `old`: only the characters that change are escaped."""
    if len(old) != len(new):
        return escape(new)
    return "".join(n if n == o else escape(n) for o, n in zip(old, new, strict=True))


class Builder:
    """Collects pieces in reading order; see Visible."""

    def __init__(self, source: str, escapes: tuple[Callable[[str], str], ...]) -> None:
        self.source = source
        self.escapes = escapes
        self.context = 0  # the context of the pieces added next
        self.parts: list[str] = []
        self.length = 0
        self.starts: list[int] = []
        self.stops: list[int] = []
        self.sources: list[int] = []
        self.ends: list[int] = []
        self.literal: list[bool] = []
        self.contexts: list[int] = []
        self.at_boundary = True  # nothing but separators since the last block began

    def literal_span(self, first: int, last: int) -> None:
        """source[first:last] shown as is."""
        if first < last:
            self._add(self.source[first:last], first, last, True)

    def replaced(self, first: int, last: int, shown: str) -> None:
        """source[first:last] shown as `shown`."""
        if shown:
            self._add(shown, first, last, False)

    def space(self, first: int, last: int) -> None:
        """White space in source[first:last], shown as one space; none at a block's start."""
        if not self.at_boundary:
            self._add(" ", first, last, last - first == 1 and self.source[first] == " ")

    def boundary(self) -> None:
        """A block ends: what follows is never read together with what came before."""
        if not self.at_boundary:
            self.parts.append(SEPARATOR)
            self.length += len(SEPARATOR)
            self.at_boundary = True

    def _add(self, shown: str, first: int, last: int, literal: bool) -> None:
        self.parts.append(shown)
        self.starts.append(self.length)
        self.length += len(shown)
        self.stops.append(self.length)
        self.sources.append(first)
        self.ends.append(last)
        self.literal.append(literal)
        self.contexts.append(self.context)
        self.at_boundary = False

    def build(self) -> Visible:
        return Visible(self.source, "".join(self.parts), self.starts, self.stops, self.sources, self.ends, self.literal,
                       self.contexts, self.escapes)
