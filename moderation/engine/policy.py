"""Policies and the TOML config that names them, checked at load with `file:line: why`.

Every key is documented in moderation.toml.example. A config without policies gets the
default policy, which is also what `Moderator.from_config()` uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderation.engine.languages import LANGUAGES
from moderation.engine.masking import RULES, MaskRule
from moderation.engine.wordlists import (
    BUNDLED,
    CATEGORIES,
    REPORTED,
    REVIEWED,
    SCOPES,
    TERM,
    TERM_SHAPE,
    Entry,
    read_regular,
    undecodable,
)
from moderation.errors import ConfigError

DEFAULT_POLICY = "default"
ACTIONS = ("allow", "mask", "review", "block")  # from mildest to strictest
ACTION_RANK = {action: level for level, action in enumerate(ACTIONS)}
NEVER = 4  # a threshold above every severity: the action is never taken


@dataclass(frozen=True, slots=True)
class Policy:
    """What counts, what each match leads to, and how it is masked."""

    name: str = DEFAULT_POLICY
    categories: tuple[str, ...] = REPORTED  # categories reported; others are ignored
    min_severity: int = 1  # matches below this severity are ignored
    review_at: int = 3  # a match this severe sends the text to review
    block_at: int = NEVER  # a match this severe blocks it (4: never)
    review_categories: frozenset[str] = frozenset(REVIEWED)  # a match of these: review, whatever its severity
    mask: MaskRule = field(default_factory=MaskRule)  # rule for categories without their own
    masks: Mapping[str, MaskRule] = field(default_factory=dict)  # per-category rules
    allow: tuple[str, ...] = ()  # extra allowlisted words and phrases
    block: tuple[Entry, ...] = ()  # extra terms
    check_code: bool = True  # HTML and Markdown: check code spans and blocks too
    languages: tuple[str, ...] = ("en",)  # the languages a text is checked in (see Moderator.languages_for)
    identify: bool = False  # check each text in those of them it is identified as, as a request's "auto"

    def action(self, worst: int, categories: Iterable[str] = ()) -> str:
        """allow, mask, review or block, for the worst severity among the matches (0: none) and
        their categories."""
        if worst == 0:
            return "allow"
        if worst >= self.block_at:
            return "block"
        if worst >= self.review_at or not self.review_categories.isdisjoint(categories):
            return "review"
        return "mask"

    def rule_for(self, category: str) -> MaskRule:
        return self.masks.get(category, self.mask)


@dataclass(frozen=True, slots=True)
class Config:
    """Where the wordlists come from, and the policies."""

    languages: tuple[str, ...] = ("en",)  # bundled language folders to load
    paths: tuple[Path, ...] = ()  # extra list files or folders
    better_profanity: bool = False  # also load better-profanity's own word list
    policies: Mapping[str, Policy] = field(default_factory=lambda: {DEFAULT_POLICY: Policy()})
    default_policy: str = DEFAULT_POLICY
    # Which policy answers a caller that names none: by community (Perspective's communityId) or by
    # the SHA-256 hex digest of its API key, so that no key is written in the config.
    community_policies: Mapping[str, str] = field(default_factory=dict)
    key_policies: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None  # the file it was read from
    raw: bytes = b""  # its bytes, part of the version digest


_TOP_KEYS = {"wordlists", "policies", "default_policy", "policy_for"}
_POLICY_FOR_KEYS = {"communities", "keys"}
_KEY_DIGEST = re.compile(r"[0-9a-f]{64}")
_LIST_KEYS = {"languages", "paths", "better_profanity"}
_POLICY_KEYS = {"categories", "min_severity", "review_at", "block_at", "review_categories", "mask", "mask_char",
                "replacement", "masks", "allow", "block", "check_code", "languages", "identify"}
_BLOCK_KEYS = {"term", "category", "severity", "scope"}
_DEEP = 100  # brackets open at once: past this, a nesting that broke tomllib is looked for
_TOML_KINDS = {str: "a string", bool: "true or false", dict: "a table", list: "a list"}  # said as TOML says them


class _Reader:
    """Reads typed values out of parsed TOML. A wrong value is noted in `errors` with the line
    of its key, and the default is used, so that one load finds every mistake."""

    def __init__(self, text: str, file: str) -> None:
        self.lines = text.splitlines()
        self.file = file
        self.errors: list[ConfigError] = []
        self.table = ""  # the dotted name of the table being read, to find a key's line in it

    @contextmanager
    def within(self, table: str) -> Iterator[None]:
        outer, self.table = self.table, table
        try:
            yield
        finally:
            self.table = outer

    def fail(self, key: str, message: str) -> None:
        self.errors.append(ConfigError(message, self.file, self.line_of(key)))

    def line_of(self, key: str) -> int | None:
        """The line of `key`: looked for from its table's header on, then from the top; as a
        key or a table header first, then as `key =` anywhere (an inline table)."""
        start = self._header()
        order: list[int] = [*range(start, len(self.lines)), *range(start)]
        k = re.escape(key)
        as_key = re.compile(rf"\s*(\[+\s*)?[\w.\"' -]*\b{k}\b").match
        as_assignment = re.compile(rf"\b{k}[\"']?\s*=").search
        for found in (as_key, as_assignment):
            for n in order:
                if found(self.lines[n]):
                    return n + 1
        return None

    def _header(self) -> int:
        """The index of the line `[a.b]` of the current table `a.b` (0 when not found)."""
        if not self.table:
            return 0
        parts = r"\s*\.\s*".join(rf"[\"']?{re.escape(p)}[\"']?" for p in self.table.split("."))
        header = re.compile(rf"^\s*\[\s*{parts}\s*\]")
        return next((n for n, line in enumerate(self.lines) if header.match(line)), 0)

    def check_keys(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.fail(key, f"unknown key {key!r} in {where}; expected one of {', '.join(sorted(allowed))}")

    def get(self, table: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
        value = table.get(key, default)
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.fail(key, f"{key} must be a whole number, not {value!r}")
            return default
        if not isinstance(value, kind):
            self.fail(key, f"{key} must be {_TOML_KINDS.get(kind, kind.__name__)}, not {value!r}")
            return default
        return value

    def strings(self, table: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.get(table, key, list, list(default))
        if not all(isinstance(v, str) for v in value):
            self.fail(key, f"{key} must be a list of strings")
            return default
        return tuple(value)

    def severity(self, table: Mapping[str, Any], key: str, default: int, top: int = 3) -> int:
        value: int = self.get(table, key, int, default)
        if not 1 <= value <= top:
            self.fail(key, f"{key} must be between 1 and {top}, not {value}")
            return default
        return value


def load(path: str | Path) -> Config:
    """Read a TOML config file; its mistakes, all of them, are one ConfigError naming file and line."""
    path = Path(path)
    try:
        raw = read_regular(path)
        text = raw.decode("utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read config: {e.strerror}", str(path)) from None
    except UnicodeDecodeError as e:
        raise undecodable(raw, e, str(path)) from None
    import tomllib  # here, not at the top: a start with the bundled lists reads no TOML (~5 ms)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        message = re.sub(r"\s*\((at line \d+, column \d+|at end of document)\)", "", str(e))
        line = int(m[1]) if m else max(len(text.splitlines()), 1)  # else: at the end of the document
        raise ConfigError(f"invalid TOML: {message}", str(path), line) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ConfigError("invalid TOML: arrays or inline tables nested too deeply",
                          str(path), _deepest_line(text)) from None
    reader = _Reader(text, str(path))
    config = parse(data, reader, path, raw)
    if reader.errors:
        raise ConfigError.collect(sorted(reader.errors, key=lambda e: e.line or 0))
    return config


def key_error(config: Config, table: str, key: str, message: str) -> ConfigError:
    """A mistake found after the config was read (when the lists are built), located at `key`
    of `table` (`policies.titles`) in the config's file, as a mistake found while reading is."""
    if config.source is None:
        return ConfigError(message)
    reader = _Reader(config.raw.decode("utf-8", "replace"), str(config.source))
    with reader.within(table):
        return ConfigError(message, str(config.source), reader.line_of(key))


