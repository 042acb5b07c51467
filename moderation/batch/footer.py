"""Parquet files joined byte for byte: the row groups of several files with one schema, copied
as they are one after the other, under one footer whose offsets say where each now starts.

A Parquet file is `PAR1`, its row groups' pages, then its footer (a Thrift compact-protocol
FileMetaData), the footer's length and `PAR1`. The pages hold no offsets: only the footer does
(each column chunk's first page, dictionary page, page indexes and bloom filter, each row group's
start), so a part's pages may sit anywhere once its footer's offsets are moved by as much. pyarrow
neither joins files without decoding them nor writes a footer it was not given, hence this small
reader and writer of the compact protocol (a struct is kept as its fields in order, whatever they
are, and written back as read but for the offsets).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAGIC = b"PAR1"

# Compact protocol types.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)

# Field ids of parquet.thrift that this module reads or changes.
_FILE_NUM_ROWS, _FILE_ROW_GROUPS = 3, 4
_GROUP_COLUMNS, _GROUP_NUM_ROWS, _GROUP_FILE_OFFSET, _GROUP_ORDINAL = 1, 3, 5, 7
_CHUNK_FILE_OFFSET, _CHUNK_META, _CHUNK_OFFSET_INDEX, _CHUNK_COLUMN_INDEX = 2, 3, 4, 6
_CHUNK_ENCRYPTED = (8, 9)  # crypto_metadata, encrypted_column_metadata: offsets we cannot reach
_META_OFFSETS = (9, 10, 11, 14)  # data_page, index_page, dictionary_page, bloom_filter

Fields = list[list[Any]]  # a struct: [field id, type, value] in the order read


class FooterError(ValueError):
    """A footer this module cannot read or join (not one pyarrow wrote, or encrypted)."""


@dataclass
class Part:
    """A Parquet file's footer, read: its row groups' pages are the file's bytes [4, data_end)."""

    meta: Fields
    data_end: int
    rows: int


