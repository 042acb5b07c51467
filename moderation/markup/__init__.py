"""Markup-aware checking: what a reader sees of an HTML or Markdown document (`extract`), and
the way back from that visible text to the source (`Visible`)."""

from __future__ import annotations

from collections.abc import Callable

from moderation.markup.visible import Visible

MARKUP_TYPES = ("text/html", "text/markdown")
_readers: dict[str, Callable[[str, bool], Visible]] = {}


def extract(source: str, content_type: str, skip_code: bool = False) -> Visible:
    """The visible text of `source`, a document of a content type in MARKUP_TYPES."""
    reader = _readers.get(content_type)
    if reader is None:  # imported on first use: their patterns cost start-up time
        from moderation.markup import html, markdown

        reader = _readers.setdefault(content_type, html.extract if content_type == "text/html" else markdown.extract)
    return reader(source, skip_code)


__all__ = ["MARKUP_TYPES", "Visible", "extract"]