def _deepest_line(text: str) -> int:
    """The line where brackets first nest past _DEEP, else the one with the most (strings and
    comments are not told apart: this only points at the line, after tomllib gave up)."""
    depth, deepest, line_of_deepest = 0, 0, 1
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            depth += char in "[{"
            depth -= char in "]}"
            if depth > deepest:
                deepest, line_of_deepest = depth, number
            if depth > _DEEP:
                return number
    return line_of_deepest


def parse(data: Mapping[str, Any], reader: _Reader, path: Path, raw: bytes) -> Config:
    reader.check_keys(data, _TOP_KEYS, "the config")
    lists = reader.get(data, "wordlists", dict, {})
    with reader.within("wordlists"):
        reader.check_keys(lists, _LIST_KEYS, "[wordlists]")
        base = path.parent
        paths = tuple(base / p for p in reader.strings(lists, "paths", ()))
        for p in paths:
            if not p.exists():
                reader.fail("paths", f"wordlist path {str(p)!r} does not exist")
        languages = reader.strings(lists, "languages", ("en",))
        bundled = sorted(d.name for d in BUNDLED.iterdir() if d.is_dir())
        for language in languages:
            if language not in bundled:
                reader.fail("languages", f"no bundled wordlists for {language!r}; bundled: {', '.join(bundled)} "
                                         "(your own lists go in paths)")
        better_profanity = reader.get(lists, "better_profanity", bool, False)
    policies_table = reader.get(data, "policies", dict, {})
    policies = {name: _policy(name, reader.get(policies_table, name, dict, {}), reader)
                for name in policies_table}
    if not policies:
        policies = {DEFAULT_POLICY: Policy()}
    fallback = DEFAULT_POLICY if DEFAULT_POLICY in policies else next(iter(policies))
    default = reader.get(data, "default_policy", str, fallback)
    if default not in policies:
        reader.fail("default_policy", f"default_policy {default!r} is not among the policies: {', '.join(policies)}")
    communities, keys = _policy_for(reader.get(data, "policy_for", dict, {}), policies, reader)
    return Config(
        languages=languages,
        paths=paths,
        better_profanity=better_profanity,
        policies=policies,
        default_policy=default,
        community_policies=communities,
        key_policies=keys,
        source=path,
        raw=raw,
    )


