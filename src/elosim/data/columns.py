"""Column roles, their checks, and how row positions are worded in messages.

Shared by every engine of :func:`elosim.count_votes` (frames, files, Dask, Spark).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._core.errors import VotesError

__all__ = ["check_columns", "role_columns", "rows_text"]


def rows_text(rows: list[int] | None, count: int, limit: int, word: str = "row") -> str:
    """Where rows are: ``"row(s) 3, 7, ... (2 more)"`` (``word="line"`` for CSV files), or
    ``"12 row(s)"`` when positions are unknown (sources reduced by Dask or Spark)."""
    if rows is None:
        return f"{count:,} {word}(s)"
    shown = ", ".join(str(r) for r in rows[:limit])
    more = count - min(len(rows), limit)
    return f"{word}(s) " + shown + (f", ... ({more} more)" if more > 0 else "")


def role_columns(
    a: str, b: str, winner: str, weight: str | None, cluster: str | None, time: str | None
) -> dict[str, str]:
    """Column name of each role that is used."""
    cols = {"a": a, "b": b, "winner": winner}
    for role, name in (("weight", weight), ("cluster", cluster), ("time", time)):
        if name is not None:
            cols[role] = name
    for role, name in cols.items():
        if not isinstance(name, str):
            raise TypeError(f"the column name for {role} must be a str; got {name!r}")
    return cols


_ROLE_WORDS = {
    "a": "side A", "b": "side B", "winner": "the outcome", "weight": "weight",
    "cluster": "cluster", "time": "time", "count": "the counts",
}


def check_columns(present: Sequence[Any], wanted: Mapping[str, str], what: str) -> None:
    """Raise the VotesError of :meth:`Votes.from_frame` for a missing or duplicated column."""
    names = [str(c) for c in present]
    if len(set(names)) != len(names):
        dup = sorted({c for c in names if names.count(c) > 1})
        raise VotesError(f"the {what} has duplicated column names: {dup}")
    for role, name in wanted.items():
        if name not in names:
            raise VotesError(
                f"column {name!r} (for {_ROLE_WORDS[role]}) not found; the {what} has "
                f"columns {names[:20]}"
            )
