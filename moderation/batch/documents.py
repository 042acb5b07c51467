"""Files as the batch CLI reads and writes them: which format, the items in it, the cleaned copy.

- text, html (.html, .htm) and markdown (.md, .markdown), and anything else as text: the whole
  file is one item, read as text/plain, text/html or text/markdown; its cleaned copy keeps the
  file's BOM and line endings, since masking never touches a character outside a span.
- jsonl: one item per line, the text in `field`; the other fields are carried into the output.
- csv: one item per row under a header, the text in the column `field`.
- parquet: one item per row with a text in the column `field` (read by `parquet`, with pyarrow).

Large JSONL and CSV files are read as a stream of chunks, so memory stays bounded.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import json.scanner
import operator
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from moderation.batch.encodings import PRESCAN, UTF8, Encoding, decode, of_bom, sniff

FORMATS = ("text", "html", "markdown", "jsonl", "csv", "parquet")
BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".html": "html", ".htm": "html",
             ".md": "markdown", ".markdown": "markdown", ".parquet": "parquet", ".pq": "parquet"}
WHOLE_FILE = {"text": "text/plain", "html": "text/html", "markdown": "text/markdown"}  # format: content type
CHUNK = 2000  # CSV rows sent to a worker at once
BLOCK = 1 << 18  # bytes of JSONL sent to a worker at once (whole lines); at 1 MB, page faults took 15% of a run
SPAN = 4 * BLOCK  # bytes of JSONL a worker reads itself (--jobs N), in blocks: fewer tasks to pass
BOM = "\ufeff"
_decoder = json.JSONDecoder()
_decode = _decoder.raw_decode
# What raw_decode calls: (value, end) of the JSON value at an index (typeshed wants a scanner as its argument).
_scan = json.scanner.make_scanner(_decoder)  # type: ignore[arg-type]
_first, _second = operator.itemgetter(0), operator.itemgetter(1)


class DocumentError(Exception):
    """A file that cannot be read as its format: it is named, skipped, and the run goes on."""


@dataclass
class Chunk:
    """A piece of work: some items of one file, with what is needed to write them back."""

    path: str
    kind: str  # text, jsonl, csv or parquet
    first: int  # line (jsonl, text) or row (csv) number of the first unit
    units: list[Any]  # text: [the text]; jsonl: [a block of whole lines, as bytes or a Span]; csv: rows;
    # parquet: [a pyarrow RecordBatch], or for a Parquet report [parquet.Groups] (a span of row groups)
    field_name: str = "text"  # the JSONL field or CSV column with the text
    header: list[str] = field(default_factory=list)  # csv: the column names
    ending: str = "\n"  # csv: the line ending the file uses, for the cleaned copy
    last: bool = False  # the file's last chunk: its cleaned copy can be committed
    content_type: str = "text/plain"  # how its texts are read
    encoding: Encoding = UTF8  # the file's, for its cleaned copy
    lines: list[int] = field(default_factory=list)  # csv: the line each row starts on (a cell may hold breaks)


def format_of(path: Path, override: str | None) -> str:
    return override or BY_SUFFIX.get(path.suffix.lower(), "text")


def content_type_of(kind: str, override: str | None) -> str:
    """How the texts of a file of this format are read: as the user says, else by the format
    (the items of JSONL and CSV as plain text)."""
    return override or WHOLE_FILE.get(kind, "text/plain")


def open_file(path: str | Path) -> BinaryIO:
    """The file open for reading, or DocumentError: a FIFO, a socket or a device is refused
    before anything is read from it (opened without waiting, where it could block forever)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None
    kind = os.fstat(fd).st_mode
    if not stat.S_ISREG(kind):
        os.close(fd)
        raise DocumentError(f"not a regular file but {special(kind)}; read a pipe with -")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def special(mode: int) -> str:
    """What kind of file that is not a regular one a mode says."""
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_text(path: Path, html: bool = False) -> tuple[str, Encoding]:
    """The file's text, without its byte order mark, and its encoding (by its BOM, else for
    HTML by its <meta charset>, else UTF-8); DocumentError if it cannot be read or decoded."""
    try:
        with open_file(path) as f:
            data = f.read()
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None
    encoding = sniff(data[:PRESCAN], html)
    try:
        return decode(data, encoding), encoding
    except UnicodeDecodeError as e:
        raise DocumentError(f"{_undecodable(data, encoding, e)}; convert it, e.g. with iconv") from None


