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
    """A wordlist or config file that cannot be loaded, located as `file:line: message`."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else f"{self.file}: " if self.file else ""
        return f"{where}{self.message}"


class UnknownPolicyError(ModerationError):
    """A check named a policy that is not in the loaded config."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown policy {name!r}; known policies: {', '.join(known) or 'none'}")


class UnsupportedContentTypeError(ModerationError):
    """A check asked for a content type the engine does not read (yet)."""

    def __init__(self, content_type: str, supported: tuple[str, ...]) -> None:
        self.content_type = content_type
        self.supported = supported
        super().__init__(f"content_type {content_type!r} is not supported; use one of {', '.join(supported)}")
