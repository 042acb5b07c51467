"""better-profanity's API, backed by this engine: switch with one import.

    # from better_profanity import profanity
    from moderation.compat import profanity

    profanity.censor("what the f**k")        # 'what the ****'
    profanity.contains_profanity("sh1t")     # True

As in better-profanity, each flagged word becomes four mask characters, `load_censor_words`
with a list replaces the words (here: our bundled lists), `whitelist_words` are allowed, and
`add_censor_words` adds to what is loaded. Custom words are whole words, severity 2, category
profanity; every evasion the engine knows applies to them. Words it cannot use (digits or
symbols in them) raise ValueError naming the word instead of being dropped silently.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from moderation.engine.moderator import Moderator
from moderation.engine.policy import Config
from moderation.engine.wordlists import Entry, Wordlists

__all__ = ["Profanity", "profanity"]

_WORD = re.compile(r"[a-z]+(?:['\- ][a-z]+)*")
_CUSTOM = "compat/custom"


class Profanity:
    """The better_profanity.Profanity interface over a Moderator."""

    def __init__(self, words: Iterable[str] | str | None = None) -> None:
        self._moderator: Moderator | None = None
        if isinstance(words, str):
            self.load_censor_words_from_file(words)
        elif words is not None:
            self.load_censor_words(words)

    def censor(self, text: object, censor_char: object = "*") -> str:
        """The text with every flagged word replaced by four `censor_char`."""
        text, char = str(text), str(censor_char)
        result = self._get().check(text)
        out: list[str] = []
        at = 0
        for m in result.matches:
            out += [text[at : m.start], char * 4]
            at = m.end
        out.append(text[at:])
        return "".join(out)

    def contains_profanity(self, text: object) -> bool:
        return self._get().check(str(text)).flagged

    def load_censor_words(self, custom_words: Iterable[str] | None = None, *,
                          whitelist_words: Iterable[str] | None = None) -> None:
        """Our bundled lists, or exactly `custom_words`; `whitelist_words` are never flagged."""
        allow = tuple(_clean(w, "whitelist_words") for w in whitelist_words or ())
        if custom_words:
            entries = tuple(_entry(w) for w in dict.fromkeys(custom_words))
            self._moderator = Moderator(Config(), Wordlists(entries, allow), "compat")
        else:
            base = Moderator.from_config()
            if allow:  # the lists' frames kept: an aimed word (you clown) still counts where framed
                base = Moderator(base.config, dataclasses.replace(base.lists, allow=base.lists.allow + allow),
                                 base.version)
            self._moderator = base

    def load_censor_words_from_file(self, filename: str | Path, *,
                                    whitelist_words: Iterable[str] | None = None) -> None:
        words = [w.strip() for w in Path(filename).read_text(encoding="utf-8").splitlines()]
        self.load_censor_words([w for w in words if w], whitelist_words=whitelist_words)

    def add_censor_words(self, custom_words: list[str] | tuple[str, ...] | set[str]) -> None:
        if not isinstance(custom_words, (list, tuple, set)):
            raise TypeError("Function 'add_censor_words' only accepts list, tuple or set.")
        current = self._get()
        known = {e.term for e in current.lists.entries}
        extra = tuple(_entry(w) for w in custom_words if _clean(w, "custom_words") not in known)
        lists = dataclasses.replace(current.lists, entries=current.lists.entries + extra)
        self._moderator = Moderator(current.config, lists, current.version)

    def _get(self) -> Moderator:
        if self._moderator is None:
            self.load_censor_words()
        assert self._moderator is not None
        return self._moderator


def _clean(word: object, argument: str) -> str:
    if not isinstance(word, str):
        raise ValueError(f"Each word in {argument!r} must be 'str' type, but {type(word)} found.")
    cleaned = " ".join(word.lower().split())
    if not _WORD.fullmatch(cleaned):
        raise ValueError(f"{word!r} in {argument}: a word may hold only letters, with single spaces, "
                         "hyphens or apostrophes between them")
    return cleaned


def _entry(word: str) -> Entry:
    return Entry(_clean(word, "custom_words"), "profanity", 2, "word", _CUSTOM)


profanity = Profanity()