def _undecodable(data: bytes, encoding: Encoding, error: UnicodeDecodeError) -> str:
    """Why the file could not be decoded: not UTF-8, nor the encoding it declares if another."""
    why = f"(byte {error.start + len(encoding.bom)}: {error.reason})"
    if encoding.name == "utf-8":
        return f"not UTF-8 {why}"
    declared = f"{encoding.name.upper()} as its {'byte order mark' if encoding.bom else '<meta charset>'} says"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"not UTF-8 (byte {e.start}: {e.reason}), nor {declared} {why}"
    return f"not {declared} {why}"


class Span(NamedTuple):
    """Where a block of JSONL lines sits in its file, for a worker process to read it itself:
    sending the bytes through a pipe cost the main process as much CPU as a worker's check."""

    offset: int
    length: int


def chunks(path: Path, kind: str, field_name: str, content_type: str = "text/plain",
           spans: bool = False) -> Iterator[Chunk]:
    """The file's work, in order, its last chunk marked: one chunk for a whole-file format, a
    stream of them for JSONL and CSV (a file without items still gives one, empty). With
    `spans`, a JSONL block is sent as its Span in the file."""
    for chunk in _chunks(path, kind, field_name, spans):
        chunk.content_type = content_type
        yield chunk


def stream_chunks(kind: str, field_name: str, content_type: str, f: BinaryIO) -> Iterator[Chunk]:
    """Standard input's work read as JSONL or CSV (UTF-8), streamed in chunks as a file's is."""
    name = "-"
    stream = _jsonl_stream(name, f, field_name) if kind == "jsonl" else \
        _csv_rows(name, _utf8_lines(f), field_name, UTF8)
    for chunk in _last_marked(stream, name, kind, field_name):
        chunk.content_type = content_type
        yield chunk


def _chunks(path: Path, kind: str, field_name: str, spans: bool) -> Iterator[Chunk]:
    if kind in WHOLE_FILE:
        text, encoding = read_text(path, html=kind == "html")
        stream: Iterator[Chunk] = iter([Chunk(str(path), kind, 1, [text], field_name, encoding=encoding)])
    elif kind == "jsonl":
        stream = _jsonl_chunks(path, field_name, spans)
    elif kind == "parquet":
        stream = _parquet().chunks(path, field_name, "text/plain")
    else:
        stream = _csv_chunks(path, field_name)
    return _last_marked(stream, str(path), kind, field_name)


def _last_marked(stream: Iterator[Chunk], name: str, kind: str, field_name: str) -> Iterator[Chunk]:
    """The stream's chunks, its last one marked (one, empty, for a stream without any)."""
    previous = None
    for chunk in stream:
        if previous is not None:
            yield previous
        previous = chunk
    if previous is None:
        previous = Chunk(name, kind, 1, [], field_name)
    previous.last = True
    yield previous


def _lines(path: Path, encoding: Encoding) -> Iterator[str]:
    """The file's lines, decoded, without its byte order mark."""
    try:
        with open_file(path) as f:
            if encoding.name != "utf-8":  # a wider encoding's line breaks are not b"\n"
                yield from _decoded_lines(f, encoding)
                return
            yield from _utf8_lines(f)
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None


