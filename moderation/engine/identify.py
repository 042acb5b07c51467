"""Which of a policy's languages a text is written in, for a check that asks ("auto").

py3langid (BSD-3, its model inside the wheel, no download): among the nine languages it was the
most accurate on comments and tweets, 99.3% overall and 98.8% under 60 characters, against
lingua's 98.5% and 97.6% (at three times the memory and a third of the speed), fastText's lid.176
(97.6%), CLD2 (93.6%) and CLD3 (91.3%), on 2,700 labelled posts of ../shared/eval; and its
confidence separates its errors from its right answers: at 0.9, every error it made fell below,
with 5.6% of the texts. Below that, a text is checked in every language asked for.

It costs ~1 s and ~80 MB to load, so it is loaded once per process, when first needed, and
restricting it to a policy's languages costs a slice of its tables.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from typing import Any

CONFIDENT = 0.9  # below this, a text's language is uncertain: it is checked in all of them
# A text's language shows in its first paragraphs: an article is not read whole to name it (the
# identifier reads ~1.5 MB/s; a 1 MB text would take most of a second).
READ = 2000
_lock = threading.Lock()
_base: list[Any] = []  # the loaded identifier
_restricted: dict[tuple[str, ...], Any] = {}  # one per set of languages, sharing the base's tables


def identify(text: str, candidates: Sequence[str]) -> tuple[str, ...]:
    """The one language among `candidates` that `text` is written in, or all of them when that
    is uncertain (a short, mixed or empty text)."""
    if len(candidates) < 2:
        return tuple(candidates)
    language, confidence = _identifier(tuple(sorted(candidates))).classify(text[:READ])
    return (language,) if confidence >= CONFIDENT else tuple(candidates)


def load() -> None:
    """Load the identifier now, rather than on the first text that needs it (a server's worker
    loads it before it answers)."""
    _identifier(("en", "es"))


def _identifier(languages: tuple[str, ...]) -> Any:
    found = _restricted.get(languages)
    if found is not None:
        return found
    with _lock:
        if not _base:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _base.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
        restricted = copy.copy(_base[0])  # set_languages slices the shared full model: no reload
        restricted.set_languages(list(languages))
        _restricted[languages] = restricted
        return restricted
