"""moderation: find profanity, slurs and their evasions in text, with exact spans, and mask them."""

from moderation.engine.moderator import Moderator
from moderation.engine.result import Match, Result
from moderation.errors import (
    ConfigError,
    ModerationError,
    UnknownLanguageError,
    UnknownPolicyError,
    UnsupportedContentTypeError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Match",
    "ModerationError",
    "Moderator",
    "Result",
    "UnknownLanguageError",
    "UnknownPolicyError",
    "UnsupportedContentTypeError",
]
