"""The engine inside Spark, Dask and Ray (issue 14), each run for real in local mode: the same
columns (names and Arrow types: columns.RESULTS) and the same values, row for row what `check`
says, beside every column of the input.

CI installs every engine and Java (.ci/run): a missing one fails its tests, none is skipped.
One engine session per module (Spark local[1] without its UI, Ray on 2 CPUs), a few hundred rows.
"""

from __future__ import annotations

import os
import pickle
import re
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from moderation import Moderator, UnknownLanguageError, UnknownPolicyError
from moderation.batch import check_arrow
from moderation.batch.columns import RESULTS, ColumnError, moderated
from tests.test_arrow import TEXTS, expected_row

# Warnings of the engines about themselves: PySpark 4.3 of pandas 3 when a DataFrame is made (what
# these tests use of it works), Ray 2.60 of its own default settings.
pytestmark = [pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")]
ROWS = 240  # TEXTS cycled, every 7th a null text
TEXT_COLUMNS = ["id", "body", "score"]


@pytest.fixture(scope="module")
def table() -> pa.Table:
    bodies = [None if i % 7 == 3 else TEXTS[i % len(TEXTS)] for i in range(ROWS)]
    return pa.table({"id": pa.array(range(ROWS), pa.int64()), "body": pa.array(bodies, pa.string()),
                     "score": pa.array([i / 4 if i % 5 else None for i in range(ROWS)], pa.float64())})


@pytest.fixture(scope="module")
def expected(moderator: Moderator, table: pa.Table) -> list[dict[str, Any]]:
    """The rows every engine must give: the input's, then what `check` says of the body."""
    return [{**row, **expected_row(moderator, row["body"])} for row in table.to_pylist()]


def result_types(schema: pa.Schema) -> list[pa.DataType]:
    return [schema.field(name).type for name in RESULTS.names]


def by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: row["id"])


def test_moderated_is_check_beside_every_column(moderator: Moderator, table: pa.Table,
                                                 expected: list[dict[str, Any]]) -> None:
    out = moderated(moderator, table, "body")
    assert out.schema.names == [*TEXT_COLUMNS, *RESULTS.names]
    assert result_types(out.schema) == list(RESULTS.types)
    assert out.to_pylist() == expected
    flagged = moderated(moderator, table, "body", only_flagged=True)
    assert flagged.to_pylist() == [row for row in expected if row["flagged"]]
    assert 0 < flagged.num_rows < ROWS


@pytest.mark.parametrize(("field", "why"), [("text", "no column 'text' (columns: id, body, score)"),
                                            ("id", "column 'id' holds int64, not strings")])
def test_a_wrong_text_column_is_named(moderator: Moderator, table: pa.Table, field: str, why: str) -> None:
    with pytest.raises(ColumnError, match=re.escape(why)):
        moderated(moderator, table, field)


def test_languages_are_passed_to_check_arrow(moderator: Moderator, table: pa.Table) -> None:
    for languages in ("auto", ["en"]):
        found = check_arrow(moderator, table.column("body"), languages=languages).to_pylist()
        assert moderated(moderator, table, "body", languages=languages).select(RESULTS.names).to_pylist() == found
    with pytest.raises(UnknownLanguageError):
        moderated(moderator, table, "body", languages=["xx"])


def test_a_result_column_already_there_is_refused(moderator: Moderator, table: pa.Table) -> None:
    with pytest.raises(ColumnError, match="already has a column named 'flagged'"):
        moderated(moderator, table.append_column("flagged", pa.array([True] * ROWS)), "body")


# -- Spark -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    before = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter, which has moderation
    session = (SparkSession.builder.master("local[1]").appName("moderation-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")  # several batches per partition
               .getOrCreate())
    yield session
    session.stop()
    if before is None:
        del os.environ["PYSPARK_PYTHON"]
    else:
        os.environ["PYSPARK_PYTHON"] = before


@pytest.fixture(scope="module")
def spark_frame(spark: Any, table: pa.Table) -> Any:
    return spark.createDataFrame(table).repartition(2)


def test_spark_map_in_arrow(moderator: Moderator, spark_frame: Any, expected: list[dict[str, Any]]) -> None:
    from moderation.batch import spark as moderation_spark

    out = moderation_spark.moderate(spark_frame, moderator, field="body").toArrow()
    assert out.schema.names == [*TEXT_COLUMNS, *RESULTS.names]
    assert result_types(out.schema) == list(RESULTS.types)
    assert by_id(out.to_pylist()) == expected


def test_spark_arrow_udf(moderator: Moderator, spark_frame: Any, expected: list[dict[str, Any]]) -> None:
    from moderation.batch import spark as moderation_spark

    out = spark_frame.withColumn("moderation", moderation_spark.udf(moderator)("body"))
    flat = out.select("*", "moderation.*").drop("moderation").toArrow()
    assert flat.schema.names == [*TEXT_COLUMNS, *RESULTS.names]
    assert result_types(flat.schema) == list(RESULTS.types)
    # A null text gives a struct of nulls: the same row as mapInArrow's.
    assert by_id(flat.to_pylist()) == expected


