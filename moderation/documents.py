"""Files as the batch CLI reads and writes them: which format, the items in it, the cleaned copy.

- text (.txt, .md, .html and anything else): the whole file is one item; its cleaned copy keeps
  the file's BOM and line endings, since masking never touches a character outside a span.
- jsonl: one item per line, the text in `field`; the other fields are carried into the output.
- csv: one item per row under a header, the text in the column `field`.

Large JSONL and CSV files are read as a stream of chunks, so memory stays bounded.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("text", "jsonl", "csv")
BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
CHUNK = 2000  # CSV rows sent to a worker at once
BLOCK = 1 << 20  # bytes of JSONL sent to a worker at once (whole lines)
BOM = "\ufeff"
_decode = json.JSONDecoder().raw_decode


class DocumentError(Exception):
    """A file that cannot be read as its format: it is named, skipped, and the run goes on."""


@dataclass
class Chunk:
    """A piece of work: some items of one file, with what is needed to write them back."""

    path: str
    kind: str  # text, jsonl or csv
    first: int  # line (jsonl, text) or row (csv) number of the first unit
    units: list[Any]  # text: [the text]; jsonl: [a block of whole lines, as bytes]; csv: rows
    field_name: str = "text"  # the JSONL field or CSV column with the text
    header: list[str] = field(default_factory=list)  # csv: the column names
    ending: str = "\n"  # csv: the line ending the file uses, for the cleaned copy
    last: bool = False  # the file's last chunk: its cleaned copy can be committed


def format_of(path: Path, override: str | None) -> str:
    return override or BY_SUFFIX.get(path.suffix.lower(), "text")


def read_text(path: Path) -> str:
    """The file's text (UTF-8, without a BOM: the cleaned copy puts it back); DocumentError
    if it cannot be read or decoded."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DocumentError(f"not UTF-8 (byte {e.start}: {e.reason}); convert it, e.g. with iconv") from None
    return text.removeprefix(BOM)


def chunks(path: Path, kind: str, field_name: str) -> Iterator[Chunk]:
    """The file's work, in order, its last chunk marked: one chunk for a text file, a stream
    of them for JSONL and CSV (a file without items still gives one, empty)."""
    if kind == "text":
        text = read_text(path)
        stream: Iterator[Chunk] = iter([Chunk(str(path), kind, 1, [text], field_name)])
    elif kind == "jsonl":
        stream = _jsonl_chunks(path, field_name)
    else:
        stream = _csv_chunks(path, field_name)
    previous = None
    for chunk in stream:
        if previous is not None:
            yield previous
        previous = chunk
    if previous is None:
        previous = Chunk(str(path), kind, 1, [], field_name)
    previous.last = True
    yield previous


def _lines(path: Path) -> Iterator[str]:
    try:
        with path.open("rb") as f:
            for number, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    raise DocumentError(f"line {number} is not UTF-8 (byte {e.start}: {e.reason})") from None
                yield line[1:] if number == 1 and line.startswith(BOM) else line
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None


def _jsonl_chunks(path: Path, field_name: str) -> Iterator[Chunk]:
    """Blocks of whole lines, as bytes: the worker decodes and splits them, so the main
    process only reads and counts line breaks (at C speed)."""
    first = 1
    rest = b""
    try:
        with path.open("rb") as f:
            while block := f.read(BLOCK):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    rest = block
                    continue
                rest = block[cut:]
                yield Chunk(str(path), "jsonl", first, [block[:cut]], field_name)
                first += block.count(b"\n", 0, cut)
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None
    if rest:
        yield Chunk(str(path), "jsonl", first, [rest], field_name)


def jsonl_lines(chunk: Chunk) -> list[str]:
    """The lines of a JSONL chunk, each with its line break; bytes that are not UTF-8 are kept
    as lone surrogates (surrogateescape), so a cleaned copy writes them back unchanged."""
    text = b"".join(chunk.units).decode("utf-8", "surrogateescape")
    if chunk.first == 1 and text.startswith(BOM):
        text = text[1:]
    parts = text.split("\n")  # JSONL lines end at \n only; a \r before it stays in the line
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _csv_chunks(path: Path, field_name: str) -> Iterator[Chunk]:
    lines = _lines(path)
    try:
        head = next(lines)
    except StopIteration:
        return
    ending = line_ending(head) or "\n"
    rows = csv.reader(itertools.chain([head], lines))  # any iterable of lines: a stream
    try:
        header = next(rows)
    except StopIteration:
        return
    except csv.Error as e:
        raise DocumentError(f"not CSV: {e}") from None
    if field_name not in header:
        raise DocumentError(f"no column {field_name!r} (columns: {', '.join(header)}); choose one with --field")
    batch: list[list[str]] = []
    first = 2
    try:
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                yield Chunk(str(path), "csv", first, batch, field_name, header, ending)
                first += len(batch)
                batch = []
    except csv.Error as e:
        raise DocumentError(f"row {first + len(batch)}: not CSV: {e}") from None
    if batch:
        yield Chunk(str(path), "csv", first, batch, field_name, header, ending)


def jsonl_item(line: str, field_name: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the object, None) or (None, why the line is not an item). A blank line is neither."""
    stripped = line.lstrip()
    try:
        obj, end = _decode(stripped)  # the C scanner alone: json.loads adds two regexes a line
    except json.JSONDecodeError as e:
        return None, f"not JSON ({e.msg} at column {e.colno + len(line) - len(stripped)})"
    rest = stripped[end:]
    if rest and not rest.isspace():
        return None, "not JSON (extra data after the object)"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    if not isinstance(obj.get(field_name), str):
        return None, f"no string field {field_name!r}; choose the field with --field"
    return obj, None


def line_ending(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""


def csv_line(row: list[str], ending: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending or "\r\n").writerow(row)
    return out.getvalue()
