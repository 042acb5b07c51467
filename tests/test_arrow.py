"""check_arrow and check_series (issue 14): the columns of DESIGN.md, row for row what `check` says.

Nulls: a null text gives a null row, null in every column (DESIGN: "a null text gives a null row"),
so that no text is never counted as a clean one.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import Moderator, UnknownPolicyError, UnsupportedContentTypeError
from moderation.batch import check_arrow, check_series
from moderation.engine.masking import MaskRule
from moderation.engine.policy import Policy

TEXTS = [
    "What the f**k, that is sh1t.",
    "A quiet day in Scunthorpe, with a cocktail at the Dickens.",
    "",
    "fuuuuck f.u.c.k and ѕhit",  # repeats, separators, a Cyrillic ѕ
    "motherfucker\u200b and bullshit",
    "I'm f***ing telling you",
    "nothing to see here",
]
HTML = ["<p>What the <b>fu</b>ck</p>", "<p>clean <a href='/shit'>link</a></p>", "<p>f&#117;ck</p>"]
EXPECTED_SCHEMA = pa.schema([
    ("flagged", pa.bool_()),
    ("action", pa.dictionary(pa.int32(), pa.string())),
    ("cleaned", pa.string()),
    ("matches", pa.list_(pa.struct([
        ("start", pa.int32()), ("end", pa.int32()), ("text", pa.string()), ("term", pa.string()),
        ("category", pa.string()), ("severity", pa.int8()), ("evasions", pa.list_(pa.string())),
        ("list", pa.string()), ("language", pa.string()),
    ]))),
])


@pytest.fixture(scope="module")
def strict(moderator: Moderator) -> Moderator:
    """The bundled lists with a second policy that blocks anything and replaces what it masks."""
    policies = {**moderator.config.policies,
                "strict": Policy(name="strict", block_at=1, mask=MaskRule("replace"))}
    return Moderator(dataclasses.replace(moderator.config, policies=policies), moderator.lists, moderator.version)


def expected_row(mod: Moderator, text: str | None, policy: str | None = None,
                 content_type: str = "text/plain") -> dict[str, Any]:
    """The row `check` implies: cleaned null where it changed nothing, each match with a null language."""
    if text is None:
        return {"flagged": None, "action": None, "cleaned": None, "matches": None}
    result = mod.check(text, policy, content_type)
    return {"flagged": result.flagged, "action": result.action,
            "cleaned": None if result.cleaned == text else result.cleaned,
            "matches": [m.to_dict() for m in result.matches]}


def test_the_schema_is_the_contract(moderator: Moderator) -> None:
    batch = check_arrow(moderator, pa.array(TEXTS))
    assert isinstance(batch, pa.RecordBatch)
    assert batch.schema == EXPECTED_SCHEMA
    assert [f.type for f in batch.schema] == [f.type for f in EXPECTED_SCHEMA]
    assert check_arrow(moderator, pa.array([], pa.string())).schema == EXPECTED_SCHEMA


def test_each_row_is_what_check_gives(moderator: Moderator) -> None:
    rows = check_arrow(moderator, pa.array(TEXTS)).to_pylist()
    assert rows == [expected_row(moderator, t) for t in TEXTS]
    assert [r["flagged"] for r in rows] == [True, False, False, True, True, True, False]
    assert rows[0]["matches"][1] == {"start": 23, "end": 27, "text": "sh1t", "term": "shit",
                                     "category": "profanity", "severity": 2, "evasions": ["leet"],
                                     "list": "en/profanity", "language": "en"}


def test_another_policy_and_every_action(strict: Moderator) -> None:
    rows = check_arrow(strict, pa.array(TEXTS), policy="strict").to_pylist()
    assert rows == [expected_row(strict, t, "strict") for t in TEXTS]
    assert {r["action"] for r in rows} == {"allow", "block"}
    batch = check_arrow(strict, pa.array(TEXTS))
    assert batch.column("action").dictionary.to_pylist() == ["allow", "mask", "review", "block"]


def test_clean_rows_cost_no_copy_and_have_empty_matches(moderator: Moderator) -> None:
    batch = check_arrow(moderator, pa.array(["clean", "also clean", "shit"]))
    assert batch.column("cleaned").to_pylist() == [None, None, "s***"]
    matches = batch.column("matches")
    assert matches.null_count == 0
    assert matches.to_pylist()[:2] == [[], []]


def test_results_are_built_for_the_flagged_rows_only(moderator: Moderator, monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    real = moderator._result

    def counted(text: str, *args: Any) -> Any:
        built.append(text)
        return real(text, *args)

    monkeypatch.setattr(moderator, "_result", counted)
    texts = ["a clean comment about the weather"] * 1000 + ["well shit"]
    assert check_arrow(moderator, pa.array(texts)).column("flagged").to_pylist() == [False] * 1000 + [True]
    assert built == ["well shit"]


def test_a_null_text_is_a_null_row(moderator: Moderator) -> None:
    texts = [None, *TEXTS[:3], None, *TEXTS[3:], None]
    batch = check_arrow(moderator, pa.array(texts, pa.string()))
    assert batch.to_pylist() == [expected_row(moderator, t) for t in texts]
    assert [batch.column(name).null_count for name in ("flagged", "action", "matches")] == [3, 3, 3]
    all_null = check_arrow(moderator, pa.array([None, None], pa.string()))
    assert all_null.to_pylist() == [expected_row(moderator, None)] * 2


@pytest.mark.parametrize("shape", ["large_string", "chunked", "table column", "record batch column",
                                   "dictionary", "nulls in the dictionary", "sliced"])
def test_every_arrow_shape_of_strings(moderator: Moderator, shape: str) -> None:
    texts = [*TEXTS, None]
    strings = {
        "large_string": lambda: pa.array(texts, pa.large_string()),
        "chunked": lambda: pa.chunked_array([texts[:2], [], texts[2:]], pa.string()),
        "table column": lambda: pa.table({"id": range(len(texts)), "text": texts}).column("text"),
        "record batch column": lambda: pa.RecordBatch.from_arrays([pa.array(texts)], ["text"]).column("text"),
        "dictionary": lambda: pa.array(texts).dictionary_encode(),
        "nulls in the dictionary": lambda: pa.DictionaryArray.from_arrays(
            pa.array(range(len(texts))), pa.array(texts)),
        "sliced": lambda: pa.array(["shit", *texts, "shit"]).slice(1, len(texts)),
    }[shape]()
    assert check_arrow(moderator, strings).to_pylist() == [expected_row(moderator, t) for t in texts]


def test_html_offsets_point_into_the_markup(moderator: Moderator) -> None:
    rows = check_arrow(moderator, pa.array(HTML), content_type="text/html").to_pylist()
    assert rows == [expected_row(moderator, t, content_type="text/html") for t in HTML]
    first = rows[0]["matches"][0]
    assert HTML[0][first["start"] : first["end"]] == first["text"] == "fu</b>ck"
    assert rows[1]["flagged"] is False  # a link's destination is never read


def test_an_unknown_policy_or_content_type_raises_as_check_does(moderator: Moderator) -> None:
    for strings in (pa.array(TEXTS), pa.array([], pa.string())):
        with pytest.raises(UnknownPolicyError) as arrow_error:
            check_arrow(moderator, strings, policy="nope")
        with pytest.raises(UnknownPolicyError) as check_error:
            moderator.check("text", policy="nope")
        assert str(arrow_error.value) == str(check_error.value)
        with pytest.raises(UnsupportedContentTypeError):
            check_arrow(moderator, strings, content_type="application/pdf")


@pytest.mark.parametrize("strings", [pa.array([1, 2]), pa.array([b"shit"]), pa.array([["shit"]]),
                                     ["a python list"], pa.array([None])], ids=repr)
def test_what_is_not_strings_is_a_type_error(moderator: Moderator, strings: Any) -> None:
    with pytest.raises(TypeError, match="check_arrow needs"):
        check_arrow(moderator, strings)


def test_pandas_keeps_the_index(moderator: Moderator) -> None:
    texts = [*TEXTS, None, float("nan")]
    series = pd.Series(texts, index=[f"c{i}" for i in range(len(texts))], dtype=object)
    frame = check_series(moderator, series)
    assert list(frame.columns) == EXPECTED_SCHEMA.names
    assert list(frame.index) == list(series.index)
    rows = [expected_row(moderator, t if isinstance(t, str) else None) for t in texts]
    assert frame["matches"].tolist() == [r["matches"] for r in rows]
    assert frame["flagged"].tolist() == [r["flagged"] for r in rows]
    assert [a if isinstance(a, str) else None for a in frame["action"]] == [r["action"] for r in rows]
    assert [c if isinstance(c, str) else None for c in frame["cleaned"]] == [r["cleaned"] for r in rows]
    assert isinstance(frame["action"].dtype, pd.CategoricalDtype)


def test_pandas_string_dtype_and_empty(moderator: Moderator) -> None:
    series = pd.Series(["shit", "fine"], dtype="string", index=[7, 3])
    assert check_series(moderator, series)["flagged"].tolist() == [True, False]
    assert list(check_series(moderator, pd.Series([], dtype=object)).columns) == EXPECTED_SCHEMA.names


def test_the_batch_surface_is_pinned() -> None:
    import moderation.batch

    assert sorted(moderation.batch.__all__) == ["check_arrow", "check_series"]


def test_importing_the_batch_package_does_not_load_pyarrow() -> None:
    probe = ("import sys, moderation.batch, moderation.cli, moderation.service; "
             "assert 'pyarrow' not in sys.modules and 'pandas' not in sys.modules; "
             "from moderation.batch import check_arrow; assert 'pyarrow' in sys.modules")
    subprocess.run([sys.executable, "-c", probe], check=True)


WORDS = ["shit", "f**k", "sh1t", "Scunthorpe", "cocktail", "the", "f.u.c.k", "ass", "class", "<b>", "fu</b>ck"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.none() | st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join), max_size=12))
def test_any_column_is_check_row_by_row(moderator: Moderator, texts: list[str | None]) -> None:
    rows = check_arrow(moderator, pa.array(texts, pa.string())).to_pylist()
    assert rows == [expected_row(moderator, t) for t in texts]
