"""Whether bootstrap resamples have a finite MLE (their win graph is strongly connected).

A resample of the votes can lose every win (or every loss) of an item, or split the items
into groups one of which never beats the other: its maximum-likelihood estimate is then
infinite and the bootstrap draws it again. Checking every replicate's strong components is
the costly part of that, so a cheap exact sufficient check (:class:`Certificate`) settles
most resamples first; :func:`lacking` rules out those with an item lacking a win or a loss
at once; :func:`estimable` runs the strong-components check on the rest.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from ..models.batch import BatchProblem
from ..models.sparse_batch import SparseBatchProblem

__all__ = ["Certificate", "certificate", "estimable", "lacking"]

Array = NDArray[np.float64]


class Certificate:
    """A cheap, exact sufficient check that resamples have a finite MLE.

    ``pairs`` are the pairs of a spanning tree whose pairs went both ways in the data, most
    robust first. If every one still goes both ways in a resample (a win or tie each way),
    the resample's win graph is strongly connected. When the only broken pairs are leaf
    edges of the tree, the rest of the tree still joins its items both ways, and each
    cut-off leaf item rejoins them if it has a win or tie and a loss or tie against them.
    Rows neither check settles go to the strong-components check.
    """

    def __init__(self, problem: BatchProblem | SparseBatchProblem, pairs: NDArray[np.intp]):
        self.pairs = pairs
        self.pair_i = problem.pair_i
        self.pair_j = problem.pair_j
        self.k = problem.k
        ends_i, ends_j = problem.pair_i[pairs], problem.pair_j[pairs]
        degree = np.bincount(np.concatenate([ends_i, ends_j]), minlength=problem.k)
        # the leaf item of each tree pair (-1 when neither end is a leaf)
        self.leaf = np.where(degree[ends_i] == 1, ends_i, np.where(degree[ends_j] == 1, ends_j, -1))

    def holds(self, tables: Array) -> NDArray[np.bool_]:
        """(R,) True where the resample (tables of shape (R, P, 3)) is surely estimable."""
        sub = tables[:, self.pairs, :]
        broken = ~((sub[..., 0] + sub[..., 2] > 0) & (sub[..., 1] + sub[..., 2] > 0))
        ok: NDArray[np.bool_] = np.logical_not(broken.any(axis=1))
        rows = np.flatnonzero(~ok & ~np.any(broken & (self.leaf < 0), axis=1))
        if rows.size == 0:
            return ok
        r, k = rows.size, self.k
        cut = np.zeros((r, k), dtype=bool)  # leaf items whose tree pair broke
        rr, ee = np.nonzero(broken[rows])
        cut[rr, self.leaf[ee]] = True
        t = tables[rows]
        up = t[..., 0] + t[..., 2] > 0  # pair_i won or tied
        down = t[..., 1] + t[..., 2] > 0
        core_i = ~cut[:, self.pair_i]
        core_j = ~cut[:, self.pair_j]
        base = (np.arange(r) * k)[:, None]
        idx_i = (base + self.pair_i[None, :]).ravel()
        idx_j = (base + self.pair_j[None, :]).ravel()

        def tally(at: NDArray[np.intp], hit: NDArray[np.bool_]) -> Array:
            out = np.asarray(np.bincount(at, hit.ravel(), minlength=r * k), dtype=np.float64)
            return out.reshape(r, k)

        beats_core = tally(idx_i, up & core_j) + tally(idx_j, down & core_i)
        loses_core = tally(idx_i, down & core_j) + tally(idx_j, up & core_i)
        joined = ~cut | ((beats_core > 0) & (loses_core > 0))
        ok[rows] = joined.all(axis=1)
        return ok


def certificate(
    problem: BatchProblem | SparseBatchProblem, table: Array
) -> Certificate | None:
    """A :class:`Certificate` from a spanning tree of pairs that went both ways, most robust
    first; ``None`` when no such tree spans all items."""
    up = table[:, 0] + table[:, 2]
    down = table[:, 1] + table[:, 2]
    both = np.flatnonzero((up > 0) & (down > 0))
    k = problem.k
    if both.size < k - 1:
        return None
    strength = np.minimum(up[both], down[both])
    g = sparse.csr_matrix(
        (1.0 / (1.0 + strength), (problem.pair_i[both], problem.pair_j[both])), shape=(k, k)
    )
    tree = minimum_spanning_tree(g).tocoo()
    if tree.nnz != k - 1:
        return None
    lookup = {(int(i), int(j)): int(p) for p, i, j in
              zip(both, problem.pair_i[both], problem.pair_j[both], strict=True)}
    pairs = np.array(
        [lookup[(min(i, j), max(i, j))] for i, j in zip(tree.row, tree.col, strict=True)],
        dtype=np.intp,
    )
    return Certificate(problem, pairs)


def estimable(
    problem: BatchProblem | SparseBatchProblem, tables: Array
) -> tuple[NDArray[np.bool_], list[list[int]]]:
    """Whether each replicate's MLE is finite (its win graph is strongly connected).

    ``tables`` has shape (R, P, 3). One strong-components call on the block-diagonal
    graph of all replicates. Returns a flag per replicate and, for the failing ones, the
    items outside the largest strong component.
    """
    r = tables.shape[0]
    k = problem.k
    fwd = (tables[..., 0] + tables[..., 2]) > 0  # (R, P): edge i -> j
    bwd = (tables[..., 1] + tables[..., 2]) > 0
    base = (np.arange(r) * k)[:, None]
    pi = base + problem.pair_i[None, :]
    pj = base + problem.pair_j[None, :]
    src = np.concatenate([pi[fwd], pj[bwd]])
    dst = np.concatenate([pj[fwd], pi[bwd]])
    g = sparse.csr_matrix((np.ones(src.size), (src, dst)), shape=(r * k, r * k))
    _, lab = connected_components(g, directed=True, connection="strong")
    lab = lab.reshape(r, k)
    ok = np.all(lab == lab[:, :1], axis=1)
    culprits: list[list[int]] = []
    for row in lab[~ok]:
        vals, cnt = np.unique(row, return_counts=True)
        culprits.append(np.flatnonzero(row != vals[np.argmax(cnt)]).tolist())
    return ok, culprits


def lacking(problem: BatchProblem | SparseBatchProblem, tables: Array) -> NDArray[np.bool_]:
    """(R, K): items with no win-or-tie, or no loss-or-tie, in each table (R, P, 3)."""
    up = tables[..., 0] + tables[..., 2]  # pair_i won or tied
    down = tables[..., 1] + tables[..., 2]
    both = problem.scatter_abs(up + down)
    diff = problem.scatter(up - down)
    out: NDArray[np.bool_] = ((both + diff) == 0) | ((both - diff) == 0)
    return out