def _policy_for(table: Mapping[str, Any], policies: Mapping[str, Policy],
                reader: _Reader) -> tuple[dict[str, str], dict[str, str]]:
    """[policy_for.communities] and [policy_for.keys]: each name to a policy that exists."""
    found: list[dict[str, str]] = []
    with reader.within("policy_for"):
        reader.check_keys(table, _POLICY_FOR_KEYS, "[policy_for]")
        for part in ("communities", "keys"):
            chosen: dict[str, str] = {}
            with reader.within(f"policy_for.{part}"):
                for name, policy in reader.get(table, part, dict, {}).items():
                    if not isinstance(policy, str) or policy not in policies:
                        reader.fail(name, f"{name!r} names {policy!r}, which is not among the policies: "
                                          f"{', '.join(policies)}")
                    elif part == "keys" and not _KEY_DIGEST.fullmatch(name):
                        reader.fail(name, f"{name[:8]!r}... is not a key's SHA-256 digest: write the 64 hex digits "
                                          "that `printf %s \"$KEY\" | sha256sum` prints, never the key itself")
                    else:
                        chosen[name] = policy
            found.append(chosen)
    return found[0], found[1]


def _policy(name: str, table: Mapping[str, Any], reader: _Reader) -> Policy:
    with reader.within(f"policies.{name}"):
        reader.check_keys(table, _POLICY_KEYS, f"[policies.{name}]")
        categories = _categories(table, "categories", REPORTED, reader)
        reviewed = _categories(table, "review_categories", REVIEWED, reader)
        char = reader.get(table, "mask_char", str, "*")
        if len(char) != 1:
            reader.fail("mask_char", f"mask_char must be one character, not {char!r}")
            char = "*"
        replacement = reader.get(table, "replacement", str, "[removed]")
        default_rule = _rule(reader.get(table, "mask", str, "first"), "mask", reader)
        masks_table = reader.get(table, "masks", dict, {})
        masks = {}
        with reader.within(f"policies.{name}.masks"):
            for category in masks_table:
                if category not in CATEGORIES:
                    reader.fail(category, f"unknown category {category!r} in masks; known: {', '.join(CATEGORIES)}")
                    continue
                rule = _rule(reader.get(masks_table, category, str, "first"), category, reader)
                masks[category] = MaskRule(rule, char, replacement)
        block = [_block_entry(name, item, reader) for item in reader.get(table, "block", list, [])]
        return Policy(
            name=name,
            categories=categories,
            min_severity=reader.severity(table, "min_severity", 1),
            review_at=reader.severity(table, "review_at", 3, top=4),
            block_at=reader.severity(table, "block_at", NEVER, top=4),
            review_categories=frozenset(reviewed),
            mask=MaskRule(default_rule, char, replacement),
            masks=masks,
            allow=_allowed(reader.strings(table, "allow", ()), reader),
            block=tuple(e for e in block if e is not None),
            check_code=reader.get(table, "check_code", bool, True),
            languages=_languages(table, reader),
            identify=reader.get(table, "identify", bool, False),
        )