def _utf8_lines(f: BinaryIO) -> Iterator[str]:
    """The lines of a stream in UTF-8, decoded, without its byte order mark."""
    for number, raw in enumerate(f, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DocumentError(f"line {number} is not UTF-8 (byte {e.start}: {e.reason})") from None
        yield line[1:] if number == 1 and line.startswith(BOM) else line


def _decoded_lines(f: BinaryIO, encoding: Encoding) -> Iterator[str]:
    f.read(len(encoding.bom))
    text = io.TextIOWrapper(f, encoding=encoding.name, newline="")
    number = 0
    try:
        for number, line in enumerate(text, 1):  # noqa: B007 (the number names the line that fails)
            yield line
    except UnicodeDecodeError as e:
        raise DocumentError(f"line {number + 1} is not {encoding.name.upper()} ({e.reason})") from None
    finally:
        text.detach()  # the file is the caller's to close


def _jsonl_chunks(path: Path, field_name: str, spans: bool) -> Iterator[Chunk]:
    """Blocks of whole lines, as bytes (or their Span): the worker decodes and splits them, so
    the main process only reads and counts line breaks (at C speed). A file in UTF-16 or UTF-32
    is read as UTF-8 here, in blocks (a worker could not find its lines by their bytes)."""
    first, offset = 1, 0
    encoding = _file_encoding(path)
    spans = spans and encoding.name == "utf-8"
    try:
        with open_file(path) as f:
            reader = f if encoding.name == "utf-8" else _AsUtf8(f, encoding)
            for block in _line_blocks(reader, SPAN if spans else BLOCK):
                yield Chunk(str(path), "jsonl", first, [Span(offset, len(block)) if spans else block], field_name,
                            encoding=encoding)
                first += block.count(b"\n")
                offset += len(block)
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise DocumentError(f"line {first} or after is not {encoding.name.upper()} ({e.reason})") from None


def _jsonl_stream(name: str, f: BinaryIO, field_name: str) -> Iterator[Chunk]:
    """Blocks of whole lines of a stream, as a file's (its bytes not UTF-8 are named by line later)."""
    first = 1
    for block in _line_blocks(f, BLOCK):
        yield Chunk(name, "jsonl", first, [block], field_name)
        first += block.count(b"\n")


class _AsUtf8:
    """A file in another encoding, read as UTF-8 bytes (about `size` characters at a time)."""

    def __init__(self, f: BinaryIO, encoding: Encoding) -> None:
        f.read(len(encoding.bom))
        self.decoder = codecs.getincrementaldecoder(encoding.name)()
        self.f = f

    def read(self, size: int) -> bytes:
        while data := self.f.read(size):
            text = self.decoder.decode(data)
            if text:  # else data ended inside a character: read on
                return text.encode("utf-8")
        return self.decoder.decode(b"", final=True).encode("utf-8")


def _line_blocks(f: BinaryIO | _AsUtf8, size: int, length: int = -1) -> Iterator[bytes]:
    """Blocks of whole lines read from `f`, about `size` bytes each (the last may end without a
    line break); with `length`, only that many bytes, and DocumentError if the file holds fewer.
    A line longer than a block is gathered in pieces and joined once: linear in its length."""
    pending: list[bytes] = []  # the start of a line whose end is not read yet
    while length:
        data = f.read(size if length < 0 else min(size, length))
        if not data:
            if length > 0:
                raise DocumentError("the file changed while it was read")
            break
        if length > 0:
            length -= len(data)
        cut = data.rfind(b"\n") + 1
        if not cut:
            pending.append(data)
            continue
        yield joined([*pending, data[:cut]])
        pending = [data[cut:]] if cut < len(data) else []
    if pending:
        yield joined(pending)


def joined(pieces: list[bytes]) -> bytes:
    """The pieces of a block as one (a function of its own, for a test to count the bytes copied)."""
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _file_encoding(path: Path) -> Encoding:
    """A file's encoding by its byte order mark, else UTF-8."""
    try:
        with open_file(path) as f:
            return of_bom(f.read(4)) or UTF8
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None


def _csv_chunks(path: Path, field_name: str) -> Iterator[Chunk]:
    encoding = _file_encoding(path)
    return _csv_rows(str(path), _lines(path, encoding), field_name, encoding)


def _csv_rows(name: str, lines: Iterator[str], field_name: str, encoding: Encoding) -> Iterator[Chunk]:
    """Chunks of CSV rows from a stream of lines, the header read first."""
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
    starts: list[int] = []
    first = 2
    start = rows.line_num + 1  # the line the next row starts on
    try:
        for row in rows:
            batch.append(row)
            starts.append(start)
            start = rows.line_num + 1
            if len(batch) == CHUNK:
                yield Chunk(name, "csv", first, batch, field_name, header, ending, encoding=encoding, lines=starts)
                first += len(batch)
                batch, starts = [], []
    except csv.Error as e:
        raise DocumentError(f"line {start}: not CSV: {e}") from None
    if batch or first == 2:  # a header without rows is a chunk too: its cleaned copy keeps the header
        yield Chunk(name, "csv", first, batch, field_name, header, ending, encoding=encoding, lines=starts)


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


def csv_text(rows: Iterable[list[str]], ending: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending or "\r\n").writerows(rows)
    return out.getvalue()


# -- a chunk's items -------------------------------------------------------------------------------


@dataclass
class Items:
    """A chunk read as items: the texts to check, where each one is, and how to write the chunk
    back with some of them cleaned."""

    texts: list[str]
    numbers: Sequence[int] | None  # each item's line (JSONL) or row (CSV); None for a text file
    fields: list[dict[str, Any]] | None  # each item's other fields: JSONL always, CSV when asked
    errors: list[str]  # "path:line: why" for each line or row that is not an item
    rewrite: Callable[[dict[int, str]], list[str]]  # the chunk as written back, given cleaned texts by item


def items_of(chunk: Chunk, fields: bool) -> Items:
    """The chunk's items; `fields`: gather a CSV row's other cells (a JSONL object's come free)."""
    if chunk.kind == "jsonl":
        return _jsonl_items(chunk)
    if chunk.kind == "csv":
        return _csv_items(chunk, fields)
    if chunk.kind == "parquet":
        items: Items = _parquet().items(chunk, fields)
        return items
    return Items(chunk.units, None, None, [], partial(_rewrite_text, chunk.units))


def _parquet() -> Any:
    """moderation.batch.parquet, imported (with pyarrow) when a Parquet file is met."""
    try:
        from moderation.batch import parquet
    except ImportError:
        raise DocumentError("reading Parquet needs pyarrow: pip install 'moderation[arrow]'") from None
    return parquet


def _rewrite_text(texts: list[str], cleaned: dict[int, str]) -> list[str]:
    return [cleaned.get(i, text) for i, text in enumerate(texts)]


def _jsonl_items(chunk: Chunk) -> Items:
    """Every line at once when all are plain objects (the usual file); else line by line."""
    text, undecodable = _jsonl_text(chunk)
    found = None if undecodable else _decode_all(text, chunk.field_name)
    if found is None:
        return _jsonl_items_by_line(chunk, text, undecodable)
    texts, others = found
    where = range(len(texts))
    return Items(texts, range(chunk.first, chunk.first + len(texts)), others, [],
                 partial(_rewrite_jsonl, text, where, chunk.field_name))


def _jsonl_text(chunk: Chunk) -> tuple[str, bool]:
    """The chunk's text, and whether it held bytes that were not UTF-8: those are kept as lone
    surrogates (surrogateescape), so a cleaned copy writes them back unchanged."""
    data = b"".join(chunk.units)
    try:
        text, undecodable = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, undecodable = data.decode("utf-8", "surrogateescape"), True
    if chunk.first == 1 and text.startswith(BOM):
        text = text[1:]
    return text, undecodable


def blocks_of(chunk: Chunk) -> Iterator[Chunk]:
    """The chunk, or for a Span the blocks of whole lines in it, read in turn: a worker's
    allocator reuses the memory of blocks of this size, where one read of a whole span faulted
    in fresh pages. DocumentError if the file changed under us."""
    span = chunk.units[0] if chunk.units else None
    if not isinstance(span, Span):
        yield chunk
        return
    first = chunk.first
    try:
        with open_file(chunk.path) as f:
            f.seek(span.offset)
            for block in _line_blocks(f, BLOCK, span.length):
                yield Chunk(chunk.path, "jsonl", first, [block], chunk.field_name, content_type=chunk.content_type)
                first += block.count(b"\n")
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None


def _decode_all(text: str, field_name: str) -> tuple[list[str], list[dict[str, Any]]] | None:
    """The texts and other fields of all the lines, by loops that run in C (a Python loop costs
    about as much as the check); None unless every line is one JSON object, not indented, with
    a string `field_name`: the lines are then read one by one, to name the bad ones."""
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()  # after the last line break
    try:
        # raw_decode without its Python frame: no value at the start of a line (a blank or
        # indented one) raises StopIteration, which ends the map early: counted below.
        found = list(map(_scan, lines, itertools.repeat(0)))
    except json.JSONDecodeError:
        return None
    if len(found) != len(lines) or list(map(_second, found)) != list(map(len, map(str.rstrip, lines))):
        return None  # a line without a value, or with something after it
    objects = list(map(_first, found))
    if set(map(type, objects)) - {dict}:
        return None  # not an object
    texts = list(map(dict.pop, objects, itertools.repeat(field_name), itertools.repeat(None)))
    if set(map(type, texts)) - {str}:
        return None  # no string field_name
    return texts, objects


def _jsonl_items_by_line(chunk: Chunk, text: str, undecodable: bool) -> Items:
    """Each line on its own: a blank one is skipped, a bad one named and copied as it is."""
    texts, numbers, others, errors, where = [], [], [], [], []
    for n, line in enumerate(jsonl_lines(text)):
        number = chunk.first + n
        if undecodable and _UNDECODABLE.search(line):
            errors.append(f"{chunk.path}:{number}: not UTF-8")
        elif line and not line.isspace():
            obj, error = jsonl_item(line, chunk.field_name)
            if obj is None:
                errors.append(f"{chunk.path}:{number}: {error}")
                continue
            texts.append(obj.pop(chunk.field_name))
            others.append(obj)
            numbers.append(number)
            where.append(n)
    return Items(texts, numbers, others, errors, partial(_rewrite_jsonl, text, where, chunk.field_name))


def jsonl_lines(text: str) -> list[str]:
    """The lines of a JSONL text, each with its line break."""
    parts = text.split("\n")  # JSONL lines end at \n only; a \r before it stays in the line
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _rewrite_jsonl(text: str, where: Sequence[int], field_name: str, cleaned: dict[int, str]) -> list[str]:
    """The text with the lines of the cleaned items replaced (decoded again: only those)."""
    if not cleaned:
        return [text]
    lines = jsonl_lines(text)
    for i, new in cleaned.items():
        line = lines[where[i]]
        obj, _ = jsonl_item(line, field_name)
        assert obj is not None  # it was an item
        dumped = json.dumps({**obj, field_name: new}, ensure_ascii=False)
        lines[where[i]] = _SURROGATE.sub(_escaped, dumped) + line_ending(line)
    return ["".join(lines)]


def _escaped(m: re.Match[str]) -> str:
    return f"\\u{ord(m[0]):04x}"


def _csv_items(chunk: Chunk, fields: bool) -> Items:
    """A row with as many cells as the header is an item; another is named and copied as it is."""
    header, name = chunk.header, chunk.field_name
    if not header:  # an empty file
        return Items([], [], None, [], lambda cleaned: [])
    col = header.index(name)
    texts, numbers, others, errors, where = [], [], [], [], []
    for n, row in enumerate(chunk.units):
        number = chunk.lines[n]  # the line it starts on, where an editor finds it
        if len(row) != len(header):
            errors.append(f"{chunk.path}:{number}: {len(row)} cells under {len(header)} columns")
            continue
        texts.append(row[col])
        numbers.append(number)
        where.append(n)
        if fields:
            others.append({k: v for k, v in zip(header, row, strict=True) if k != name})
    return Items(texts, numbers, others if fields else None, errors, partial(_rewrite_csv, chunk, col, where))


def _rewrite_csv(chunk: Chunk, col: int, where: list[int], cleaned: dict[int, str]) -> list[str]:
    rows = [chunk.header] if chunk.first == 2 else []  # the cleaned copy keeps its header
    rows.extend(chunk.units)
    skip = len(rows) - len(chunk.units)
    for i, new in cleaned.items():
        row = rows[skip + where[i]]
        rows[skip + where[i]] = [*row[:col], new, *row[col + 1 :]]
    return [csv_text(rows, chunk.ending)]


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by surrogateescape
# A lone surrogate in an item came from a JSON escape (`\ud800`): lines that were not UTF-8 are
# not items. Written back as the escape, since no UTF-8 file can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")
