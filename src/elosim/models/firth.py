"""Firth bias reduction: the Jeffreys-prior penalised likelihood, on pair counts.

Firth (1993) removes the O(1/n) bias of maximum likelihood by maximising

``l*(theta) = l(theta) + 1/2 log det I(theta)``,

with ``I`` the expected (Fisher) information. For the half-win model this is what R's
``BTm(..., br = TRUE)`` computes through brglm: a binomial logit model in which a tie is
half a success, whose Jeffreys penalty is the same with fractional responses. Unlike the
maximum-likelihood estimate it is finite even when an item never lost or never won
(Kosmidis & Firth 2021).

The penalty is taken in the parameters in which the models' linear predictors are linear:
log-strengths, and ``log(nu)`` (Davidson, canonical) or ``eta = log(theta)`` (Rao-Kupper's
threshold). The solver works in the package's internal ``tau`` parameter; for Rao-Kupper,
``tau = log(eta)``, the Jacobian term ``-tau`` converts ``log det I_tau`` into
``log det I_eta`` (a Firth estimate, unlike the MLE, depends on the parameterisation).
Log-strengths enter only through differences, and any two bases of those differences are
related by an integer unimodular map, so the estimate does not depend on a reference item.

The solver is quasi-Fisher scoring (Kosmidis & Firth 2010): a step
``I(theta)^-1 U*(theta)`` along the adjusted score ``U*_r = U_r + 1/2 tr(I^-1 dI/dtheta_r)``,
halved until the penalised likelihood increases.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from . import solvers
from .newton import damped_newton

__all__ = ["FIRTH_MAX_ITEMS", "expected_information_terms", "firth_newton", "penalized_loglik"]

Array = NDArray[np.float64]
#: Largest number of items for Firth's dense ``K x K`` information (O(K^3) per iteration).
FIRTH_MAX_ITEMS = 2000
#: Central-difference step for the derivatives of a tie model's expected information.
_FD_STEP = 1e-3


def expected_information_terms(
    model: str, n: Array, d: Array, tau: float
) -> tuple[Array, Array, Array]:
    """Per-pair expected information in ``(d, tau)``: ``(e_dd, e_dt, e_tt)``.

    ``n`` holds the total (weighted) votes of each pair. For one vote it is
    ``sum_o p_o s_o s_o^T`` over the outcomes, with ``s_o`` the score of outcome ``o``.
    """
    a, c, prob = solvers.outcome_scores(model, d, tau)
    w = n[..., None] * prob
    return (
        np.sum(w * a * a, axis=-1),
        np.sum(w * a * c, axis=-1),
        np.sum(w * c * c, axis=-1),
    )


def _information_slopes(
    model: str, n: Array, d: Array, tau: float
) -> tuple[tuple[Array, ...], tuple[Array, ...]]:
    """Derivatives of :func:`expected_information_terms` with respect to ``d`` and ``tau``.

    Analytic for the half-win model; five-point central differences (error of order
    ``h^4``, about 1e-12 relative) for the tie models.
    """
    if model == "half":
        p = 1.0 / (1.0 + np.exp(-d))
        z = np.zeros_like(d)
        return (n * p * (1.0 - p) * (1.0 - 2.0 * p), z, z), (z, z, z)
    h = _FD_STEP

    def slope(dd: float, dt: float) -> tuple[Array, ...]:
        f = [
            expected_information_terms(model, n, d + s * dd, tau + s * dt)
            for s in (2.0, 1.0, -1.0, -2.0)
        ]
        return tuple(
            (-f[0][c] + 8.0 * f[1][c] - 8.0 * f[2][c] + f[3][c]) / (12.0 * h) for c in range(3)
        )

    return slope(h, 0.0), slope(0.0, h)


def _information(likelihood: solvers.Likelihood, terms: tuple[Array, Array, Array]) -> Array:
    """The matrix of per-pair information terms ``(e_dd, e_dt, e_tt)`` in ``theta``."""
    z = np.zeros_like(terms[0])
    pt = solvers.PairTerms(z, z, z, terms[0], terms[1], terms[2])
    _, _, info = likelihood.assemble(pt, 0.0, np.zeros(likelihood.n_items))
    return info


def penalized_loglik(likelihood: solvers.Likelihood, theta: Array) -> solvers.Evaluation:
    """Penalised log-likelihood ``l + 1/2 log det I``, adjusted score and expected information.

    The log-determinant is that of the information restricted to sum-to-zero
    log-strengths (and the tie parameter), i.e. of ``I + u u^T`` with ``u`` the unit
    all-ones vector on the ratings: it differs from the determinant of the information
    with one reference item dropped (brglm's design) by a constant only.
    """
    model, pair_i, pair_j = likelihood.model, likelihood.pair_i, likelihood.pair_j
    k = likelihood.n_items
    has_tau = model != "half"
    d, tau = likelihood.predictor(theta)
    n = likelihood.table.sum(axis=-1)
    ll, grad = likelihood.score(likelihood.terms(theta), 0.0, theta[:k])
    e = expected_information_terms(model, n, d, tau)
    info = _information(likelihood, e)
    a = info.copy()
    # level term c u u^T with c in the units of the information but constant in theta (so
    # log det changes by the constant log c only): any unit of weights works
    a[:k, :k] += max(float(n.sum()) / k, np.finfo(float).tiny) / k
    sign, logdet = np.linalg.slogdet(a)
    if sign <= 0:
        return -np.inf, grad, info
    inv = np.linalg.inv(a)
    # leverage of each pair: B_p I^-1 B_p^T in (d, tau), B_p = (e_i - e_j; e_tau)
    h_dd = inv[pair_i, pair_i] + inv[pair_j, pair_j] - 2.0 * inv[pair_i, pair_j]
    by_d, by_t = _information_slopes(model, n, d, tau)
    t_d = h_dd * by_d[0]
    t_t = h_dd * by_t[0]
    if has_tau:
        h_dt = inv[pair_i, k] - inv[pair_j, k]
        h_tt = inv[k, k]
        t_d = t_d + 2.0 * h_dt * by_d[1] + h_tt * by_d[2]
        t_t = t_t + 2.0 * h_dt * by_t[1] + h_tt * by_t[2]
    adj = np.zeros_like(grad)
    adj[:k] = 0.5 * (np.bincount(pair_i, t_d, k) - np.bincount(pair_j, t_d, k))
    penalty = 0.5 * float(logdet)
    if has_tau:
        adj[k] = 0.5 * float(np.sum(t_t))
        if model == "rao-kupper":  # Jeffreys prior in eta = exp(tau), not in tau
            penalty -= tau
            adj[k] -= 1.0
    return ll + penalty, grad + adj, info


def firth_newton(
    likelihood: solvers.Likelihood, theta0: Array, *, tol: float = 1e-10, max_iter: int = 200
) -> solvers.SolverOutput:
    """Maximise the Jeffreys-penalised likelihood by quasi-Fisher scoring.

    Converged when ``max |adjusted score| <= tol * total weight``. The returned
    ``loglik`` is the penalised log-likelihood and ``info`` the expected information at
    the estimate (whose inverse is the estimate's model-based covariance, as in brglm).

    Examples
    --------
    Two items, 4 wins of 5: the Firth estimate of the win probability is
    ``(4 + 1/2) / (5 + 1)`` (Firth 1993, binomial case).

    >>> import numpy as np
    >>> from elosim.models.firth import firth_newton
    >>> from elosim.models.solvers import Likelihood
    >>> two = Likelihood("half", np.array([0]), np.array([1]), 2, np.array([[4.0, 1.0, 0.0]]))
    >>> out = firth_newton(two, np.zeros(2))
    >>> d = out.theta[0] - out.theta[1]
    >>> round(float(1 / (1 + np.exp(-d))), 10)
    0.75
    """
    k = likelihood.n_items
    scale = float(likelihood.table.sum()) or 1.0  # relative: any unit of weights

    def converged(evaluation: solvers.Evaluation) -> bool:
        f, g, _ = evaluation
        return bool(np.isfinite(f)) and float(np.max(np.abs(g))) <= tol * scale

    def direction(evaluation: solvers.Evaluation) -> Array | None:
        f, g, info = evaluation
        return solvers.newton_step(info, g, k, False) if np.isfinite(f) else None

    run = damped_newton(
        lambda th: penalized_loglik(likelihood, th), theta0,
        direction=direction, converged=converged, max_iter=max_iter,
    )
    return solvers.SolverOutput.from_run(run)
