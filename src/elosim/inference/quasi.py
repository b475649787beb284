"""Quasi-variances (Firth & de Menezes 2004): per-item variances for comparing any two items.

A leaderboard can show one interval per item, but what readers compare is pairs. The
quasi-variances ``q_i`` are chosen so that ``Var(R_i - R_j) ~= q_i + q_j`` for every pair;
then ``R_i +/- (z / sqrt(2)) sqrt(q_i)`` ("comparison intervals") overlap, roughly, exactly
when the pairwise 5% Wald test of ``R_i - R_j`` does not reject (1.96 / sqrt(2) = 1.386,
references: ref-gap-variance). Quasi-variances depend
only on the variances of differences, so they do not depend on the normalisation (mean or
anchor).

Fitting criterion: as R ``qvcalc`` (``qvcalc.default``), least squares on the log scale,
``sum_{i<j} (log(q_i + q_j) - log v_ij)^2`` with ``v_ij = V_ii + V_jj - 2 V_ij``; the
reported relative error of each pair's standard error is ``sqrt((q_i + q_j) / v_ij) - 1``
(the Biometrika paper's definition, which qvcalc uses since version 0.8-9). The paper
also discusses a penalty on these relative errors; the log-scale least-squares fit is the
one in the reference implementation and is what we match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core import hooks
from .._core.normal import norm
from .._core.results import DisplayMethods
from .._core.validation import check_confidence_level, check_result
from ..models.fit import ConfidenceInterval

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["QuasiVarianceResult", "fit_quasi_variances", "quasi_variances"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class QuasiVarianceResult(DisplayMethods):
    """Quasi-variances of the ratings (Elo scale) and how well they approximate.

    Attributes
    ----------
    items : tuple of str
    ratings : ndarray or None
        The estimates (for intervals), if known.
    quasi_variance : ndarray
        ``q_i`` (squared rating points). One of them can be negative (rare; see qvcalc's
        documentation); its quasi-SE is then NaN but the ``q`` still reproduce contrasts.
    quasi_se : ndarray
        ``sqrt(q_i)`` (NaN where ``q_i < 0``).
    standard_error : ndarray
        Ordinary marginal standard errors (these depend on the normalisation).
    pair_index : ndarray, shape (P, 2)
        The pairs ``(i, j)``, ``i < j``.
    relative_error : ndarray, shape (P,)
        ``sqrt((q_i + q_j) / v_ij) - 1`` for each pair.
    worst_relative_error : (float, float)
        Min and max of ``relative_error``.
    worst_relative_error_all_contrasts : (float, float)
        Min and max over **all** contrasts ``c`` (``sum c = 0``) of
        ``sqrt(c'Qc / c'Vc) - 1`` (qvcalc's ``worstErrors``).
    covariance_kind : str
        Which covariance was summarised.
    """

    _plot_function = "plot_ratings"

    items: tuple[str, ...]
    ratings: Array | None
    quasi_variance: Array
    quasi_se: Array
    standard_error: Array
    pair_index: NDArray[np.intp]
    relative_error: Array
    worst_relative_error: tuple[float, float]
    worst_relative_error_all_contrasts: tuple[float, float]
    covariance_kind: str

    def __repr__(self) -> str:
        lo, hi = self.worst_relative_error
        return (
            f"<QuasiVarianceResult: {len(self.items)} items, {self.covariance_kind} covariance, "
            f"pairwise SE errors {100 * lo:+.1f}% to {100 * hi:+.1f}%>"
        )

    @staticmethod
    def multiplier(confidence_level: float = 0.95) -> float:
        """``z / sqrt(2)``: half-width of comparison intervals in quasi-SEs (1.386 at 95%)."""
        level = check_confidence_level(confidence_level)
        return float(norm.ppf(0.5 + level / 2) / math.sqrt(2.0))

    def comparison_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """``rating +/- z/sqrt(2) * quasi_se``.

        For two items with equal quasi-variances ``q``, ``SE(gap) = sqrt(2 q)`` and the
        intervals fail to overlap exactly when ``|gap| > 2 (z/sqrt(2)) sqrt(q) =
        z sqrt(2q)``, i.e. when the two-sided Wald test at ``1 - confidence_level``
        rejects. With unequal quasi-variances the correspondence is approximate (the level
        of the overlap rule is somewhat below nominal when the ratio is far from 1). These
        are *not* confidence intervals for single ratings.
        """
        if self.ratings is None:
            raise ValueError("comparison intervals need the ratings; pass a fitted result")
        m = self.multiplier(confidence_level)
        half = m * self.quasi_se
        return ConfidenceInterval(self.ratings - half, self.ratings + half)

    def to_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """Table: ``item, rating, standard_error, quasi_se, quasi_variance, ci_low, ci_high``
        (comparison intervals). Needs pandas."""
        from .._core.format import require_pandas

        pdm = require_pandas("QuasiVarianceResult.to_frame")
        k = len(self.items)
        rat = self.ratings if self.ratings is not None else np.full(k, np.nan)
        if self.ratings is not None:
            ci = self.comparison_interval(confidence_level)
            lo, hi = np.asarray(ci.low), np.asarray(ci.high)
        else:
            lo = hi = np.full(k, np.nan)
        df = pdm.DataFrame(
            {
                "item": list(self.items),
                "rating": rat,
                "standard_error": self.standard_error,
                "quasi_se": self.quasi_se,
                "quasi_variance": self.quasi_variance,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
        df.attrs.update(confidence_level=confidence_level, interval="comparison (quasi-SE)",
                        multiplier=self.multiplier(confidence_level))
        return cast("pd.DataFrame", df)

    def summary(self, confidence_level: float = 0.95) -> str:
        """Fixed-width table with comparison intervals and the approximation error."""
        level = check_confidence_level(confidence_level)
        m = self.multiplier(level)
        w = max(8, min(40, max(len(x) for x in self.items)))
        lines = [
            f"Quasi-variances ({self.covariance_kind} covariance); comparison intervals "
            f"rating +/- {m:.3f} x quasi-SE",
            f"  two intervals that do not overlap ~ the pair differs at the "
            f"{100 * (1 - level):.10g}% level",
            "",
            f"{'item':<{w}} {'rating':>9} {'SE':>8} {'quasiSE':>8} {'ci_low':>9} {'ci_high':>9}",
        ]
        rat = self.ratings if self.ratings is not None else np.full(len(self.items), np.nan)
        for i, name in enumerate(self.items):
            lines.append(
                f"{name[:w]:<{w}} {rat[i]:>9.1f} {self.standard_error[i]:>8.2f} "
                f"{self.quasi_se[i]:>8.2f} {rat[i] - m * self.quasi_se[i]:>9.1f} "
                f"{rat[i] + m * self.quasi_se[i]:>9.1f}"
            )
        lo, hi = self.worst_relative_error
        alo, ahi = self.worst_relative_error_all_contrasts
        lines += [
            "",
            f"worst relative errors in SEs of pairwise differences: {100 * lo:+.1f}% "
            f"{100 * hi:+.1f}%",
            f"worst relative errors over all contrasts: {100 * alo:+.1f}% {100 * ahi:+.1f}%",
        ]
        return "\n".join(lines)


def _difference_variances(cov: Array) -> tuple[NDArray[np.intp], NDArray[np.intp], Array]:
    ii, jj = np.triu_indices(cov.shape[0], 1)
    d = np.diag(cov)
    return ii.astype(np.intp), jj.astype(np.intp), d[ii] + d[jj] - 2.0 * cov[ii, jj]


def fit_quasi_variances(covariance: ArrayLike) -> tuple[Array, Array, tuple[float, float]]:
    """Quasi-variances from a covariance matrix (the array core of :func:`quasi_variances`).

    Parameters
    ----------
    covariance : array, shape (K, K), K >= 3
        Covariance of the estimates (any normalisation, any scale).

    Returns
    -------
    quasi_variance : ndarray (K,)
    relative_error : ndarray (K(K-1)/2,)
        Per pair ``(i<j)`` in ``numpy.triu_indices`` order.
    worst_all_contrasts : (float, float)

    Raises
    ------
    ValueError
        Fewer than 3 items (the split of ``v_12`` into ``q_1 + q_2`` is arbitrary), a
        non-square or non-finite matrix, or a difference with non-positive variance.

    Examples
    --------
    >>> from elosim.inference.quasi import fit_quasi_variances
    >>> import numpy as np
    >>> q, err, _ = fit_quasi_variances(np.diag([1.0, 2.0, 3.0]) + 5.0)
    >>> np.round(q, 6).tolist(), float(np.abs(err).max()) < 1e-8
    ([1.0, 2.0, 3.0], True)
    """
    cov = np.asarray(covariance, dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"covariance must be a square matrix; got shape {cov.shape}")
    k = cov.shape[0]
    if k < 3:
        raise ValueError(
            f"quasi-variances need at least 3 items (with {k}, q_1 + q_2 = Var(R_1 - R_2) "
            "does not determine q_1 and q_2)"
        )
    if not np.all(np.isfinite(cov)):
        raise ValueError("covariance has non-finite entries")
    cov = 0.5 * (cov + cov.T)
    ii, jj, v = _difference_variances(cov)
    if np.any(v <= 0):
        bad = int(np.flatnonzero(v <= 0)[0])
        raise ValueError(
            f"the difference between items {ii[bad]} and {jj[bad]} has non-positive variance "
            f"({v[bad]:.3g}); quasi-variances need every pairwise difference to be uncertain"
        )
    scale = float(np.median(v))
    vs = v / scale
    logv = np.log(vs)
    design = np.zeros((v.size, k))
    design[np.arange(v.size), ii] = 1.0
    design[np.arange(v.size), jj] = 1.0
    q0 = np.linalg.lstsq(design, vs, rcond=None)[0]
    s0 = design @ q0
    if np.any(s0 <= 0):  # fall back to a start with all sums positive
        q0 = np.full(k, 0.5 * float(np.mean(vs)))
    eps = 1e-12

    def resid(q: Array) -> Array:
        s = design @ q
        safe = np.where(s > eps, s, eps)
        out: Array = np.where(s > eps, np.log(safe), math.log(eps) + (s - eps) / eps) - logv
        return out

    def jac(q: Array) -> Array:
        s = design @ q
        w = np.where(s > eps, 1.0 / np.where(s > eps, s, eps), 1.0 / eps)
        out: Array = design * w[:, None]
        return out

    from scipy import optimize

    sol = optimize.least_squares(resid, q0, jac=jac, method="lm", xtol=1e-14, ftol=1e-14,
                                 gtol=1e-14)
    q = np.asarray(sol.x, dtype=float)
    rel = np.sqrt((design @ q) / vs) - 1.0
    # all contrasts: generalised eigenvalues of (C'QC, C'VC) on the sum-zero subspace
    basis = np.linalg.svd(np.eye(k) - 1.0 / k)[0][:, : k - 1]
    a_mat = basis.T @ np.diag(q) @ basis
    b_mat = basis.T @ (cov / scale) @ basis
    evals = np.linalg.eigvalsh(np.linalg.solve(np.linalg.cholesky(b_mat), np.eye(k - 1))
                               @ a_mat @ np.linalg.solve(np.linalg.cholesky(b_mat),
                                                         np.eye(k - 1)).T)
    with np.errstate(invalid="ignore"):
        worst = (float(np.sqrt(max(evals.min(), 0.0)) - 1.0),
                 float(np.sqrt(max(evals.max(), 0.0)) - 1.0))
    out_q: Array = q * scale
    return out_q, np.asarray(rel, dtype=float), worst


@hooks.provides("quasi_variances")
def quasi_variances(result: Any, *, kind: str | None = None) -> QuasiVarianceResult:
    """Quasi-variances of a fit's (or a bootstrap's) ratings, on the Elo scale.

    Parameters
    ----------
    result : BradleyTerryResult or BootstrapResult
        A fit (its ``covariance(kind)``) or a bootstrap result (the bootstrap covariance of
        the replicates).
    kind : {"model", "sandwich", "cluster"}, optional
        Covariance of a fit (default: the fit's default).

    Returns
    -------
    QuasiVarianceResult

    References
    ----------
    Firth, D. and de Menezes, R. X. (2004). Quasi-variances. Biometrika 91, 65-80.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> qv = elosim.quasi_variances(elosim.bradley_terry(votes), kind="model")
    >>> round(elosim.QuasiVarianceResult.multiplier(0.95), 4)
    1.3859
    >>> bool(abs(qv.worst_relative_error[0]) < 0.2)
    True
    """
    check_result(result)
    items = tuple(result.items)
    if getattr(result, "bootstrap_distribution", None) is not None:
        if kind is not None:
            raise ValueError(f"kind={kind!r} applies to analytic fits only")
        cov = np.asarray(np.cov(np.asarray(result.bootstrap_distribution, dtype=float)))
        used = f"bootstrap ({np.asarray(result.bootstrap_distribution).shape[1]:,} resamples)"
    else:
        cov = np.asarray(result.covariance(kind), dtype=float)
        used = kind if kind is not None else str(getattr(result, "default_covariance", "model"))
    q, rel, worst = fit_quasi_variances(cov)
    ii, jj = np.triu_indices(len(items), 1)
    with np.errstate(invalid="ignore"):
        qse = np.where(q >= 0, np.sqrt(np.abs(q)), np.nan)
    return QuasiVarianceResult(
        items=items,
        ratings=np.asarray(result.ratings, dtype=float),
        quasi_variance=q,
        quasi_se=qse,
        standard_error=np.sqrt(np.clip(np.diag(cov), 0.0, None)),
        pair_index=np.column_stack([ii, jj]).astype(np.intp),
        relative_error=rel,
        worst_relative_error=(float(rel.min()), float(rel.max())),
        worst_relative_error_all_contrasts=worst,
        covariance_kind=used,
    )
