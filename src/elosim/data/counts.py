"""The sufficient statistic of pairwise votes: counts per (unordered pair, outcome).

Every fit and every bootstrap replicate works on these arrays, never on the
vote rows. A *cell* is a distinct (pair, outcome, weight) combination; the
number of cells is at most ``3 * n_pairs`` for unweighted votes, whatever
the number of votes. Cluster ids and time bins are kept as sparse
(cluster x cell) and (bin x cell) count matrices, so memory is O(cells) and
never O(votes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .._core.arrays import FrozenState, readonly
from .._core.errors import VotesError
from .._core.outcomes import outcome_totals
from .labels import check_label_set, normalize_label
from .parse import count_matrix
from .summary import VotesSummary

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
    cluster : ndarray, shape (n_clusters,), optional
        The distinct cluster ids (sorted), when the votes were counted per cluster.
    cluster_counts : scipy.sparse.csr_matrix, shape (n_clusters, n_cells), optional
        Votes of each cluster in each cell (what the cluster bootstrap and the
        cluster-robust covariance need).
    time : ndarray, shape (n_bins,), optional
        The distinct time bins (sorted), when the votes were counted per time bin.
    time_counts : scipy.sparse.csr_matrix, shape (n_bins, n_cells), optional
        Votes of each time bin in each cell.
    weighted : bool
        Whether the votes carried weights.

    Notes
    -----
    A ``VoteCounts`` is accepted wherever :class:`~elosim.Votes` is by the count-based
    functions (:func:`~elosim.bradley_terry`, :func:`~elosim.bootstrap` and everything
    built on a fit). Build one with :func:`elosim.count_votes` (from files, DataFrames,
    iterators, Dask or Spark), :meth:`from_matrix`, or take ``votes.counts``. Its memory
    is O(cells), whatever the number of votes.

    Examples
    --------
    >>> import elosim
    >>> c = elosim.VoteCounts.from_matrix(["a", "b", "c"], [[0, 3, 2], [1, 0, 4], [2, 1, 0]])
    >>> c
    <VoteCounts: 13 votes, 3 items, 6 cells, 0 ties>
    >>> fit = elosim.bradley_terry(c)
    >>> round(float(fit.ratings[0] - fit.ratings[2]), 1)
    142.4
    """

    items: tuple[str, ...]
    pair_i: NDArray[np.intp]
    pair_j: NDArray[np.intp]
    cell_pair: NDArray[np.intp]
    cell_outcome: NDArray[np.int8]
    cell_weight: NDArray[np.float64]
    cell_count: NDArray[np.int64]
    cluster: NDArray[Any] | None = None
    cluster_counts: Any = None
    time: NDArray[Any] | None = None
    time_counts: Any = None
    weighted: bool = False

    _cached_names = ("votes_per_item", "_components")

    # ------------------------------------------------------------------ Votes-like facts
    @property
    def counts(self) -> VoteCounts:
        """The counts themselves (so a ``VoteCounts`` stands in for :class:`~elosim.Votes`)."""
        return self

    def __len__(self) -> int:
        return self.n_votes

    def __repr__(self) -> str:
        return (
            f"<VoteCounts: {self.n_votes:,} votes, {self.n_items} items, {self.n_cells:,} "
            f"cells, {self.n_ties:,} ties"
            + (", weighted" if self.weighted else "")
            + (f", {self.cluster.size:,} clusters" if self.cluster is not None else "")
            + (f", {self.time.size:,} time bins" if self.time is not None else "")
            + ">"
        )

    @property
    def n_ties(self) -> int:
        """Number of tied votes."""
        return int(self.cell_count[self.cell_outcome == TIE].sum())

    @cached_property
    def votes_per_item(self) -> NDArray[np.int64]:
        """Number of votes each item took part in, aligned with :attr:`items`."""
        per_pair = np.bincount(self.cell_pair, weights=self.cell_count, minlength=self.n_pairs)
        per_pair = np.rint(per_pair).astype(np.int64)
        k = self.n_items
        out = np.bincount(self.pair_i, weights=per_pair, minlength=k) + np.bincount(
            self.pair_j, weights=per_pair, minlength=k
        )
        res: NDArray[np.int64] = np.rint(out).astype(np.int64)
        return res

    @cached_property
    def _components(self) -> tuple[int, NDArray[np.int32]]:
        k = self.n_items
        g = sparse.coo_matrix(
            (np.ones(self.n_pairs), (self.pair_i, self.pair_j)), shape=(k, k)
        ).tocsr()
        n, labels = connected_components(g, directed=False)
        return int(n), readonly(labels)

    def components(self) -> list[list[str]]:
        """Connected components of the comparison graph, as item labels, largest first."""
        n, labels = self._components
        comps = [[self.items[i] for i in np.flatnonzero(labels == c)] for c in range(n)]
        return sorted(comps, key=lambda c: (-len(c), c))

    @property
    def is_connected(self) -> bool:
        """Whether every item is linked to every other through a chain of comparisons."""
        return self._components[0] == 1

    def summary(self) -> VotesSummary:
        """Items, votes per item, pairs covered, ties and connectivity.

        Examples
        --------
        >>> import elosim
        >>> elosim.VoteCounts.from_matrix(["x", "y"], [[0, 2], [1, 0]]).summary().n_votes
        3
        """
        n_comp, _ = self._components
        return VotesSummary(
            n_votes=self.n_votes,
            n_items=self.n_items,
            n_ties=self.n_ties,
            n_pairs_compared=self.n_pairs,
            n_pairs_possible=self.n_items * (self.n_items - 1) // 2,
            votes_per_item=dict(zip(self.items, self.votes_per_item.tolist(), strict=True)),
            n_components=n_comp,
            component_sizes=tuple(len(c) for c in self.components()),
            weighted=self.weighted,
        )

    def cluster_matrix(self, cluster: Any = None, *, purpose: str = "clustering") -> Any:
        """Votes of each cluster in each cell: a sparse ``(n_clusters, n_cells)`` matrix.

        Raises a ``ValueError`` naming ``purpose`` when the votes were not counted per
        cluster, when ``cluster`` (per-vote ids, which counts no longer have) is given, or
        when there are fewer than two clusters.
        """
        if cluster is not None:
            raise ValueError(
                f"{purpose}: counts have no vote rows, so cluster=<one id per vote> cannot be "
                "used; count the votes per cluster instead (count_votes(..., cluster=column))"
            )
        if self.cluster_counts is None or self.cluster is None:
            raise ValueError(
                f"{purpose} needs cluster ids: count the votes per cluster "
                "(elosim.count_votes(..., cluster=column))"
            )
        if self.cluster.size < 2:
            raise ValueError(f"{purpose} needs at least two clusters")
        return self.cluster_counts

    def equals(self, other: object) -> bool:
        """Whether ``other`` holds the same items, cells and counts (clusters and bins too)."""
        if not isinstance(other, VoteCounts) or self.items != other.items:
            return False
        arrays = ("pair_i", "pair_j", "cell_pair", "cell_outcome", "cell_weight", "cell_count")
        for name in arrays:
            x, y = getattr(self, name), getattr(other, name)
            if x.shape != y.shape or not np.array_equal(x, y):
                return False
        for ids, mat in (("cluster", "cluster_counts"), ("time", "time_counts")):
            x, y = getattr(self, ids), getattr(other, ids)
            if (x is None) != (y is None):
                return False
            if x is not None:
                if x.shape != y.shape or not np.array_equal(x, y):
                    return False
                if (getattr(self, mat) != getattr(other, mat)).nnz:
                    return False
        return self.weighted == other.weighted

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_matrix(
        cls, items: Sequence[str], wins: ArrayLike, ties: ArrayLike | None = None
    ) -> VoteCounts:
        """Counts from a K x K matrix of wins (and optionally a symmetric matrix of ties).

        The same input and checks as :meth:`elosim.Votes.from_counts`, but no vote row is
        ever made: memory is O(pairs), whatever the number of votes.

        Parameters
        ----------
        items, wins, ties
            As in :meth:`elosim.Votes.from_counts`: the K item labels, the K x K matrix of
            wins and the optional symmetric K x K matrix of ties.

        Raises
        ------
        elosim.VotesError
            As :meth:`elosim.Votes.from_counts`.
        """
        labels, a, b, o, n = matrix_votes(items, wins, ties)
        counts, _ = reduce_votes(len(labels), labels, a, b, o, None, count=n)
        return counts

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
        return outcome_totals(self.cell_pair, self.cell_outcome, w, self.n_pairs, counts)

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
    keys: NDArray[np.int64], size: int, count: NDArray[np.int64] | None = None
) -> tuple[NDArray[np.int64], NDArray[np.intp], NDArray[np.int64]]:
    """Sorted distinct keys, each row's index into them, and their counts.

    Equivalent to ``np.unique(keys, return_inverse=True, return_counts=True)``; when the key
    range is small compared with the number of rows a counting pass (O(n + size)) replaces
    the sort (O(n log n)). With ``count``, row ``r`` stands for ``count[r]`` votes.
    """
    if size <= max(4 * keys.size, 1 << 16):
        full = np.bincount(keys, minlength=size)
        present = np.flatnonzero(full)
        index = np.zeros(size, dtype=np.intp)
        index[present] = np.arange(present.size)
        uniq, inv, cnt = present.astype(np.int64), index[keys], full[present].astype(np.int64)
    else:
        u, i, c = np.unique(keys, return_inverse=True, return_counts=True)
        uniq, inv, cnt = u.astype(np.int64), i.ravel().astype(np.intp), c.astype(np.int64)
    if count is not None:
        cnt = _sum_counts(inv, count, uniq.size)
    return uniq, inv, cnt


