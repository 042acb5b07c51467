"""The engine inside Ray Data (the extra `moderation[ray]`): the columns of
`moderation.batch.columns.RESULTS`, added to a Dataset in one line.

    from moderation.batch import ray as moderation_ray
    out = moderation_ray.moderate(dataset, mod, field="body", concurrency=4)   # 4 actors

`Moderate` is a callable class for `Dataset.map_batches` (batch_format="pyarrow"): Ray makes one
per actor, so the Moderator (shipped pickled: its config and lists) is built once per actor and
used for every batch it is given.
"""

from __future__ import annotations

import pyarrow as pa
from ray.data import ActorPoolStrategy, Dataset

from moderation.batch.columns import Job, check_call, check_columns
from moderation.engine.moderator import Languages, Moderator


class Moderate(Job):
    """`dataset.map_batches(Moderate, fn_constructor_args=(mod,), fn_constructor_kwargs={"field": "body"},
    batch_format="pyarrow", compute=ActorPoolStrategy(size=N))`: each batch's columns, then RESULTS."""

    def __call__(self, batch: pa.Table) -> pa.Table:
        return pa.Table.from_batches([self.moderated(batch)])


def moderate(dataset: Dataset, moderator: Moderator, field: str = "text", policy: str | None = None,
             content_type: str = "text/plain", concurrency: int = 1, batch_size: int | None = 4096,
             languages: Languages = None) -> Dataset:
    """`dataset` with RESULTS added for its string column `field`, by `map_batches` over
    `concurrency` actors. ColumnError at once when the dataset's schema is known and `field` is
    missing or not a string column. `languages` as for `check` ("auto": each row's own)."""
    known = dataset.schema(fetch_if_missing=False)
    if known is not None and isinstance(getattr(known, "base_schema", None), pa.Schema):
        check_columns(known.base_schema, field)
    check_call(moderator, policy, content_type, languages)
    return dataset.map_batches(Moderate, fn_constructor_args=(moderator, field, policy, content_type, languages),
                               batch_format="pyarrow", compute=ActorPoolStrategy(size=concurrency),
                               batch_size=batch_size)
