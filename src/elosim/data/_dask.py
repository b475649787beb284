"""The Dask engine of :func:`elosim.count_votes`: a tree reduction over partitions.

Every partition is reduced on its worker by the same kernel as files and frames (encode,
combine, count), to a small frame of distinct (side A, side B, outcome[, weight][, cluster]
[, time bin]) groups with their counts; Dask then merges these frames pairwise
(``split_every`` at a time) up to one, which comes back to the client and is validated
there. Only O(groups) data ever travels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .columns import check_columns, rows_text
from .counts import VoteCounts
from .tally import ROLES, Tally, check_counts, encode_batch, encode_column, group_codes

__all__ = ["count_dask"]

#: Partitions merged at a time by the tree reduction.
SPLIT_EVERY = 8


def _groups(part: Any, cols: Mapping[str, str]) -> Any:
    """Distinct groups of one pandas partition with their counts (runs on a worker)."""
    import pandas as pd

    columns = {role: part[name] for role, name in cols.items() if role != "count"}
    count = None
    if "count" in cols:
        count = check_counts(part[cols["count"]].to_numpy(), cols["count"])
    if len(part) == 0:
        return _empty(cols)
    batch = encode_batch(columns, 0, count)
    roles = [r for r in ROLES if r in batch.codes]
    gcodes, n = group_codes(
        [batch.codes[r] for r in roles], [len(batch.values[r]) for r in roles],
        count,
    )
    data = {r: pd.Series(np.asarray(batch.values[r], dtype=object)[g], dtype=object)
            for r, g in zip(roles, gcodes, strict=True)}
    data["n"] = pd.Series(n, dtype=np.int64)
    return pd.DataFrame(data)


def _empty(cols: Mapping[str, str]) -> Any:
    import pandas as pd

    data = {r: pd.Series([], dtype=object) for r in ROLES if r in cols}
    data["n"] = pd.Series([], dtype=np.int64)
    return pd.DataFrame(data)


def _merge(frames: Any) -> Any:
    """Sum the counts of equal groups (the combine/aggregate step of the reduction)."""
    import pandas as pd

    df = frames if isinstance(frames, pd.DataFrame) else pd.concat(list(frames), ignore_index=True)
    keys = [c for c in df.columns if c != "n"]
    if df.empty:
        return df
    codes = [encode_column(df[k].to_numpy(dtype=object)) for k in keys]
    gcodes, n = group_codes([c for c, _ in codes], [len(v) for _, v in codes],
                            df["n"].to_numpy(dtype=np.int64))
    data = {k: pd.Series(np.asarray(v, dtype=object)[g], dtype=object)
            for k, (_, v), g in zip(keys, codes, gcodes, strict=True)}
    data["n"] = pd.Series(n, dtype=np.int64)
    return pd.DataFrame(data)


def count_dask(ddf: Any, tally: Tally, cols: Mapping[str, str],
               names: Mapping[str, str]) -> VoteCounts:
    """Count a Dask DataFrame (on its scheduler: a distributed cluster, if one is active)."""
    check_columns(list(ddf.columns), cols, "Dask DataFrame")
    sub = ddf[list(dict.fromkeys(cols.values()))]
    reduced = sub.reduction(
        chunk=_groups, chunk_kwargs={"cols": dict(cols)},
        aggregate=_merge, combine=_merge, meta=_empty(cols), split_every=SPLIT_EVERY,
    )
    groups = reduced.compute()
    add_groups_frame(tally, groups)
    return tally.finish(names, rows_text)


def add_groups_frame(tally: Tally, groups: Any) -> None:
    """Validate and add a pandas frame of groups (role columns and ``n``) to ``tally``."""
    roles = [c for c in groups.columns if c != "n"]
    gcodes: dict[str, Any] = {}
    values: dict[str, list[Any]] = {}
    for r in roles:
        gcodes[r], values[r] = encode_column(groups[r].to_numpy(dtype=object))
    tally.add_groups(gcodes, groups["n"].to_numpy(dtype=np.int64), values)
