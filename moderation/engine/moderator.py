"""The Moderator: wordlists, policies and matcher tied together behind `check`."""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import hashlib
import itertools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar, cast

from moderation.engine import policy as policy_module
from moderation.engine.answer import Masks, answer
from moderation.engine.collector import paused
from moderation.engine.identify import identify, identify_many
from moderation.engine.languages import LANGUAGES
from moderation.engine.matcher import Frames, Matcher, Triggers, Views, Words, merge, spell_entries
from moderation.engine.policy import Config, Policy, key_error
from moderation.engine.readings import Hit
from moderation.engine.result import Match as Match  # importable from here too, where older pickles name it
from moderation.engine.result import Result
from moderation.engine.wordlists import BUNDLED, Entry, Wordlists, list_files, load_files, parse, walk
from moderation.errors import ConfigError, UnknownLanguageError, UnknownPolicyError, UnsupportedContentTypeError
from moderation.markup import MARKUP_TYPES, Visible, extract

CONTENT_TYPES = ("text/plain", *MARKUP_TYPES)
Languages = Sequence[str] | str | None  # a check's languages: some of its policy's, "auto", or None for all
# Joins texts for check_many: it folds to four spaces, which no match, phrase, chain of single
# letters or split word spans (phrases allow two spaces, chains three and no line break).
SEPARATOR = "\n\n\n\n"
# A text this long may hold thousands of hits, each a few objects, none in a cycle: its check runs
# with the collector paused (collector.py: 12% of a check of text dense with matches).
LONG_TEXT = 1 << 14
BUILT_KEPT = 4  # moderators an unpickling process keeps built, by version: a worker outlives few reloads
T = TypeVar("T")


