"""How the batch CLI shows an item: a line per match for people, or the HTTP result record,
with its location, as JSON. Rendered in the worker processes, so the main one only writes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) does to a str
from typing import Any

import click

from moderation.engine.result import Result

_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False), built once


def render(fmt: str, path: str, line: int | None, text: str, result: Result, fields: dict[str, Any] | None,
           color: bool, compact: bool = False, where: str = "line") -> list[str]:
    """The output lines of one item: text (one per match, only flagged items have any) or JSON,
    its place under `where` ("line", or "row" for a Parquet row); `compact` leaves out the
    cleaned text of an item that is not flagged (it is the text itself)."""
    if fmt == "text":
        return _text(path, line, text, result, color) if result.matches else []
    record: dict[str, Any] = {"path": path}
    if line is not None:
        record[where] = line
    if fields:
        record["fields"] = fields
    record.update(result.to_dict())
    if compact and not result.flagged:
        del record["cleaned"]
    return [_encode(record)]


def records(path: str, numbers: Sequence[int] | None, texts: list[str], fields: list[dict[str, Any]] | None,
            flagged: dict[int, Result], clean: Result, only_flagged: bool = False, compact: bool = False,
            where: str = "line") -> list[str]:
    """render()'s JSON record of every item of a chunk (or, `only_flagged`, of the flagged ones),
    by index: `flagged` holds the results of the flagged items, `clean` is the result of an empty
    text, which differs from the others' only by their text. Those are written from a template
    around their text and fields, each encoded in C, which costs a third of a record built and
    dumped for each; `compact` (a JSONL report) leaves their text out, as render() does."""
    if only_flagged:
        return [render("json", path, None if numbers is None else numbers[i], texts[i], result,
                       fields[i] if fields else None, False, compact, where)[0] for i, result in flagged.items()]
    if numbers is None:  # a whole text file, a single item
        return [render("json", path, None, text, flagged.get(i) or dataclasses.replace(clean, cleaned=text), None,
                       False, compact)[0] for i, text in enumerate(texts)]
    head, middle, tail = _clean_template(path, clean, compact, where)
    carried = _fields_json(fields) if fields is not None else [""] * len(texts)
    if compact:
        lines = [f"{head}{n}{f}{middle}" for n, f in zip(numbers, carried, strict=True)]
    else:
        lines = [f"{head}{n}{f}{middle}{t}{tail}" for n, f, t in zip(numbers, carried, map(encode_basestring, texts),
                                                                      strict=True)]
    for i, result in flagged.items():
        lines[i] = render("json", path, numbers[i], texts[i], result, fields[i] if fields else None, False, compact,
                          where)[0]
    return lines


def _clean_template(path: str, clean: Result, compact: bool, where: str) -> tuple[str, str, str]:
    """render()'s record of a clean item cut where its line number goes, then its text: quotes
    inside JSON strings are escaped, so '"line": 0' and '"cleaned": ""' are found only as keys.
    A compact record has no text: all of it after the number is `middle`."""
    record = render("json", path, 0, "", clean, None, False, compact, where)[0]
    head, _, rest = record.partition(f'"{where}": 0')
    if compact:
        return head + f'"{where}": ', rest, ""
    middle, _, tail = rest.partition('"cleaned": ""')
    return head + f'"{where}": ', middle + '"cleaned": ', tail


def _fields_json(fields: list[dict[str, Any]]) -> list[str]:
    """', "fields": {...}' as render() writes it for each item, '' for none: one encoder call for
    them all, cut between the objects. A '}, {' inside one (in a string, or a list of objects)
    makes too many pieces: then one call each."""
    inner = _encode(fields)[2:-2].split("}, {")
    if len(inner) != len(fields):
        inner = [_encode(f)[1:-1] for f in fields]
    return [f', "fields": {{{s}}}' if s else "" for s in inner]


def _text(path: str, line: int | None, text: str, result: Result, color: bool) -> list[str]:
    """path:line:col: 'f**k' fuck (profanity, severity 3) [masked], and on a terminal the line
    with the match highlighted. In a JSONL or CSV item, line is the item's and col the text's."""
    out = []
    lines = Lines(text)
    for m in result.matches:
        number, line_start = lines.at(m.start)
        number = line if line is not None else number
        col = m.start + 1 if line is not None else m.start - line_start + 1
        evasions = f" [{', '.join(m.evasions)}]" if m.evasions else ""
        out.append(f"{path}:{number}:{col}: {m.text!r} {m.term} ({m.category}, severity {m.severity}){evasions}")
        if color:
            start, end = max(line_start, m.start - CONTEXT), min(lines.end(m.end), m.end + CONTEXT)
            shown = text[start : m.start] + click.style(m.text, reverse=True, bold=True) + text[m.end : end]
            out.append("    " + shown.strip())
    return out


CONTEXT = 60  # characters shown either side of a match on a terminal: a whole one-line file would be too many


class Lines:
    """Line numbers of offsets asked for in increasing order (matches come in order of start):
    each character is counted once, where counting from the start for each match was quadratic."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.number, self.start = text, 0, 1, 0
        self.since, self.stop = 0, -1  # no line break in text[since:stop]

    def at(self, offset: int) -> tuple[int, int]:
        """(the line number, the offset where that line starts) of an offset."""
        if offset < self.pos:  # out of order: start again (correct, only slower)
            self.pos, self.number, self.start = 0, 1, 0
        newlines = self.text.count("\n", self.pos, offset)
        if newlines:
            self.number += newlines
            self.start = self.text.rfind("\n", self.pos, offset) + 1
        self.pos = offset
        return self.number, self.start

    def end(self, offset: int) -> int:
        """Where the line holding `offset` ends (its line break, or the end of the text)."""
        if not self.since <= offset <= self.stop:
            found = self.text.find("\n", offset)
            self.since, self.stop = offset, len(self.text) if found < 0 else found
        return self.stop
