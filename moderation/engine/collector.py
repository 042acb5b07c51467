"""The cyclic garbage collector paused while work makes many objects and no cycles.

A collection is set off by allocations, and a full one walks every object that lives. Building a
moderator makes about a million objects that all live on; a check of a long text may make a hit,
a match and a mask for each of thousands of words; a batch's chunk decodes thousands of rows. None
of these hold cycles, and the collections their allocations set off walked them, and everything
else alive, again and again: 12% of the instructions of a process that builds the nine languages,
12% of a check of text dense with matches, 8-13% of a batch's CPU time. Paused for the work, the
collector runs again after it, as ever. A collector the caller paused stays paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the `with` block (also a decorator: `@paused()`)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
