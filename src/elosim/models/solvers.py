"""Likelihood pieces and solvers for Bradley-Terry models with ties, on pair counts.

Parameters are natural log-strengths ``lam`` (one per item) and, for the tie
models, one tie parameter ``tau``:

* ``"half"``: a tie is half a win for each side (quasi-likelihood, LMArena).
  ``P(i beats j) = sigmoid(d)`` with ``d = lam_i - lam_j``. No ``tau``.
* ``"davidson"`` (Davidson 1970): ``P(i) : P(j) : P(tie) = pi_i : pi_j : nu sqrt(pi_i pi_j)``,
  ``tau = log(nu)``.
* ``"rao-kupper"`` (Rao & Kupper 1967): ``P(i beats j) = sigmoid(d - eta)``, ``theta = exp(eta)``,
  ``tau = log(eta)`` so that ``theta > 1``.

Everything takes a table ``T`` of weighted counts of shape ``(..., P, 3)`` (columns:
``i`` won, ``j`` won, tie) for the pairs ``(pair_i, pair_j)``. A :class:`Likelihood`
holds one such table with its tie model and pairs: the problem every single-table solver
(:func:`newton` here, ``sparse.newton_sparse``, ``firth.firth_newton``, the profile
likelihood's refits) maximises with the damped Newton driver of :mod:`.newton`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, log_expit

from .._core.errors import NumericalError
from .newton import NewtonRun, damped_newton

Array = NDArray[np.float64]

TIE_MODELS = ("half", "davidson", "rao-kupper")
#: Objective (log-likelihood), gradient and information at a point.
Evaluation = tuple[float, Array, Array]


@dataclass
class PairTerms:
    """Per-pair log-likelihood, score and information in ``(d, tau)``."""

    loglik: Array  # (..., P)
    g_d: Array  # (..., P)   d loglik / d d
    g_t: Array  # (..., P)   d loglik / d tau (zeros for "half")
    h_dd: Array  # (..., P)  minus second derivatives (observed information)
    h_dt: Array
    h_tt: Array


def outcome_scores(model: str, d: Array, tau: float) -> tuple[Array, Array, Array]:
    """Per-vote scores for each outcome and model probabilities.

    Returns ``a`` (d-score), ``c`` (tau-score), ``prob`` with a trailing axis of length 3
    (i won, j won, tie). For ``"half"``, ``prob`` holds ``(p, 1 - p, 0)``, ``c`` is zero and
    the tie score is ``1/2 - p``.
    """
    if model == "half":
        p = expit(d)
        a = np.stack([1.0 - p, -p, 0.5 - p], axis=-1)
        c = np.zeros_like(a)
        prob = np.stack([p, 1.0 - p, np.zeros_like(p)], axis=-1)
        return a, c, prob
    if model == "davidson":
        nu = np.exp(tau)
        logd = np.logaddexp(np.logaddexp(d / 2, -d / 2), tau)
        pi = np.exp(d / 2 - logd)
        pj = np.exp(-d / 2 - logd)
        pt = np.exp(tau - logd)
        half_diff = (pi - pj) / 2
        a = np.stack([0.5 - half_diff, -0.5 - half_diff, -half_diff], axis=-1)
        c = np.stack([-pt, -pt, 1.0 - pt], axis=-1)
        del nu
        return a, c, np.stack([pi, pj, pt], axis=-1)
    # rao-kupper
    eta = np.exp(tau)
    s1 = expit(eta - d)  # 1 - P(i wins)
    s2 = expit(d + eta)  # 1 - P(j wins)
    q1 = 1.0 - s1
    q2 = 1.0 - s2
    dlog_e2 = 2.0 / (-np.expm1(-2.0 * eta))  # 2 e^{2eta} / (e^{2eta} - 1)
    a = np.stack([s1, -s2, q2 - q1], axis=-1)
    c_eta = np.stack([-s1, -s2, dlog_e2 - s1 - s2], axis=-1)
    prob = np.stack([q1, q2, np.clip(1.0 - q1 - q2, 0.0, 1.0)], axis=-1)
    return a, eta * c_eta, prob


def pair_terms(
    model: str, table: Array, d: Array, tau: float, *, loglik: bool = True
) -> PairTerms:
    """Log-likelihood and its first two derivatives in ``(d, tau)`` per pair.

    With ``loglik=False`` the log-likelihood is left at zero (saves time in the bootstrap).
    """
    w_i, w_j, t = table[..., 0], table[..., 1], table[..., 2]
    n = w_i + w_j + t
    if model == "half":
        yi = w_i + 0.5 * t
        yj = w_j + 0.5 * t
        p = expit(d)
        ll = _xlogy(yi, log_expit(d)) + _xlogy(yj, log_expit(-d)) if loglik else 0.0 * d
        z = np.zeros_like(d * n)
        return PairTerms(ll, yi - n * p, z, n * p * (1.0 - p), z, z)
    if model == "davidson":
        logd = np.logaddexp(np.logaddexp(d / 2, -d / 2), tau)
        pi = np.exp(d / 2 - logd)
        pj = np.exp(-d / 2 - logd)
        pt = np.exp(tau - logd)
        ll = (w_i - w_j) * d / 2 + t * tau - n * logd
        g_d = (w_i - w_j) / 2 - n * (pi - pj) / 2
        g_t = t - n * pt
        h_dd = n * ((pi + pj) / 4 - (pi - pj) ** 2 / 4)
        h_dt = -n * (pi - pj) * pt / 2
        h_tt = n * pt * (1.0 - pt)
        return PairTerms(ll, g_d, g_t, h_dd, h_dt, h_tt)
    # rao-kupper, with eta = exp(tau)
    eta = np.exp(tau)
    if loglik:
        l1 = log_expit(d - eta)
        l2 = log_expit(-d - eta)
        log_e2m1 = 2 * eta + np.log(-np.expm1(-2.0 * eta))  # log(e^{2eta} - 1)
        lt = log_e2m1 - np.logaddexp(d, eta) - np.logaddexp(-d, eta)
        ll = _xlogy(w_i, l1) + _xlogy(w_j, l2) + _xlogy(t, lt)
    else:
        ll = 0.0 * d
    s1 = expit(eta - d)
    s2 = expit(d + eta)
    q1, q2 = 1.0 - s1, 1.0 - s2
    v1, v2 = s1 * q1, s2 * q2
    dlog_e2 = 2.0 / (-np.expm1(-2.0 * eta))
    d2log_e2 = -4.0 * np.exp(-2.0 * eta) / np.expm1(-2.0 * eta) ** 2
    g_d = w_i * s1 - w_j * s2 + t * (q2 - q1)
    g_eta = -w_i * s1 - w_j * s2 + t * (dlog_e2 - s1 - s2)
    # second derivatives of the log-likelihood (negated below)
    dd = -(w_i * v1 + w_j * v2 + t * (v1 + v2))
    de = w_i * v1 - w_j * v2 + t * (v1 - v2)
    ee = -(w_i * v1 + w_j * v2) + t * (d2log_e2 - v1 - v2)
    g_t = eta * g_eta
    return PairTerms(
        ll, g_d, g_t, -dd, -(eta * de), -(eta**2 * ee + eta * g_eta)
    )


def meat_terms(model: str, table_sq: Array, d: Array, tau: Any) -> PairTerms:
    """Per-pair terms of the sandwich's meat ``sum_t s_t s_t^T``.

    ``table_sq`` holds the sums of squared weights per pair and outcome (``(..., P, 3)``);
    the scores of one vote per outcome come from :func:`outcome_scores`.
    """
    a, c, _ = outcome_scores(model, d, tau)
    z = np.zeros(d.shape)
    return PairTerms(
        loglik=z,
        g_d=z,
        g_t=z,
        h_dd=np.sum(table_sq * a * a, axis=-1),
        h_dt=np.sum(table_sq * a * c, axis=-1),
        h_tt=np.sum(table_sq * c * c, axis=-1),
    )


def _xlogy(x: Array, logy: Array) -> Array:
    out: Array = np.where(x > 0, x * logy, 0.0)
    return out


@dataclass(frozen=True, eq=False)
class Likelihood:
    """A tie model's log-likelihood on the counts of the compared pairs: what solvers fit.

    Attributes
    ----------
    model : str
        The tie model, one of :data:`TIE_MODELS`.
    pair_i, pair_j : ndarray of int, shape (P,)
        The items of each compared pair.
    n_items : int
        ``K``.
    table : ndarray, shape (P, 3)
        Weighted counts per pair: ``pair_i`` won, ``pair_j`` won, tie.

    Parameters ``theta`` are the natural log-strengths (``K``), then ``tau`` for the tie
    models.
    """

    model: str
    pair_i: NDArray[np.intp]
    pair_j: NDArray[np.intp]
    n_items: int
    table: Array

    @property
    def n_params(self) -> int:
        """``K``, plus one for the tie parameter of the tie models."""
        return self.n_items + int(self.model != "half")

    def with_table(self, table: Array) -> Likelihood:
        """The same model and pairs with other counts (e.g. a bootstrap replicate's)."""
        return replace(self, table=table)

    def predictor(self, theta: Array) -> tuple[Array, float]:
        """``d = lam_i - lam_j`` per pair and the tie parameter (0 for ``"half"``) at ``theta``."""
        k = self.n_items
        lam = theta[:k]
        return lam[self.pair_i] - lam[self.pair_j], float(theta[k]) if self.model != "half" else 0.0

    def terms(self, theta: Array, *, loglik: bool = True) -> PairTerms:
        """:func:`pair_terms` of the counts at ``theta``."""
        d, tau = self.predictor(theta)
        return pair_terms(self.model, self.table, d, tau, loglik=loglik)

    def evaluate(self, theta: Array, prior_strength: float = 0.0) -> Evaluation:
        """Log-likelihood (with prior), gradient and observed information at ``theta``."""
        return self.assemble(self.terms(theta), prior_strength, theta[: self.n_items])

    def score(self, terms: PairTerms, prior_strength: float, lam: Array) -> tuple[float, Array]:
        """Log-likelihood (less the prior ``prior_strength / 2 * |lam|^2``) and gradient
        from the per-pair terms of :meth:`terms`."""
        pair_i, pair_j = self.pair_i, self.pair_j
        k = self.n_items
        ll = float(terms.loglik.sum())
        grad = np.zeros(self.n_params)
        grad[:k] = np.bincount(pair_i, terms.g_d, k) - np.bincount(pair_j, terms.g_d, k)
        if grad.size > k:
            grad[k] = terms.g_t.sum()
        if prior_strength > 0:
            ll -= 0.5 * prior_strength * float(lam @ lam)
            grad[:k] -= prior_strength * lam
        return ll, grad

    def assemble(self, terms: PairTerms, prior_strength: float, lam: Array) -> Evaluation:
        """:meth:`score` and the matrix that the per-pair second-order terms make.

        With the terms of :meth:`terms`, the observed information (plus the prior's
        ``prior_strength`` on the rating diagonal); with other terms (the expected
        information, the sandwich's meat) the matrix they make.
        """
        pair_i, pair_j = self.pair_i, self.pair_j
        k = self.n_items
        m = self.n_params
        ll, grad = self.score(terms, prior_strength, lam)
        info = np.zeros((m, m))
        hd = terms.h_dd
        diag = np.bincount(pair_i, hd, k) + np.bincount(pair_j, hd, k)
        info[pair_i, pair_j] -= hd
        info[pair_j, pair_i] -= hd
        info[np.arange(k), np.arange(k)] += diag
        if m > k:
            col = np.bincount(pair_i, terms.h_dt, k) - np.bincount(pair_j, terms.h_dt, k)
            info[:k, k] = col
            info[k, :k] = col
            info[k, k] = terms.h_tt.sum()
        if prior_strength > 0:
            info[np.arange(k), np.arange(k)] += prior_strength
        return ll, grad, info


def _level_projection(m: int, n_items: int) -> tuple[Array, float]:
    """The unit all-ones vector ``u`` on the rating block (length ``m``) and ``1/sqrt(K)``."""
    u = np.zeros(m)
    u[:n_items] = 1.0 / math.sqrt(n_items)
    return u, 1.0 / math.sqrt(n_items)


def _augmented(info: Array, n_items: int) -> tuple[Array, Array]:
    """``info + c u u^T`` with ``c`` the mean diagonal of the rating block, and ``u``.

    The likelihood does not depend on the level of the log-strengths, so ``info`` is
    singular along ``u`` (with a prior, nearly so). Adding ``c u u^T`` makes it regular
    without changing any solution orthogonal to ``u``; ``c`` has the units of the
    information, so the result does not depend on the unit of the weights (a fixed
    ``1/K`` is negligible for weights of 1e20 and dominant for weights of 1e-12).
    """
    k = n_items
    c = float(np.trace(info[:k, :k])) / k
    if not (math.isfinite(c) and c > 0.0) or not np.all(np.isfinite(info)):
        raise NumericalError(
            "the information matrix is zero or not finite at the current estimate: the model "
            "predicts every vote with certainty, so the likelihood gives no curvature to "
            "work with. This comes from a starting point far from the data (init= must be "
            "natural log-strengths such as a previous fit's log_strength, not Elo ratings) or "
            "from weights whose scale cannot be represented. Remedy: drop init=, rescale the "
            "weights (only their ratios matter), or pass prior_strength > 0"
        )
    u, _ = _level_projection(info.shape[0], k)
    return info + c * np.outer(u, u), u


def _solve(a: Array, rhs: Array) -> Array:
    try:
        x = np.linalg.solve(a, rhs)
    except np.linalg.LinAlgError:
        x = np.full(np.shape(rhs), np.nan)
    if not np.all(np.isfinite(x)):
        raise NumericalError(
            "the information matrix is singular beyond the arbitrary level of the ratings: "
            "some ratings (or the tie parameter) are not identified by the votes. This "
            "happens when the comparison graph is disconnected, when every vote of a group "
            "is a tie, or when prior_strength is too small to make up for it (e.g. 1e-300). "
            "Remedy: use a larger prior_strength (e.g. 1e-3 or more), or fit each connected "
            "component separately (votes.components())"
        )
    return np.asarray(x, dtype=np.float64)


def solve_info(info: Array, rhs: Array, n_items: int, regular: bool) -> Array:
    """Solve ``info @ x = rhs`` for the solution with no component along the rating level.

    ``info`` is singular along ``u`` (the all-ones direction of the ratings) without a
    prior; with a prior the exact solution differs only along ``u``, which no reported
    quantity depends on (the prior's mode has mean log-strength zero, and starting points
    are centred). So both cases solve ``(info + c u u^T) x = rhs`` and drop ``x``'s
    component along ``u``. ``regular`` is kept for callers that distinguish the cases.

    Raises
    ------
    NumericalError
        ``info`` is zero, not finite, or singular beyond ``u`` (instead of numpy's
        ``LinAlgError``).
    """
    del regular
    a, u = _augmented(info, n_items)
    x = _solve(a, rhs)
    out: Array = np.asarray(x - np.outer(u, u @ x) if x.ndim > 1 else x - u * (u @ x))
    return out


def pseudo_inverse(info: Array, n_items: int, regular: bool) -> Array:
    """Inverse of the information matrix with the sum-to-zero constraint on ratings.

    Computed as ``P (info + c u u^T)^-1 P`` with ``P = I - u u^T`` (see :func:`solve_info`),
    for ``info`` of any scale.
    """
    del regular
    a, u = _augmented(info, n_items)
    inv = _solve(a, np.eye(a.shape[0]))
    proj = np.eye(a.shape[0]) - np.outer(u, u)
    out: Array = proj @ inv @ proj
    sym: Array = 0.5 * (out + out.T)
    return sym


def newton_step(info: Array, grad: Array, n_items: int, regular: bool) -> Array:
    """The Newton step ``info^+ grad``, its ratings centred unless ``regular`` (a prior).

    Raises :class:`~elosim._core.errors.NumericalError` as :func:`solve_info` does.
    """
    step = solve_info(info, grad, n_items, regular)
    if not regular:
        step[:n_items] -= step[:n_items].mean()
    return step


@dataclass
class SolverOutput:
    theta: Array
    loglik: float
    grad: Array
    info: Array
    n_iter: int
    converged: bool
    grad_norm: float

    @classmethod
    def from_run(cls, run: NewtonRun[Any], info: Any = None) -> SolverOutput:
        """The output of a :func:`~elosim.models.newton.damped_newton` run.

        Its evaluation starts ``(objective, gradient, information)``; ``info`` replaces
        the information (for evaluations that carry something else in third place).
        """
        objective, grad, *rest = run.evaluation
        return cls(
            run.theta, float(objective), grad, rest[0] if info is None else info,
            run.n_iter, run.converged, float(np.max(np.abs(grad))),
        )


def newton(
    likelihood: Likelihood,
    theta0: Array,
    *,
    prior_strength: float = 0.0,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> SolverOutput:
    """Damped Newton (observed information) with backtracking on the log-likelihood.

    Converged when ``max |gradient| <= tol * total weight``: relative, so the result does
    not depend on the unit of the weights.
    """
    k = likelihood.n_items
    scale = float(likelihood.table.sum()) or 1.0
    regular = prior_strength > 0
    run = damped_newton(
        lambda th: likelihood.evaluate(th, prior_strength), theta0, max_iter=max_iter,
        direction=lambda e: newton_step(e[2], e[1], k, regular),
        converged=lambda e: float(np.max(np.abs(e[1]))) <= tol * scale,
    )
    return SolverOutput.from_run(run)


def newman(
    pair_i: NDArray[np.intp],
    pair_j: NDArray[np.intp],
    n_items: int,
    table: Array,
    lam0: Array,
    *,
    tol: float = 1e-10,
    max_iter: int = 10000,
    variant: str = "newman",
) -> tuple[Array, int, bool]:
    """Fixed-point iterations for half-win BT (no prior).

    ``variant="newman"``: Newman (2023), in place (Gauss-Seidel sweeps over items);
    ``variant="mm"``: Zermelo/Hunter (2004) MM, simultaneous updates.
    Returns centred log-strengths, the number of sweeps and whether the gradient
    tolerance was reached.
    """
    k = n_items
    w_ij = table[:, 0] + 0.5 * table[:, 2]
    w_ji = table[:, 1] + 0.5 * table[:, 2]
    scale = float(table.sum()) or 1.0  # relative tolerance: any unit of weights
    # adjacency lists: for each item, neighbours and wins each way
    src = np.concatenate([pair_i, pair_j])
    dst = np.concatenate([pair_j, pair_i])
    won = np.concatenate([w_ij, w_ji])
    lost = np.concatenate([w_ji, w_ij])
    order = np.argsort(src, kind="stable")
    src, dst, won, lost = src[order], dst[order], won[order], lost[order]
    starts = np.searchsorted(src, np.arange(k + 1))
    pi = np.exp(lam0 - lam0.mean())
    wins_tot = np.bincount(src, won, k)
    n_tot = won + lost

    def grad_norm(p: Array) -> float:
        lam = np.log(p)
        d = lam[pair_i] - lam[pair_j]
        g = w_ij - (w_ij + w_ji) * expit(d)
        gr = np.bincount(pair_i, g, k) - np.bincount(pair_j, g, k)
        return float(np.max(np.abs(gr)))

    sweeps = 0
    converged = False
    while sweeps < max_iter:
        if grad_norm(pi) <= tol * scale:
            converged = True
            break
        sweeps += 1
        if variant == "newman":
            for i in range(k):
                s, e = starts[i], starts[i + 1]
                if s == e:
                    continue
                pj = pi[dst[s:e]]
                denom = pi[i] + pj
                num = float(np.sum(won[s:e] * pj / denom))
                den = float(np.sum(lost[s:e] / denom))
                pi[i] = num / den
        else:
            denom = pi[src] + pi[dst]
            pi = wins_tot / np.bincount(src, n_tot / denom, k)
        pi /= np.exp(np.mean(np.log(pi)))
    lam = np.log(pi)
    return lam - lam.mean(), sweeps, converged
