"""A check's answer, made from its scan's hits: the Result.

The hits a policy keeps are masked by its rules, each mask read again with what stands beside it
in its token, so that a cleaned copy never reads as another word (Masks); then each becomes a
Match, and the masks make the cleaned copy. This runs for every hit: text dense with matches
makes one of each per match, so the module is compiled (setup.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from moderation.engine.entry import Entry
from moderation.engine.masking import MaskRule, mask_span, replaced
from moderation.engine.policy import Policy
from moderation.engine.readings import Hit
from moderation.engine.result import Match, Result
from moderation.markup.visible import Visible

MASKS: Final = 4096  # masks remembered, with the look at what each reads as
MASKED_LENGTH: Final = 64  # the longest span whose mask is remembered (a long word is one of a kind)
# How a policy's matcher in a language reads a text again: (policy, language, text) -> its hits.
Reader = Callable[[str, str, str], list[Hit]]


def answer(text: str, hits: Sequence[Hit], pol: Policy, content_type: str, version: str, masks: Masks,
           visible: Visible | None = None) -> Result:
    """The result for `text`; for markup, `hits` are in its visible text and mapped back."""
    floor, categories = pol.min_severity, pol.categories
    kept = [h for h in hits if h.entry.severity >= floor and h.entry.category in categories]
    if not kept:
        return Result((), "allow", text, pol.name, version, content_type)
    shown = text if visible is None else visible.text
    spans = masks.glued(pol, shown, kept, [(h.start, h.end, masks.mask(pol, shown, h.start, h.end, h.entry))
                                           for h in kept])
    if visible is None:
        matches = tuple([_match(text, h.start, h.end, h) for h in kept])
        cleaned = replaced(text, spans)
    else:
        # Attribute text is read after the body text: sort by where each sits in the source.
        matches = tuple(sorted([_match(text, *visible.source_span(h.start, h.end), h) for h in kept],
                               key=_start))
        cleaned = visible.masked(spans)
    worst = max([h.entry.severity for h in kept])
    return Result(matches, pol.action(worst, {h.entry.category for h in kept}), cleaned, pol.name, version,
                  content_type)


class Masks:
    """A moderator's masks: each span masked by its policy's rule, unless the mask, read with what
    stands beside it in its token, reads as a word of another category or a higher severity (c***,
    the mask of cunt, reads as crap; cunts*** masked as c******* as crappier): then it is masked
    whole, which reads as nothing, so that a cleaned copy checked again finds nothing new. (A mask
    may read as another word of the same kind: f****** is fucking or fuckers.) Masks are
    remembered: words repeat."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._masks: dict[tuple[str, str, str, str, str, str, int], str] = {}

    def mask(self, pol: Policy, shown: str, start: int, end: int, entry: Entry) -> str:
        """shown[start:end] masked for `pol`."""
        before, after = _beside(shown, start, end)
        span = shown[start:end]
        key = (pol.name, entry.language, before, span, after, entry.category, entry.severity)
        masked = self._masks.get(key)
        if masked is None:
            rule = pol.rule_for(entry.category)
            masked = mask_span(span, rule)
            read = self._read(pol.name, entry.language, before + masked + after)
            lo, hi = len(before), len(before) + len(masked)
            if any(h.start < hi and h.end > lo and _other_kind(h.entry, entry) for h in read):
                masked = _whole(span, rule)
            if len(self._masks) < MASKS and len(span) <= MASKED_LENGTH:
                self._masks[key] = masked
        return masked

    def glued(self, pol: Policy, shown: str, kept: Sequence[Hit],
              masks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """`masks`, where two or more hits share a token (**shit**shit), read again together: each
        mask was judged with the written text beside it (mask), but beside it stand other masks
        (**s*****s*** read as stupids). Where the token so cleaned reads as a word of another
        kind, its hits are masked whole. A token is read once: the hits of one word are its run."""
        # Each hit glued to the one before it (most are a blank apart: one look at that blank)
        joined = [i for i in range(1, len(kept)) if _one_token(shown, kept[i - 1].end, kept[i].start)]
        if not joined:
            return masks
        out = list(masks)
        for run in _runs(joined):  # hits i-1 .. j of one token
            i, j = run[0] - 1, run[-1] + 1
            before, _ = _beside(shown, kept[i].start, kept[i].end)
            _, after = _beside(shown, kept[j - 1].start, kept[j - 1].end)
            start, end = kept[i].start, kept[j - 1].end
            masked = replaced(shown[start:end], [(a - start, b - start, m) for a, b, m in out[i:j]])
            kinds = [h.entry for h in kept[i:j]]
            read = self._read(pol.name, kept[i].entry.language, before + masked + after)
            if any(all(_other_kind(found.entry, entry) for entry in kinds) for found in read):
                out[i:j] = [(h.start, h.end, _whole(shown[h.start : h.end], pol.rule_for(h.entry.category)))
                            for h in kept[i:j]]
        return out


def _match(text: str, start: int, end: int, hit: Hit) -> Match:
    e = hit.entry
    return Match(start, end, text[start:end], e.term, e.category, e.severity, hit.evasions, e.list, e.language)


def _start(match: Match) -> int:
    return match.start


def _beside(shown: str, start: int, end: int) -> tuple[str, str]:
    """What stands right before and after shown[start:end] in its whitespace-delimited token
    (up to MASKED_LENGTH characters each side: a longer token is not read as a word)."""
    if (not start or shown[start - 1].isspace()) and (end == len(shown) or shown[end].isspace()):
        return "", ""  # most hits: a word alone
    left, right = shown[max(0, start - MASKED_LENGTH) : start], shown[end : end + MASKED_LENGTH]
    before = left.rsplit(None, 1)[-1] if left and not left[-1].isspace() else ""
    after = right.split(None, 1)[0] if right and not right[0].isspace() else ""
    return before, after


def _one_token(shown: str, end: int, start: int) -> bool:
    """Whether shown[end:start], between two hits in order, holds them in one token: no blank,
    and short (_beside's reach)."""
    if start <= end:
        return start == end
    if start - end > MASKED_LENGTH or shown[end].isspace():  # most: hits a blank apart
        return False
    return not any(c.isspace() for c in shown[end:start])


def _runs(ascending: list[int]) -> list[list[int]]:
    """[1, 2, 5] -> [[1, 2], [5]]: the runs of consecutive numbers."""
    runs: list[list[int]] = []
    for n in ascending:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _other_kind(found: Entry, entry: Entry) -> bool:
    return found.category != entry.category or found.severity > entry.severity


def _whole(span: str, rule: MaskRule) -> str:
    return mask_span(span, MaskRule("full", rule.char))
