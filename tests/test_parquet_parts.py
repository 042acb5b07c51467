"""Parquet files joined byte for byte (moderation.batch.footer): the row groups of parts copied
one after the other under one footer read as the parts' rows, in order, whatever the parts hold."""

from __future__ import annotations

import datetime
import io
import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from moderation.batch import footer

ROWS = 500


def table(start: int, count: int) -> pa.Table:
    rows = range(start, start + count)
    return pa.table({
        "id": pa.array(rows, pa.int64()),
        "body": pa.array([None if i % 7 == 0 else f"comment {i}" for i in rows], pa.string()),
        "day": pa.array([datetime.date(2026, 1, 1 + i % 28) for i in rows], pa.date32()),
        "tags": pa.array([[f"t{i % 3}"] * (i % 4) for i in rows], pa.list_(pa.string())),
        "flag": pa.array([i % 2 == 0 for i in rows], pa.bool_()),
    })


def written(t: pa.Table, **options: object) -> bytes:
    sink = io.BytesIO()
    pq.write_table(t, sink, **options)  # type: ignore[arg-type]
    return sink.getvalue()


def footer_of(data: bytes) -> bytes:
    length = struct.unpack("<I", data[-8:-4])[0]
    return data[-8 - length:-8]


def joined(parts: list[bytes]) -> bytes:
    out = bytearray(footer.MAGIC)
    join = footer.Joined()
    for data in parts:
        part = footer.read(footer_of(data), len(data))
        join.add(part, len(out))
        out += data[len(footer.MAGIC):part.data_end]
    return bytes(out + join.footer())


def test_a_footer_is_written_back_as_it_was_read() -> None:
    data = written(table(0, ROWS), row_group_size=120, write_page_index=True)
    writer = footer._Writer()
    writer.struct(footer.read(footer_of(data), len(data)).meta)
    assert bytes(writer.out) == footer_of(data)


def test_parts_of_any_layout_join_into_their_rows_in_order() -> None:
    """Several row groups, none (an empty part), page indexes, no dictionary, another codec."""
    parts = [written(table(0, 200), row_group_size=64), written(table(200, 0)),
             written(table(200, 250), row_group_size=100, write_page_index=True),
             written(table(450, 50), use_dictionary=False, compression="zstd")]
    data = joined(parts)
    file = pq.ParquetFile(io.BytesIO(data))
    assert file.read().equals(table(0, ROWS))
    assert file.metadata.num_rows == ROWS and file.metadata.num_row_groups == 4 + 1 + 3 + 1  # an empty one
    firsts = [file.read_row_group(i).column("id")[:1].to_pylist() for i in range(9)]
    assert firsts == [[0], [64], [128], [192], [], [200], [300], [400], [450]]
    assert pq.read_table(io.BytesIO(data), filters=[("id", ">=", 420)]).column("id").to_pylist() == list(
        range(420, ROWS))  # statistics and offsets still point at the right pages


def test_parts_of_another_schema_are_refused() -> None:
    join = footer.Joined()
    first, other = written(table(0, 10)), written(pa.table({"id": [1]}))
    join.add(footer.read(footer_of(first), len(first)), 4)
    with pytest.raises(footer.FooterError, match="schemas differ"):
        join.add(footer.read(footer_of(other), len(other)), 100)


def test_a_rewind_takes_back_the_row_groups_added_since_its_mark() -> None:
    join = footer.Joined()
    out = bytearray(footer.MAGIC)
    kept = written(table(0, 100), row_group_size=50)
    part = footer.read(footer_of(kept), len(kept))
    join.add(part, len(out))
    out += kept[4:part.data_end]
    mark, end = join.mark(), len(out)
    dropped = written(table(100, 100))
    join.add(footer.read(footer_of(dropped), len(dropped)), len(out))
    join.rewind(*mark)
    data = bytes(out[:end]) + join.footer()
    assert pq.read_table(io.BytesIO(data)).equals(table(0, 100))


def test_a_cut_footer_is_named() -> None:
    data = footer_of(written(table(0, 10)))
    with pytest.raises(footer.FooterError, match="cut short"):
        footer.read(data[:len(data) // 2], 1000)