class Moderator:
    """Checks text against loaded wordlists under named policies. Immutable and thread-safe."""

    @paused()
    def __init__(self, config: Config, lists: Wordlists, version: str, sources: tuple[Path, ...] = ()) -> None:
        self.config = config
        self.lists = lists
        self.version = version
        self.sources = sources  # the files and folders it was loaded from, for reloading
        self._matchers: dict[tuple[str, str], Matcher] = {}  # by policy and language
        self._masks = Masks(self._reread)  # by policy and language: see answer.Masks
        loaded = dict.fromkeys((*config.languages, *(e.language for e in lists.entries)))
        by_language: dict[str, list[Entry]] = {language: [] for language in loaded}
        for entry in lists.entries:
            by_language[entry.language].append(entry)
        # One matcher per language, built once, whatever the policies; a policy with terms or
        # phrases of its own has its own on top of each (its terms reported in that language).
        spelled = {language: spell_entries(entries, LANGUAGES[language]) for language, entries in by_language.items()}
        scripts: dict[str, list[str]] = {}
        for language in by_language:
            scripts.setdefault(LANGUAGES[language].script, []).append(language)
        # Two automata per script, for all its languages: its triggers, and its words.
        triggers = {script: Triggers([(spelled[language][0], LANGUAGES[language]) for language in languages])
                    for script, languages in scripts.items()}
        words = {script: Words() for script in scripts}
        frames = {language: Frames(lists.frames_for(language), lists.intensifiers_for(language), LANGUAGES[language],
                                   lists.followers_for(language))
                  for language in by_language if lists.frames_for(language)}
        shared = {language: Matcher(entries, lists.allow_for(language), language=LANGUAGES[language],
                                    triggers=triggers[LANGUAGES[language].script], spelled=spelled[language],
                                    words=words[LANGUAGES[language].script], frames=frames.get(language))
                  for language, entries in by_language.items()}
        for each in words.values():
            each.build()
        for name, pol in config.policies.items():
            missing = [language for language in pol.languages if language not in shared]
            if missing:
                raise key_error(config, f"policies.{name}", "languages",
                                f"policy {name!r} checks {', '.join(missing)}, whose lists are not loaded: "
                                f"add {' and '.join(missing)} to [wordlists] languages (loaded: {', '.join(shared)})")
            for language in pol.languages:
                block = tuple(dataclasses.replace(e, language=language) for e in pol.block)
                self._matchers[name, language] = (
                    Matcher(block, pol.allow, base=shared[language], language=LANGUAGES[language])
                    if pol.allow or pol.block else shared[language])
        # The policies that check one language, by name (and None for the default), with its matcher:
        # check's short way, past the checks of arguments that cannot fail for them.
        self._alone: dict[str | None, tuple[Policy, Matcher]] = {
            name: (pol, self._matchers[name, pol.languages[0]])
            for name, pol in config.policies.items() if len(pol.languages) == 1}
        if config.default_policy in self._alone:
            self._alone[None] = self._alone[config.default_policy]

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> Moderator:
        """The bundled lists and default policy, or those a TOML config file names.

        A mistake raises one ConfigError: every mistake of the config, or, when the config is
        right, every mistake of the lists (`errors` holds each; the message shows the first ten)."""
        config = _config(path)
        files, folders = _list_sources(config)
        lists, digest = _load_lists(config, files)
        return cls(config, lists, digest, _sources(config, files, folders))

    def __reduce__(self) -> tuple[Callable[..., Moderator], tuple[Config, Wordlists, str, tuple[Path, ...]]]:
        """Pickles as its config, lists and version (about 120 KB with the bundled lists), not its
        automata, which do not pickle: Spark, Dask and Ray ship it cheaply, and each worker process
        builds it once (see `built_once`)."""
        return built_once, (self.config, self.lists, self.version, self.sources)

    @property
    def policies(self) -> Mapping[str, Policy]:
        return self.config.policies

    def check(self, text: str, policy: str | None = None, content_type: str = "text/plain",
              languages: Languages = None) -> Result:
        """Find what `text` holds that the policy cares about, and mask it. `languages`: which
        of the policy's languages to check it in (all of them when None), or "auto" for the ones
        its text is identified as (identify.py)."""
        if type(text) is str and len(text) >= LONG_TEXT:
            with paused():
                return self._checked(text, policy, content_type, languages)
        if languages is None and content_type == "text/plain" and type(text) is str:
            alone = self._alone.get(policy)
            if alone is not None:  # most checks: plain text, a policy of one language
                pol, matcher = alone
                hits = matcher.scan(text)
                if not hits:  # and most texts are clean
                    return Result((), "allow", text, pol.name, self.version, content_type)
                return self._result(text, hits, pol, content_type)
        return self._checked(text, policy, content_type, languages)

    def _checked(self, text: str, policy: str | None, content_type: str, languages: Languages) -> Result:
        name, pol = self.policy_for(policy, content_type)
        _must_be_str((text,))
        chosen, auto = self.languages_for(pol, languages), _auto(pol, languages)
        if content_type == "text/plain":
            return self._result(text, self._scan(text, name, chosen, auto), pol, content_type)
        visible = extract(text, content_type, skip_code=not pol.check_code)
        return self._result(text, self._scan(visible.text, name, chosen, auto), pol, content_type, visible)

    def check_many(self, texts: Sequence[str | None], policy: str | None = None,
                   content_type: str = "text/plain", languages: Languages = None) -> list[Result | None]:
        """`check` of each text, in one scan of them all: many short texts (comments, rows)
        cost about as much as one long text of the same size. None is no text (a null cell of a
        column), and its result is None: not a clean text, which would be allowed."""
        name, pol = self.policy_for(policy, content_type)
        texts = _listed(texts)
        if None in texts:
            present = [i for i, text in enumerate(texts) if text is not None]
            results: list[Result | None] = [None] * len(texts)
            for i, result in zip(present, self.check_many([texts[i] for i in present], policy, content_type,
                                                          languages), strict=True):
                results[i] = result
            return results
        _must_be_str(texts)
        given = cast(Sequence[str], texts)
        with _paused_for(given):
            hits, visible = self._hits_of_each(given, name, pol, content_type, languages)
            return [self._result(text, hits.get(i, ()), pol, content_type, visible[i] if visible else None)
                    for i, text in enumerate(given)]

    def flagged_among(self, texts: Sequence[str | None], policy: str | None = None,
                      content_type: str = "text/plain", languages: Languages = None) -> dict[int, Result]:
        """The results of the flagged texts only, by index: `check_many` for a report that shows
        nothing of the others, without building a result for each of them. None (no text, as in
        check_many) is never flagged."""
        name, pol = self.policy_for(policy, content_type)
        texts = _listed(texts)
        if None in texts:
            present = [i for i, text in enumerate(texts) if text is not None]
            found = self.flagged_among([texts[i] for i in present], policy, content_type, languages)
            return {present[i]: result for i, result in found.items()}
        _must_be_str(texts)
        given = cast(Sequence[str], texts)
        flagged = {}
        with _paused_for(given):
            hits, visible = self._hits_of_each(given, name, pol, content_type, languages)
            for i, text_hits in hits.items():
                result = self._result(given[i], text_hits, pol, content_type, visible[i] if visible else None)
                if result.matches:
                    flagged[i] = result
        return flagged

    def languages_for(self, pol: Policy, languages: Languages) -> tuple[str, ...]:
        """The languages a text is scanned in under `pol`: the policy's (with "auto" too: the
        text's own are chosen among them after, see _identified), or those of them asked for. An
        unknown or unchecked language is an UnknownLanguageError, raised before any work."""
        if languages is None or languages == "auto":
            return pol.languages
        chosen = () if isinstance(languages, str) else tuple(languages)  # (an iterator read once)
        if not chosen:
            raise UnknownLanguageError(repr(languages), pol.name, pol.languages)
        for language in chosen:
            if language not in pol.languages:
                raise UnknownLanguageError(language, pol.name, pol.languages)
        return tuple(dict.fromkeys(chosen))

    def _scan(self, text: str, name: str, languages: Sequence[str], auto: bool) -> list[Hit]:
        """The hits of `text` in each of `languages`, one view of each script made for all; with
        `auto`, in those of them it is written in."""
        if len(languages) == 1:
            return self._matchers[name, languages[0]].scan(text)
        views = Views(text)
        found = {language: self._matchers[name, language].scan(text, views) for language in languages}
        return _combined(text, found, languages, auto)

    def _hits_of_each(self, texts: Sequence[str], name: str, pol: Policy, content_type: str,
                      languages: Languages = None) -> tuple[dict[int, list[Hit]], list[Visible] | None]:
        """One scan of all the texts joined (for markup, of what a reader sees of each) per set of
        languages they are checked in: the hits of each text that has any, at its offsets; and
        the visible texts (None for plain text). The texts are str (_must_be_str, by the caller)."""
        visible = None
        if content_type != "text/plain":
            visible = [extract(text, content_type, skip_code=not pol.check_code) for text in texts]
            texts = [v.text for v in visible]
        chosen, auto = self.languages_for(pol, languages), _auto(pol, languages)
        joined = SEPARATOR.join(texts)
        starts = list(itertools.accumulate((len(t) + len(SEPARATOR) for t in texts), initial=0))
        views = Views(joined)
        each: dict[int, dict[str, list[Hit]]] = {}  # text, language: its hits at its offsets
        for language in chosen:
            for hit in self._matchers[name, language].scan(joined, views):
                i = bisect.bisect_right(starts, hit.start) - 1
                shifted = Hit(hit.start - starts[i], hit.end - starts[i], hit.entry, hit.evasions)
                each.setdefault(i, {}).setdefault(language, []).append(shifted)
        written: dict[int, tuple[str, ...]] = {}
        if auto and len(chosen) > 1:  # the texts with a hit identified at once, not one by one
            found = list(each)
            written = dict(zip(found, identify_many([texts[i] for i in found], chosen), strict=True))
        return {i: _combined(texts[i], by_language, chosen, auto, written.get(i))
                for i, by_language in each.items()}, visible

    def policy_for(self, policy: str | None, content_type: str = "text/plain",
                   languages: Languages = None) -> tuple[str, Policy]:
        """The policy a check with these arguments uses, and its name; UnknownPolicyError,
        UnsupportedContentTypeError or UnknownLanguageError when it cannot run (to refuse early,
        before any work)."""
        name = policy or self.config.default_policy
        pol = self.config.policies.get(name)
        if pol is None:
            raise UnknownPolicyError(name, list(self.config.policies))
        if content_type not in CONTENT_TYPES:
            raise UnsupportedContentTypeError(content_type, CONTENT_TYPES)
        self.languages_for(pol, languages)
        return name, pol

    def _result(self, text: str, hits: Sequence[Hit], pol: Policy, content_type: str,
                visible: Visible | None = None) -> Result:
        """The result for `text`; for markup, `hits` are in its visible text and mapped back."""
        return answer(text, hits, pol, content_type, self.version, self._masks, visible)

    def _reread(self, policy: str, language: str, text: str) -> list[Hit]:
        """The hits of `text` under a policy in one language: how a mask reads (answer.Masks)."""
        return self._matchers[policy, language].scan(text)


