"""Parquet in the batch CLI (pyarrow: the extra `moderation[arrow]`).

A JSONL or text report of a Parquet file: the main process asks the file for batches of about
BATCH_BYTES (`ParquetFile.iter_batches`, never the whole table) and a worker renders a batch's
rows like those of a JSONL file (a row number from 1 for a line, the other columns as fields).

A Parquet report: the main process only reads each file's footer and cuts its row groups into
spans (`spans`); a worker reads its span itself, in batches, checks it and writes it with
`columns.RESULTS` appended as a Parquet file of its own (`write_part`), which the main process
joins to the report byte for byte (`assembly`). Memory stays bounded whatever the file's size:
a batch, and a row group of the part being written, per worker.
Imported only when a Parquet file or report is met: the CLI never loads pyarrow otherwise.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from moderation.batch import footer
from moderation.batch.columns import ColumnError, appended, check_columns, moderated
from moderation.batch.documents import Chunk, DocumentError, Items, open_file
from moderation.engine.moderator import Languages, Moderator
from moderation.engine.policy import ACTION_RANK

BATCH_BYTES = 1 << 20  # uncompressed bytes of rows in a chunk: ~10,000 comments
BATCH_ROWS = (64, 16384)  # the fewest and most rows in a chunk, whatever their size
ROW_GROUP_ROWS = 1 << 16  # rows of a report's row group: batches are gathered up to it before a write
SPAN_ROWS = 1 << 16  # rows (at least, in whole row groups) a worker reads and writes as one part of a report
# A column chunk is read through a buffer of this size, page by page, not whole: a file written as one
# row group of 3 M comments took 100 MB more without it.
READ_BUFFER = 1 << 20


def chunks(path: Path, field_name: str, content_type: str) -> Iterator[Chunk]:
    """The file's rows as chunks of one record batch each, in order; DocumentError for a file
    that is not Parquet, or whose `field_name` is missing or does not hold strings."""
    with _opened(path) as file:
        try:
            check_columns(file.schema_arrow, field_name, "--field")
        except ColumnError as e:
            raise DocumentError(str(e)) from None
        first = 1
        try:
            for batch in file.iter_batches(batch_size=batch_rows(file.metadata)):
                yield Chunk(str(path), "parquet", first, [batch], field_name, content_type=content_type)
                first += batch.num_rows
        except (pa.ArrowException, OSError) as e:
            raise DocumentError(f"row {first} or after: cannot read: {e}") from None
        if first == 1:  # no rows: one empty batch, so that a report still has the columns
            empty = pa.RecordBatch.from_pylist([], schema=file.schema_arrow)
            yield Chunk(str(path), "parquet", first, [empty], field_name, content_type=content_type)


@contextmanager
def _opened(path: Path) -> Iterator[pq.ParquetFile]:
    """The file open (a FIFO or a device refused, as for every format) and read as Parquet."""
    with open_file(path) as f:
        try:
            file = pq.ParquetFile(f, buffer_size=READ_BUFFER, pre_buffer=False)
        except (pa.ArrowException, OSError) as e:
            raise DocumentError(f"not a Parquet file ({e})") from None
        yield file


def schema_of(path: Path) -> pa.Schema:
    """The Arrow schema of a Parquet file (DocumentError if it is not one)."""
    with _opened(path) as file:
        schema: pa.Schema = file.schema_arrow
        return schema


def batch_rows(metadata: pq.FileMetaData) -> int:
    """Rows per batch for about BATCH_BYTES, by the file's own count of its uncompressed bytes."""
    rows = metadata.num_rows
    size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    per_row = size / rows if rows else 1
    return int(min(max(BATCH_BYTES / max(per_row, 1), BATCH_ROWS[0]), BATCH_ROWS[1]))


def items(chunk: Chunk, fields: bool) -> Items:
    """The batch's rows as items: those with a text (a null text is no item), numbered from 1 in
    the file, with the other columns as fields when asked (values JSON cannot hold as text)."""
    if not chunk.units:
        return Items([], [], [] if fields else None, [], _no_copy)
    batch: pa.RecordBatch = chunk.units[0]
    texts = batch.column(chunk.field_name).to_pylist()
    rows = [i for i, text in enumerate(texts) if text is not None]
    others = _fields(batch.drop_columns([chunk.field_name])) if fields else None
    if len(rows) < len(texts):
        texts = [texts[i] for i in rows]
        others = None if others is None else [others[i] for i in rows]
    return Items(texts, [chunk.first + i for i in rows], others, [], _no_copy)


def _no_copy(cleaned: dict[int, str]) -> list[str]:
    raise AssertionError("Parquet files get no cleaned copy: runner refuses one before any work")


def _fields(batch: pa.RecordBatch) -> list[dict[str, Any]]:
    """Each row's values, those JSON has no type for (dates, decimals, bytes) as strings."""
    columns = [_json_ready(column) for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names).to_pylist()  # type: ignore[no-any-return]


def _json_ready(column: pa.Array) -> pa.Array:
    kind = column.type
    plain = (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)
             or pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind))
    if plain or pa.types.is_nested(kind):
        return column
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        return pa.array([None if v is None else base64.b64encode(v).decode() for v in column.to_pylist()],
                        pa.string())
    try:
        return column.cast(pa.string())
    except pa.ArrowException:
        return pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())


@dataclass(frozen=True)
class Groups:
    """Row groups [start, stop) of a file, holding `rows` rows, for a worker to read, check and
    write as a part of a Parquet report into the scratch file `slot` (a path: assembly.Slots)."""

    start: int
    stop: int
    rows: int
    slot: str


