"""Arrow columns in, Arrow columns out: `check_arrow` for data frames and query engines.

pyarrow is the extra `moderation[arrow]`. This module is imported on the first use of
`moderation.batch.check_arrow`, so the CLI and the service, which import `moderation.batch`, never
load pyarrow. Results are built for the flagged rows only (`Moderator.flagged_among`): a clean row
costs a False, an "allow", a null and an empty list, and no copy of its text. Each column is
built as one Python list and handed to pyarrow once, with its type.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from moderation.engine.moderator import Languages, Moderator
from moderation.engine.result import Match, Result

try:
    import pyarrow as pa
except ImportError as e:  # pragma: no cover - the extra is installed wherever this is tested
    raise ImportError("check_arrow needs pyarrow: pip install 'moderation[arrow]'") from e

if TYPE_CHECKING:
    import pandas as pd

ACTIONS = ("allow", "mask", "review", "block")  # the action column's dictionary, in this order
_ACTION_CODE = {action: code for code, action in enumerate(ACTIONS)}
MATCH = pa.struct([
    ("start", pa.int32()), ("end", pa.int32()), ("text", pa.string()), ("term", pa.string()),
    ("category", pa.string()), ("severity", pa.int8()), ("evasions", pa.list_(pa.string())),
    ("list", pa.string()), ("language", pa.string()),
])
SCHEMA = pa.schema([
    ("flagged", pa.bool_()),
    ("action", pa.dictionary(pa.int32(), pa.string())),  # int32: what dictionary_encode() and Parquet give
    ("cleaned", pa.string()),  # null where nothing changed
    ("matches", pa.list_(MATCH)),  # empty, not null, for a clean row
])


def check_arrow(moderator: Moderator, strings: Any, policy: str | None = None,
                content_type: str = "text/plain", languages: Languages = None) -> pa.RecordBatch:
    """`check` of each string of a pyarrow string or large_string array (or a ChunkedArray, such
    as a table's column), as one RecordBatch of SCHEMA's columns, row for row.

    A null string is no text, which is not a clean text: its row is null in every column. An
    unknown policy or content type raises what `check` raises, before any work; an array that
    does not hold strings raises TypeError. `languages` as for `check`, "auto" per row."""
    moderator.policy_for(policy, content_type, languages)
    texts = _texts(strings)
    # Not null_count: a dictionary array may hold its nulls in its dictionary (4 ms for 300k rows).
    missing = [i for i, text in enumerate(texts) if text is None] if None in texts else []
    found = _flagged(moderator, texts, missing, policy, content_type, languages)
    return pa.RecordBatch.from_arrays([
        _flags(len(texts), found, missing),
        _actions(len(texts), found, missing),
        _cleaned(texts, found),
        _matches(len(texts), found, missing),
    ], schema=SCHEMA)


def check_series(moderator: Moderator, series: pd.Series, policy: str | None = None,
                 content_type: str = "text/plain", languages: Languages = None) -> pd.DataFrame:
    """`check_arrow` of a pandas Series of strings (None and NaN are no text), as a DataFrame of the
    same columns on the series' index: action is categorical, matches holds lists of dicts (as
    `Match.to_dict` gives, with language), not numpy arrays of them, to compare and to dump as JSON."""
    array = pa.Array.from_pandas(series)
    if array.type == pa.null():  # empty, or nothing but None: no type to infer
        array = array.cast(pa.string())
    *columns, matches = check_arrow(moderator, array, policy, content_type, languages).columns
    frame = pa.RecordBatch.from_arrays(columns, names=SCHEMA.names[:-1]).to_pandas()
    frame["matches"] = matches.to_pylist()
    frame.index = series.index
    return frame


def _texts(strings: Any) -> list[str | None]:
    if not isinstance(strings, pa.Array | pa.ChunkedArray):
        raise TypeError(f"check_arrow needs a pyarrow string array, not {type(strings).__name__}")
    held = strings.type.value_type if pa.types.is_dictionary(strings.type) else strings.type
    if not (pa.types.is_string(held) or pa.types.is_large_string(held)):
        raise TypeError(f"check_arrow needs an array of strings (string or large_string), not of {strings.type}")
    texts: list[str | None] = strings.to_pylist()
    return texts


def _flagged(moderator: Moderator, texts: list[str | None], missing: list[int], policy: str | None,
             content_type: str, languages: Languages) -> dict[int, Result]:
    """The results of the flagged rows, by row; null rows are left out of the scan."""
    if not missing:
        return moderator.flagged_among(cast(list[str], texts), policy, content_type, languages)
    rows = [i for i, text in enumerate(texts) if text is not None]
    found = moderator.flagged_among([text for text in texts if text is not None], policy, content_type, languages)
    return {rows[i]: result for i, result in found.items()}


def _flags(n: int, found: dict[int, Result], missing: list[int]) -> pa.Array:
    flags: list[bool | None] = [False] * n
    for i in found:
        flags[i] = True
    for i in missing:
        flags[i] = None
    return pa.array(flags, pa.bool_())


def _actions(n: int, found: dict[int, Result], missing: list[int]) -> pa.Array:
    codes: list[int | None] = [0] * n  # allow
    for i, result in found.items():
        codes[i] = _ACTION_CODE[result.action]
    for i in missing:
        codes[i] = None
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(ACTIONS, pa.string()))


def _cleaned(texts: list[str | None], found: dict[int, Result]) -> pa.Array:
    cleaned: list[str | None] = [None] * len(texts)
    for i, result in found.items():
        if result.cleaned != texts[i]:
            cleaned[i] = result.cleaned
    return pa.array(cleaned, pa.string())


def _matches(n: int, found: dict[int, Result], missing: list[int]) -> pa.Array:
    """One list of match structs per row: the flagged rows' matches in row order, as columns."""
    counts = [0] * n
    every: list[Match] = []
    for i in sorted(found):
        counts[i] = len(found[i].matches)
        every.extend(found[i].matches)
    offsets = pa.array(list(itertools.accumulate(counts, initial=0)), pa.int32())
    mask = None
    if missing:
        nulls = [False] * n
        for i in missing:
            nulls[i] = True
        mask = pa.array(nulls, pa.bool_())
    return pa.ListArray.from_arrays(offsets, _match_structs(every), type=SCHEMA.field("matches").type, mask=mask)


def _match_structs(matches: Sequence[Match]) -> pa.StructArray:
    evasion_offsets = pa.array(list(itertools.accumulate((len(m.evasions) for m in matches), initial=0)), pa.int32())
    evasions = pa.array([e for m in matches for e in m.evasions], pa.string())
    columns = [
        pa.array([m.start for m in matches], pa.int32()),
        pa.array([m.end for m in matches], pa.int32()),
        pa.array([m.text for m in matches], pa.string()),
        pa.array([m.term for m in matches], pa.string()),
        pa.array([m.category for m in matches], pa.string()),
        pa.array([m.severity for m in matches], pa.int8()),
        pa.ListArray.from_arrays(evasion_offsets, evasions, type=MATCH.field("evasions").type),
        pa.array([m.list for m in matches], pa.string()),
        pa.array([m.language for m in matches], pa.string()),
    ]
    return pa.StructArray.from_arrays(columns, fields=list(MATCH))
