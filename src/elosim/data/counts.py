"""The sufficient statistic of pairwise votes: counts per (unordered pair, outcome).

Every fit and every bootstrap replicate works on these arrays, never on the
vote rows. A *cell* is a distinct (pair, outcome, weight) combination; the
number of cells is at most ``3 * n_pairs`` for unweighted votes, whatever
the number of votes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core.arrays import FrozenState, readonly

__all__ = ["VoteCounts"]

#: Outcome codes *relative to the pair* (i < j): i won, j won, tie.
I_WINS, J_WINS, TIE = 0, 1, 2


@dataclass(frozen=True, eq=False)
class VoteCounts(FrozenState):
    """Counts of votes per (unordered pair, outcome) and the cells used by the bootstrap.

    Attributes
    ----------
    items : tuple of str
        Item labels; indices below refer to this order.
    pair_i, pair_j : ndarray of int, shape (n_pairs,)
        The compared pairs, with ``pair_i < pair_j``.
    cell_pair : ndarray of int, shape (n_cells,)
        Index into the pairs of each cell.
    cell_outcome : ndarray of int8, shape (n_cells,)
        0 when ``pair_i`` won, 1 when ``pair_j`` won, 2 for a tie.
    cell_weight : ndarray of float, shape (n_cells,)
        The weight shared by every vote of the cell (1.0 for unweighted votes).
    cell_count : ndarray of int64, shape (n_cells,)
        Number of votes in the cell.
    """

    items: tuple[str, ...]
    pair_i: NDArray[np.intp]
    pair_j: NDArray[np.intp]
    cell_pair: NDArray[np.intp]
    cell_outcome: NDArray[np.int8]
    cell_weight: NDArray[np.float64]
    cell_count: NDArray[np.int64]

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_pairs(self) -> int:
        return int(self.pair_i.size)

    @property
    def n_cells(self) -> int:
        return int(self.cell_pair.size)

    @property
    def n_votes(self) -> int:
        return int(self.cell_count.sum())

    def table(
        self, cell_count: ArrayLike | None = None, *, power: int = 1
    ) -> NDArray[np.float64]:
        """Weighted totals per pair and outcome.

        Parameters
        ----------
        cell_count : array of shape (n_cells,) or (n_replicates, n_cells), optional
            Counts per cell (defaults to the observed ones); a 2-D array gives one table per row.
        power : int
            Sum ``weight ** power`` (1 for weighted counts, 2 for the squared weights the
            sandwich needs, 0 for raw vote numbers).

        Returns
        -------
        ndarray of shape (n_pairs, 3) or (n_replicates, n_pairs, 3)
            Columns: ``pair_i`` won, ``pair_j`` won, tie.
        """
        counts = self.cell_count if cell_count is None else np.asarray(cell_count)
        w = self.cell_weight**power if power != 1 else self.cell_weight
        flat = self.cell_pair * 3 + self.cell_outcome
        size = self.n_pairs * 3
        if counts.ndim == 1:
            out = np.bincount(flat, weights=counts * w, minlength=size)
            return np.asarray(out, dtype=np.float64).reshape(self.n_pairs, 3)
        r = counts.shape[0]
        idx = (np.arange(r)[:, None] * size + flat[None, :]).ravel()
        out = np.bincount(idx, weights=(counts * w[None, :]).ravel(), minlength=r * size)
        return np.asarray(out, dtype=np.float64).reshape(r, self.n_pairs, 3)

    def win_matrix(self) -> NDArray[np.float64]:
        """K x K matrix of weighted wins: entry (i, j) is how often i beat j."""
        t = self.table()
        k = self.n_items
        m = np.zeros((k, k))
        np.add.at(m, (self.pair_i, self.pair_j), t[:, 0])
        np.add.at(m, (self.pair_j, self.pair_i), t[:, 1])
        return m

    def tie_matrix(self) -> NDArray[np.float64]:
        """Symmetric K x K matrix of weighted ties."""
        t = self.table()
        k = self.n_items
        m = np.zeros((k, k))
        np.add.at(m, (self.pair_i, self.pair_j), t[:, 2])
        return np.asarray(m + m.T, dtype=np.float64)

    def count_matrix(self) -> NDArray[np.float64]:
        """Symmetric K x K matrix of the number of votes (unweighted) per pair."""
        t = self.table(power=0).sum(axis=1)
        k = self.n_items
        m = np.zeros((k, k))
        np.add.at(m, (self.pair_i, self.pair_j), t)
        return np.asarray(m + m.T, dtype=np.float64)

    def nbytes(self) -> int:
        """Memory held by the arrays, in bytes (independent of the number of votes)."""
        return sum(
            a.nbytes
            for a in (
                self.pair_i,
                self.pair_j,
                self.cell_pair,
                self.cell_outcome,
                self.cell_weight,
                self.cell_count,
            )
        )


def _group(
    keys: NDArray[np.int64], size: int
) -> tuple[NDArray[np.int64], NDArray[np.intp], NDArray[np.int64]]:
    """Sorted distinct keys, each row's index into them, and their counts.

    Equivalent to ``np.unique(keys, return_inverse=True, return_counts=True)``; when the key
    range is small compared with the number of rows a counting pass (O(n + size)) replaces
    the sort (O(n log n)).
    """
    if size <= max(4 * keys.size, 1 << 16):
        full = np.bincount(keys, minlength=size)
        present = np.flatnonzero(full)
        index = np.zeros(size, dtype=np.intp)
        index[present] = np.arange(present.size)
        return present.astype(np.int64), index[keys], full[present].astype(np.int64)
    uniq, inv, cnt = np.unique(keys, return_inverse=True, return_counts=True)
    return uniq.astype(np.int64), inv.ravel().astype(np.intp), cnt.astype(np.int64)


def reduce_votes(
    n_items: int,
    items: tuple[str, ...],
    a: NDArray[np.intp],
    b: NDArray[np.intp],
    outcome: NDArray[np.int8],
    weight: NDArray[np.float64] | None,
) -> tuple[VoteCounts, NDArray[np.intp]]:
    """Reduce vote rows to :class:`VoteCounts`; also return each row's cell index.

    Cells are sorted by (pair, outcome, weight) and pairs by (``pair_i``, ``pair_j``).
    """
    a64 = a.astype(np.int64)
    b64 = b.astype(np.int64)
    lo = np.minimum(a64, b64)
    hi = np.maximum(a64, b64)
    # outcome relative to the ordered pair: A wins -> lo wins unless the sides were swapped
    rel = outcome.astype(np.int64)
    flip = (a64 > b64) & (rel != TIE)
    rel[flip] = 1 - rel[flip]
    upairs, pair_idx, _ = _group(lo * n_items + hi, n_items * n_items)
    n_pairs = upairs.size
    if weight is None:
        ukeys, row_cell, cell_count = _group(pair_idx * 3 + rel, 3 * n_pairs)
        cell_pair = (ukeys // 3).astype(np.intp)
        cell_out = (ukeys % 3).astype(np.int8)
        cell_w = np.ones(ukeys.size)
    else:
        wcode_u, wcode = np.unique(weight, return_inverse=True)
        nw = wcode_u.size
        ukeys, row_cell, cell_count = _group(
            (pair_idx * 3 + rel) * nw + wcode.ravel(), 3 * n_pairs * nw
        )
        cell_w = wcode_u[ukeys % nw].astype(float)
        po = ukeys // nw
        cell_pair = (po // 3).astype(np.intp)
        cell_out = (po % 3).astype(np.int8)
    counts = VoteCounts(
        items=items,
        pair_i=readonly((upairs // n_items).astype(np.intp)),
        pair_j=readonly((upairs % n_items).astype(np.intp)),
        cell_pair=readonly(cell_pair),
        cell_outcome=readonly(cell_out),
        cell_weight=readonly(cell_w),
        cell_count=readonly(cell_count),
    )
    return counts, row_cell
