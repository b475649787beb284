"""Bootstrap replicates of a fit with many items, in memory O(replicates x pairs + K).

The dense :class:`~elosim.models.batch.BatchProblem` keeps ``K x K`` matrices (the inverse
information, and one information matrix per replicate during Newton steps). Here the
point estimate's sparse information is factorised or preconditioned once
(:class:`~elosim.models.sparse.InformationSolver`): every replicate first takes
fixed-Hessian steps ``theta <- theta + H0^+ g(theta)`` (solved for all replicates of a
block at once), and a replicate that has not converged then finishes with its own sparse
Newton fit (:func:`~elosim.models.sparse.newton_sparse`), warm-started.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from . import solvers
from .sparse import InformationSolver, newton_sparse

__all__ = ["SparseBatchProblem"]

Array = NDArray[np.float64]


class SparseBatchProblem:
    """Batch fits of count tables over the same pairs, with sparse solves only.

    Same interface as :class:`~elosim.models.batch.BatchProblem` for what the bootstrap
    needs (``solve``, ``k``, ``m``, ``pair_i``, ``pair_j``, ``model``, ``regular``).
    """

    def __init__(
        self,
        model: str,
        pair_i: NDArray[np.intp],
        pair_j: NDArray[np.intp],
        n_items: int,
        theta_hat: Array,
        solver: InformationSolver,
        prior_strength: float,
        table_hat: Array,
    ) -> None:
        self.model = model
        self.pair_i = pair_i
        self.pair_j = pair_j
        self.k = n_items
        self.m = n_items + int(model != "half")
        self.theta_hat = theta_hat
        self.prior = prior_strength
        self.regular = prior_strength > 0
        self.solver = solver
        p = pair_i.size
        ar = np.arange(p)
        # incidence (K x P): column p is e_i - e_j; scatter = incidence @ values
        self.incidence = sparse.csr_matrix(
            (np.concatenate([np.ones(p), -np.ones(p)]), (np.concatenate([pair_i, pair_j]),
             np.concatenate([ar, ar]))), shape=(n_items, p),
        )
        self.abs_incidence = abs(self.incidence)
        self.n_hat = self.abs_incidence @ table_hat.sum(axis=1)

    def gradient(self, theta: Array, table: Array) -> Array:
        """Gradient (R, m) of each replicate's log-likelihood."""
        lam = theta[:, : self.k]
        d = lam[:, self.pair_i] - lam[:, self.pair_j]
        tau = theta[:, self.k : self.k + 1] if self.model != "half" else 0.0
        t = solvers.pair_terms(self.model, table, d, tau, loglik=False)  # type: ignore[arg-type]
        g = np.empty((theta.shape[0], self.m))
        g[:, : self.k] = (self.incidence @ t.g_d.T).T
        if self.m > self.k:
            g[:, self.k] = t.g_t.sum(axis=1)
        if self.regular:
            g[:, : self.k] -= self.prior * lam
        return g

    def solve(
        self, table: Array, *, tol: float, max_quasi: int = 12, max_newton: int = 100
    ) -> tuple[Array, NDArray[np.bool_]]:
        """Fit every replicate; returns ``theta`` (R, m) and a converged flag (R,)."""
        r = table.shape[0]
        totals = table.sum(axis=2)
        scale = np.maximum(1.0, totals.sum(axis=1))
        theta = np.tile(self.theta_hat, (r, 1))
        g = self.gradient(theta, table)
        gnorm = np.max(np.abs(g), axis=1)
        todo = np.flatnonzero(gnorm > tol * scale)
        n_item = (self.abs_incidence @ totals.T).T
        ratio = np.where(self.n_hat > 0, n_item / np.where(self.n_hat > 0, self.n_hat, 1.0), 1.0)
        dinv = np.ones((r, self.m))
        dinv[:, : self.k] = 1.0 / np.sqrt(np.maximum(ratio, 1e-3))
        for _ in range(max_quasi):
            if todo.size == 0:
                break
            rhs = g[todo] * dinv[todo]
            if not self.regular:
                rhs[:, : self.k] -= rhs[:, : self.k].mean(axis=1, keepdims=True)
            step = self.solver.solve(rhs.T, rtol=1e-8).T * dinv[todo]
            if not self.regular:
                step[:, : self.k] -= step[:, : self.k].mean(axis=1, keepdims=True)
            cand = theta[todo] + step
            g_c = self.gradient(cand, table[todo])
            gn_c = np.max(np.abs(g_c), axis=1)
            ok = np.isfinite(gn_c) & (gn_c < 0.5 * gnorm[todo])
            acc = todo[ok]
            theta[acc], g[acc], gnorm[acc] = cand[ok], g_c[ok], gn_c[ok]
            todo = acc[gnorm[acc] > tol * scale[acc]]
        conv = gnorm <= tol * scale
        for row in np.flatnonzero(~conv):
            out = newton_sparse(
                self.model, self.pair_i, self.pair_j, self.k, table[row], theta[row],
                prior_strength=self.prior, tol=tol, max_iter=max_newton,
                method=self.solver.method,
            )
            theta[row] = out.theta
            conv[row] = out.converged
        if not self.regular:
            theta[:, : self.k] -= theta[:, : self.k].mean(axis=1, keepdims=True)
        return theta, conv
