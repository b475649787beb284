"""The covariance of a fit with many items, computed only where it is asked for.

With ``K = 100,000`` items a dense ``K x K`` covariance would take 80 GB. The covariance
of the ratings of any set ``S`` of items needs only ``|S|`` sparse solves with the
information matrix ``H``: with ``W = f C L`` (rows: the items' unit vectors ``C``, the
normalisation map ``L`` and the Elo factor ``f``) and ``Z = H^+ W^T``, the model-based
covariance is ``W Z``, the sandwich ``Z^T B Z`` (``B`` the sparse meat) and the cluster
sandwich ``(G Z)^T (G Z) G / (G - 1)`` (``G`` the sparse per-cluster scores). The default
``"max"`` kind takes, on each block asked for, the larger of the sandwich and the
dispersion-scaled model-based block (:func:`~elosim.models.max_covariance.larger_covariance`),
and per item the larger variance: every quantity computed from a block is at least as wide as
under either covariance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core.errors import InsufficientMemoryError
from .max_covariance import larger_covariance

__all__ = ["LazyCovariance"]

Array = NDArray[np.float64]
#: Above this many items, asking for every item's variance (``diagonal()``) is refused.
MAX_DIAGONAL_ITEMS = 20_000
#: Above this many items, the full matrix is never materialised.
MAX_DENSE_ITEMS = 20_000
_CHUNK = 256


class LazyCovariance:
    """Covariance matrix of the ratings (Elo scale), computed block by block on demand.

    Returned by :meth:`BradleyTerryResult.covariance` for fits with many items. It has the
    matrix's ``shape``; index it like an array (``cov[i, j]``, ``cov[idx][:, idx]`` is not
    supported: use ``cov[idx, idx]``, which means the block ``np.ix_(idx, idx)``), or call
    :meth:`submatrix` with item labels. Gap tests and intervals for chosen items use it
    directly. ``np.asarray(cov)`` builds the full matrix only up to 20,000 items.
    """

    ndim = 2
    dtype = np.dtype(np.float64)

    def __init__(self, fit: Any, kind: str, cluster: ArrayLike | None = None) -> None:
        self._fit = fit
        self.kind = kind
        self._cluster = cluster
        self._meat: Any = None

    @property
    def shape(self) -> tuple[int, int]:
        k = int(self._fit.n_items)
        return (k, k)

    def __repr__(self) -> str:
        k = self.shape[0]
        return f"<LazyCovariance: {k:,} x {k:,} ratings, {self.kind} kind (computed on demand)>"

    # -------------------------------------------------------------- computation
    def _weights(self, idx: NDArray[np.intp]) -> Array:
        """``f C L`` for unit contrasts ``C`` on ``idx``, in theta space, transposed (m, n)."""
        fit = self._fit
        k = fit.n_items
        m = fit._theta.size
        w = np.zeros((m, idx.size))
        w[idx, np.arange(idx.size)] = 1.0
        norm = fit.normalization
        if norm.kind == "mean" and norm.reference is not None:
            w[list(norm.reference)] -= 1.0 / len(norm.reference)
        elif norm.kind == "mean" or norm.anchor is None:
            w[:k] -= 1.0 / k
        else:
            w[norm.anchor] -= 1.0
        w[:k] *= fit.elo_factor
        return w

    def _block(self, idx: NDArray[np.intp]) -> Array:
        """Covariance among the items ``idx`` (n, n)."""
        fit = self._fit
        out = np.empty((idx.size, idx.size))
        w = self._weights(idx)
        z = fit._solve_information(w)
        out = w.T @ z if self.kind == "model" else z.T @ np.asarray(self._meat_matrix() @ z)
        res: Array = 0.5 * (out + out.T)
        if self.kind == "max":  # the larger of sandwich and scaled model-based, on this block
            model = w.T @ z
            res = larger_covariance(res, fit.dispersion * 0.5 * (model + model.T))
        return res

    def _meat_matrix(self) -> Any:
        if self._meat is None:
            kind = "sandwich" if self.kind == "max" else self.kind
            self._meat = self._fit._meat(kind, self._cluster, as_sparse=True)
        return self._meat

    # -------------------------------------------------------------- access
    def submatrix(self, items: ArrayLike) -> Array:
        """Covariance among the given items (labels or indices), shape ``(n, n)``."""
        sel = [self._fit.index(x) for x in np.atleast_1d(np.asarray(items, dtype=object))]
        return self._block(np.asarray(sel, dtype=np.intp))

    def diagonal(self) -> Array:
        """Every item's variance (one sparse solve per item; refused above 20,000 items)."""
        k = self.shape[0]
        if k > MAX_DIAGONAL_ITEMS:
            raise ValueError(
                f"the variances of all {k:,} items need {k:,} sparse solves; ask for the "
                "items you need instead: fit.covariance().submatrix([...]), "
                "fit.gap_test(a, b), or restrict the votes (votes.min_votes(n))"
            )
        out = np.empty(k)
        for s in range(0, k, _CHUNK):
            idx = np.arange(s, min(k, s + _CHUNK))
            w = self._weights(idx)
            z = self._fit._solve_information(w)
            if self.kind == "model":
                out[idx] = np.sum(w * z, axis=0)
            else:
                out[idx] = np.sum(z * np.asarray(self._meat_matrix() @ z), axis=0)
                if self.kind == "max":
                    model = np.sum(w * z, axis=0)
                    out[idx] = np.maximum(out[idx], self._fit.dispersion * model)
        return out

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, tuple) or len(key) != 2:
            raise TypeError(
                "index a LazyCovariance with two indices, cov[rows, cols] (each an int, a "
                "slice or an array of item positions)"
            )
        k = self.shape[0]
        ar = np.arange(k)
        rows, cols = (np.atleast_1d(ar[part]) for part in key)
        union, inv = np.unique(np.concatenate([rows, cols]), return_inverse=True)
        block = self._block(union.astype(np.intp))
        sub = block[np.ix_(inv[: rows.size], inv[rows.size :])]
        if np.ndim(ar[key[0]]) == 0 and np.ndim(ar[key[1]]) == 0:
            return float(sub[0, 0])
        if np.ndim(ar[key[0]]) == 0:
            return sub[0]
        if np.ndim(ar[key[1]]) == 0:
            return sub[:, 0]
        return sub

    def __array__(self, dtype: Any = None, copy: Any = None) -> Array:
        k = self.shape[0]
        if k > MAX_DENSE_ITEMS:
            raise InsufficientMemoryError(
                f"a dense covariance of {k:,} items would take {8 * k * k / 2**30:.1f} GB; "
                "ask for the items you need: fit.covariance().submatrix([...]) or "
                "fit.gap_test(a, b)"
            )
        full = self._block(np.arange(k, dtype=np.intp))
        return full if dtype is None else full.astype(dtype)
