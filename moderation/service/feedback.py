"""Moderators' decisions sent back with `comments:suggestscore`, kept as JSONL and summarised per term.

Where the operator sets MODERATION_FEEDBACK_FILE, each suggestion appends one line: when, the
community, client token and session, the suggested scores, the policy and version that judged
the comment, the terms we matched in it, and the comment's text only when the request said
`"doNotStore": false`. `moderation feedback FILE` then shows, per term, how often moderators
upheld it and how often they overruled it: the list edits worth discussing.

A line is written with one `write` on a file opened for appending, so the gunicorn workers'
lines never interleave.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UPHELD_AT = 0.5  # a suggested score from here up says "this is toxic": Coral sends 1 or 0


def append(path: str | Path, record: dict[str, Any]) -> None:
    """Add one record; a failure to write is raised (the route answers 500 and logs it)."""
    line = (json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **record},
                       ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


@dataclass
class TermTally:
    """What moderators said of the comments in which one term matched."""

    term: str
    category: str
    upheld: int = 0
    overruled: int = 0
    communities: set[str] = field(default_factory=set)

    @property
    def seen(self) -> int:
        return self.upheld + self.overruled

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "category": self.category, "seen": self.seen, "upheld": self.upheld,
                "overruled": self.overruled, "overruled_share": round(self.overruled / self.seen, 3),
                "communities": sorted(self.communities)}


@dataclass
class Summary:
    tallies: dict[str, TermTally] = field(default_factory=dict)
    records: int = 0
    unmatched_toxic: int = 0  # moderators called it toxic and no term matched: words the lists lack
    errors: list[str] = field(default_factory=list)  # "line N: why", for lines that could not be read

    def ranked(self) -> list[TermTally]:
        """Most overruled first, then most seen."""
        return sorted(self.tallies.values(), key=lambda t: (-t.overruled, -t.seen, t.term))


def summarize(lines: Iterable[str]) -> Summary:
    """Tally each record's terms by the suggestion's verdict; unreadable lines are named, not skipped silently."""
    summary = Summary()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            verdict = _verdict(record["suggested"])
            terms = [(t["term"], t["category"]) for t in record["terms"]]
        except (ValueError, KeyError, TypeError) as e:
            summary.errors.append(f"line {n}: not a feedback record ({type(e).__name__}: {e})")
            continue
        summary.records += 1
        if verdict and not terms:
            summary.unmatched_toxic += 1
        for term, category in dict.fromkeys(terms):
            tally = summary.tallies.setdefault(term, TermTally(term, category))
            tally.upheld += verdict
            tally.overruled += not verdict
            if record.get("communityId"):
                tally.communities.add(str(record["communityId"]))
    return summary


def _verdict(suggested: dict[str, Any]) -> bool:
    """True when the moderator's highest suggested score says the comment is toxic."""
    values = [float(v) for v in suggested.values()]
    if not values:
        raise ValueError("no suggested score")
    return max(values) >= UPHELD_AT


def read_lines(path: str | Path) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        yield from f