_built: dict[str, Moderator] = {}  # this process's unpickled moderators, by version


def built_once(config: Config, lists: Wordlists, version: str, sources: tuple[Path, ...]) -> Moderator:
    """The moderator a pickle holds, built once per process: unpickling it again (every task of a
    Spark or Dask job does) returns the one built. One with the same version is reused only when
    its config and lists are equal too (0.3 ms): a moderator built by hand, as compat's, may keep
    the version of the lists it extends.

    The process id is not part of the key: a child forked after a build reuses it safely, since a
    Moderator is immutable and what it memoizes (readings, masks) is copied with the process, never
    shared. For the same reason there is no lock (a lock held by another thread at a fork stays
    held in the child forever): two threads unpickling at once may both build, and one is kept."""
    cached = _built.get(version)
    if cached is not None and cached.config == config and cached.lists == lists:
        return cached
    moderator = Moderator(config, lists, version, sources)
    _built.pop(version, None)
    if len(_built) >= BUILT_KEPT:
        _built.pop(next(iter(_built)), None)  # the oldest
    _built[version] = moderator
    return moderator


def _auto(pol: Policy, languages: Languages) -> bool:
    """Whether a check chooses a text's languages by identifying them: asked to, or by its policy."""
    return languages == "auto" or (languages is None and pol.identify and len(pol.languages) > 1)


