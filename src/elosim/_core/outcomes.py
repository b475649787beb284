"""Weighted outcome totals per group: the table every likelihood in elosim reads.

A group is a pair of items (:class:`elosim.data.counts.VoteCounts`) or a design row of a
contextual fit (:class:`elosim.models.features.FeatureDesign`); the outcomes are ``0``
(the group's first item won), ``1`` (the second won) and ``2`` (tie).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["outcome_totals"]


def outcome_totals(
    group: NDArray[np.intp],
    outcome: ArrayLike,
    weight: NDArray[np.float64],
    n_groups: int,
    counts: ArrayLike,
) -> NDArray[np.float64]:
    """Sum ``counts * weight`` of every cell into its (group, outcome) entry.

    Parameters
    ----------
    group, outcome : arrays of shape (n_cells,)
        Each cell's group (``0 .. n_groups - 1``) and outcome (0, 1 or 2).
    weight : array of shape (n_cells,)
        What one count of the cell adds (its vote weight, or a power of it).
    n_groups : int
    counts : array of shape (n_cells,) or (R, n_cells)
        Counts per cell; a 2-D array gives one table per row (bootstrap replicates).

    Returns
    -------
    ndarray of shape (n_groups, 3) or (R, n_groups, 3)

    Examples
    --------
    >>> import numpy as np
    >>> from elosim._core.outcomes import outcome_totals
    >>> outcome_totals(np.array([0, 0, 1]), np.array([0, 2, 1]), np.ones(3), 2,
    ...                np.array([5, 1, 3])).tolist()
    [[5.0, 0.0, 1.0], [0.0, 3.0, 0.0]]
    """
    c = np.asarray(counts)
    flat = group * 3 + np.asarray(outcome)
    size = n_groups * 3
    if c.ndim == 1:
        out = np.bincount(flat, weights=c * weight, minlength=size)
        return np.asarray(out, dtype=np.float64).reshape(n_groups, 3)
    r = c.shape[0]
    idx = (np.arange(r)[:, None] * size + flat[None, :]).ravel()
    out = np.bincount(idx, weights=(c * weight[None, :]).ravel(), minlength=r * size)
    return np.asarray(out, dtype=np.float64).reshape(r, n_groups, 3)
