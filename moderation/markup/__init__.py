"""Markup-aware checking: what a reader sees of an HTML or Markdown document (`extract`), and
the way back from that visible text to the source (`Visible`)."""

from __future__ import annotations

from moderation.markup.visible import Visible


def extract(source: str, content_type: str, skip_code: bool = False) -> Visible:
    """The visible text of `source`, a document of a content type in MARKUP_TYPES."""
    if content_type == "text/html":
        from moderation.markup import html

        return html.extract(source, skip_code)
    from moderation.markup import markdown

    return markdown.extract(source, skip_code)


MARKUP_TYPES = ("text/html", "text/markdown")

__all__ = ["MARKUP_TYPES", "Visible", "extract"]
