"""Files and folders, and Arrow columns: the batch faces of the engine.

Open `runner.py` first: it discovers the inputs, checks them in order over worker processes
and writes cleaned copies so that nothing is lost. `documents` reads text, HTML, Markdown,
JSONL, CSV and (with `parquet`) Parquet into items; `report` renders the results as text, JSON or
JSONL. `arrow` checks a pyarrow string array (or a pandas Series) into columns: `check_arrow` and
`check_series`, loaded on first use so that the CLI and the service never import pyarrow unless
asked. `columns` puts the result columns beside a table's own, for the CLI's Parquet report and
for the engines: `spark`, `dask` and `ray` (each imported only by its user, with its extra).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moderation.batch.arrow import check_arrow, check_series

__all__ = ["check_arrow", "check_series"]


def __getattr__(name: str) -> Any:
    """check_arrow and check_series, imported (with pyarrow) when first asked for."""
    if name in __all__:
        from moderation.batch import arrow

        return getattr(arrow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