def _languages(table: Mapping[str, Any], reader: _Reader) -> tuple[str, ...]:
    """A policy's languages: one at least, each one the engine reads."""
    found = tuple(dict.fromkeys(reader.strings(table, "languages", ("en",))))
    if not found:
        reader.fail("languages", 'a policy checks one language at least, such as ["en"]')
    for language in found:
        if language not in LANGUAGES:
            reader.fail("languages", f"unknown language {language!r}; the engine reads {', '.join(LANGUAGES)}")
    return found or ("en",)


def _categories(table: Mapping[str, Any], key: str, default: tuple[str, ...], reader: _Reader) -> tuple[str, ...]:
    """A list of category names under `key`, each one known."""
    found = reader.strings(table, key, default)
    for category in found:
        if category not in CATEGORIES:
            reader.fail(key, f"unknown category {category!r}; known: {', '.join(CATEGORIES)}")
    return found


def _rule(value: str, key: str, reader: _Reader) -> str:
    if value not in RULES:
        reader.fail(key, f"mask rule {value!r} is not one of {', '.join(RULES)}")
        return "first"
    return value


def _allowed(phrases: tuple[str, ...], reader: _Reader) -> tuple[str, ...]:
    """A policy's extra allowed words and phrases, as a list's [allow] takes them (a blank or a
    control character would allow nothing, or everything)."""
    allowed = tuple(" ".join(a.lower().split()) for a in phrases)
    for phrase, written in zip(allowed, phrases, strict=True):
        if not TERM.match(phrase):
            reader.fail("allow", f"allow phrase {written!r} {TERM_SHAPE}")
    return allowed


def _block_entry(policy: str, item: Any, reader: _Reader) -> Entry | None:
    """A policy's extra term, or None (its mistakes noted) when it is wrong."""
    if isinstance(item, str):
        item = {"term": item}
    if not isinstance(item, dict) or not isinstance(item.get("term"), str):
        reader.fail("block", "each block item is a term or a table with term, category, severity, scope")
        return None
    errors = len(reader.errors)
    reader.check_keys(item, _BLOCK_KEYS, f"a block item of [policies.{policy}]")
    term = " ".join(item["term"].lower().split())
    if not TERM.match(term):
        reader.fail("block", f"block term {item['term']!r} may hold only letters and single spaces")
    category = reader.get(item, "category", str, "profanity")
    if category not in CATEGORIES:
        reader.fail("block", f"unknown category {category!r} for {term!r}; known: {', '.join(CATEGORIES)}")
    scope = reader.get(item, "scope", str, "word")
    if scope not in SCOPES:
        reader.fail("block", f"scope of {term!r} must be {' or '.join(SCOPES)}, not {scope!r}")
    severity = reader.severity(item, "severity", 2)
    if len(reader.errors) > errors:
        return None
    return Entry(term, category, severity, scope, f"policy/{policy}")
