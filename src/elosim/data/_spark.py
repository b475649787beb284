"""The Spark engine of :func:`elosim.count_votes`: a ``groupBy`` count run by Spark.

Spark groups the rows by (side A, side B, outcome[, weight][, cluster][, time bin]) and
counts them (or sums a count column) on its executors; only the distinct groups are
collected to the driver, where they are validated with the rules of
:class:`~elosim.Votes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .columns import check_columns, rows_text
from .counts import VoteCounts
from .tally import ROLES, Tally, check_counts, encode_column

__all__ = ["count_spark"]


def count_spark(sdf: Any, tally: Tally, cols: Mapping[str, str],
                names: Mapping[str, str]) -> VoteCounts:
    """Count a Spark DataFrame with one ``groupBy`` (run by Spark) and collect the groups."""
    from pyspark.sql import functions as sf

    check_columns(list(sdf.columns), cols, "Spark DataFrame")
    roles = [r for r in ROLES if r in cols]
    keys = [sf.col(cols[r]).alias(f"_{r}") for r in roles]
    if "count" in cols:
        c = sf.col(cols["count"])
        bad = sdf.filter(c.isNull() | (c < 0) | (c != sf.floor(c))).limit(1).collect()
        if bad:
            check_counts(np.array([bad[0][cols["count"]]], dtype=object), cols["count"])
    total = sf.sum(sf.col(cols["count"])) if "count" in cols else sf.count(sf.lit(1))
    rows = sdf.groupBy(*keys).agg(total.alias("_n")).collect()
    gcodes: dict[str, Any] = {}
    values: dict[str, list[Any]] = {}
    for k, r in enumerate(roles):
        column = np.empty(len(rows), dtype=object)
        column[:] = [row[k] for row in rows]
        gcodes[r], values[r] = encode_column(column)
    n = np.array([row[len(roles)] or 0 for row in rows], dtype=np.int64)
    if rows:
        tally.add_groups(gcodes, n, values)
    return tally.finish(names, rows_text)