def test_spark_reads_a_report_the_cli_put_together_from_parts(spark: Any, table: pa.Table, tmp_path: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's report is the workers' parts joined byte for byte under a footer of our own
    writing: Spark's own Parquet reader (Java, not Arrow's) reads it as pyarrow does."""
    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from moderation.batch import parquet
    from moderation.cli import main

    monkeypatch.setattr(parquet, "SPAN_ROWS", 1)
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(table, source, row_group_size=50)
    r = CliRunner().invoke(main, ["check", str(source), "--field", "body", "--format", "parquet", "--output", str(out),
                                  "--jobs", "2"])
    assert r.exit_code == 1, r.stderr
    assert pq.ParquetFile(out).metadata.num_row_groups == 5
    read = spark.read.parquet(str(out)).toArrow()
    assert read.to_pylist() == pq.read_table(out).to_pylist()


def test_spark_refuses_a_wrong_column_or_policy_before_any_job(moderator: Moderator, spark_frame: Any) -> None:
    from moderation.batch import spark as moderation_spark

    with pytest.raises(ColumnError, match="no column 'text'"):
        moderation_spark.moderate(spark_frame, moderator)
    with pytest.raises(ColumnError, match="column 'score' holds double"):
        moderation_spark.moderate(spark_frame, moderator, field="score")
    with pytest.raises(UnknownPolicyError):
        moderation_spark.moderate(spark_frame, moderator, field="body", policy="nope")
    with pytest.raises(UnknownPolicyError):
        moderation_spark.udf(moderator, policy="nope")
    with pytest.raises(UnknownLanguageError):
        moderation_spark.moderate(spark_frame, moderator, field="body", languages=["xx"])
    with pytest.raises(UnknownLanguageError):
        moderation_spark.udf(moderator, languages=["xx"])


# -- Dask ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_frame(table: pa.Table) -> Any:
    import dask.dataframe as dd

    return dd.from_pandas(table.to_pandas(), npartitions=3)


def test_dask_map_partitions_with_its_meta(moderator: Moderator, dask_frame: Any,
                                           expected: list[dict[str, Any]]) -> None:
    from moderation.batch import dask as moderation_dask

    out = moderation_dask.moderate(dask_frame, moderator, field="body")
    assert list(out.columns) == [*TEXT_COLUMNS, *RESULTS.names]
    assert [out.dtypes[name] for name in RESULTS.names] == [pd.ArrowDtype(t) for t in RESULTS.types]
    computed = out.compute(scheduler="processes", num_workers=2)  # pickled to other processes
    assert list(computed.index) == list(range(ROWS))
    arrow = pa.Table.from_pandas(computed, preserve_index=False)
    assert result_types(arrow.schema) == list(RESULTS.types)
    rows = arrow.to_pylist()
    for row in rows:  # pandas reads a null score as NaN
        row["score"] = None if row["score"] != row["score"] else row["score"]
    assert rows == expected


def test_dask_refuses_a_wrong_column_when_the_graph_is_built(moderator: Moderator, dask_frame: Any) -> None:
    from moderation.batch import dask as moderation_dask

    with pytest.raises(ColumnError, match="no column 'text'"):
        moderation_dask.moderate(dask_frame, moderator)
    with pytest.raises(ColumnError, match="column 'id' holds int64, not strings"):
        moderation_dask.moderate(dask_frame, moderator, field="id")
    with pytest.raises(UnknownLanguageError):
        moderation_dask.moderate(dask_frame, moderator, field="body", languages=["xx"])


# -- Ray -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_data() -> Iterator[Any]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_map_batches_over_actors(moderator: Moderator, ray_data: Any, table: pa.Table,
                                     expected: list[dict[str, Any]]) -> None:
    from moderation.batch import ray as moderation_ray

    dataset = ray_data.data.from_arrow([table.slice(0, 100), table.slice(100, 100), table.slice(200)])
    out = moderation_ray.moderate(dataset, moderator, field="body", concurrency=2, batch_size=50)
    arrow = pa.concat_tables(ray_data.get(out.to_arrow_refs()))
    assert arrow.schema.names == [*TEXT_COLUMNS, *RESULTS.names]
    assert result_types(arrow.schema) == list(RESULTS.types)
    assert by_id(arrow.to_pylist()) == expected


def test_ray_refuses_a_wrong_column_before_any_actor(moderator: Moderator, ray_data: Any, table: pa.Table) -> None:
    from moderation.batch import ray as moderation_ray

    dataset = ray_data.data.from_arrow(table)
    with pytest.raises(ColumnError, match="no column 'text'"):
        moderation_ray.moderate(dataset, moderator)
    with pytest.raises(UnknownPolicyError):
        moderation_ray.Moderate(moderator, "body", policy="nope")
    with pytest.raises(UnknownLanguageError):
        moderation_ray.moderate(dataset, moderator, field="body", languages=["xx"])


def test_the_callable_class_ships_the_moderator_pickled(moderator: Moderator, table: pa.Table) -> None:
    """What Ray sends each actor (the class's arguments) is the small pickle, not the automaton."""
    from moderation.batch import ray as moderation_ray

    shipped = pickle.dumps((moderator, "body"))
    assert len(shipped) < 1_000_000
    again, field = pickle.loads(shipped)
    assert pickle.loads(shipped)[0] is again  # built once in this process, then the cached one
    assert moderation_ray.Moderate(again, field)(table).to_pylist() == moderated(moderator, table, "body").to_pylist()
