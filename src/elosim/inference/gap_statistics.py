"""Gap statistics shared by the gap tests: Wald z statistics from a covariance, bootstrap
gap distributions, interval inversion and p-value helpers.

``Var(R_a - R_b) = V_aa + V_bb - 2 V_ab``: the full covariance, never the two marginal
standard errors alone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core.format import format_pvalue
from .._core.normal import norm
from .._core.validation import check_choice, check_confidence_level, check_enough_resamples
from ..data.labels import resolve_item

if TYPE_CHECKING:
    import pandas as pd

Array = NDArray[np.float64]

ALTERNATIVES = ("two-sided", "greater", "less")
ADJUSTMENTS = ("holm", "bonferroni", "fdr_bh")
BOOTSTRAP_METHODS = ("percentile", "basic", "bca", "studentized")
#: Gap tests on a bootstrap result may also use the bootstrap standard error in a Wald test.
BOOTSTRAP_GAP_METHODS = (*BOOTSTRAP_METHODS, "wald")


# ---------------------------------------------------------------------------- helpers
def is_bootstrap(result: Any) -> bool:
    return getattr(result, "bootstrap_distribution", None) is not None


def pct(level: float) -> str:
    return f"{100 * level:.10g}%"


def fmt_p(p: float, bound: bool = False) -> str:
    """p-value text for sentences (``<1e-300`` where it underflows, never ``0``);
    ``bound=True`` (a resampling p-value at its floor) gives ``"<x"``: the Monte-Carlo
    p-value cannot go lower, the true one may."""
    if bound and math.isfinite(p):
        return "<" + format_pvalue(p)
    return format_pvalue(p)


def frame(table: Any, what: str, **attrs: Any) -> pd.DataFrame:
    """A display table as a pandas DataFrame (title, notes and ``attrs`` in ``df.attrs``)."""
    from .._core.format import require_pandas

    pdm = require_pandas(what)
    df = pdm.DataFrame({k: list(v) for k, v in table.columns.items()})
    df.attrs.update(title=table.title, notes=table.notes, **attrs)
    return cast("pd.DataFrame", df)


def check_pair(items: tuple[str, ...], a: Any, b: Any) -> tuple[int, int]:
    ia = resolve_item(items, a, "a")
    ib = resolve_item(items, b, "b")
    if ia == ib:
        raise ValueError(
            f"a and b must be two different items; got {items[ia]!r} for both"
        )
    return ia, ib


def wald_pvalue(stat: Array, alternative: str) -> Array:
    with np.errstate(invalid="ignore"):
        if alternative == "two-sided":
            return np.asarray(2.0 * norm.sf(np.abs(stat)))
        if alternative == "greater":
            return np.asarray(norm.sf(stat))
        return np.asarray(norm.cdf(stat))


def analytic_parts(
    result: Any, kind: str | None, subset: list[int] | None = None
) -> tuple[Array, Array, str]:
    """Estimates, covariance and the method's text of an analytic fit.

    With ``subset``, only those items' estimates and covariance block (a fit with many
    items then needs one sparse solve per item of the subset, never the full matrix).
    """
    est = np.asarray(result.ratings, dtype=float)
    cov_all = result.covariance(kind)
    if subset is not None:
        idx = np.asarray(subset, dtype=np.intp)
        est = est[idx]
        cov = np.asarray(cov_all[idx, idx] if hasattr(cov_all, "submatrix") else
                         np.asarray(cov_all)[np.ix_(idx, idx)], dtype=float)
    else:
        cov = np.asarray(cov_all, dtype=float)
    used = kind if kind is not None else getattr(result, "default_covariance", "default")
    return est, cov, f"Wald, {used} covariance"


def wald_gaps(
    estimates: ArrayLike,
    covariance: ArrayLike,
    index_a: ArrayLike,
    index_b: ArrayLike,
    *,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
) -> dict[str, Array]:
    """Wald tests of ``theta[a] - theta[b]`` from plain arrays (the analytic core).

    Parameters
    ----------
    estimates : array, shape (K,)
    covariance : array, shape (K, K)
        Full covariance of ``estimates`` (any normalisation; differences are invariant).
    index_a, index_b : int arrays of equal length
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: H1 ``theta[a] > theta[b]``.
    confidence_level : float

    Returns
    -------
    dict of arrays
        ``gap, standard_error, statistic, pvalue, ci_low, ci_high``. One-sided
        alternatives give one-sided intervals (an infinite end), as in scipy.stats.

    Examples
    --------
    >>> from elosim.inference.gap_statistics import wald_gaps
    >>> import numpy as np
    >>> out = wald_gaps([10.0, 0.0], np.diag([9.0, 16.0]), [0], [1])
    >>> float(out["standard_error"][0]), round(float(out["pvalue"][0]), 4)
    (5.0, 0.0455)
    """
    check_choice(alternative, "alternative", ALTERNATIVES)
    level = check_confidence_level(confidence_level)
    est = np.asarray(estimates, dtype=float)
    cov = np.asarray(covariance, dtype=float)
    ia = np.asarray(index_a, dtype=np.intp)
    ib = np.asarray(index_b, dtype=np.intp)
    gap = est[ia] - est[ib]
    var = cov[ia, ia] + cov[ib, ib] - 2.0 * cov[ia, ib]
    se = np.sqrt(np.clip(var, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = gap / se
    p = wald_pvalue(stat, alternative)
    if alternative == "two-sided":
        z = norm.ppf(0.5 + level / 2)
        lo, hi = gap - z * se, gap + z * se
    elif alternative == "greater":
        z = norm.ppf(level)
        lo, hi = gap - z * se, np.full_like(gap, np.inf)
    else:
        z = norm.ppf(level)
        lo, hi = np.full_like(gap, -np.inf), gap + z * se
    return {
        "gap": gap, "standard_error": se, "statistic": stat, "pvalue": p,
        "ci_low": lo, "ci_high": hi,
    }


def tail_counts(dist: Array, thresh: Array) -> tuple[Array, Array]:
    """Monte-Carlo tail proportions ``(1 + #{d <= t}) / (B + 1)`` and ``(1 + #{d >= t})/(B+1)``."""
    b = dist.shape[1]
    le = (1.0 + np.sum(dist <= thresh[:, None], axis=1)) / (b + 1.0)
    ge = (1.0 + np.sum(dist >= thresh[:, None], axis=1)) / (b + 1.0)
    return np.asarray(le), np.asarray(ge)


def combine(p_greater: Array, p_less: Array, alternative: str) -> Array:
    if alternative == "greater":
        return np.clip(p_greater, 0.0, 1.0)
    if alternative == "less":
        return np.clip(p_less, 0.0, 1.0)
    return np.asarray(np.clip(2.0 * np.minimum(p_greater, p_less), 0.0, 1.0))


def bootstrap_gaps(
    result: Any,
    index_a: ArrayLike,
    index_b: ArrayLike,
    *,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    method: str | None = None,
) -> tuple[dict[str, Array], str]:
    """Bootstrap gap tests (the core used by :func:`gap_test` for bootstrap results).

    ``result`` needs ``ratings`` and ``bootstrap_distribution`` (K x B); ``"bca"`` and
    ``"studentized"`` also use its ``contrast_interval``, ``acceleration`` and
    ``replicate_standard_errors`` methods and ``result.fit.covariance()``.

    Returns the same dict as :func:`wald_gaps` and the method text.
    """
    check_choice(alternative, "alternative", ALTERNATIVES)
    level = check_confidence_level(confidence_level)
    meth = check_choice(
        getattr(result, "method", "percentile") if method is None else method,
        "method",
        BOOTSTRAP_GAP_METHODS,
    )
    est = np.asarray(result.ratings, dtype=float)
    draws = np.asarray(result.bootstrap_distribution, dtype=float)
    ia = np.asarray(index_a, dtype=np.intp)
    ib = np.asarray(index_b, dtype=np.intp)
    gap = est[ia] - est[ib]
    dist = draws[ia] - draws[ib]  # (n_pairs, B)
    b = dist.shape[1]
    se = np.asarray(np.std(dist, axis=1, ddof=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = gap / se
    zeros = np.zeros_like(gap)
    if meth == "wald":
        # z = gap / bootstrap SE: continuous p-values, so that multiplicity adjustments over
        # many pairs are possible (test-inversion p-values are at least 1 / (B + 1))
        p = wald_pvalue(stat, alternative)
        z = norm.ppf(level if alternative != "two-sided" else 0.5 + level / 2)
        lo = gap - z * se if alternative != "less" else np.full_like(gap, -np.inf)
        hi = gap + z * se if alternative != "greater" else np.full_like(gap, np.inf)
        text = f"Wald with bootstrap standard error, {b:,} resamples"
        return {
            "gap": gap, "standard_error": se, "statistic": stat, "pvalue": p,
            "ci_low": np.asarray(lo), "ci_high": np.asarray(hi),
            "pvalue_is_bound": np.zeros(gap.shape, dtype=bool),
            "pvalue_floor": np.zeros_like(gap),
        }, text
    # p-values by test inversion: the smallest alpha whose interval excludes 0
    if meth == "percentile":
        p_greater, p_less = tail_counts(dist, zeros)
    elif meth == "basic":
        le, ge = tail_counts(dist, 2.0 * gap)
        p_greater, p_less = ge, le
    elif meth == "bca":
        cm = contrast_rows(est.size, ia, ib)
        acc = np.asarray(result.acceleration(cm), dtype=float)
        below = np.sum(dist < gap[:, None], axis=1) + 0.5 * np.sum(dist == gap[:, None], axis=1)
        z0 = norm.ppf(np.clip(below / b, 0.5 / b, 1 - 0.5 / b))
        u = (np.sum(dist < 0, axis=1) + 0.5 * np.sum(dist == 0, axis=1)) / b
        zu = norm.ppf(np.clip(u, 0.5 / b, 1 - 0.5 / b))
        w = zu - z0
        denom = np.maximum(1.0 + acc * w, 1e-12)
        p_greater = np.asarray(norm.cdf(w / denom - z0))
        p_less = 1.0 - p_greater
        # no replicate on the far side of 0: the proportion was clipped at 1 / (2B)
        clipped = (u <= 0.5 / b) | (u >= 1 - 0.5 / b)
    else:  # studentized
        cm = contrast_rows(est.size, ia, ib)
        se_hat = np.asarray(result.studentizing_standard_errors(cm), dtype=float)
        se_rep = np.asarray(result.replicate_standard_errors(cm), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_rep = (dist - gap[:, None]) / se_rep
            t_obs = gap / se_hat
        le, ge = tail_counts(t_rep, t_obs)
        p_greater, p_less = ge, le
    p = combine(p_greater, p_less, alternative)
    floor = (1.0 if alternative != "two-sided" else 2.0) / (b + 1.0)
    if meth == "bca":
        bound = clipped & (p <= 0.5 * (1.0 if alternative != "two-sided" else 2.0))
        floor_arr = np.where(bound, p, floor)
    else:
        bound = p <= floor * (1.0 + 1e-9)
        floor_arr = np.full_like(gap, floor)
    lo, hi = bootstrap_interval(result, dist, gap, ia, ib, meth, level, alternative)
    text = f"bootstrap {meth}, {b:,} resamples"
    return {
        "gap": gap, "standard_error": se, "statistic": stat, "pvalue": p,
        "ci_low": lo, "ci_high": hi, "pvalue_is_bound": np.asarray(bound, dtype=bool),
        "pvalue_floor": np.asarray(floor_arr, dtype=float),
    }, text


def contrast_rows(k: int, ia: NDArray[np.intp], ib: NDArray[np.intp]) -> Array:
    cm = np.zeros((ia.size, k))
    cm[np.arange(ia.size), ia] = 1.0
    cm[np.arange(ia.size), ib] -= 1.0
    return cm


def bootstrap_interval(
    result: Any,
    dist: Array,
    gap: Array,
    ia: NDArray[np.intp],
    ib: NDArray[np.intp],
    meth: str,
    level: float,
    alternative: str,
) -> tuple[Array, Array]:
    # one-sided (1 - a) bound = the matching end of the two-sided (1 - 2a) interval
    two_level = level if alternative == "two-sided" else 2.0 * level - 1.0
    if two_level <= 0:
        raise ValueError(
            f"a one-sided bootstrap interval needs confidence_level > 0.5; got {level!r}"
        )
    a2 = (1.0 - two_level) / 2.0
    check_enough_resamples(dist.shape[1], two_level)
    if meth in ("percentile", "basic"):
        q = np.quantile(dist, [a2, 1.0 - a2], axis=1)
        lo, hi = (q[0], q[1]) if meth == "percentile" else (2 * gap - q[1], 2 * gap - q[0])
    else:
        ci = result.contrast_interval(
            contrast_rows(np.asarray(result.ratings).size, ia, ib),
            confidence_level=two_level,
            method=meth,
        )
        lo, hi = np.asarray(ci.low, dtype=float), np.asarray(ci.high, dtype=float)
    if alternative == "greater":
        hi = np.full_like(gap, np.inf)
    elif alternative == "less":
        lo = np.full_like(gap, -np.inf)
    return np.asarray(lo), np.asarray(hi)
