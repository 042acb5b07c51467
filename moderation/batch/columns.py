"""A table's own columns with the result columns beside them: what Spark, Dask, Ray and the
CLI's Parquet report all give, so that a job moved from one to another sees the same columns.

`moderated(moderator, batch, field)` checks the string column `field` of a pyarrow RecordBatch
(or Table) with `check_arrow` and returns the batch with RESULTS appended:

    flagged bool, action string, cleaned string (null where nothing changed),
    matches list<struct<start int32, end int32, text string, term string, category string,
                        severity int8, evasions list<string>, list string, language string>>

These are check_arrow's columns but for `action`, which is a plain string here: Spark has no
dictionary type, and Parquet dictionary-encodes a column of four strings by itself.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from moderation.batch.arrow import SCHEMA, check_arrow
from moderation.engine.moderator import Languages, Moderator

RESULTS = pa.schema([
    ("flagged", pa.bool_()),
    ("action", pa.string()),
    ("cleaned", pa.string()),
    ("matches", SCHEMA.field("matches").type),
])


class ColumnError(ValueError):
    """The text column is missing or does not hold strings, or a result column's name is taken."""


def check_columns(schema: pa.Schema, field: str, option: str = "field=") -> None:
    """ColumnError, naming what to do (`option` is how the caller chooses the column), unless
    `schema` has a string column `field` and none named like a result column."""
    if field not in schema.names:
        raise ColumnError(f"no column {field!r} (columns: {', '.join(schema.names)}); choose one with {option}")
    kind = schema.field(field).type
    held = kind.value_type if pa.types.is_dictionary(kind) else kind
    if not (pa.types.is_string(held) or pa.types.is_large_string(held)):
        raise ColumnError(f"column {field!r} holds {kind}, not strings; choose the text column with {option}")
    taken = [name for name in RESULTS.names if name in schema.names]
    if taken:
        raise ColumnError(f"the input already has a column named {', '.join(map(repr, taken))}, as the results "
                          "are named; rename it first")


def moderated(moderator: Moderator, batch: pa.RecordBatch | pa.Table, field: str = "text", policy: str | None = None,
              content_type: str = "text/plain", only_flagged: bool = False,
              languages: Languages = None) -> pa.RecordBatch:
    """The batch's columns, then RESULTS for its column `field` (a Table is read as one batch).
    A null text gives null results. `only_flagged` keeps the flagged rows only; `languages` as
    for `check` ("auto": each row's own)."""
    check_columns(batch.schema, field)
    if isinstance(batch, pa.Table):
        batch = batch.combine_chunks().to_batches()[0] if batch.num_rows else pa.RecordBatch.from_pylist(
            [], schema=batch.schema)
    found = results(moderator, batch.column(field), policy, content_type, languages)
    out = pa.RecordBatch.from_arrays([*batch.columns, *found.columns],
                                     schema=appended(batch.schema))
    if only_flagged:
        out = out.filter(found.column("flagged").fill_null(False))
    return out


def results(moderator: Moderator, strings: Any, policy: str | None = None,
            content_type: str = "text/plain", languages: Languages = None) -> pa.RecordBatch:
    """RESULTS of a string array, row for row (check_arrow with `action` decoded)."""
    found = check_arrow(moderator, strings, policy, content_type, languages)
    flagged, action, cleaned, matches = found.columns
    return pa.RecordBatch.from_arrays([flagged, action.dictionary_decode(), cleaned, matches], schema=RESULTS)


def check_call(moderator: Moderator, policy: str | None, content_type: str, languages: Languages) -> None:
    """What `check` raises for this policy, content type and languages, raised now (before an
    engine starts a job), not in a worker."""
    moderator.policy_for(policy, content_type, languages)


class Job:
    """What an engine's function carries to its workers (pickled with its moderator): the text
    column and how to check it, refused at once when the policy, content type or languages are
    wrong (check_call)."""

    def __init__(self, moderator: Moderator, field: str = "text", policy: str | None = None,
                 content_type: str = "text/plain", languages: Languages = None) -> None:
        check_call(moderator, policy, content_type, languages)
        self.moderator, self.field, self.policy, self.content_type = moderator, field, policy, content_type
        self.languages = languages

    def moderated(self, batch: pa.RecordBatch | pa.Table) -> pa.RecordBatch:
        return moderated(self.moderator, batch, self.field, self.policy, self.content_type, languages=self.languages)

    def results(self, strings: Any) -> pa.RecordBatch:
        return results(self.moderator, strings, self.policy, self.content_type, self.languages)


def appended(schema: pa.Schema) -> pa.Schema:
    """`schema`'s fields, then RESULTS's, with the input's metadata (pandas' index, say) kept."""
    return pa.schema([*schema, *RESULTS], metadata=schema.metadata)
