"""Bradley-Terry fits for many items: sparse information, sparse Newton, contrast solves.

The information matrix in the log-strengths is a weighted graph Laplacian (``K x K``,
one off-diagonal pair of entries per compared pair; METHODS E8), plus one dense row and
column for a tie parameter. Everything here keeps it sparse, so memory is O(pairs + K):

* :class:`InformationSolver` solves ``H x = b``. ``H`` is singular along the all-ones
  rating direction when there is no prior; the system is *grounded* (one diagonal entry
  raised, which fixes that item's component at zero for right-hand sides whose rating
  part sums to zero) and the rating part of the solution is centred, which gives the
  pseudo-inverse's (sum-to-zero) answer. Sparse LU (SuperLU, minimum-degree ordering) for
  thin graphs such as chains and trees, where conjugate gradients would need about K
  iterations; Jacobi-preconditioned conjugate gradients otherwise (well-connected graphs
  converge in tens of iterations whatever K), falling back to LU when they stall.
* :func:`newton_sparse`: damped Newton with those solves (inexact early on).
* Standard errors of any contrasts need one solve per contrast, never a dense inverse.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import linalg as spla

from . import solvers

__all__ = ["InformationSolver", "information_matrix", "newton_sparse"]

Array = NDArray[np.float64]
#: Conjugate-gradient iterations allowed before switching to a sparse LU factorisation.
CG_MAX_ITER = 400


def information_matrix(
    model: str,
    pair_i: NDArray[np.intp],
    pair_j: NDArray[np.intp],
    n_items: int,
    terms: solvers.PairTerms,
    prior_strength: float,
) -> sparse.csr_matrix:
    """The (observed) information matrix as a sparse ``m x m`` matrix (``m = K [+ 1]``).

    The same matrix as :func:`elosim.models.solvers.assemble`, without the dense storage.
    """
    k = n_items
    m = k + int(model != "half")
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
        self.method = "lu"

    def solve(self, rhs: Array, *, rtol: float = 1e-10) -> Array:
        """``x`` with ``info @ x = rhs`` (rating part centred when ``info`` is singular).

        ``rhs`` may be ``(m,)`` or ``(m, r)`` (one column per right-hand side). ``rtol`` is
        the relative residual asked of conjugate gradients (LU solves are direct).
        """
        b = np.asarray(rhs, dtype=np.float64)
        if self._lu is None:
            x, ok = _pcg(self.a, b, self.dinv, rtol, CG_MAX_ITER)
            if not ok:
                self._factor()
        if self._lu is not None:
            x = np.asarray(self._lu.solve(b), dtype=np.float64)
        if not self.regular:
            x[: self.k] -= x[: self.k].mean(axis=0)
        return x


def _pcg(a: Any, b: Array, dinv: Array, rtol: float, max_iter: int) -> tuple[Array, bool]:
    """Jacobi-preconditioned conjugate gradients, one column per right-hand side."""
    two_d = b.ndim == 2
    bb = b if two_d else b[:, None]
    dv = dinv[:, None]
    x = np.zeros_like(bb)
    r = bb.copy()
    bnorm = np.sqrt(np.sum(bb * bb, axis=0))
    goal = rtol * np.where(bnorm > 0, bnorm, 1.0)
    z = dv * r
    p = z.copy()
    rz = np.sum(r * z, axis=0)
    ok = False
    for _ in range(max_iter):
        if np.all(np.sqrt(np.sum(r * r, axis=0)) <= goal):
            ok = True
            break
        q = a @ p
        pq = np.sum(p * q, axis=0)
        alpha = np.divide(rz, pq, out=np.zeros_like(rz), where=pq > 0)
        x += alpha * p
        r -= alpha * q
        z = dv * r
        rz_new = np.sum(r * z, axis=0)
        beta = np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)
        p = z + beta * p
        rz = rz_new
    else:
        ok = bool(np.all(np.sqrt(np.sum(r * r, axis=0)) <= goal))
    return (x if two_d else x[:, 0]), ok


def newton_sparse(
    model: str,
    pair_i: NDArray[np.intp],
    pair_j: NDArray[np.intp],
    n_items: int,
    table: Array,
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
    k = n_items
    scale = max(1.0, float(table.sum()))
    theta = theta0.astype(float).copy()
    regular = prior_strength > 0
    has_tau = model != "half"

    def evaluate(th: Array) -> tuple[float, Array, solvers.PairTerms]:
        lam = th[:k]
        d = lam[pair_i] - lam[pair_j]
        tau = float(th[k]) if has_tau else 0.0
        terms = solvers.pair_terms(model, table, d, tau)
        ll = float(terms.loglik.sum())
        g = np.zeros(th.size)
        g[:k] = np.bincount(pair_i, terms.g_d, k) - np.bincount(pair_j, terms.g_d, k)
        if has_tau:
            g[k] = float(terms.g_t.sum())
        if regular:
            ll -= 0.5 * prior_strength * float(lam @ lam)
            g[:k] -= prior_strength * lam
        return ll, g, terms

    ll, g, terms = evaluate(theta)
    n_iter = 0
    converged = False
    chosen = method
    while True:
        gnorm = float(np.max(np.abs(g)))
        if gnorm <= tol * scale:
            converged = True
            break
        if n_iter >= max_iter:
            break
        n_iter += 1
        info = information_matrix(model, pair_i, pair_j, k, terms, prior_strength)
        solver = InformationSolver(info, k, regular, method=chosen)
        rtol = min(1e-2, max(1e-12, gnorm / scale))
        step = solver.solve(g, rtol=rtol)
        chosen = solver.method  # once LU was needed, keep it
        t = 1.0
        accepted = False
        while t >= 1e-10:
            cand = theta + t * step
            ll_c, g_c, terms_c = evaluate(cand)
            if math.isfinite(ll_c) and ll_c >= ll - 1e-12 * abs(ll):
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        theta, ll, g, terms = cand, ll_c, g_c, terms_c
    info = information_matrix(model, pair_i, pair_j, k, terms, prior_strength)
    return solvers.SolverOutput(
        theta, ll, g, info, n_iter, converged, float(np.max(np.abs(g)))
    )
