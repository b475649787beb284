"""Testing the gap between two ratings (the "1,541 vs 1,542" question).

The gap ``R_a - R_b`` does not depend on how the rating level is fixed (mean or anchor),
and neither does its standard error, provided the **full** covariance is used:

``Var(R_a - R_b) = V_aa + V_bb - 2 V_ab``  (references: ref-gap-variance).

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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import hooks
from .._core.results import DisplayMethods
from .._core.sparse import warn_sparse_result
from .._core.validation import check_choice, check_confidence_level, check_result

if TYPE_CHECKING:
    import pandas as pd
from .gap_statistics import (
    ALTERNATIVES,
    analytic_parts,
    bootstrap_gaps,
    check_pair,
    fmt_p,
    frame,
    is_bootstrap,
    pct,
    wald_gaps,
)
from .profile import lr_gaps

__all__ = ["GapTestResult", "gap_test"]


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
        E.g. ``"Wald, max covariance"`` or ``"bootstrap percentile, 1,000 resamples"``.
    pvalue_is_bound : bool
        True when a bootstrap test-inversion p-value sits at its resampling floor: no
        replicate fell on the far side, so the true p-value may be smaller than
        :attr:`pvalue` (displayed as ``p <x``). Always False for Wald tests.
    pvalue_floor : float
        The smallest p-value the method can report: ``1 / (B + 1)`` one-sided and
        ``2 / (B + 1)`` two-sided for test inversion with ``B`` resamples (BCa: the
        p-value at its clipped tail proportion); 0 for Wald tests.
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
    pvalue_is_bound: bool = False
    pvalue_floor: float = 0.0

    def __repr__(self) -> str:
        return (
            f"<GapTestResult: {self.item_a!r} - {self.item_b!r} = {self.gap:.1f} "
            f"({pct(self.confidence_level)} CI {self.ci_low:.1f} to {self.ci_high:.1f}), "
            f"p {'< ' if self.pvalue_is_bound else '= '}{fmt_p(self.pvalue)} ({self.alternative}; "
            f"{self.method})>"
        )

    @property
    def significant(self) -> bool:
        """Whether ``pvalue < 1 - confidence_level``."""
        return bool(self.pvalue < 1.0 - self.confidence_level)

    def conclusion(self) -> str:
        """The result in plain words, at level ``1 - confidence_level``."""
        lvl = pct(1.0 - self.confidence_level)
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
                f"  {pct(self.confidence_level)} CI: {self.ci_low:.2f} to {self.ci_high:.2f}",
                f"  statistic {self.statistic:.3f}, "
                f"p {'< ' if self.pvalue_is_bound else '= '}{fmt_p(self.pvalue)}"
                f" ({self.alternative})"
                + (
                    "; at the resampling floor: no replicate on the far side, so the p-value"
                    " is not known more precisely (use more resamples or method='wald')"
                    if self.pvalue_is_bound
                    else ""
                ),
                f"  method: {self.method}",
                f"Conclusion: {self.conclusion()}.",
            ]
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row table ``item_a, item_b, gap, standard_error, ci_low, ci_high, statistic,
        pvalue``; level, alternative and method are in ``DataFrame.attrs``. Needs pandas."""
        return frame(
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
        The two items, by label (an ``int`` is the item with that label, never a position).
    alternative : {"two-sided", "greater", "less"}
        ``"greater"`` tests H1 ``R_a > R_b`` ("is A above B?"); ``"less"`` H1 ``R_a < R_b``.
    confidence_level : float
        Level of the reported interval; "significant" means ``p < 1 - confidence_level``.
    kind : {"max", "model", "sandwich", "cluster"}, optional
        Covariance for a fit (default: the fit's default, ``"max"`` unless a prior or Firth
        penalty is used). Not used with a bootstrap.
    method : {"percentile", "basic", "bca", "studentized", "wald", "lr"}, optional
        For a fit: ``"wald"`` (the default) or ``"lr"``, a likelihood-ratio test with a
        profile-likelihood interval (exact likelihood for Davidson, Rao-Kupper and votes
        without ties; quasi-likelihood with Pearson dispersion for half-win ties; one end
        infinite where an item won or lost every vote; see
        :func:`elosim.inference.profile.lr_gaps`). For a bootstrap result: the bootstrap
        method (default: the bootstrap result's ``method``). The interval methods give
        test-inversion p-values, which can never be smaller than ``1 / (B + 1)``
        (``2 / (B + 1)`` two-sided): at that floor the result says so
        (``pvalue_is_bound``, displayed as ``p <x``). ``"wald"`` uses ``z = gap / SE`` with
        the bootstrap standard error of the gap and a normal reference, whose continuous
        p-values suit multiplicity adjustments over many pairs.

    Returns
    -------
    GapTestResult

    Raises
    ------
    TypeError
        ``result`` is not a fit or a bootstrap result.
    KeyError
        Unknown item (an ``int`` is an item label, never a position).
    ValueError
        ``a == b``; bad ``alternative``, ``confidence_level`` or ``method``; ``kind`` given
        with a bootstrap result.

    Warns
    -----
    SparseDataWarning
        ``a`` or ``b`` has fewer than 20 votes (named in the message).

    Notes
    -----
    **Wald.** ``z = (R_a - R_b) / sqrt(V_aa + V_bb - 2 V_ab)`` with the full covariance
    ``V`` (references: ref-gap-variance); ignoring ``V_ab`` is what makes eyeballed
    intervals misleading.

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
    ...     [[0, 20, 0, 10], [30, 0, 50, 0], [0, 30, 0, 10], [40, 0, 30, 0]])
    >>> fit = elosim.bradley_terry(votes, covariance="model")
    >>> res = elosim.gap_test(fit, "D", "A")
    >>> round(res.gap, 1), round(res.standard_error, 1)
    (220.0, 49.9)
    >>> res.conclusion()
    'D is above A at the 5% level'
    """
    check_choice(alternative, "alternative", ALTERNATIVES)
    level = check_confidence_level(confidence_level)
    items = tuple(check_result(result).items)
    ia, ib = check_pair(items, a, b)
    if is_bootstrap(result):
        if kind is not None:
            raise ValueError(
                f"kind={kind!r} applies to analytic fits only; a bootstrap result has its "
                "own distribution (use method=... to choose the interval)"
            )
        out, text = bootstrap_gaps(
            result, [ia], [ib], alternative=alternative, confidence_level=level, method=method
        )
    elif method == "lr":
        if kind is not None:
            raise ValueError(
                f"kind={kind!r} chooses the covariance of a Wald test; method='lr' uses the "
                "likelihood itself (leave kind=None)"
            )
        one, text = lr_gaps(result, ia, ib, alternative=alternative, confidence_level=level)
        out = {key: np.array([value]) for key, value in one.items()}
    else:
        if method not in (None, "wald"):
            raise ValueError(
                f"method={method!r} applies to bootstrap results only; an analytic fit "
                "offers 'wald' (the default; choose its covariance with kind=...) or 'lr' "
                "(likelihood ratio with a profile-likelihood interval)"
            )
        est, cov, text = analytic_parts(result, kind, [ia, ib])
        out = wald_gaps(est, cov, [0], [1], alternative=alternative, confidence_level=level)
    warn_sparse_result(result, [ia, ib], what=f"gap_test({items[ia]!r}, {items[ib]!r})")
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
        pvalue_is_bound=bool(out["pvalue_is_bound"][0]) if "pvalue_is_bound" in out else False,
        pvalue_floor=float(out["pvalue_floor"][0]) if "pvalue_floor" in out else 0.0,
    )