def _combined(text: str, found: Mapping[str, list[Hit]], languages: Sequence[str], auto: bool,
              written: tuple[str, ...] | None = None) -> list[Hit]:
    """A text's hits found in each of `languages` (by language, those with hits at least) as one
    scan's; with `auto`, those of the languages it is written in (_identified; `written`, when
    they are already identified)."""
    if auto and len(languages) > 1:
        return _identified(text, found, languages, written)
    return next(iter(found.values())) if len(found) == 1 else merge(found.values())


def _identified(text: str, found: Mapping[str, list[Hit]], languages: Sequence[str],
                written: tuple[str, ...] | None = None) -> list[Hit]:
    """The hits (by language) of the languages `text` is identified as, merged; a text with no
    hit is never identified (most are clean). Beside them, a hit of another language stays where
    its term is unmistakable: an inside-word root written as listed (fuck, fucking in a Spanish
    comment), never a word that may be innocent in the text's language (French con in English)."""
    if not any(found.values()):
        return []
    if written is None:
        written = identify(text, languages)
    # Its own languages first: where a foreign hit starts with one of theirs, theirs is kept.
    ordered = sorted(found.items(), key=lambda item: item[0] not in written)
    return merge(hits if language in written else [h for h in hits if _unmistakable(h)] for language, hits in ordered)


def _unmistakable(hit: Hit) -> bool:
    """An inside-word root written as listed: a disguise (f**k) may hide another language's word (fick)."""
    return hit.entry.scope == "inside" and all(e == "case" for e in hit.evasions)


def _listed(texts: Iterable[T]) -> Sequence[T]:
    """The texts of a check_many as a sequence: a generator's, read once (never taken for none); one
    str is refused, not checked letter by letter."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of texts, not one str: check(text) checks one")
    return texts if isinstance(texts, Sequence) else list(texts)


def _paused_for(texts: Sequence[str]) -> contextlib.AbstractContextManager[None]:
    """The collector paused for a batch of texts as long as LONG_TEXT together (see collector)."""
    return paused() if sum(map(len, texts)) >= LONG_TEXT else contextlib.nullcontext()


def _must_be_str(texts: Sequence[object]) -> None:
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")


def sources(path: str | Path | None = None) -> tuple[Path, ...]:
    """The files and folders `from_config(path)` reads (the config, the lists, the folders walked
    for them), without loading the lists: a reloader stamps them before it builds."""
    config = _config(path)
    return _sources(config, *_list_sources(config))


def _config(path: str | Path | None) -> Config:
    return policy_module.load(path) if path is not None else Config()


def _sources(config: Config, files: list[Path], folders: list[Path]) -> tuple[Path, ...]:
    return ((config.source,) if config.source else ()) + tuple(files) + tuple(folders)


def _list_sources(config: Config) -> tuple[list[Path], list[Path]]:
    """The list files the config names and the folders walked for them. A file named twice (by
    a folder and by itself, or through a symlink) is read once."""
    files = list_files(BUNDLED, config.languages)
    folders = sorted({f.parent for f in files})
    for path in config.paths:
        if path.is_dir():
            found, walked = walk(path)
            files.extend(found)
            folders.extend(walked)
        else:
            files.append(path)
    unique: dict[str, Path] = {}
    for file in files:
        unique.setdefault(os.path.realpath(file), file)
    return list(unique.values()), list(dict.fromkeys(folders))


@paused()
def _load_lists(config: Config, files: list[Path]) -> tuple[Wordlists, str]:
    """The lists, and a digest of their bytes and the config's (each file read once)."""
    digest = hashlib.sha256(config.raw)
    lists = load_files(files, BUNDLED, digest)
    if config.better_profanity:
        extra = _better_profanity_list()
        digest.update(extra.encode())
        known = {e.term for e in lists.entries}
        more = parse(extra, "better-profanity", "better-profanity")
        added = tuple(e for e in more.entries if e.term not in known)
        lists = dataclasses.replace(lists, entries=lists.entries + added)  # its frames and allowed phrases kept
    return lists, digest.hexdigest()[:16]


def _better_profanity_list() -> str:
    """better-profanity's bundled words as one [profanity] section: whole words, severity 2."""
    from importlib.resources import files

    words = (files("better_profanity") / "profanity_wordlist.txt").read_text("utf-8").split()
    usable = sorted({w.lower() for w in words if w.isascii() and w.isalpha()})
    if not usable:
        raise ConfigError("better-profanity's word list is empty or unreadable")
    return "[profanity]\n" + "".join(f"{w}: 2 word\n" for w in usable)
