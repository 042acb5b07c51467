"""Parquet in the batch CLI (pyarrow: the extra `moderation[arrow]`): a file read as a stream of
record batches, each batch one chunk of work, and a Parquet report written row group by row group.

The main process asks the file for batches of about BATCH_BYTES (`ParquetFile.iter_batches`,
never the whole table), so memory stays bounded whatever the file's size; a worker checks a
batch's text column and renders its rows like those of a JSONL file (a row number from 1 for a
line, the other columns as fields), or, for a Parquet report, appends `columns.RESULTS` to it.
Imported only when a Parquet file or report is met: the CLI never loads pyarrow otherwise.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from moderation.batch.columns import ColumnError, check_columns, moderated
from moderation.batch.documents import Chunk, DocumentError, Items, open_file
from moderation.engine.moderator import Languages, Moderator
from moderation.engine.policy import ACTION_RANK

BATCH_BYTES = 1 << 20  # uncompressed bytes of rows in a chunk: ~10,000 comments
BATCH_ROWS = (64, 16384)  # the fewest and most rows in a chunk, whatever their size
ROW_GROUP_ROWS = 1 << 16  # rows of a report's row group: batches are gathered up to it before a write
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


def report(moderator: Moderator, chunk: Chunk, policy: str | None, only_flagged: bool,
           languages: Languages = None) -> tuple[pa.RecordBatch, int, int, str]:
    """A Parquet report's rows of a chunk (its columns, then RESULTS; the flagged rows only if
    asked), with the count of its items, of the flagged ones, and the worst action."""
    batch: pa.RecordBatch = chunk.units[0]
    out = moderated(moderator, batch, chunk.field_name, policy, chunk.content_type, languages=languages)
    flagged = out.column("flagged")
    actions = [a for a in pc.unique(out.column("action")).to_pylist() if a is not None]
    worst = max(actions, key=ACTION_RANK.__getitem__, default="allow")
    count = pc.sum(flagged).as_py() or 0
    if only_flagged:
        out = out.filter(flagged.fill_null(False))
    return out, batch.num_rows - batch.column(chunk.field_name).null_count, count, worst


class Writer:
    """A Parquet report written to an open binary file, its rows gathered into row groups of
    ROW_GROUP_ROWS. Every batch must have the first one's schema (runner checks the inputs')."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.writer: pq.ParquetWriter | None = None
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.f, batch.schema)
        if not batch.num_rows:
            return
        self.pending.append(batch)
        self.rows += batch.num_rows
        if self.rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending and self.writer is not None:
            self.writer.write_table(pa.Table.from_batches(self.pending), row_group_size=max(self.rows, 1))
        self.pending, self.rows = [], 0

    def close(self) -> None:
        """The rest written, and the footer."""
        self._flush()
        if self.writer is not None:
            self.writer.close()
