"""Testing the gap between two ratings (the "1,541 vs 1,542" question).

The gap ``R_a - R_b`` does not depend on how the rating level is fixed (mean or anchor),
and neither does its standard error, provided the **full** covariance is used:

``Var(R_a - R_b) = V_aa + V_bb - 2 V_ab``  (METHODS A7).

Two routes:

* an analytic fit (:class:`~elosim.BradleyTerryResult`): Wald z test with the model,
  sandwich or cluster-robust covariance;
* a bootstrap result (anything with a ``bootstrap_distribution`` attribute, e.g.
  :class:`~elosim.BootstrapResult`): the gap's bootstrap distribution is the
  difference of the two rows of replicates; the interval uses the bootstrap's method and
  the p-value is obtained by **inverting that interval** (see :func:`gap_test`).

Also here: :func:`gap_test_from_reported`, for a reader who only has two published
ratings with intervals, and :func:`overlap_test_level`, the level of the "intervals do
not overlap" rule.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core import hooks
from .._core.normal import norm
from .._core.results import DisplayMethods
from .._core.validation import check_choice, check_confidence_level, check_item, check_result

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GapTestResult",
    "PairwiseGapTests",
    "ReportedGapTest",
    "adjust_pvalues",
    "gap_test",
    "gap_test_from_reported",
    "overlap_test_level",
    "pairwise_gap_tests",
]

Array = NDArray[np.float64]
ALTERNATIVES = ("two-sided", "greater", "less")
ADJUSTMENTS = ("holm", "bonferroni", "fdr_bh")
BOOTSTRAP_METHODS = ("percentile", "basic", "bca", "studentized")
#: Gap tests on a bootstrap result may also use the bootstrap standard error in a Wald test.
BOOTSTRAP_GAP_METHODS = (*BOOTSTRAP_METHODS, "wald")


# ---------------------------------------------------------------------------- helpers
def _is_bootstrap(result: Any) -> bool:
    return getattr(result, "bootstrap_distribution", None) is not None


def _pct(level: float) -> str:
    return f"{100 * level:.10g}%"


def _fmt_p(p: float) -> str:
    if not math.isfinite(p):
        return "nan"
    if p == 0:
        return "0"
    if p < 1e-4:
        return f"{p:.1e}"
    return f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def _frame(table: Any, what: str, **attrs: Any) -> pd.DataFrame:
    """A display table as a pandas DataFrame (title, notes and ``attrs`` in ``df.attrs``)."""
    from .._core.format import require_pandas

    pdm = require_pandas(what)
    df = pdm.DataFrame({k: list(v) for k, v in table.columns.items()})
    df.attrs.update(title=table.title, notes=table.notes, **attrs)
    return cast("pd.DataFrame", df)


def _check_pair(items: tuple[str, ...], a: Any, b: Any) -> tuple[int, int]:
    ia = check_item(items, a, "a")
    ib = check_item(items, b, "b")
    if ia == ib:
        raise ValueError(
            f"a and b must be two different items; got {items[ia]!r} for both"
        )
    return ia, ib


def _wald_pvalue(stat: Array, alternative: str) -> Array:
    with np.errstate(invalid="ignore"):
        if alternative == "two-sided":
            return np.asarray(2.0 * norm.sf(np.abs(stat)))
        if alternative == "greater":
            return np.asarray(norm.sf(stat))
        return np.asarray(norm.cdf(stat))


def _analytic_parts(result: Any, kind: str | None) -> tuple[Array, Array, str]:
    est = np.asarray(result.ratings, dtype=float)
    cov = np.asarray(result.covariance(kind), dtype=float)
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
    p = _wald_pvalue(stat, alternative)
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


def _tail_counts(dist: Array, thresh: Array) -> tuple[Array, Array]:
    """Monte-Carlo tail proportions ``(1 + #{d <= t}) / (B + 1)`` and ``(1 + #{d >= t})/(B+1)``."""
    b = dist.shape[1]
    le = (1.0 + np.sum(dist <= thresh[:, None], axis=1)) / (b + 1.0)
    ge = (1.0 + np.sum(dist >= thresh[:, None], axis=1)) / (b + 1.0)
    return np.asarray(le), np.asarray(ge)


def _combine(p_greater: Array, p_less: Array, alternative: str) -> Array:
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
        p = _wald_pvalue(stat, alternative)
        z = norm.ppf(level if alternative != "two-sided" else 0.5 + level / 2)
        lo = gap - z * se if alternative != "less" else np.full_like(gap, -np.inf)
        hi = gap + z * se if alternative != "greater" else np.full_like(gap, np.inf)
        text = f"Wald with bootstrap standard error, {b:,} resamples"
        return {
            "gap": gap, "standard_error": se, "statistic": stat, "pvalue": p,
            "ci_low": np.asarray(lo), "ci_high": np.asarray(hi),
        }, text
    # p-values by test inversion: the smallest alpha whose interval excludes 0
    if meth == "percentile":
        p_greater, p_less = _tail_counts(dist, zeros)
    elif meth == "basic":
        le, ge = _tail_counts(dist, 2.0 * gap)
        p_greater, p_less = ge, le
    elif meth == "bca":
        cm = _contrast_rows(est.size, ia, ib)
        acc = np.asarray(result.acceleration(cm), dtype=float)
        below = np.sum(dist < gap[:, None], axis=1) + 0.5 * np.sum(dist == gap[:, None], axis=1)
        z0 = norm.ppf(np.clip(below / b, 0.5 / b, 1 - 0.5 / b))
        u = (np.sum(dist < 0, axis=1) + 0.5 * np.sum(dist == 0, axis=1)) / b
        zu = norm.ppf(np.clip(u, 0.5 / b, 1 - 0.5 / b))
        w = zu - z0
        denom = np.maximum(1.0 + acc * w, 1e-12)
        p_greater = np.asarray(norm.cdf(w / denom - z0))
        p_less = 1.0 - p_greater
    else:  # studentized
        cm = _contrast_rows(est.size, ia, ib)
        cov = np.asarray(result.fit.covariance(), dtype=float)
        se_hat = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", cm, cov, cm), 0.0, None))
        se_rep = np.asarray(result.replicate_standard_errors(cm), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_rep = (dist - gap[:, None]) / se_rep
            t_obs = gap / se_hat
        le, ge = _tail_counts(t_rep, t_obs)
        p_greater, p_less = ge, le
    p = _combine(p_greater, p_less, alternative)
    lo, hi = _bootstrap_interval(result, dist, gap, ia, ib, meth, level, alternative)
    text = f"bootstrap {meth}, {b:,} resamples"
    return {
        "gap": gap, "standard_error": se, "statistic": stat, "pvalue": p,
        "ci_low": lo, "ci_high": hi,
    }, text


def _contrast_rows(k: int, ia: NDArray[np.intp], ib: NDArray[np.intp]) -> Array:
    cm = np.zeros((ia.size, k))
    cm[np.arange(ia.size), ia] = 1.0
    cm[np.arange(ia.size), ib] -= 1.0
    return cm


def _bootstrap_interval(
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
    if meth in ("percentile", "basic"):
        q = np.quantile(dist, [a2, 1.0 - a2], axis=1)
        lo, hi = (q[0], q[1]) if meth == "percentile" else (2 * gap - q[1], 2 * gap - q[0])
    else:
        ci = result.contrast_interval(
            _contrast_rows(np.asarray(result.ratings).size, ia, ib),
            confidence_level=two_level,
            method=meth,
        )
        lo, hi = np.asarray(ci.low, dtype=float), np.asarray(ci.high, dtype=float)
    if alternative == "greater":
        hi = np.full_like(gap, np.inf)
    elif alternative == "less":
        lo = np.full_like(gap, -np.inf)
    return np.asarray(lo), np.asarray(hi)


# ---------------------------------------------------------------------------- one gap
@dataclass(frozen=True)
class GapTestResult(DisplayMethods):
    """Test of the gap ``R_a - R_b`` between two ratings.

    Attributes
    ----------
    item_a, item_b : str
    gap : float
        ``R_a - R_b`` on the rating scale (does not depend on the normalisation).
    standard_error : float
        Standard error of the gap (Wald: from the full covariance; bootstrap: SD of the
        replicate gaps).
    ci_low, ci_high : float
        Confidence interval for the gap (one-sided alternatives: one infinite end).
    confidence_level : float
    statistic : float
        ``gap / standard_error``.
    pvalue : float
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: H1 ``R_a > R_b`` ("is A above B?").
    method : str
        E.g. ``"Wald, sandwich covariance"`` or ``"bootstrap percentile, 1,000 resamples"``.
    """

    item_a: str
    item_b: str
    gap: float
    standard_error: float
    ci_low: float
    ci_high: float
    confidence_level: float
    statistic: float
    pvalue: float
    alternative: str
    method: str

    def __repr__(self) -> str:
        return (
            f"<GapTestResult: {self.item_a!r} - {self.item_b!r} = {self.gap:.1f} "
            f"({_pct(self.confidence_level)} CI {self.ci_low:.1f} to {self.ci_high:.1f}), "
            f"p = {_fmt_p(self.pvalue)} ({self.alternative}; {self.method})>"
        )

    @property
    def significant(self) -> bool:
        """Whether ``pvalue < 1 - confidence_level``."""
        return bool(self.pvalue < 1.0 - self.confidence_level)

    def conclusion(self) -> str:
        """The result in plain words, at level ``1 - confidence_level``."""
        lvl = _pct(1.0 - self.confidence_level)
        a, b = self.item_a, self.item_b
        if self.alternative == "two-sided":
            if not self.significant:
                return f"the data cannot tell {a} from {b} at the {lvl} level"
            hi, lo = (a, b) if self.gap > 0 else (b, a)
            return f"{hi} is above {lo} at the {lvl} level"
        above, below = (a, b) if self.alternative == "greater" else (b, a)
        if self.significant:
            return f"{above} is above {below} at the {lvl} level (one-sided test)"
        return f"the data do not show that {above} is above {below} at the {lvl} level"

    def summary(self) -> str:
        """Fixed-width text with the numbers and a plain-words conclusion."""
        return "\n".join(
            [
                f"Gap test: {self.item_a} vs {self.item_b}",
                f"  gap ({self.item_a} - {self.item_b}): {self.gap:.2f}"
                f"   SE {self.standard_error:.2f}",
                f"  {_pct(self.confidence_level)} CI: {self.ci_low:.2f} to {self.ci_high:.2f}",
                f"  statistic {self.statistic:.3f}, p = {_fmt_p(self.pvalue)}"
                f" ({self.alternative})",
                f"  method: {self.method}",
                f"Conclusion: {self.conclusion()}.",
            ]
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row table ``item_a, item_b, gap, standard_error, ci_low, ci_high, statistic,
        pvalue``; level, alternative and method are in ``DataFrame.attrs``. Needs pandas."""
        return _frame(
            hooks.call("result_table", self), "GapTestResult.to_frame",
            confidence_level=self.confidence_level, alternative=self.alternative,
            method=self.method,
        )


@hooks.provides("gap_test")
def gap_test(
    result: Any,
    a: str | int,
    b: str | int,
    *,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    kind: str | None = None,
    method: str | None = None,
) -> GapTestResult:
    """Test whether two items' ratings differ (``R_a - R_b``).

    Parameters
    ----------
    result : BradleyTerryResult or BootstrapResult
        A fit (Wald test) or a bootstrap result (detected by its
        ``bootstrap_distribution`` attribute).
    a, b : str or int
        The two items (labels or positions).
    alternative : {"two-sided", "greater", "less"}
        ``"greater"`` tests H1 ``R_a > R_b`` ("is A above B?"); ``"less"`` H1 ``R_a < R_b``.
    confidence_level : float
        Level of the reported interval; "significant" means ``p < 1 - confidence_level``.
    kind : {"model", "sandwich", "cluster"}, optional
        Covariance for a fit (default: the fit's default). Not used with a bootstrap.
    method : {"percentile", "basic", "bca", "studentized", "wald"}, optional
        Bootstrap method (default: the bootstrap result's ``method``). The interval methods
        give test-inversion p-values, which can never be smaller than ``1 / (B + 1)``;
        ``"wald"`` uses ``z = gap / SE`` with the bootstrap standard error of the gap and a
        normal reference, whose continuous p-values suit multiplicity adjustments over many
        pairs.

    Returns
    -------
    GapTestResult

    Raises
    ------
    TypeError
        ``result`` is not a fit or a bootstrap result.
    KeyError, IndexError
        Unknown item.
    ValueError
        ``a == b``; bad ``alternative``, ``confidence_level`` or ``method``; ``kind`` given
        with a bootstrap result.

    Notes
    -----
    **Wald.** ``z = (R_a - R_b) / sqrt(V_aa + V_bb - 2 V_ab)`` with the full covariance
    ``V`` (METHODS A7); ignoring ``V_ab`` is what makes eyeballed intervals misleading.

    **Bootstrap p-value (test inversion).** The p-value is the smallest ``alpha`` for which
    the ``1 - alpha`` interval *of the chosen method* excludes 0, so "p < 0.05" and "the 95%
    interval excludes 0" agree (up to the ``1/B`` Monte-Carlo granularity). With ``g*`` the
    replicate gaps and ``g`` the estimate, tail proportions are counted as
    ``(1 + #{...}) / (B + 1)`` (Davison & Hinkley 1997, §4.2), so p is never exactly 0:

    * percentile: ``p_greater = P*(g* <= 0)``; basic: ``p_greater = P*(g* >= 2g)``;
    * BCa: ``p_greater = Phi(w / (1 + a w) - z0)`` with ``w = Phi^-1(P*(g* < 0)) - z0``;
    * studentized: ``p_greater = P*(t* >= g / se)`` with ``t* = (g* - g) / se*``.

    ``p_less`` is the mirror image and two-sided ``p = min(1, 2 min(p_greater, p_less))``.
    Under the null these are asymptotically uniform (checked by simulation in the tests).

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> fit = elosim.bradley_terry(votes, covariance="model")
    >>> res = gap_test(fit, "D", "A")
    >>> round(res.gap, 1), round(res.standard_error, 1)
    (220.0, 157.7)
    >>> res.conclusion()
    'the data cannot tell D from A at the 5% level'
    """
    check_choice(alternative, "alternative", ALTERNATIVES)
    level = check_confidence_level(confidence_level)
    items = tuple(check_result(result).items)
    ia, ib = _check_pair(items, a, b)
    if _is_bootstrap(result):
        if kind is not None:
            raise ValueError(
                f"kind={kind!r} applies to analytic fits only; a bootstrap result has its "
                "own distribution (use method=... to choose the interval)"
            )
        out, text = bootstrap_gaps(
            result, [ia], [ib], alternative=alternative, confidence_level=level, method=method
        )
    else:
        if method is not None:
            raise ValueError(
                f"method={method!r} applies to bootstrap results only; an analytic fit "
                "gives a Wald test (choose its covariance with kind=...)"
            )
        est, cov, text = _analytic_parts(result, kind)
        out = wald_gaps(est, cov, [ia], [ib], alternative=alternative, confidence_level=level)
    return GapTestResult(
        item_a=items[ia],
        item_b=items[ib],
        gap=float(out["gap"][0]),
        standard_error=float(out["standard_error"][0]),
        ci_low=float(out["ci_low"][0]),
        ci_high=float(out["ci_high"][0]),
        confidence_level=level,
        statistic=float(out["statistic"][0]),
        pvalue=float(out["pvalue"][0]),
        alternative=alternative,
        method=text,
    )


# ---------------------------------------------------------------------------- all pairs
def adjust_pvalues(pvalues: ArrayLike, *, method: str | None = "holm") -> Array:
    """Adjust p-values for multiple testing.

    Parameters
    ----------
    pvalues : array of float in [0, 1]
    method : {"holm", "bonferroni", "fdr_bh"} or None
        ``"bonferroni"``: ``min(1, m p)``. ``"holm"``: Holm (1979) step-down, controls the
        family-wise error rate. ``"fdr_bh"``: Benjamini & Hochberg (1995) step-up, controls
        the false discovery rate (independent or positively dependent tests). ``None``:
        unchanged.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p: Array = np.asarray(pvalues, dtype=float)
    if method is None:
        same: Array = p.copy()
        return same
    check_choice(method, "adjust", ADJUSTMENTS)
    if p.ndim != 1:
        raise ValueError(f"pvalues must be one-dimensional; got shape {p.shape}")
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("pvalues must be finite numbers between 0 and 1")
    m = p.size
    if m == 0:
        return np.empty(0)
    if method == "bonferroni":
        bonf: Array = np.minimum(1.0, m * p)
        return bonf
    order = np.argsort(p, kind="stable")
    ps = p[order]
    ranks = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - ranks + 1) * ps))
    else:
        adj = np.minimum.accumulate((m / ranks * ps)[::-1])[::-1]
        adj = np.minimum(adj, 1.0)
    out: Array = np.empty(m)
    out[order] = adj
    return out


@dataclass(frozen=True)
class PairwiseGapTests(DisplayMethods):
    """Gap tests for all ``K (K - 1) / 2`` pairs (``item_a`` listed before ``item_b``).

    Arrays are aligned with the pairs. Intervals are per-pair (not adjusted for
    multiplicity); ``pvalue_adjusted`` is adjusted by ``adjust``.
    """

    _plot_function = "plot_pvalues"

    items: tuple[str, ...]
    index_a: NDArray[np.intp]
    index_b: NDArray[np.intp]
    gap: Array
    standard_error: Array
    ci_low: Array
    ci_high: Array
    statistic: Array
    pvalue: Array
    pvalue_adjusted: Array
    adjust: str | None
    alternative: str
    confidence_level: float
    method: str

    @property
    def item_a(self) -> tuple[str, ...]:
        return tuple(self.items[i] for i in self.index_a)

    @property
    def item_b(self) -> tuple[str, ...]:
        return tuple(self.items[i] for i in self.index_b)

    @property
    def n_pairs(self) -> int:
        return int(self.gap.size)

    def __repr__(self) -> str:
        n_sig = int(np.sum(self.pvalue_adjusted < 1.0 - self.confidence_level))
        return (
            f"<PairwiseGapTests: {len(self.items)} items, {self.n_pairs} pairs, "
            f"{n_sig} significant at {_pct(1 - self.confidence_level)} "
            f"(adjust={self.adjust!r}, {self.alternative}; {self.method})>"
        )

    def summary(self, max_rows: int = 20) -> str:
        """Fixed-width table of the pairs, smallest adjusted p-value first (at most
        ``max_rows`` rows; the rest are counted)."""
        order = np.argsort(self.pvalue_adjusted, kind="stable")
        na = [self.items[i] for i in self.index_a]
        nb = [self.items[i] for i in self.index_b]
        w = min(30, max([6, *(len(x) for x in self.items)]))
        n_sig = int(np.sum(self.pvalue_adjusted < 1.0 - self.confidence_level))
        cols = (
            f"{'item_a':<{w}} {'item_b':<{w}} {'gap':>9} {'SE':>8} {'ci_low':>9} "
            f"{'ci_high':>9} {'p':>8} {'p adj.':>8}"
        )
        lines = [
            f"Pairwise gap tests: {len(self.items)} items, {self.n_pairs} pairs, {n_sig} "
            f"significant at {_pct(1 - self.confidence_level)} (adjust={self.adjust})",
            f"  {_pct(self.confidence_level)} CI per pair (unadjusted); {self.alternative}; "
            f"{self.method}",
            "=" * len(cols),
            cols,
            "-" * len(cols),
        ]
        for i in order[: max(int(max_rows), 0)]:
            lines.append(
                f"{na[i][:w]:<{w}} {nb[i][:w]:<{w}} {self.gap[i]:>9.1f} "
                f"{self.standard_error[i]:>8.2f} {self.ci_low[i]:>9.1f} {self.ci_high[i]:>9.1f} "
                f"{_fmt_p(float(self.pvalue[i])):>8} {_fmt_p(float(self.pvalue_adjusted[i])):>8}"
            )
        if self.n_pairs > max_rows:
            lines.append(f"... {self.n_pairs - max(int(max_rows), 0):,} more pairs")
        return "\n".join(lines)

    def pvalue_matrix(self, *, adjusted: bool = True) -> Array:
        """K x K matrix of p-values (NaN diagonal); entries ``[a, b]`` and ``[b, a]`` both hold
        the pair's p-value (the test of ``item_a - item_b`` as listed), for heat maps."""
        k = len(self.items)
        mat = np.full((k, k), np.nan)
        p = self.pvalue_adjusted if adjusted else self.pvalue
        mat[self.index_a, self.index_b] = p
        mat[self.index_b, self.index_a] = p
        return mat

    def to_frame(self) -> pd.DataFrame:
        """Table with columns ``item_a, item_b, gap, ci_low, ci_high, statistic, pvalue,
        pvalue_adjusted`` (plus ``standard_error``); level, adjustment, alternative and
        method are in ``DataFrame.attrs``. Needs pandas."""
        from .._core.format import require_pandas

        pdm = require_pandas("PairwiseGapTests.to_frame")
        df = pdm.DataFrame(
            {
                "item_a": list(self.item_a),
                "item_b": list(self.item_b),
                "gap": self.gap,
                "standard_error": self.standard_error,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "pvalue_adjusted": self.pvalue_adjusted,
            }
        )
        df.attrs.update(
            confidence_level=self.confidence_level,
            adjust=self.adjust,
            alternative=self.alternative,
            method=self.method,
        )
        return cast("pd.DataFrame", df)


@hooks.provides("pairwise_gap_tests")
def pairwise_gap_tests(
    result: Any,
    *,
    adjust: str | None = "holm",
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    kind: str | None = None,
    method: str | None = None,
) -> PairwiseGapTests:
    """Gap tests between every pair of items, with a multiplicity adjustment.

    Parameters
    ----------
    result : BradleyTerryResult or BootstrapResult
    adjust : {"holm", "bonferroni", "fdr_bh"} or None
        See :func:`adjust_pvalues`.
    alternative, confidence_level, kind, method
        As in :func:`gap_test`. Pairs are ``(i, j)`` with ``i < j`` in ``result.items``
        order, and the gap is ``R_i - R_j``. With a bootstrap result and many pairs, prefer
        ``method="wald"``: test-inversion p-values are at least ``1 / (B + 1)``, so after a
        Holm or Bonferroni adjustment over ``K (K - 1) / 2`` pairs nothing may be
        significant with ``B = 1000``.

    Returns
    -------
    PairwiseGapTests

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> tests = pairwise_gap_tests(elosim.bradley_terry(votes), adjust="holm")
    >>> tests.n_pairs, tests.item_a[:3]
    (6, ('A', 'A', 'A'))
    """
    if adjust is not None:
        check_choice(adjust, "adjust", ADJUSTMENTS)
    check_choice(alternative, "alternative", ALTERNATIVES)
    level = check_confidence_level(confidence_level)
    items = tuple(check_result(result).items)
    ia, ib = np.triu_indices(len(items), 1)
    ia = ia.astype(np.intp)
    ib = ib.astype(np.intp)
    if _is_bootstrap(result):
        if kind is not None:
            raise ValueError(f"kind={kind!r} applies to analytic fits only")
        parts: list[dict[str, Array]] = []
        text = ""
        step = max(1, 2_000_000 // max(1, np.asarray(result.bootstrap_distribution).shape[1]))
        for s in range(0, ia.size, step):
            o, text = bootstrap_gaps(
                result, ia[s : s + step], ib[s : s + step], alternative=alternative,
                confidence_level=level, method=method,
            )
            parts.append(o)
        out = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    else:
        if method is not None:
            raise ValueError(f"method={method!r} applies to bootstrap results only")
        est, cov, text = _analytic_parts(result, kind)
        out = wald_gaps(est, cov, ia, ib, alternative=alternative, confidence_level=level)
    return PairwiseGapTests(
        items=items,
        index_a=ia,
        index_b=ib,
        gap=out["gap"],
        standard_error=out["standard_error"],
        ci_low=out["ci_low"],
        ci_high=out["ci_high"],
        statistic=out["statistic"],
        pvalue=out["pvalue"],
        pvalue_adjusted=adjust_pvalues(out["pvalue"], method=adjust),
        adjust=adjust,
        alternative=alternative,
        confidence_level=level,
        method=text,
    )


# ---------------------------------------------------------------------------- reported
def _real(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(float(x)):
        raise ValueError(f"{name} must be a finite number; got {x!r}")
    return float(x)


def _interval(rating: float, interval: Any, name: str) -> tuple[float, float]:
    try:
        lo_raw, hi_raw = interval
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (low, high) pair; got {interval!r}") from None
    lo, hi = _real(lo_raw, f"{name}[0]"), _real(hi_raw, f"{name}[1]")
    if not hi > lo:
        raise ValueError(f"{name} must have low < high (a positive width); got {interval!r}")
    if not lo <= rating <= hi:
        raise ValueError(f"{name} = {interval!r} does not contain its rating {rating:g}")
    return lo, hi


@dataclass(frozen=True)
class ReportedGapTest(DisplayMethods):
    """What two published ratings with intervals can and cannot say about their gap.

    Attributes
    ----------
    gap : float
        ``rating_a - rating_b``.
    standard_error_a, standard_error_b : float
        Recovered as half-width / z (the average half-width if an interval is asymmetric).
    asymmetric : bool
        Whether either interval was asymmetric (then only approximately normal).
    standard_error, statistic, pvalue : float
        Two-sided Wald test assuming the two estimates are **independent**.
    pvalue_min, correlation_at_min : float
        Smallest p-value over all correlations in [-1, 1] (reached at correlation 1).
    pvalue_max, correlation_at_max : float
        Largest p-value (reached at correlation -1).
    correlation_needed : float
        The correlation above which the gap would be significant at ``1 - confidence_level``
        (``-inf``: significant for every correlation; ``inf``: for none).
    correlation, pvalue_at_correlation, standard_error_at_correlation : float or None
        The test at a correlation you supply.
    confidence_level : float
        The level of the reported intervals, also used as the test level.
    explanation : str
        The conclusion in plain words.
    """

    rating_a: float
    rating_b: float
    gap: float
    standard_error_a: float
    standard_error_b: float
    asymmetric: bool
    standard_error: float
    statistic: float
    pvalue: float
    pvalue_min: float
    correlation_at_min: float
    pvalue_max: float
    correlation_at_max: float
    correlation_needed: float
    correlation: float | None
    pvalue_at_correlation: float | None
    standard_error_at_correlation: float | None
    confidence_level: float
    explanation: str

    def __repr__(self) -> str:
        return (
            f"<ReportedGapTest: gap {self.gap:.1f}, p = {_fmt_p(self.pvalue)} if independent, "
            f"{_fmt_p(self.pvalue_min)} to {_fmt_p(self.pvalue_max)} over all correlations>"
        )

    def summary(self) -> str:
        lines = [
            "Gap between two reported ratings",
            f"  gap: {self.gap:.2f}   SEs recovered: {self.standard_error_a:.2f}, "
            f"{self.standard_error_b:.2f}" + ("  (asymmetric interval averaged)"
                                              if self.asymmetric else ""),
            f"  independent: SE {self.standard_error:.2f}, z = {self.statistic:.3f}, "
            f"p = {_fmt_p(self.pvalue)}",
            f"  over correlations in [-1, 1]: p from {_fmt_p(self.pvalue_min)} "
            f"(rho = {self.correlation_at_min:g}) to {_fmt_p(self.pvalue_max)} "
            f"(rho = {self.correlation_at_max:g})",
        ]
        if self.correlation is not None and self.pvalue_at_correlation is not None:
            lines.append(
                f"  at rho = {self.correlation:g}: p = {_fmt_p(self.pvalue_at_correlation)}"
            )
        lines.append(self.explanation)
        return "\n".join(lines)

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): one row."""
        from .._core.table import Table

        f = f".{int(digits)}f"
        cols: dict[str, list[Any]] = {
            "rating_a": [self.rating_a],
            "rating_b": [self.rating_b],
            "gap": [self.gap],
            "standard_error": [self.standard_error],
            "statistic": [self.statistic],
            "pvalue": [self.pvalue],
            "pvalue_min": [self.pvalue_min],
            "pvalue_max": [self.pvalue_max],
            "correlation_needed": [self.correlation_needed],
        }
        fm = {**dict.fromkeys(("rating_a", "rating_b", "gap", "standard_error"), f),
              "statistic": ".2f", "pvalue": "p", "pvalue_min": "p", "pvalue_max": "p",
              "correlation_needed": ".2f"}
        if self.correlation is not None:
            cols["correlation"] = [self.correlation]
            cols["pvalue_at_correlation"] = [self.pvalue_at_correlation]
            fm.update(correlation=".2f", pvalue_at_correlation="p")
        notes = (
            f"SEs recovered from {_pct(self.confidence_level)} intervals"
            + (" (asymmetric interval averaged)" if self.asymmetric else "")
            + "; pvalue: two-sided Wald test assuming independent estimates; "
            "pvalue_min/pvalue_max: over correlations in [-1, 1]",
        )
        return Table(cols, fm, "Gap between two reported ratings", notes)

    def to_frame(self) -> pd.DataFrame:
        """The one-row standard table (:meth:`to_markdown`'s columns). Needs pandas."""
        return _frame(
            self._table(), "ReportedGapTest.to_frame", confidence_level=self.confidence_level
        )


def _p_at(gap: float, var: float) -> tuple[float, float]:
    se = math.sqrt(max(var, 0.0))
    if se == 0.0:
        return 0.0, (1.0 if gap == 0 else 0.0)
    return se, float(2.0 * norm.sf(abs(gap) / se))


def gap_test_from_reported(
    rating_a: float,
    interval_a: tuple[float, float],
    rating_b: float,
    interval_b: tuple[float, float],
    *,
    confidence_level: float = 0.95,
    correlation: float | None = None,
) -> ReportedGapTest:
    """Judge the gap between two published ratings from their published intervals only.

    Leaderboards publish each item's interval but not the covariance between items, so
    the standard error of the gap ``sqrt(s_a^2 + s_b^2 - 2 rho s_a s_b)`` is unknown
    through ``rho``. This reports the two-sided test under independence (``rho = 0``), the
    whole range of p-values over ``rho`` in [-1, 1], the correlation that would be needed
    for significance, and the test at a ``correlation`` you supply.

    Parameters
    ----------
    rating_a, rating_b : float
    interval_a, interval_b : (low, high)
        The published intervals (each must contain its rating and have positive width).
    confidence_level : float
        Level of the published intervals (z = 1.96 for 0.95); also the test level.
    correlation : float in [-1, 1], optional

    Returns
    -------
    ReportedGapTest

    Notes
    -----
    What is known about ``rho`` for Bradley-Terry ratings: it depends on the
    normalisation and the design. With the mean fixed (LMArena, arena-rank) and a balanced
    round-robin of K items, ``Cov = c (I - J/K)`` so ``rho = -1/(K-1)``: slightly negative,
    and independence is then slightly *conservative*. Ratings relative to an anchor item
    (FastChat) share the anchor's error and are positively correlated (about 0.5 in a
    balanced design). Two items compared mostly with each other are positively correlated
    under any normalisation (their difference is much better known than their level). The
    p-value falls as ``rho`` rises, so a gap that needs ``rho`` near 1 to be significant
    is not established by the published numbers.

    Examples
    --------
    >>> res = gap_test_from_reported(1541, (1533, 1549), 1542, (1534, 1550))
    >>> round(res.pvalue, 3), round(res.pvalue_max, 3), round(res.correlation_needed, 3)
    (0.862, 0.903, 0.992)
    """
    level = check_confidence_level(confidence_level)
    ra, rb = _real(rating_a, "rating_a"), _real(rating_b, "rating_b")
    la, ha = _interval(ra, interval_a, "interval_a")
    lb, hb = _interval(rb, interval_b, "interval_b")
    if correlation is not None:
        rho = _real(correlation, "correlation")
        if not -1.0 <= rho <= 1.0:
            raise ValueError(f"correlation must lie in [-1, 1]; got {correlation!r}")
    z = float(norm.ppf(0.5 + level / 2))
    asym = False
    for r, lo, hi in ((ra, la, ha), (rb, lb, hb)):
        if abs((hi - r) - (r - lo)) > 1e-6 * (hi - lo):
            asym = True
    sa, sb = (ha - la) / (2 * z), (hb - lb) / (2 * z)
    gap = ra - rb

    def var(rh: float) -> float:
        return sa * sa + sb * sb - 2.0 * rh * sa * sb

    se0, p0 = _p_at(gap, var(0.0))
    stat = gap / se0
    _, p_min = _p_at(gap, var(1.0))
    _, p_max = _p_at(gap, var(-1.0))
    alpha = 1.0 - level
    # significant iff var(rho) < (gap / z)^2
    thresh = (gap / z) ** 2
    if gap == 0:
        needed = math.inf
    else:
        needed = (sa * sa + sb * sb - thresh) / (2.0 * sa * sb)
        if needed < -1.0:
            needed = -math.inf
        elif needed >= 1.0:
            needed = math.inf
    p_rho = se_rho = None
    if correlation is not None:
        se_rho, p_rho = _p_at(gap, var(rho))
    lvl = _pct(alpha)
    head = (
        f"Gap {gap:+.4g} with standard errors {sa:.3g} and {sb:.3g} recovered from the "
        f"{_pct(level)} intervals"
        + (" (an interval is asymmetric: its average half-width was used)" if asym else "")
        + f". If the estimates were independent, p = {_fmt_p(p0)}."
    )
    if needed == -math.inf:
        body = (
            f" The gap is significant at the {lvl} level whatever the correlation: even at "
            f"correlation -1 (the least favourable), p = {_fmt_p(p_max)}."
        )
    elif needed == math.inf:
        body = (
            f" Even if the estimates were perfectly correlated (the most favourable case), "
            f"p = {_fmt_p(p_min)}: the data cannot tell the two apart at the {lvl} level."
        )
    else:
        body = (
            f" Over correlations from -1 to 1 the p-value runs from {_fmt_p(p_max)} down to "
            f"{_fmt_p(p_min)}; the gap would be significant at the {lvl} level only if the "
            f"correlation exceeded {needed:.3f}."
            + (
                " Bradley-Terry ratings are rarely that strongly correlated, so the published "
                "numbers do not establish an order."
                if needed > 0.5
                else " Independence is a reasonable default for mean-normalised ratings, "
                "whose correlation is usually near zero or slightly negative."
            )
        )
    return ReportedGapTest(
        rating_a=ra,
        rating_b=rb,
        gap=gap,
        standard_error_a=sa,
        standard_error_b=sb,
        asymmetric=asym,
        standard_error=se0,
        statistic=stat,
        pvalue=p0,
        pvalue_min=p_min,
        correlation_at_min=1.0,
        pvalue_max=p_max,
        correlation_at_max=-1.0,
        correlation_needed=needed,
        correlation=None if correlation is None else rho,
        pvalue_at_correlation=p_rho,
        standard_error_at_correlation=se_rho,
        confidence_level=level,
        explanation=head + body,
    )


def overlap_test_level(confidence_level: float = 0.95, *, se_ratio: float = 1.0) -> float:
    """The actual two-sided level of "the two intervals do not overlap" as a test.

    Two independent estimates with standard errors ``s`` and ``r s`` (``r = se_ratio``)
    and intervals ``+/- z s``: the intervals fail to overlap iff
    ``|gap| > z (1 + r) s``, while ``SE(gap) = s sqrt(1 + r^2)``. The level is therefore
    ``2 (1 - Phi(z (1 + r) / sqrt(1 + r^2)))``: 0.0056 for 95% intervals with equal SEs
    (METHODS D3), not 0.05. Overlap is not a test at the intervals' level.

    Examples
    --------
    >>> round(overlap_test_level(0.95), 5)
    0.00557
    """
    level = check_confidence_level(confidence_level)
    r = _real(se_ratio, "se_ratio")
    if r <= 0:
        raise ValueError(f"se_ratio must be positive; got {se_ratio!r}")
    z = norm.ppf(0.5 + level / 2)
    return float(2.0 * norm.sf(z * (1.0 + r) / math.sqrt(1.0 + r * r)))