def tail(path: str) -> tuple[int, bytes]:
    """The size of the Parquet file at `path`, and its footer (the FileMetaData's bytes, before
    their 4-byte length and the closing magic)."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(size - 8)
        length = int.from_bytes(f.read(4), "little")
        f.seek(size - 8 - length)
        return size, f.read(length)


def read(footer: bytes, size: int) -> Part:
    """The footer (the FileMetaData's bytes) of a Parquet file of `size` bytes."""
    try:
        reader = _Reader(footer)
        meta = reader.struct()
    except (IndexError, struct.error) as e:
        raise FooterError(f"a footer cut short ({e})") from None
    rows = _field(meta, _FILE_NUM_ROWS, 0)
    return Part(meta, size - len(footer) - 8, rows)


class Joined:
    """A footer for parts whose pages are written one after another from byte 4 of a file: `add`
    each part's footer with where its pages now start, then `footer()` gives the joined one."""

    def __init__(self) -> None:
        self.first: Fields | None = None
        self.schema: Any = None
        self.groups: list[bytes] = []  # each row group's struct, moved and encoded (held small)
        self.rows = 0

    def add(self, part: Part, start: int) -> None:
        """Part's row groups, their pages now from byte `start` of the joined file (they were from 4)."""
        schema = _field(part.meta, 2, None)
        if self.first is None:
            self.first, self.schema = part.meta, schema
        elif schema != self.schema:
            raise FooterError("the parts' schemas differ")
        shift = start - len(MAGIC)
        for group in _field(part.meta, _FILE_ROW_GROUPS, (_STRUCT, []))[1]:
            _move(group, shift, len(self.groups))
            writer = _Writer()
            writer.struct(group)
            self.groups.append(bytes(writer.out))
        self.rows += part.rows

    def mark(self) -> tuple[int, int]:
        """Where the joined row groups are now, for `rewind`."""
        return len(self.groups), self.rows

    def rewind(self, groups: int, rows: int) -> None:
        """The row groups added since `mark` taken back."""
        del self.groups[groups:]
        self.rows = rows

    def footer(self) -> bytes:
        """The joined FileMetaData, then its length and the closing magic."""
        if self.first is None:
            raise FooterError("no part to join")
        writer = _Writer()
        fields = [f for f in self.first if f[0] not in (_FILE_NUM_ROWS, _FILE_ROW_GROUPS)]
        fields += [[_FILE_NUM_ROWS, _I64, self.rows], [_FILE_ROW_GROUPS, _LIST, _Encoded(_STRUCT, self.groups)]]
        writer.struct(sorted(fields, key=lambda f: f[0]))
        return bytes(writer.out) + struct.pack("<I", len(writer.out)) + MAGIC


def _move(group: Fields, shift: int, ordinal: int) -> None:
    """A row group's offsets moved by `shift`, and its ordinal made its place in the joined file."""
    if ordinal >= 1 << 15:  # an i16: past it, none (it only serves decryption)
        group[:] = [f for f in group if f[0] != _GROUP_ORDINAL]
    for f in group:
        if f[0] == _GROUP_FILE_OFFSET and f[2]:
            f[2] += shift
        elif f[0] == _GROUP_ORDINAL:
            f[2] = ordinal
    for chunk in _field(group, _GROUP_COLUMNS, (_STRUCT, []))[1]:
        for f in chunk:
            if f[0] in _CHUNK_ENCRYPTED:
                raise FooterError("an encrypted column")
            if f[0] in (_CHUNK_FILE_OFFSET, _CHUNK_OFFSET_INDEX, _CHUNK_COLUMN_INDEX) and f[2]:
                f[2] += shift
            elif f[0] == _CHUNK_META:
                for m in f[2]:
                    if m[0] in _META_OFFSETS and m[2]:
                        m[2] += shift


def _field(fields: Fields, number: int, default: Any) -> Any:
    return next((f[2] for f in fields if f[0] == number), default)


class _Encoded:
    """A list whose elements are encoded already (row groups, kept as bytes)."""

    def __init__(self, kind: int, items: list[bytes]) -> None:
        self.kind, self.items = kind, items


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1]

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def struct(self) -> Fields:
        fields: Fields = []
        last = 0
        while (header := self.byte()) != 0:
            kind, delta = header & 0x0F, header >> 4
            number = last + delta if delta else self.zigzag()
            last = number
            if kind in (_TRUE, _FALSE):  # a boolean field is its type
                fields.append([number, kind, kind == _TRUE])
            else:
                fields.append([number, kind, self.value(kind)])
        return fields

    def value(self, kind: int) -> Any:
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _BINARY:
            n = self.varint()
            self.at += n
            if self.at > len(self.data):
                raise IndexError("a string past the end")
            return self.data[self.at - n:self.at]
        if kind == _STRUCT:
            return self.struct()
        if kind in (_LIST, _SET):
            header = self.byte()
            n, element = header >> 4, header & 0x0F
            if n == 15:
                n = self.varint()
            return (element, [self.value(element) for _ in range(n)])
        if kind == _MAP:
            n = self.varint()
            if not n:
                return (0, 0, [])
            types = self.byte()
            pairs = [(self.value(types >> 4), self.value(types & 0x0F)) for _ in range(n)]
            return (types >> 4, types & 0x0F, pairs)
        if kind in (_BYTE, _TRUE, _FALSE):  # a byte, or a boolean inside a list (one byte)
            return self.byte()
        if kind == _DOUBLE:
            self.at += 8
            return self.data[self.at - 8:self.at]
        raise FooterError(f"not a Thrift compact type: {kind}")


class _Writer:
    def __init__(self) -> None:
        self.out = bytearray()

    def varint(self, n: int) -> None:
        while n > 0x7F:
            self.out.append(n & 0x7F | 0x80)
            n >>= 7
        self.out.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def struct(self, fields: Iterable[list[Any]]) -> None:
        last = 0
        for number, kind, value in fields:
            if kind in (_TRUE, _FALSE):
                kind = _TRUE if value else _FALSE
            if 0 < number - last <= 15:
                self.out.append((number - last) << 4 | kind)
            else:
                self.out.append(kind)
                self.zigzag(number)
            last = number
            if kind not in (_TRUE, _FALSE):
                self.value(kind, value)
        self.out.append(0)

    def value(self, kind: int, value: Any) -> None:
        if kind in (_I16, _I32, _I64):
            self.zigzag(value)
        elif kind == _BINARY:
            self.varint(len(value))
            self.out += value
        elif kind == _STRUCT:
            self.struct(value)
        elif kind in (_LIST, _SET):
            encoded = isinstance(value, _Encoded)
            element, items = (value.kind, value.items) if encoded else value
            if len(items) < 15:
                self.out.append(len(items) << 4 | element)
            else:
                self.out.append(0xF0 | element)
                self.varint(len(items))
            for item in items:
                if encoded:
                    self.out += item
                else:
                    self.value(element, item)
        elif kind == _MAP:
            key, val, pairs = value
            self.varint(len(pairs))
            if pairs:
                self.out.append(key << 4 | val)
                for k, v in pairs:
                    self.value(key, k)
                    self.value(val, v)
        elif kind in (_BYTE, _TRUE, _FALSE):
            self.out.append(value)
        elif kind == _DOUBLE:
            self.out += value
        else:
            raise FooterError(f"not a Thrift compact type: {kind}")
