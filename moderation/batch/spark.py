"""The engine inside Spark (PySpark 4.1 or later, the extra `moderation[spark]`): the columns of
`moderation.batch.columns.RESULTS`, added to a DataFrame in one line.

    from moderation.batch import spark as moderation_spark
    out = moderation_spark.moderate(df, mod, field="body")            # DataFrame.mapInArrow
    out = df.withColumn("moderation", moderation_spark.udf(mod)("body"))  # an Arrow UDF: one struct column

`moderate` streams each partition's Arrow batches through `moderated` and keeps every column of
`df`; `udf` is a native Arrow UDF (no pandas) whose struct holds the same four fields, for a
`select` or `withColumn` among other expressions. Either ships the Moderator pickled (its config
and lists), and each Python worker builds it once (`Moderator.__reduce__`). Spark has no
dictionary type, hence `action` as a plain string in every engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql.pandas.functions import arrow_udf
from pyspark.sql.pandas.types import from_arrow_schema, from_arrow_type, to_arrow_schema
from pyspark.sql.types import StructType

from moderation.batch.columns import RESULTS, Job, check_call, check_columns, results
from moderation.engine.moderator import Languages, Moderator


def moderate(df: DataFrame, moderator: Moderator, field: str = "text", policy: str | None = None,
             content_type: str = "text/plain", languages: Languages = None) -> DataFrame:
    """`df` with RESULTS added for its string column `field`, by `DataFrame.mapInArrow`.
    ColumnError at once for a missing or non-string `field`; UnknownPolicyError for a policy the
    config lacks. `languages` as for `check` ("auto": each row's own)."""
    _check_columns(df.schema, field)
    check_call(moderator, policy, content_type, languages)
    return df.mapInArrow(InArrow(moderator, field, policy, content_type, languages), schema(df.schema))


def _check_columns(columns: StructType, field: str) -> None:
    """columns.check_columns on a Spark schema: only the text column's type is converted, since
    some Spark types (variant, intervals) have no Arrow type."""
    names = columns.names
    kind = to_arrow_schema(StructType([columns[field]])).field(0).type if field in names else pa.null()
    check_columns(pa.schema([(name, kind if name == field else pa.null()) for name in names]), field)


def schema(columns: StructType) -> StructType:
    """The Spark schema of `moderate`'s output: `columns`, then RESULTS."""
    return StructType([*columns.fields, *from_arrow_schema(RESULTS).fields])


class InArrow(Job):
    """The function `DataFrame.mapInArrow` calls in each Python worker: batches in, batches with
    RESULTS appended out (`mapInArrow(InArrow(mod, "body"), schema(df.schema))`)."""

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield self.moderated(batch)


RESULT_STRUCT = pa.struct(list(RESULTS))  # the Arrow UDF's return type: RESULTS as one struct


def udf(moderator: Moderator, policy: str | None = None, content_type: str = "text/plain",
        languages: Languages = None) -> Any:
    """A native Arrow UDF of one string column, returning a struct of RESULTS' fields (a null text
    gives a struct of nulls): `df.withColumn("moderation", udf(mod)("body"))`, then
    `.select("*", "moderation.*")` for them as columns."""
    check_call(moderator, policy, content_type, languages)

    def check(strings: pa.Array) -> pa.Array:
        found = results(moderator, strings, policy, content_type, languages)
        return pa.StructArray.from_arrays(found.columns, fields=list(RESULTS))

    make: Any = arrow_udf  # its stubs take no struct as the return type, which it does take
    return make(check, from_arrow_type(RESULT_STRUCT))
