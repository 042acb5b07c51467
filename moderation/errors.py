"""Errors the package raises, one tree so callers can catch as narrowly as they need.

    ModerationError            anything this package raises on purpose
    ├── ConfigError            a config file or wordlist is wrong: has file, line, message
    ├── UnknownPolicyError     a check asked for a policy the config does not define
    └── UnsupportedContentTypeError   a check asked for a content type not read (yet)

Each class carries the exit code the CLI uses for it (2: usage or configuration).
"""

from __future__ import annotations


class ModerationError(Exception):
    """Base class of every error raised on purpose by moderation."""

    exit_code = 2


class ConfigError(ModerationError):
    """A wordlist or config file that cannot be loaded, located as `file:line: message`.

    A load reports every mistake it finds, not just the first: `errors` holds each one (this
    error's own file, line and message are the first's), and the text shows the first MAX_SHOWN.
    """

    MAX_SHOWN = 10  # a file of a thousand bad lines must not make a thousand-line log entry

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.errors: tuple[ConfigError, ...] = (self,)
        super().__init__(self.located())

    @classmethod
    def collect(cls, errors: list[ConfigError]) -> ConfigError:
        """One error that carries them all (at least one), the first in front."""
        first = errors[0]
        combined = cls(first.message, first.file, first.line)
        combined.errors = tuple(e for found in errors for e in found.errors)
        combined.args = (str(combined),)
        return combined

    def located(self) -> str:
        """`file:line: message` of this one mistake."""
        where = f"{self.file}:{self.line}: " if self.file and self.line else f"{self.file}: " if self.file else ""
        return f"{where}{self.message}"

    def __str__(self) -> str:
        shown = [e.located() for e in self.errors[: self.MAX_SHOWN]]
        more = len(self.errors) - self.MAX_SHOWN
        if more > 0:
            shown.append(f"... and {more} more mistakes (`moderation lint` lists them all)")
        return "\n".join(shown)


class UnknownPolicyError(ModerationError):
    """A check named a policy that is not in the loaded config."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown policy {name!r}; known policies: {', '.join(known) or 'none'}")


class UnknownLanguageError(ModerationError):
    """A check asked for a language its policy does not check."""

    def __init__(self, language: str, policy: str, checked: tuple[str, ...]) -> None:
        self.language = language
        self.policy = policy
        self.checked = checked
        super().__init__(f"policy {policy!r} does not check {language}; it checks {', '.join(checked)} "
                         '(ask for some of those, or "auto")')


class UnsupportedContentTypeError(ModerationError):
    """A check asked for a content type the engine does not read (yet)."""

    def __init__(self, content_type: str, supported: tuple[str, ...]) -> None:
        self.content_type = content_type
        self.supported = supported
        super().__init__(f"content_type {content_type!r} is not supported; use one of {', '.join(supported)}")
