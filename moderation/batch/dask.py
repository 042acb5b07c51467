"""The engine inside Dask (the extra `moderation[dask]`): the columns of
`moderation.batch.columns.RESULTS`, added to a Dask DataFrame in one line.

    from moderation.batch import dask as moderation_dask
    out = moderation_dask.moderate(frame, mod, field="body")   # map_partitions with its meta

Each partition keeps its columns and index; RESULTS come as pandas ArrowDtype columns, so that
`out.compute()` or `to_parquet` hold exactly RESULTS' Arrow types. The Moderator is shipped
pickled (its config and lists) and each worker process builds it once.
"""

from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from moderation.batch.columns import RESULTS, ColumnError, Job
from moderation.engine.moderator import Languages, Moderator


def moderate(frame: dd.DataFrame, moderator: Moderator, field: str = "text", policy: str | None = None,
             content_type: str = "text/plain", languages: Languages = None) -> dd.DataFrame:
    """`frame` with RESULTS added for its column `field`, by `map_partitions` with the right meta.
    ColumnError at once for a missing column, or one whose dtype does not hold strings.
    `languages` as for `check` ("auto": each row's own)."""
    partition = Partition(moderator, field, policy, content_type, languages)
    out: dd.DataFrame = frame.map_partitions(partition, meta=partition(frame._meta))  # type: ignore[no-untyped-call]
    return out


class Partition(Job):
    """The function `map_partitions` calls on each pandas partition: its columns, then RESULTS
    (`frame.map_partitions(Partition(mod, "body"), meta=...)`; run on an empty frame, it gives
    the meta)."""

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        if self.field not in part.columns:
            raise ColumnError(f"no column {self.field!r} (columns: {', '.join(map(str, part.columns))}); "
                              "choose one with field=")
        taken = [name for name in RESULTS.names if name in part.columns]
        if taken:
            raise ColumnError(f"the frame already has a column named {', '.join(map(repr, taken))}, as the "
                              "results are named; rename it first")
        strings = pa.Array.from_pandas(part[self.field])
        if strings.type == pa.null():  # empty, or nothing but None: no type to infer
            strings = strings.cast(pa.string())
        try:
            found = self.results(strings)
        except TypeError:
            raise ColumnError(f"column {self.field!r} holds {part[self.field].dtype}, not strings; choose the "
                              "text column with field=") from None
        added = {name: pd.Series(pd.arrays.ArrowExtensionArray(column), index=part.index)
                 for name, column in zip(RESULTS.names, found.columns, strict=True)}
        return part.assign(**added)
