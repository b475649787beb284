"""The default covariance: the larger of the sandwich and the model-based covariance.

Why (see ``docs/explanation/covariance.md``): the Huber-White sandwich estimates each
item's variance from that item's own squared score residuals. With a handful of votes those
residuals can all be near zero by chance (an item whose two votes were both ties sits at
exactly the fitted tie-half probability, so its residuals vanish), and the sandwich then
claims a precision the votes cannot support. The model-based (inverse-information)
covariance depends only on how many votes an item has and against whom, so it cannot
collapse; but with half-win ties it overstates the variance of well-measured items, since a
tie carries less noise than a win or a loss. Scaling it by the quasi-likelihood dispersion
``phi`` (McCullagh & Nelder 1989, section 9.2; Pearson's statistic over its degrees of
freedom, at most 1) removes that bias on average.

``larger_covariance(A, B)`` is the smallest matrix of the form ``B^{1/2} U max(Lambda, 1)
U' B^{1/2}`` (``B^{-1/2} A B^{-1/2} = U Lambda U'``) and dominates both ``A`` and ``B`` in
the positive semi-definite order: every contrast's variance is at least the larger of its
sandwich and scaled model-based variances, and the result is one valid covariance matrix
(so rank sets and quasi-variances can use it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

__all__ = ["larger_covariance", "pearson_dispersion", "pearson_x2"]

Array = NDArray[np.float64]


def pearson_x2(table: Array, d: Array) -> Any:
    """Pearson ``X^2 = sum_v w_v (y_v - p_v)^2 / (p_v (1 - p_v))`` of half-win votes.

    ``y = 1, 0, 1/2`` for a win of ``pair_i``, a loss or a tie (McCullagh & Nelder 1989,
    section 9.2.4); ``table`` ``(..., P, 3)`` and fitted log-odds ``d`` ``(..., P)`` as in
    :func:`pearson_dispersion`. A vote against a fitted certainty counts as ``1e300``.
    """
    p = expit(d)
    q = np.clip(p * (1.0 - p), 1e-300, None)
    resid = table[..., 0] * (1.0 - p) ** 2 + table[..., 1] * p**2 + table[..., 2] * (0.5 - p) ** 2
    return np.sum(resid / q, axis=-1)


def pearson_dispersion(table: Array, d: Array, n_items: int) -> Any:
    """Quasi-likelihood dispersion of half-win votes, ``min(1, X^2 / (N - K + 1))``.

    ``table`` holds per pair the (weighted) counts ``(i won, j won, tie)`` (shape
    ``(..., P, 3)``) and ``d`` the fitted log-odds ``lam_i - lam_j`` (``(..., P)``); leading
    axes (bootstrap replicates) give one dispersion each. A vote scored ``y`` in
    ``{0, 1/2, 1}`` with mean ``p`` has variance ``p (1 - p) - P(tie) / 4 <= p (1 - p)``, so
    the dispersion of independent votes never exceeds 1; it is capped there (dependence is
    the cluster covariance's job). It is 1 when there are no residual degrees of freedom.
    """
    x2 = pearson_x2(table, d)
    dof = np.sum(table, axis=(-2, -1)) - n_items + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(dof > 0, np.minimum(1.0, x2 / np.where(dof > 0, dof, 1.0)), 1.0)
    return float(phi) if np.ndim(phi) == 0 else phi


def larger_covariance(a: Array, b: Array, *, rtol: float = 1e-10) -> Array:
    """A covariance matrix that dominates both ``a`` and ``b`` (``C - a``, ``C - b`` PSD).

    Computed in the range of ``b`` (``a``'s range must lie inside it, as for a sandwich and
    the inverse information it is built on): whiten by ``b``, take the eigenvalues of the
    whitened ``a`` and raise those below 1 to 1. Along every generalised eigenvector the
    result equals the larger of the two variances; for any other contrast it is at least
    the larger one.
    """
    a = 0.5 * (a + a.T)
    b = 0.5 * (b + b.T)
    s, v = np.linalg.eigh(b)
    keep = s > rtol * max(float(s.max()), 0.0)
    if not np.any(keep):
        return a
    root = v[:, keep] * np.sqrt(s[keep])  # b = root @ root.T
    white = v[:, keep] / np.sqrt(s[keep])  # root.T @ white = I
    m = white.T @ a @ white
    lam, u = np.linalg.eigh(0.5 * (m + m.T))
    ru = root @ u
    out: Array = b + (ru * np.clip(lam - 1.0, 0.0, None)) @ ru.T
    sym: Array = 0.5 * (out + out.T)
    return sym
