"""What a check answers: a Match for each flagged span, and the Result.

Plain Python classes, in a module that is not compiled (answer.py, which makes them, is): users
subclass, patch and pickle them, and a compiled class refuses a subclass's instances in its methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


# Match and Result are read-only by contract, not frozen: a frozen dataclass costs ~1 us to make
# (its __init__ sets each field through object.__setattr__), a plain one ~0.2, and text dense with
# matches makes one per match. They hash as frozen ones did (unsafe_hash: nothing here changes one).
@dataclass(slots=True, unsafe_hash=True)
class Match:
    """One flagged span: `text == original[start:end]` (code points, half-open)."""

    start: int
    end: int
    text: str
    term: str
    category: str
    severity: int
    evasions: tuple[str, ...]
    list: str
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "term": self.term,
                "category": self.category, "severity": self.severity,
                "evasions": list(self.evasions), "list": self.list, "language": self.language}


@dataclass(slots=True, unsafe_hash=True)
class Result:
    """What a check found, what the policy makes of it, and the cleaned text."""

    matches: tuple[Match, ...]
    action: str
    cleaned: str
    policy: str
    version: str
    content_type: str = "text/plain"

    @property
    def flagged(self) -> bool:
        return bool(self.matches)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body the HTTP API answers with (whose offsets are code points unless asked)."""
        return {"flagged": self.flagged, "action": self.action, "policy": self.policy,
                "version": self.version, "content_type": self.content_type,
                "cleaned": self.cleaned, "matches": [m.to_dict() for m in self.matches], "offsets": "codepoints"}
