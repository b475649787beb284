"""The vote threshold below which an item's intervals are flagged, and the warning."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .errors import SparseDataWarning

__all__ = ["SPARSE_VOTES", "sparse_indices", "warn_sparse", "warn_sparse_result"]

#: Items with fewer votes than this get a :class:`~elosim.SparseDataWarning` from every
#: function whose answer involves them (summaries, intervals, gap tests, rank sets).
SPARSE_VOTES = 20


def sparse_indices(votes_per_item: ArrayLike, involved: ArrayLike | None = None) -> list[int]:
    """Positions (among ``involved``, default all) of items with fewer than SPARSE_VOTES votes."""
    n = np.asarray(votes_per_item)
    idx = np.arange(n.size) if involved is None else np.unique(np.asarray(involved, dtype=int))
    return [int(i) for i in idx if n[i] < SPARSE_VOTES]


def warn_sparse(
    items: Sequence[str],
    votes_per_item: ArrayLike,
    involved: ArrayLike | None = None,
    *,
    what: str,
    stacklevel: int = 3,
) -> None:
    """Warn (:class:`~elosim.SparseDataWarning`) if ``what`` involves items with few votes.

    The message names the items (up to eight, with their vote counts) and the remedy.
    """
    few = sparse_indices(votes_per_item, involved)
    if not few:
        return
    n = np.asarray(votes_per_item)
    few.sort(key=lambda i: (int(n[i]), items[i]))
    shown = ", ".join(f"{items[i]!r} ({int(n[i])} votes)" for i in few[:8])
    if len(few) > 8:
        shown += f", ... ({len(few) - 8} more)"
    warnings.warn(
        f"{what} involves {len(few)} item(s) with fewer than {SPARSE_VOTES} votes: {shown}. "
        "Their intervals and tests rest on few votes: the default Wald covariance keeps "
        "them wide but is only approximate there; profile-likelihood intervals "
        "(confidence_interval(method='profile'), gap_test(..., method='lr')) follow the "
        f"likelihood; or drop them with votes.min_votes({SPARSE_VOTES}).",
        SparseDataWarning,
        stacklevel=stacklevel,
    )


def warn_sparse_result(
    result: Any, involved: ArrayLike | None = None, *, what: str, stacklevel: int = 4
) -> None:
    """:func:`warn_sparse` for a fit or a bootstrap result (its votes, or its fit's)."""
    votes = getattr(result, "votes", None)
    if votes is None:
        votes = getattr(getattr(result, "fit", None), "votes", None)
    if votes is None:
        return
    warn_sparse(
        result.items, votes.votes_per_item, involved, what=what, stacklevel=stacklevel + 1
    )
