"""``count_votes``: reduce any source of vote rows to :class:`~elosim.VoteCounts`.

One function for every source, in bounded memory: files (CSV, CSV.gz, Parquet; a path, a
glob or a directory), an in-memory DataFrame or mapping of columns, an iterator of
DataFrames, a pyarrow Table, a Dask DataFrame or a Spark DataFrame. Each source has its
engine (``_files.py``, ``_dask.py``, ``_spark.py``; frames here); all of them feed the same
kernel (:mod:`elosim.data.tally`), so the counts, the validation and the error messages are
those of :class:`~elosim.Votes`, whatever the source.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .._core.progress import ProgressBar
from .._core.validation import check_positive_int
from .columns import check_columns, role_columns, rows_text
from .counts import VoteCounts
from .tally import Tally, encode_batch

__all__ = ["count_votes"]

#: Rows per batch: the codes of a batch cost about 8 bytes per row and key column.
BATCH_ROWS = 1 << 20


def _column(frame: Any, name: str) -> Any:
    if type(frame).__module__.startswith("pyarrow"):
        return frame.column(name)
    return frame[name]


def _n_rows(frame: Any) -> int:
    if hasattr(frame, "num_rows"):
        return int(frame.num_rows)
    if isinstance(frame, Mapping):
        first = next(iter(frame.values()), ())
        return len(first)
    return len(frame)


def _slice(frame: Any, start: int, stop: int) -> Any:
    if hasattr(frame, "num_rows"):  # pyarrow Table / RecordBatch: zero copy
        return frame.slice(start, stop - start)
    if isinstance(frame, Mapping):
        return {k: v[start:stop] for k, v in frame.items()}
    return frame.iloc[start:stop]


def add_frame(tally: Tally, frame: Any, cols: Mapping[str, str], start: int,
              batch_rows: int, what: str = "frame") -> int:
    """Count one in-memory frame (in slices of ``batch_rows``); return its number of rows."""
    present = list(frame.keys()) if isinstance(frame, Mapping) else list(
        frame.column_names if hasattr(frame, "column_names") else frame.columns
    )
    check_columns(present, cols, what)
    n = _n_rows(frame)
    for lo in range(0, n, batch_rows):
        part = _slice(frame, lo, min(lo + batch_rows, n)) if n > batch_rows else frame
        columns = {role: _column(part, name) for role, name in cols.items() if role != "count"}
        count = _column(part, cols["count"]) if "count" in cols else None
        tally.add_batch(encode_batch(columns, start + lo, count))
    return n


def _is_frame(x: Any) -> bool:
    return isinstance(x, Mapping) or hasattr(x, "columns") or hasattr(x, "column_names")


def count_votes(
    source: Any,
    *,
    a: str = "model_a",
    b: str = "model_b",
    winner: str = "winner",
    weight: str | None = None,
    cluster: str | None = None,
    time: str | None = None,
    count: str | None = None,
    items: Sequence[str] | None = None,
    drop_self: bool = False,
    encoding: str = "utf-8",
    batch_rows: int = BATCH_ROWS,
    progress: bool = True,
) -> VoteCounts:
    """Reduce vote rows from any source to their counts, in bounded memory.

    Every row is read once; memory holds one batch of rows and the counts, never all the
    votes. ``bradley_terry(count_votes(path))`` is the whole out-of-core workflow, and
    :func:`~elosim.bootstrap` (also with ``cluster=True``) works on the result.

    Parameters
    ----------
    source
        Where the votes are:

        * a path to a ``.csv``, ``.csv.gz`` or ``.parquet`` (``.pq``) file, a glob pattern
          (``"votes/*.parquet"``) or a directory (every such file in it, recursively,
          sorted by name). Read with pyarrow's streaming readers (needs pyarrow).
        * a DataFrame (pandas, or anything indexable by column name), a mapping of column
          name to values, or a pyarrow Table;
        * an iterable of such frames (e.g. ``pd.read_csv(..., chunksize=...)``);
        * a Dask DataFrame: reduced on the workers (tree reduction over partitions);
        * a Spark DataFrame: a ``groupBy`` count run by Spark.
    a, b, winner : str
        Columns of side A, side B and the outcome (LMArena's names by default); the
        outcome may hold ``model_a`` / ``model_b`` / ``tie`` / ``tie (bothbad)`` /
        ``both_bad``, the winning item's name, or 1 / 0 / 0.5, as in
        :meth:`elosim.Votes.from_frame`.
    weight : str, optional
        Column of per-vote weights (cells then are (pair, outcome, weight)).
    cluster : str, optional
        Column of cluster ids (prompt, user, ...): counts are kept per cluster, for the
        cluster bootstrap and the cluster-robust covariance.
    time : str, optional
        Column of time bins (e.g. a date or a week): counts are kept per bin. Every
        distinct value is a bin, so pass binned values, not raw time stamps.
    count : str, optional
        Column of vote counts: each row stands for that many identical votes (a table
        that is already aggregated, e.g. by SQL).
    items : sequence of str, optional
        The full set of item labels (default: the labels seen, sorted).
    drop_self : bool
        Drop self-comparisons instead of raising.
    encoding : str
        Text encoding of CSV files.
    batch_rows : int
        Rows per batch (memory: about 8 bytes per row and key column).
    progress : bool
        Show a progress bar on standard error (only when it is a terminal): bytes of
        files, rows of frames.

    Returns
    -------
    VoteCounts

    Raises
    ------
    FileNotFoundError
        A path, glob or directory names no vote file.
    TypeError
        ``source`` is of no supported kind, or labels are of the wrong type.
    elosim.VotesError
        The same problems as :meth:`elosim.Votes.from_frame` (missing columns, missing
        or unknown labels, outcomes and weights, self-comparisons), named with the file
        and its line (the header is line 1) or the row, and counted over the whole source.

    Examples
    --------
    >>> import pandas as pd, elosim
    >>> df = pd.DataFrame({"model_a": ["x", "y", "x"], "model_b": ["y", "z", "z"],
    ...                    "winner": ["model_a", "tie", "model_b"]})
    >>> counts = elosim.count_votes(df)
    >>> counts
    <VoteCounts: 3 votes, 3 items, 3 cells, 1 ties>
    >>> counts.equals(elosim.Votes.from_frame(df).counts)
    True
    """
    cols = role_columns(a, b, winner, weight, cluster, time)
    if count is not None:
        if not isinstance(count, str):
            raise TypeError(f"count must be a column name (str); got {count!r}")
        cols["count"] = count
    batch_rows = check_positive_int(batch_rows, "batch_rows")
    names = {"a": a, "b": b, "winner": winner, "weight": weight or "weight",
             "count": count or "count"}
    tally = Tally(items=items, drop_self=bool(drop_self))
    mod = type(source).__module__
    if isinstance(source, (str, os.PathLike)):
        from ._files import count_files

        return count_files(source, tally, cols, names, encoding, batch_rows, progress)
    if mod.startswith("dask"):
        from ._dask import count_dask

        return count_dask(source, tally, cols, names)
    if mod.startswith("pyspark"):
        from ._spark import count_spark

        return count_spark(source, tally, cols, names)
    if _is_frame(source):
        n = _n_rows(source)
        with ProgressBar(n, desc="count_votes", enabled=progress) as bar:
            add_frame(tally, source, cols, 0, batch_rows)
            bar.update(n)
        return tally.finish(names, rows_text)
    if isinstance(source, Iterable) and not isinstance(source, (bytes, str)):
        return _count_iterable(iter(source), tally, cols, names, batch_rows)
    raise TypeError(
        "source must be a path (CSV, CSV.gz or Parquet file, glob or directory), a "
        "DataFrame, a mapping of columns, an iterable of DataFrames, a Dask DataFrame or "
        f"a Spark DataFrame; got {type(source).__name__}"
    )


def _count_iterable(frames: Iterator[Any], tally: Tally, cols: Mapping[str, str],
                    names: Mapping[str, str], batch_rows: int) -> VoteCounts:
    start = 0
    for k, frame in enumerate(frames):
        if not _is_frame(frame):
            raise TypeError(
                f"item {k} of the iterable is a {type(frame).__name__}, not a DataFrame or "
                "mapping of columns"
            )
        start += add_frame(tally, frame, cols, start, batch_rows, what=f"frame {k}")
    return tally.finish(names, rows_text)
