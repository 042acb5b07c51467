"""An Aho-Corasick automaton of byte patterns that is quick to build and becomes fast to scan.

ahocorasick-rs builds a contiguous NFA in a third of the time of a DFA, and the DFA scans 2-3x
faster (the bundled English words: 8 ms to build against 20, 19 ms a pass over 2.5 MB of prose
against 9). A DFA pays for its build only after a few MB, which a process that checks a comment
or a few files never scans and a server scans within seconds: so an automaton starts as the NFA
and is rebuilt as a DFA once it has scanned UPGRADE_AFTER bytes. Both find the same matches in the
same order. Patterns too many letters for a DFA's tables (DFA_LETTERS) stay an NFA.

The check that crosses UPGRADE_AFTER waits for the DFA's build, once per automaton and process
(~35 ms for English's two automata, ~170 ms for those of English, Spanish and Russian), as every
thread of its process does: the interpreter lock is held while ahocorasick-rs builds.

Built automata are kept for the process by their patterns (the last KEPT): a moderator built again
from the same lists (a reload that changed nothing, the compatibility layer's copies, a
benchmark's fresh moderator) takes the one already built, DFA and all. A moderator with more
automata than that (a policy with terms of its own adds two a language) builds them anew.
"""

from __future__ import annotations

import array
import hashlib
from collections.abc import Iterable
from typing import Final

import ahocorasick_rs

DFA_LETTERS: Final = 400_000  # the most pattern letters a DFA is built for: its tables grow with them
UPGRADE_AFTER: Final = 2 << 20  # bytes scanned: by then the DFA has paid for its build
# Automata kept for the process: a moderator's (two a script: its triggers and words). No more: one
# no moderator uses any longer is memory held for nothing (the DFAs of English's lists take 10 MB).
KEPT: Final = 4

# By a digest of the patterns. No lock (a lock held by another thread at a fork stays held in the
# child): two threads building at once may both build one, and either's is kept.
_kept: dict[bytes, Automaton] = {}


class Automaton:
    """Finds every pattern, overlapping, by its index in the order given."""

    def __init__(self, patterns: tuple[bytes, ...]) -> None:
        self._found = ahocorasick_rs.BytesAhoCorasick(patterns,
                                                      implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        # kept for the DFA until it is built; None: it never will be
        self._patterns: tuple[bytes, ...] | None = patterns if sum(map(len, patterns)) <= DFA_LETTERS else None
        self._scanned = 0
        self.dfa = False

    def find(self, data: bytes) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) of every pattern found in `data`."""
        if self._patterns is not None:
            self._scanned += len(data)
            if self._scanned >= UPGRADE_AFTER:
                self._upgrade()
        return self._found.find_matches_as_indexes(data, True)  # overlapping: positional, parsed for less

    def _upgrade(self) -> None:
        # Two threads may both build one: each finds the same with either, and one is kept.
        patterns, self._patterns = self._patterns, None
        if patterns is not None:
            self._found = ahocorasick_rs.BytesAhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.DFA)
            self.dfa = True


def automaton(patterns: Iterable[str]) -> Automaton:
    """The automaton of `patterns` (strs of one byte a character: latin-1), the process's own if
    one of the same patterns was built before."""
    encoded = tuple(p.encode("latin-1") for p in patterns)
    # Their count, each one's length, then all of them: no two lists of patterns digest alike. In
    # three updates, not two a pattern, which cost a third as much as building the automata.
    digest = hashlib.blake2b(len(encoded).to_bytes(8, "little"), digest_size=16)
    digest.update(array.array("I", map(len, encoded)).tobytes())
    digest.update(b"".join(encoded))
    key = digest.digest()
    found = _kept.get(key)
    if found is None:
        found = Automaton(encoded)
        if len(_kept) >= KEPT:
            _kept.pop(next(iter(_kept), b""), None)  # the oldest
        _kept[key] = found
    return found
