"""Gap tests from published numbers alone: two ratings with their intervals
(:func:`gap_test_from_reported`), and the level of the "intervals do not overlap" rule
(:func:`overlap_test_level`)."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._core.normal import norm
from .._core.results import DisplayMethods
from .._core.validation import check_confidence_level

if TYPE_CHECKING:
    import pandas as pd
from .gap_statistics import (
    fmt_p,
    frame,
    pct,
)

__all__ = ["ReportedGapTest", "gap_test_from_reported", "overlap_test_level"]


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
            f"<ReportedGapTest: gap {self.gap:.1f}, p = {fmt_p(self.pvalue)} if independent, "
            f"{fmt_p(self.pvalue_min)} to {fmt_p(self.pvalue_max)} over all correlations>"
        )

    def summary(self) -> str:
        lines = [
            "Gap between two reported ratings",
            f"  gap: {self.gap:.2f}   SEs recovered: {self.standard_error_a:.2f}, "
            f"{self.standard_error_b:.2f}" + ("  (asymmetric interval averaged)"
                                              if self.asymmetric else ""),
            f"  independent: SE {self.standard_error:.2f}, z = {self.statistic:.3f}, "
            f"p = {fmt_p(self.pvalue)}",
            f"  over correlations in [-1, 1]: p from {fmt_p(self.pvalue_min)} "
            f"(rho = {self.correlation_at_min:g}) to {fmt_p(self.pvalue_max)} "
            f"(rho = {self.correlation_at_max:g})",
        ]
        if self.correlation is not None and self.pvalue_at_correlation is not None:
            lines.append(
                f"  at rho = {self.correlation:g}: p = {fmt_p(self.pvalue_at_correlation)}"
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
            f"SEs recovered from {pct(self.confidence_level)} intervals"
            + (" (asymmetric interval averaged)" if self.asymmetric else "")
            + "; pvalue: two-sided Wald test assuming independent estimates; "
            "pvalue_min/pvalue_max: over correlations in [-1, 1]",
        )
        return Table(cols, fm, "Gap between two reported ratings", notes)

    def to_frame(self) -> pd.DataFrame:
        """The one-row standard table (:meth:`to_markdown`'s columns). Needs pandas."""
        return frame(
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
    >>> import elosim
    >>> res = elosim.gap_test_from_reported(1541, (1533, 1549), 1542, (1534, 1550))
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
    lvl = pct(alpha)
    head = (
        f"Gap {gap:+.4g} with standard errors {sa:.3g} and {sb:.3g} recovered from the "
        f"{pct(level)} intervals"
        + (" (an interval is asymmetric: its average half-width was used)" if asym else "")
        + f". If the estimates were independent, p = {fmt_p(p0)}."
    )
    if needed == -math.inf:
        body = (
            f" The gap is significant at the {lvl} level whatever the correlation: even at "
            f"correlation -1 (the least favourable), p = {fmt_p(p_max)}."
        )
    elif needed == math.inf:
        body = (
            f" Even if the estimates were perfectly correlated (the most favourable case), "
            f"p = {fmt_p(p_min)}: the data cannot tell the two apart at the {lvl} level."
        )
    else:
        body = (
            f" Over correlations from -1 to 1 the p-value runs from {fmt_p(p_max)} down to "
            f"{fmt_p(p_min)}; the gap would be significant at the {lvl} level only if the "
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
    (references: ref-gap-variance), not 0.05. Overlap is not a test at the intervals' level.

    Examples
    --------
    >>> import elosim
    >>> round(elosim.overlap_test_level(0.95), 5)
    0.00557
    """
    level = check_confidence_level(confidence_level)
    r = _real(se_ratio, "se_ratio")
    if r <= 0:
        raise ValueError(f"se_ratio must be positive; got {se_ratio!r}")
    z = norm.ppf(0.5 + level / 2)
    return float(2.0 * norm.sf(z * (1.0 + r) / math.sqrt(1.0 + r * r)))
