"""count_votes on a Dask DataFrame, reduced on a LocalCluster with two worker processes."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import elosim

_frames = runpy.run_path(str(Path(__file__).with_name("_vote_frames.py")))
vote_frame = _frames["vote_frame"]
check_label_warnings = _frames["check_label_warnings"]

dd = pytest.importorskip(
    "dask.dataframe", reason="Dask is not installed (pip install 'elosim[dask]')"
)
distributed = pytest.importorskip(
    "dask.distributed", reason="dask.distributed is not installed (pip install 'elosim[dask]')"
)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    cl = distributed.Client(cluster)
    try:
        yield cl
    finally:
        cl.close()
        cluster.close()


def test_dask_counts_equal_in_memory_counts(client: Any) -> None:
    df = vote_frame()
    ddf = dd.from_pandas(df, npartitions=12)  # more partitions than split_every: a tree
    kw = {"weight": "weight", "cluster": "prompt", "time": "day"}
    got = elosim.count_votes(ddf, **kw)
    assert got.equals(elosim.count_votes(df, **kw))
    ref = elosim.Votes.from_frame(df, weight="weight", cluster="prompt")
    assert np.array_equal(got.cell_count, ref.counts.cell_count)
    assert (got.cluster_counts != ref.cluster_matrix()).nnz == 0


def test_dask_errors_name_value_and_count(client: Any) -> None:
    df = vote_frame(500)
    df.loc[[3, 40, 41], "winner"] = "foo"
    with pytest.raises(elosim.VotesError, match=r"unknown outcome label\(s\): 'foo' \(3 row"):
        elosim.count_votes(dd.from_pandas(df, npartitions=4))
    df = vote_frame(500)
    with pytest.raises(elosim.VotesError, match=r"'nope' .for side A. not found"):
        elosim.count_votes(dd.from_pandas(df, npartitions=4), a="nope")


def test_dask_label_warnings_match_votes(client: Any) -> None:
    check_label_warnings(lambda df: dd.from_pandas(df, npartitions=2))
