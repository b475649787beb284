"""Bootstrap replicates of a fit with many items, in memory O(replicates x pairs + K).

The dense :class:`~elosim.models.batch.BatchProblem` keeps ``K x K`` matrices (the inverse
information, and one information matrix per replicate during Newton steps). Here the
point estimate's sparse information is factorised or preconditioned once
(:class:`~elosim.models.sparse.InformationSolver`): every replicate first takes the same
fixed-Hessian steps ``theta <- theta + H0^+ g(theta)`` as in the dense case (solved for
all replicates of a block at once), and a replicate that has not converged then finishes
with its own sparse Newton fit (:func:`~elosim.models.sparse.newton_sparse`), warm-started.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .batch import BatchProblem, Replicates
from .solvers import Likelihood
from .sparse import InformationSolver, newton_sparse

__all__ = ["SparseBatchProblem"]

Array = NDArray[np.float64]


class SparseBatchProblem(BatchProblem):
    """:class:`~elosim.models.batch.BatchProblem` with sparse solves only (no K x K matrix)."""

    def __init__(
        self,
        likelihood: Likelihood,
        theta_hat: Array,
        solver: InformationSolver,
        prior_strength: float,
    ) -> None:
        self._setup(likelihood, theta_hat, prior_strength)
        self.solver = solver

    def fixed_step(self, rhs: Array) -> Array:
        """``rhs @ H0^+`` by sparse solves (one column per replicate)."""
        b = np.array(rhs, dtype=np.float64)  # rows: every reduction stays within a row
        if not self.regular:  # H0^+ ignores the all-ones rating direction
            b[:, : self.k] -= b[:, : self.k].mean(axis=1, keepdims=True)
        return np.asarray(self.solver.solve(b.T, rtol=1e-4).T, dtype=np.float64)

    def newton_steps(self, reps: Replicates, todo: NDArray[np.intp], max_newton: int) -> None:
        """Each replicate of ``todo`` finishes with its own sparse Newton fit (in place)."""
        total = reps.table.sum(axis=(1, 2))
        for row in todo:
            out = newton_sparse(
                self.likelihood.with_table(reps.table[row]), reps.theta[row],
                prior_strength=self.prior, tol=float(reps.goal[row] / (total[row] or 1.0)),
                max_iter=max_newton, method=self.solver.method,
            )
            reps.theta[row], reps.grad[row], reps.grad_norm[row] = (
                out.theta, out.grad, out.grad_norm
            )
