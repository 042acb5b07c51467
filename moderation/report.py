"""How the batch CLI shows an item: a line per match for people, or the HTTP result record,
with its location, as JSON. Rendered in the worker processes, so the main one only writes."""

from __future__ import annotations

import json
from typing import Any

import click

from moderation.engine import Result


def render(fmt: str, path: str, line: int | None, text: str, result: Result, fields: dict[str, Any] | None,
           color: bool) -> list[str]:
    """The output lines of one item: text (one per match, only flagged items have any) or JSON."""
    if fmt == "text":
        return _text(path, line, text, result, color) if result.matches else []
    record: dict[str, Any] = {"path": path}
    if line is not None:
        record["line"] = line
    if fields:
        record["fields"] = fields
    record.update(result.to_dict())
    return [json.dumps(record, ensure_ascii=False)]


def _text(path: str, line: int | None, text: str, result: Result, color: bool) -> list[str]:
    """path:line:col: 'f**k' fuck (profanity, severity 3) [masked], and on a terminal the line
    with the match highlighted. In a JSONL or CSV item, line is the item's and col the text's."""
    out = []
    for m in result.matches:
        line_start = text.rfind("\n", 0, m.start) + 1
        number = line if line is not None else text.count("\n", 0, m.start) + 1
        col = m.start + 1 if line is not None else m.start - line_start + 1
        evasions = f" [{', '.join(m.evasions)}]" if m.evasions else ""
        out.append(f"{path}:{number}:{col}: {m.text!r} {m.term} ({m.category}, severity {m.severity}){evasions}")
        if color:
            end = text.find("\n", m.end)
            end = len(text) if end < 0 else end
            shown = text[line_start : m.start] + click.style(m.text, reverse=True, bold=True) + text[m.end : end]
            out.append("    " + shown.strip())
    return out
