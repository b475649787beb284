"""count_votes on a Spark DataFrame: a groupBy count run by local-mode PySpark."""

from __future__ import annotations

import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import elosim

_frames = runpy.run_path(str(Path(__file__).with_name("_vote_frames.py")))
vote_frame = _frames["vote_frame"]
check_label_warnings = _frames["check_label_warnings"]

pyspark_sql = pytest.importorskip(
    "pyspark.sql", reason="PySpark is not installed (pip install 'elosim[spark]')"
)
if shutil.which("java") is None:  # pragma: no cover - CI installs a JRE (.ci/run)
    pytest.skip("PySpark needs Java (a JRE) on PATH", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("elosim-count-votes-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def _spark_frame(spark: Any, df: Any) -> Any:
    # rows as tuples: Spark's pandas conversion warns under pandas 3
    cols = list(df.columns)
    rows = [tuple(r) for r in df.itertuples(index=False, name=None)]
    return spark.createDataFrame(rows, schema=cols)


def test_spark_counts_equal_in_memory_counts(spark: Any) -> None:
    df = vote_frame()
    kw = {"weight": "weight", "cluster": "prompt", "time": "day"}
    got = elosim.count_votes(_spark_frame(spark, df), **kw)
    assert got.equals(elosim.count_votes(df, **kw))
    ref = elosim.Votes.from_frame(df, weight="weight", cluster="prompt")
    assert np.array_equal(got.cell_count, ref.counts.cell_count)
    assert np.array_equal(got.cell_weight, ref.counts.cell_weight)
    assert (got.cluster_counts != ref.cluster_matrix()).nnz == 0


def test_spark_errors_name_value_and_count(spark: Any) -> None:
    df = vote_frame(400)
    df.loc[[3, 40, 41], "winner"] = "foo"
    df.loc[7, "model_b"] = df.loc[7, "model_a"]
    sdf = _spark_frame(spark, df)
    with pytest.raises(elosim.VotesError, match=r"unknown outcome label\(s\): 'foo' \(3 row"):
        elosim.count_votes(sdf)
    with pytest.raises(elosim.VotesError, match=r"'nope' \(for the outcome\) not found"):
        elosim.count_votes(sdf, winner="nope")


def test_spark_label_warnings_match_votes(spark: Any) -> None:
    check_label_warnings(lambda df: _spark_frame(spark, df))
