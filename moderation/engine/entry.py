"""An entry: one term the engine looks for, as a list or a policy gives it.

Compiled (setup.py): every hit of a check reads its entry's fields, and a compiled class's fields are
read where they lie, where a Python class's are looked up by name (~200 instructions each, a dozen a
hit). wordlists.py, which makes entries, stays Python and names it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Entry:
    """One term the engine looks for."""

    term: str  # canonical lowercase spelling, what a match reports as `term`
    category: str  # one of CATEGORIES
    severity: int  # 1 mild, 2 strong, 3 severe
    scope: str  # "word": only as a whole word; "inside": also inside longer words;
    # "evaded": a whole word with an innocent reading, flagged only when disguised (cr*pple);
    # "aimed": the same, also flagged where a frame of its language aims it (eres un capullo)
    list: str  # the list it comes from, as "en/profanity"
    source: str = field(default="", compare=False)  # "file:line", for error messages
    language: str = "en"  # the language whose text it is looked for in (languages.LANGUAGES)

    def __reduce__(self) -> tuple[type[Entry], tuple[str, str, int, str, str, str, str]]:
        # Compiled and frozen, it cannot be unpickled field by field: it is made again from them.
        return Entry, (self.term, self.category, self.severity, self.scope, self.list, self.source, self.language)
