"""Bradley-Terry fits for many items: sparse information, sparse Newton, contrast solves.

The information matrix in the log-strengths is a weighted graph Laplacian (``K x K``,
one off-diagonal pair of entries per compared pair; references: ref-many-items), plus one
dense row and column for a tie parameter. Everything here keeps it sparse, so memory is
O(pairs + K):

* :class:`InformationSolver` solves ``H x = b``. ``H`` is singular along the all-ones
  rating direction when there is no prior; the system is *grounded* (one diagonal entry
  raised, which fixes that item's component at zero for right-hand sides whose rating
  part sums to zero) and the rating part of the solution is centred, which gives the
  pseudo-inverse's (sum-to-zero) answer. Sparse LU (SuperLU, minimum-degree ordering) for
  thin graphs such as chains and trees, where conjugate gradients would need about K
  iterations; Jacobi-preconditioned conjugate gradients otherwise (well-connected graphs
  converge in tens of iterations whatever K), with LU for any system they do not solve.
* :func:`newton_sparse`: damped Newton with those solves (inexact early on).
* Standard errors of any contrasts need one solve per contrast, never a dense inverse.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import linalg as spla

from . import solvers
from .newton import damped_newton

__all__ = ["InformationSolver", "information_matrix", "newton_sparse"]

Array = NDArray[np.float64]
#: Conjugate-gradient iterations allowed before switching to a sparse LU factorisation.
CG_MAX_ITER = 400


def information_matrix(
    likelihood: solvers.Likelihood, terms: solvers.PairTerms, prior_strength: float
) -> sparse.csr_matrix:
    """The (observed) information matrix as a sparse ``m x m`` matrix (``m = K [+ 1]``).

    The same matrix as :meth:`elosim.models.solvers.Likelihood.assemble`, without the
    dense storage.
    """
    pair_i, pair_j = likelihood.pair_i, likelihood.pair_j
    k = likelihood.n_items
    m = likelihood.n_params
    hd = terms.h_dd
    diag = np.bincount(pair_i, hd, k) + np.bincount(pair_j, hd, k) + prior_strength
    ar = np.arange(k)
    rows: list[NDArray[Any]] = [pair_i, pair_j, ar]
    cols: list[NDArray[Any]] = [pair_j, pair_i, ar]
    vals: list[NDArray[Any]] = [-hd, -hd, diag]
    if m > k:
        col = np.bincount(pair_i, terms.h_dt, k) - np.bincount(pair_j, terms.h_dt, k)
        tail = np.full(k, k)
        rows += [ar, tail, np.array([k])]
        cols += [tail, ar, np.array([k])]
        vals += [col, col, np.array([float(np.sum(terms.h_tt))])]
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m, m)
    )


class InformationSolver:
    """Solutions of ``info @ x = rhs`` without forming an inverse.

    Parameters
    ----------
    info : sparse matrix, shape (m, m)
        Information matrix (ratings first, then the tie parameter if any).
    n_items : int
        ``K``, the size of the rating block.
    regular : bool
        Whether ``info`` is non-singular (a prior is used). Otherwise it is singular along
        the all-ones rating direction and right-hand sides must have a rating part summing
        to zero (every rating contrast and every gradient does); solutions are centred.
    method : {"auto", "lu", "cg"}
        ``"auto"``: LU when the comparison graph is thin (at most two pairs per item on
        average), otherwise conjugate gradients with LU as a fallback.
    """

    def __init__(
        self, info: Any, n_items: int, regular: bool, *, method: str = "auto"
    ) -> None:
        a = sparse.csr_matrix(info, dtype=np.float64, copy=True)
        self.k = n_items
        self.regular = regular
        self.m = a.shape[0]
        diag = a.diagonal()
        if not regular:
            g = int(np.argmax(diag[:n_items]))
            bump = np.zeros(self.m)
            bump[g] = max(float(diag[g]), 1e-300)
            a = (a + sparse.diags(bump)).tocsr()
            diag = a.diagonal()
        self.a = a
        self.dinv = 1.0 / np.where(diag > 0, diag, 1.0)
        n_pairs = (a.nnz - self.m) // 2
        if method == "auto":
            method = "lu" if n_pairs <= 2 * self.m else "cg"
        self.method = method
        self._lu: Any = None
        if method == "lu":
            self._factor()

    def _factor(self) -> None:
        self._lu = spla.splu(self.a.tocsc(), permc_spec="MMD_AT_PLUS_A")

    def solve(self, rhs: Array, *, rtol: float = 1e-10) -> Array:
        """``x`` with ``info @ x = rhs`` (rating part centred when ``info`` is singular).

        ``rhs`` may be ``(m,)`` or ``(m, r)`` (one column per right-hand side). ``rtol`` is
        the relative residual asked of conjugate gradients (LU solves are direct). Each
        column's solution is the same whatever the other columns (bootstrap replicates do
        not depend on how they are batched): columns that CG does not solve within
        ``CG_MAX_ITER`` iterations are solved by LU, the others keep their CG solution.
        """
        b = np.asarray(rhs, dtype=np.float64)
        rows = np.ascontiguousarray(b.T if b.ndim == 2 else b[None, :])
        if self.method == "lu":
            if self._lu is None:
                self._factor()
            x = np.asarray(self._lu.solve(rows.T), dtype=np.float64).T.copy()
        else:
            x, ok = _pcg(self.a, rows, self.dinv, rtol, CG_MAX_ITER)
            if not ok.all():
                if self._lu is None:
                    self._factor()
                x[~ok] = np.asarray(self._lu.solve(rows[~ok].T), dtype=np.float64).T
        if not self.regular:
            x[:, : self.k] -= x[:, : self.k].mean(axis=1, keepdims=True)
        out: Array = x.T if b.ndim == 2 else x[0]
        return out


def _pcg(
    a: Any, b: Array, dinv: Array, rtol: float, max_iter: int
) -> tuple[Array, NDArray[np.bool_]]:
    """Jacobi-preconditioned conjugate gradients, one *row* of ``b`` (r, m) per system.

    A system stops being updated once its residual reaches ``rtol`` times its right-hand
    side's norm, and every reduction runs along a contiguous row, so each solution is the
    one it would get alone. Returns the solutions (r, m) and which reached the tolerance.
    """
    x = np.zeros_like(b)
    r = b.copy()
    goal = rtol * np.sqrt(np.sum(b * b, axis=1))
    z = r * dinv
    p = z.copy()
    rz = np.sum(r * z, axis=1)
    active = np.flatnonzero(np.sqrt(np.sum(r * r, axis=1)) > goal)
    for _ in range(max_iter):
        if not active.size:
            break
        pa = p[active]
        q = np.ascontiguousarray(np.asarray(a @ pa.T).T)
        pq = np.sum(pa * q, axis=1)
        alpha = np.divide(rz[active], pq, out=np.zeros_like(pq), where=pq > 0)
        x[active] += alpha[:, None] * pa
        r[active] -= alpha[:, None] * q
        ra = r[active]
        za = ra * dinv
        rz_new = np.sum(ra * za, axis=1)
        beta = np.divide(rz_new, rz[active], out=np.zeros_like(rz_new), where=rz[active] > 0)
        p[active] = za + beta[:, None] * pa
        rz[active] = rz_new
        active = active[np.sqrt(np.sum(ra * ra, axis=1)) > goal[active]]
    ok = np.sqrt(np.sum(r * r, axis=1)) <= goal
    return x, ok


def newton_sparse(
    likelihood: solvers.Likelihood,
    theta0: Array,
    *,
    prior_strength: float = 0.0,
    tol: float = 1e-10,
    max_iter: int = 200,
    method: str = "auto",
) -> solvers.SolverOutput:
    """Damped Newton with sparse solves; same stopping rule and output as ``solvers.newton``.

    Steps are inexact early on (conjugate-gradient tolerance tied to the gradient) and
    exact near the optimum. ``SolverOutput.info`` is a sparse matrix.
    """
    k = likelihood.n_items
    scale = float(likelihood.table.sum()) or 1.0  # relative tolerance: any unit of weights
    regular = prior_strength > 0

    def evaluate(th: Array) -> tuple[float, Array, solvers.PairTerms]:
        terms = likelihood.terms(th)
        return (*likelihood.score(terms, prior_strength, th[:k]), terms)

    def direction(evaluation: tuple[float, Array, solvers.PairTerms]) -> Array:
        nonlocal method
        _, g, terms = evaluation
        info = information_matrix(likelihood, terms, prior_strength)
        solver = InformationSolver(info, k, regular, method=method)
        method = solver.method  # the choice "auto" made, kept for every step
        gnorm = float(np.max(np.abs(g)))
        return solver.solve(g, rtol=min(1e-2, max(1e-12, gnorm / scale)))

    run = damped_newton(
        evaluate, theta0, direction=direction, max_iter=max_iter,
        converged=lambda e: float(np.max(np.abs(e[1]))) <= tol * scale,
    )
    info = information_matrix(likelihood, run.evaluation[2], prior_strength)
    return solvers.SolverOutput.from_run(run, info)