def _sum_counts(
    index: NDArray[np.intp], count: NDArray[np.int64], size: int
) -> NDArray[np.int64]:
    """Exact integer sums of ``count`` per ``index`` (no float rounding)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, np.asarray(count, dtype=np.int64))
    return out


def reduce_votes(
    n_items: int,
    items: tuple[str, ...],
    a: NDArray[np.intp],
    b: NDArray[np.intp],
    outcome: NDArray[np.int8],
    weight: NDArray[np.float64] | None,
    *,
    count: NDArray[np.int64] | None = None,
) -> tuple[VoteCounts, NDArray[np.intp]]:
    """Reduce vote rows to :class:`VoteCounts`; also return each row's cell index.

    Cells are sorted by (pair, outcome, weight) and pairs by (``pair_i``, ``pair_j``).
    With ``count``, row ``r`` stands for ``count[r]`` identical votes (rows of a table
    of counts); rows with a zero count make no cell.
    """
    if count is not None:
        keep = np.asarray(count) > 0
        if not keep.all():
            a, b, outcome, count = a[keep], b[keep], outcome[keep], np.asarray(count)[keep]
            weight = None if weight is None else weight[keep]
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
        ukeys, row_cell, cell_count = _group(pair_idx * 3 + rel, 3 * n_pairs, count)
        cell_pair = (ukeys // 3).astype(np.intp)
        cell_out = (ukeys % 3).astype(np.int8)
        cell_w = np.ones(ukeys.size)
    else:
        wcode_u, wcode = np.unique(weight, return_inverse=True)
        nw = wcode_u.size
        ukeys, row_cell, cell_count = _group(
            (pair_idx * 3 + rel) * nw + wcode.ravel(), 3 * n_pairs * nw, count
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
        weighted=weight is not None,
    )
    return counts, row_cell


def group_matrix(
    ids: NDArray[np.int64], n_groups: int, row_cell: NDArray[np.intp],
    count: NDArray[np.int64], n_cells: int,
) -> Any:
    """Sparse ``(n_groups, n_cells)`` matrix of votes per (group, cell), duplicates summed."""
    mat = sparse.coo_matrix(
        (np.asarray(count, dtype=np.float64), (ids, row_cell)), shape=(n_groups, n_cells)
    ).tocsr()
    mat.sum_duplicates()
    return mat


def matrix_votes(
    items: Sequence[Any], wins: ArrayLike, ties: ArrayLike | None, *, stacklevel: int = 4
) -> tuple[tuple[str, ...], NDArray[np.intp], NDArray[np.intp], NDArray[np.int8],
           NDArray[np.int64]]:
    """Check K x K matrices of wins and ties; one row per non-zero entry, with its count.

    The input of :meth:`VoteCounts.from_matrix` and :meth:`elosim.Votes.from_counts`.
    Returns the normalised labels and ``a, b, outcome, count``: the wins in the row-major
    order of ``wins`` (A wins), then the ties of the upper triangle of ``ties``.
    """
    labels = [normalize_label(x, "items") for x in items]
    check_label_set(labels, name="items", stacklevel=stacklevel)
    k = len(labels)
    if k < 2:
        raise VotesError(f"need at least two items to compare; got {k}: {labels}")
    if len(set(labels)) != k:
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise VotesError(f"items has duplicated labels: {dup[:10]}")
    w = count_matrix(wins, "wins", labels)
    t = np.zeros((k, k), np.int64) if ties is None else count_matrix(ties, "ties", labels)
    if not np.array_equal(t, t.T):
        raise VotesError(
            "ties must be symmetric: ties[i, j] is the number of ties between i and j"
        )
    if not (w.any() or t.any()):
        raise VotesError("no votes: the input is empty (the matrices are all zero)")
    ii, jj = np.nonzero(w)
    iu, ju = np.nonzero(np.triu(t, 1))
    a = np.concatenate([ii, iu]).astype(np.intp)
    b = np.concatenate([jj, ju]).astype(np.intp)
    o = np.concatenate([np.zeros(ii.size, np.int8), np.full(iu.size, TIE, np.int8)])
    n = np.concatenate([w[ii, jj], t[iu, ju]]).astype(np.int64)
    return tuple(labels), a, b, o, n