@dataclass(frozen=True)
class Written:
    """A part as a worker wrote it into its slot: `size` bytes, ending with `footer` (the
    FileMetaData, then 8 bytes); no footer when the span could not be read."""

    path: str
    slot: str
    size: int = 0
    footer: bytes = b""


def spans(path: Path, field_name: str, content_type: str, slot: Callable[[], str]) -> Iterator[Chunk]:
    """The file's row groups as chunks of about SPAN_ROWS rows each (whole row groups: a row group
    is the least a reader can start at), in order, the last one marked; each given a scratch file
    by `slot()`. A file without row groups gives one empty span, so that its schema is reported.
    DocumentError for a file that is not Parquet, or whose `field_name` is missing or not strings."""
    with _opened(path) as file:
        try:
            check_columns(file.schema_arrow, field_name, "--field")
        except ColumnError as e:
            raise DocumentError(str(e)) from None
        metadata = file.metadata
    bounds, rows = [0], [0]
    for i in range(metadata.num_row_groups):
        if rows[-1] >= SPAN_ROWS:
            bounds.append(i)
            rows.append(0)
        rows[-1] += metadata.row_group(i).num_rows
    bounds.append(metadata.num_row_groups)
    first = 1
    for n, count in enumerate(rows):
        yield Chunk(str(path), "parquet", first, [Groups(bounds[n], bounds[n + 1], count, slot())], field_name,
                    last=n == len(rows) - 1, content_type=content_type)
        first += count


def write_part(moderator: Moderator, chunk: Chunk, policy: str | None, only_flagged: bool,
               languages: Languages = None) -> tuple[Written, int, int, str]:
    """In a worker: the chunk's row groups read, checked batch by batch and written with RESULTS
    appended (the flagged rows only if asked) as a Parquet file into its slot; with the count of
    items (rows with a text), of the flagged ones, and the worst action. DocumentError if the
    span cannot be read, or the file is no longer the one the main process planned."""
    span: Groups = chunk.units[0]
    file = _cached(chunk.path)
    metadata = file.metadata
    if span.stop > metadata.num_row_groups or span.rows != sum(
            metadata.row_group(i).num_rows for i in range(span.start, span.stop)):
        raise DocumentError("the file changed while it was read")
    writer = Writer(span.slot, appended(file.schema_arrow))
    try:
        return _write_span(moderator, chunk, span, file, writer, policy, only_flagged, languages)
    except BaseException:
        with suppress(pa.ArrowException, OSError):  # what made it fail is the error to tell
            writer.close()
        raise


def _write_span(moderator: Moderator, chunk: Chunk, span: Groups, file: pq.ParquetFile, writer: Writer,
                policy: str | None, only_flagged: bool, languages: Languages) -> tuple[Written, int, int, str]:
    items = flagged = 0
    worst = "allow"
    batches = file.iter_batches(batch_size=batch_rows(file.metadata), row_groups=range(span.start, span.stop))
    first = chunk.first
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as e:
            if isinstance(e, MemoryError):
                raise
            raise DocumentError(f"row {first} or after: cannot read: {e}") from None
        if batch is None:
            break
        first += batch.num_rows
        out = moderated(moderator, batch, chunk.field_name, policy, chunk.content_type, languages=languages)
        hits = out.column("flagged")
        items += batch.num_rows - batch.column(chunk.field_name).null_count
        flagged += pc.sum(hits).as_py() or 0
        actions = [a for a in pc.unique(out.column("action")).to_pylist() if a is not None]
        worst = max([worst, *actions], key=ACTION_RANK.__getitem__)
        writer.write(out.filter(hits.fill_null(False)) if only_flagged else out)
    writer.close()
    size, part_footer = footer.tail(span.slot)
    return Written(chunk.path, span.slot, size, part_footer), items, flagged, worst


_file: tuple[tuple[int, str, int, int, int, int], BinaryIO, pq.ParquetFile] | None = None  # a worker's open input


def _cached(path: str) -> pq.ParquetFile:
    """The input open, as it was for the process's last span if the file is the same one (a file's
    footer is read once per worker, not once per span). Never one a forked worker inherited: its
    offset in the file is shared with every other process that holds it."""
    global _file
    try:
        info = os.stat(path)
    except OSError as e:
        raise DocumentError(f"cannot read: {e.strerror}") from None
    key = (os.getpid(), path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    if _file is None or _file[0] != key:
        if _file is not None and _file[0][0] == key[0]:
            _file[1].close()
        _file = None
        f = open_file(path)
        try:
            _file = (key, f, pq.ParquetFile(f, buffer_size=READ_BUFFER, pre_buffer=False))
        except (pa.ArrowException, OSError) as e:
            f.close()
            raise DocumentError(f"not a Parquet file ({e})") from None
    return _file[2]


class Writer:
    """A Parquet file of `schema` written to `where` (a path), its rows gathered into row groups
    of ROW_GROUP_ROWS."""

    def __init__(self, where: str, schema: pa.Schema) -> None:
        self.writer = pq.ParquetWriter(where, schema)
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if not batch.num_rows:
            return
        self.pending.append(batch)
        self.rows += batch.num_rows
        if self.rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending), row_group_size=max(self.rows, 1))
        self.pending, self.rows = [], 0

    def close(self) -> None:
        """The rest written, and the footer."""
        self._flush()
        self.writer.close()
