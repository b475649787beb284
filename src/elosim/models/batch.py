"""Fitting many count tables at once (bootstrap replicates), warm-started from a fit.

Each replicate is a table of weighted counts of shape ``(P, 3)`` over the same pairs.
Replicates are solved together: first cheap fixed-Hessian steps
``theta <- theta + H0^+ g(theta)`` (``H0`` is the information at the point estimate, so
with plenty of data one or two steps suffice), then full batched Newton steps with
per-replicate step halving for the replicates that have not converged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.special import expit

from . import solvers

Array = NDArray[np.float64]
#: Memory allowed for the per-replicate information matrices of one round of Newton steps.
DENSE_NEWTON_BUDGET = 256 * 2**20


@dataclass
class Replicates:
    """Replicates being fitted, updated in place by :meth:`BatchProblem.newton_steps`.

    Attributes
    ----------
    theta, grad : ndarray, shape (R, m)
        Current points and their gradients.
    grad_norm : ndarray, shape (R,)
        ``max |grad|`` per replicate.
    table : ndarray, shape (R, P, 3)
        Each replicate's counts.
    goal : ndarray, shape (R,)
        The ``max |grad|`` at which a replicate has converged.
    """

    theta: Array
    grad: Array
    grad_norm: Array
    table: Array
    goal: Array


class BatchProblem:
    """The fixed parts of a batch fit: pairs, tie model, prior and the starting point.

    Parameters
    ----------
    likelihood : Likelihood
        The tie model and pairs, with the point estimate's counts.
    theta_hat : ndarray
        The point estimate, where every replicate starts.
    info_hat : ndarray
        The information at ``theta_hat``; its pseudo-inverse (or ``h0_inv`` when given)
        makes the fixed-Hessian steps.
    prior_strength : float
        Ridge on the log-strengths (0: none).
    h0_inv : ndarray, optional
        ``info_hat``'s pseudo-inverse, when already at hand.
    """

    def __init__(
        self,
        likelihood: solvers.Likelihood,
        theta_hat: Array,
        info_hat: Array,
        prior_strength: float,
        h0_inv: Array | None = None,
    ) -> None:
        self._setup(likelihood, theta_hat, prior_strength)
        self.h0_inv = (
            solvers.pseudo_inverse(info_hat, self.k, self.regular) if h0_inv is None else h0_inv
        )

    def _setup(
        self, likelihood: solvers.Likelihood, theta_hat: Array, prior_strength: float
    ) -> None:
        """The parts shared with the sparse subclass: ``likelihood`` holds the point
        estimate's counts (``table_hat``)."""
        self.likelihood = likelihood
        self.model = likelihood.model
        self.pair_i = pair_i = likelihood.pair_i
        self.pair_j = pair_j = likelihood.pair_j
        self.k = likelihood.n_items
        self.m = likelihood.n_params
        self.theta_hat = theta_hat
        self.prior = prior_strength
        self.regular = prior_strength > 0
        p = pair_i.size
        cols = np.concatenate([np.arange(p), np.arange(p)])
        rows = np.concatenate([pair_i, pair_j])
        # K x P incidence: column p is e_i - e_j (and |.| for per-item totals)
        self.incidence = sparse.csr_matrix(
            (np.concatenate([np.ones(p), -np.ones(p)]), (rows, cols)), shape=(self.k, p)
        )
        self.abs_incidence = abs(self.incidence)
        self.incidence_t = self.incidence.T.tocsr()  # P x K: row p is e_i - e_j
        self.n_hat = self.scatter_abs(likelihood.table.sum(axis=1)[None, :])[0]

    def fixed_step(self, rhs: Array) -> Array:
        """``rhs @ H0^+`` for rows of gradients (R, m): the fixed-Hessian step."""
        out: Array = rhs @ self.h0_inv
        return out

    def scatter(self, values: Array) -> Array:
        """``sum_p values[r, p] * (e_{i_p} - e_{j_p})`` for each row ``r``: shape (R, K)."""
        return np.asarray((self.incidence @ values.T).T, dtype=np.float64)

    def _differences(self, theta: Array) -> tuple[Array, Array | float]:
        """Per-pair log-strength differences (R, P) and the tie parameter (R, 1) or 0."""
        lam = theta[:, : self.k]
        d = lam[:, self.pair_i] - lam[:, self.pair_j]
        return d, theta[:, self.k : self.k + 1] if self.model != "half" else 0.0

    def _terms(self, theta: Array, table: Array, *, loglik: bool = True) -> solvers.PairTerms:
        d, tau = self._differences(theta)
        return solvers.pair_terms(self.model, table, d, tau, loglik=loglik)  # type: ignore[arg-type]

    def meat(self, theta: Array, table_sq: Array) -> Array:
        """Per-replicate sandwich meat (R, m, m) from tables of squared weights."""
        d, tau = self._differences(theta)
        return self.assemble(solvers.meat_terms(self.model, table_sq, d, tau))

    def scatter_abs(self, values: Array) -> Array:
        """``sum_p values[r, p] * (e_{i_p} + e_{j_p})``: per-item totals, shape (R, K)."""
        return np.asarray((self.abs_incidence @ values.T).T, dtype=np.float64)

    def half_gradient(self, theta: Array, points: Array, totals: Array) -> Array:
        """Gradient (R, K) for ties="half" from points ``wins + ties / 2`` and totals (R, P).

        The hot path of the bootstrap: ``g_d = points - n * sigmoid(d)``.
        """
        return self.half_gradient_t(theta, points.T, totals.T)

    def half_gradient_t(self, theta: Array, points_t: Array, totals_t: Array) -> Array:
        """:meth:`half_gradient` from transposed points and totals, shape (P, R).

        Pairs along the first axis let both products with the incidence be sparse
        matrix-times-dense products (no fancy-indexed gather of ratings per pair).
        """
        lam = theta[:, : self.k]
        z = np.asarray(self.incidence_t @ lam.T, dtype=np.float64)  # d = lam_i - lam_j, (P, R)
        # points - totals * sigmoid(d), in place: sigmoid(d) = 1 / (1 + exp(-d))
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        np.divide(totals_t, z, out=z)
        np.subtract(points_t, z, out=z)
        g = np.ascontiguousarray(np.asarray(self.incidence @ z, dtype=np.float64).T)
        if self.regular:
            g -= self.prior * lam
        return g

    def gradient(
        self, theta: Array, table: Array, *, loglik: bool = True
    ) -> tuple[Array, Array]:
        """Log-likelihood (R,) (zeros when ``loglik`` is false) and gradient (R, m)."""
        if self.model == "half" and not loglik:
            pts = table[..., 0] + 0.5 * table[..., 2]
            return np.zeros(theta.shape[0]), self.half_gradient(theta, pts, table.sum(axis=2))
        t = self._terms(theta, table, loglik=loglik)
        g = np.empty((theta.shape[0], self.m))
        g[:, : self.k] = self.scatter(t.g_d)
        if self.m > self.k:
            g[:, self.k] = t.g_t.sum(axis=1)
        ll = t.loglik.sum(axis=1)
        if self.regular:
            lam = theta[:, : self.k]
            g[:, : self.k] -= self.prior * lam
            ll = ll - 0.5 * self.prior * np.sum(lam * lam, axis=1)
        return ll, g

    def information(self, theta: Array, table: Array) -> Array:
        """Observed information (R, m, m) for each replicate."""
        info = self.assemble(self._terms(theta, table))
        if self.regular:
            k = self.k
            info[:, np.arange(k), np.arange(k)] += self.prior
        return info

    def assemble(self, t: solvers.PairTerms) -> Array:
        """(R, m, m) matrices from per-pair second-order terms ``h_dd, h_dt, h_tt``.

        The rating block is the weighted graph Laplacian of ``h_dd``; used for the
        information and for the sandwich's meat alike.
        """
        r = t.h_dd.shape[0]
        k, m = self.k, self.m
        base = (np.arange(r) * m * m)[:, None]
        ii = self.pair_i[None, :]
        jj = self.pair_j[None, :]
        idx = np.concatenate(
            [
                (base + ii * m + ii).ravel(),
                (base + jj * m + jj).ravel(),
                (base + ii * m + jj).ravel(),
                (base + jj * m + ii).ravel(),
            ]
        )
        h = t.h_dd.ravel()
        flat = np.bincount(idx, np.concatenate([h, h, -h, -h]), minlength=r * m * m)
        out: Array = flat.astype(float).reshape(r, m, m)
        if m > k:
            col = self.scatter(t.h_dt)  # (R, K)
            out[:, :k, k] = col
            out[:, k, :k] = col
            out[:, k, k] = t.h_tt.sum(axis=1)
        return out

    def solve(
        self, table: Array, *, tol: float, max_quasi: int = 12, max_newton: int = 60
    ) -> tuple[Array, NDArray[np.bool_]]:
        """Fit every replicate; returns ``theta`` (R, m) and a converged flag (R,)."""
        r = table.shape[0]
        totals = table.sum(axis=2)
        # relative tolerance: the same replicates converge whatever the unit of the weights
        scale = totals.sum(axis=1)
        scale = np.where(scale > 0, scale, 1.0)
        theta = np.tile(self.theta_hat, (r, 1))
        half = self.model == "half"
        points = table[..., 0] + 0.5 * table[..., 2] if half else totals
        points_t = np.ascontiguousarray(points.T)  # (P, R): see half_gradient_t
        totals_t = np.ascontiguousarray(totals.T)

        def grad(rows: NDArray[np.intp], th: Array) -> Array:
            if half:
                return self.half_gradient_t(th, points_t[:, rows], totals_t[:, rows])
            return self.gradient(th, table[rows], loglik=False)[1]

        every = np.arange(r)
        if half:  # every row starts at theta_hat: its win probabilities are shared
            lam_hat = theta[:1, : self.k]
            p_hat = expit(lam_hat[:, self.pair_i] - lam_hat[:, self.pair_j])
            g = self.scatter(points - totals * p_hat)
            if self.regular:
                g -= self.prior * lam_hat
        else:
            g = grad(every, theta)
        gnorm = np.max(np.abs(g), axis=1)
        todo = np.flatnonzero(gnorm > tol * scale)
        # fixed-Hessian steps, preconditioned by each item's share of votes in the replicate:
        # H_r ~ D^(1/2) H0 D^(1/2) with D_i = n*_i / n_i, so H_r^-1 ~ D^-1/2 H0^+ D^-1/2.
        n_item = self.scatter_abs(totals)
        ratio = np.where(self.n_hat > 0, n_item / np.where(self.n_hat > 0, self.n_hat, 1.0), 1.0)
        dinv = np.ones((r, self.m))
        dinv[:, : self.k] = 1.0 / np.sqrt(np.maximum(ratio, 1e-3))
        for _ in range(max_quasi):
            if todo.size == 0:
                break
            step = self.fixed_step(g[todo] * dinv[todo]) * dinv[todo]
            # the mean log-strength is 0 at the optimum, with or without a prior
            step[:, : self.k] -= step[:, : self.k].mean(axis=1, keepdims=True)
            cand = theta[todo] + step
            g_c = grad(todo, cand)
            gn_c = np.max(np.abs(g_c), axis=1)
            ok = np.isfinite(gn_c) & (gn_c < 0.5 * gnorm[todo])
            acc = todo[ok]
            theta[acc], g[acc], gnorm[acc] = cand[ok], g_c[ok], gn_c[ok]
            todo = acc[gnorm[acc] > tol * scale[acc]]
        todo = np.flatnonzero(gnorm > tol * scale)
        # full Newton with per-replicate step halving, in chunks whose (n, m, m) information
        # matrices stay within DENSE_NEWTON_BUDGET bytes
        per = max(1, DENSE_NEWTON_BUDGET // (24 * self.m * self.m))
        reps = Replicates(theta, g, gnorm, table, tol * scale)
        for chunk in np.array_split(todo, -(-todo.size // per)) if todo.size else []:
            self.newton_steps(reps, chunk, max_newton)
        theta[:, : self.k] -= theta[:, : self.k].mean(axis=1, keepdims=True)
        return theta, gnorm <= tol * scale

    def newton_steps(self, reps: Replicates, todo: NDArray[np.intp], max_newton: int) -> None:
        """Newton steps (in place on ``reps``) for the replicates ``todo``."""
        theta, g, gnorm, table = reps.theta, reps.grad, reps.grad_norm, reps.table
        ll = np.zeros(theta.shape[0])
        ll[todo] = self.gradient(theta[todo], table[todo])[0]
        for _ in range(max_newton):
            if todo.size == 0:
                break
            info = self.information(theta[todo], table[todo])
            rhs = g[todo]
            # fix the level with a term in the units of the information (see
            # solvers.solve_info), so that weights of any scale give the same steps
            level = np.trace(info[:, : self.k, : self.k], axis1=1, axis2=2) / self.k
            info[:, : self.k, : self.k] += (level / self.k)[:, None, None]
            try:
                step = np.asarray(np.linalg.solve(info, rhs[..., None])[..., 0], np.float64)
            except np.linalg.LinAlgError:
                step = np.einsum("rij,rj->ri", np.linalg.pinv(info), rhs)
            step[:, : self.k] -= step[:, : self.k].mean(axis=1, keepdims=True)
            t = np.ones(todo.size)
            pending = np.arange(todo.size)
            for _half in range(40):
                cand = theta[todo[pending]] + t[pending, None] * step[pending]
                ll_c, g_c = self.gradient(cand, table[todo[pending]])
                ok = np.isfinite(ll_c) & (
                    ll_c >= ll[todo[pending]] - 1e-12 * np.abs(ll[todo[pending]])
                )
                idx = todo[pending[ok]]
                theta[idx], ll[idx], g[idx] = cand[ok], ll_c[ok], g_c[ok]
                pending = pending[~ok]
                if pending.size == 0:
                    break
                t[pending] *= 0.5
            gnorm[todo] = np.max(np.abs(g[todo]), axis=1)
            todo = todo[(gnorm[todo] > reps.goal[todo])]
