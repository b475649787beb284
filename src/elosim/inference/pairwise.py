"""All-pairs gap tests with multiplicity adjustment (Holm, Bonferroni, Benjamini–Hochberg)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core import hooks
from .._core.resources import check_memory
from .._core.results import DisplayMethods
from .._core.sparse import warn_sparse_result
from .._core.validation import check_choice, check_confidence_level, check_result

if TYPE_CHECKING:
    import pandas as pd
from .gap_statistics import (
    ADJUSTMENTS,
    ALTERNATIVES,
    Array,
    analytic_parts,
    bootstrap_gaps,
    is_bootstrap,
    pct,
    wald_gaps,
)

__all__ = ["PairwiseGapTests", "adjust_pvalues", "pairwise_gap_tests"]


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
    >>> import elosim
    >>> elosim.adjust_pvalues([0.01, 0.04, 0.03], method="holm").tolist()
    [0.03, 0.06, 0.06]
    >>> elosim.adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh").round(3).tolist()
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
    multiplicity); ``pvalue_adjusted`` is adjusted by ``adjust`` over ``n_family`` pairs
    (``None``: these pairs; :meth:`adjacent` keeps the family of the full table).
    ``pvalue_is_bound`` flags bootstrap test-inversion p-values at their resampling floor
    (``pvalue_floor``: ``2 / (B + 1)`` two-sided): the true p-value may be smaller.
    ``pvalue_adjusted_is_bound`` flags adjusted p-values that would be smaller if those
    bounds were smaller (they are upper bounds, so significance calls stay valid).
    Displayed as ``<x``. ``None`` (no bounds) for Wald tests.
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
    pvalue_is_bound: NDArray[np.bool_] | None = None
    pvalue_adjusted_is_bound: NDArray[np.bool_] | None = None
    pvalue_floor: float = 0.0
    n_family: int | None = None

    def _bounds(self, adjusted: bool) -> NDArray[np.bool_]:
        flags = self.pvalue_adjusted_is_bound if adjusted else self.pvalue_is_bound
        return np.zeros(self.gap.shape, dtype=bool) if flags is None else flags

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
            f"{n_sig} significant at {pct(1 - self.confidence_level)} "
            f"(adjust={self.adjust!r}, {self.alternative}; {self.method})>"
        )

    def summary(self, max_rows: int = 20) -> str:
        """Fixed-width table of the pairs in rating order, neighbours first (at most
        ``max_rows`` rows; the rest are counted), with full names, p-values as bounds where
        they are bounds, and the notes of :meth:`caveats`."""
        n_sig = int(np.sum(self.pvalue_adjusted < 1.0 - self.confidence_level))
        head = (
            f"Pairwise gap tests: {len(self.items)} items, {self.n_pairs:,} pairs, {n_sig:,} "
            f"significant at {pct(1 - self.confidence_level)} (adjust={self.adjust})",
        )
        out: str = hooks.call("result_text", self, head=head, max_rows=max_rows)
        return out

    def display_order(self) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """The order in which tables show the pairs, and which pairs they show reversed.

        Items are ranked by rating (recovered from the gaps); pairs come neighbours first
        (rank distance 1, then 2, ...), and within a distance from the top. In a two-sided
        test a pair is shown better item first (``flip`` is True where that reverses the
        stored ``item_a - item_b``).

        Returns
        -------
        rows : ndarray of int
            Positions into the pair arrays.
        flip : ndarray of bool
            Per shown row, whether the pair is shown as ``item_b - item_a``.
        """
        if self.n_family is not None:  # a view such as adjacent(): already in order
            return np.arange(self.n_pairs, dtype=np.intp), np.zeros(self.n_pairs, dtype=bool)
        pos = self._positions()
        pa, pb = pos[self.index_a], pos[self.index_b]
        rows = np.lexsort((np.minimum(pa, pb), np.abs(pa - pb))).astype(np.intp)
        flip = (pa[rows] > pb[rows]) & (self.alternative == "two-sided")
        return rows, flip

    def adjacent(self) -> PairwiseGapTests:
        """Only the gaps between neighbours in the rating order: which gaps are real.

        A compact view of ``K - 1`` rows: each item against the next one down, better item
        first (for two-sided tests). The p-values stay adjusted over the whole family of
        ``K (K - 1) / 2`` pairs they were computed for (``n_family``), so the view never
        claims more than the full table.

        Returns
        -------
        PairwiseGapTests

        Examples
        --------
        >>> import elosim
        >>> votes = elosim.Votes.from_counts(
        ...     ["A", "B", "C"], [[0, 30, 50], [20, 0, 35], [10, 15, 0]])
        >>> adj = elosim.bradley_terry(votes).pairwise_gap_tests().adjacent()
        >>> adj.item_a, adj.item_b
        (('A', 'B'), ('B', 'C'))
        """
        pos = self._positions()
        order = np.argsort(pos)
        where = {(int(a), int(b)): r for r, (a, b) in enumerate(
            zip(self.index_a.tolist(), self.index_b.tolist(), strict=True))}
        rows_l: list[int] = []
        for hi, lo in zip(order[:-1].tolist(), order[1:].tolist(), strict=True):
            r = where.get((hi, lo), where.get((lo, hi)))
            if r is not None:
                rows_l.append(r)
        rows = np.asarray(rows_l, dtype=np.intp)
        flip = (pos[self.index_a[rows]] > pos[self.index_b[rows]]) & (
            self.alternative == "two-sided")
        sign = np.where(flip, -1.0, 1.0)
        return dataclasses.replace(
            self,
            index_a=np.where(flip, self.index_b[rows], self.index_a[rows]).astype(np.intp),
            index_b=np.where(flip, self.index_a[rows], self.index_b[rows]).astype(np.intp),
            gap=self.gap[rows] * sign,
            standard_error=self.standard_error[rows],
            ci_low=np.where(flip, -self.ci_high[rows], self.ci_low[rows]),
            ci_high=np.where(flip, -self.ci_low[rows], self.ci_high[rows]),
            statistic=self.statistic[rows] * sign,
            pvalue=self.pvalue[rows],
            pvalue_adjusted=self.pvalue_adjusted[rows],
            pvalue_is_bound=None if self.pvalue_is_bound is None else self.pvalue_is_bound[rows],
            pvalue_adjusted_is_bound=(
                None if self.pvalue_adjusted_is_bound is None
                else self.pvalue_adjusted_is_bound[rows]
            ),
            n_family=self.n_family if self.n_family is not None else self.n_pairs,
        )

    def _positions(self) -> NDArray[np.intp]:
        """Each item's place in the rating order (0 = best), from the gaps: with every
        pair present, ``sum_j (R_i - R_j) = K R_i - sum R`` orders the items exactly."""
        k = len(self.items)
        score = np.bincount(self.index_a, self.gap, k) - np.bincount(self.index_b, self.gap, k)
        pos = np.empty(k, dtype=np.intp)
        pos[np.argsort(-score, kind="stable")] = np.arange(k)
        return pos

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
        if self.pvalue_is_bound is not None and np.any(self.pvalue_is_bound):
            df["pvalue_is_bound"] = self._bounds(False)
            df["pvalue_adjusted_is_bound"] = self._bounds(True)
        df.attrs.update(pvalue_floor=self.pvalue_floor)
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
    alternative, confidence_level, kind
        As in :func:`gap_test`. Pairs are ``(i, j)`` with ``i < j`` in ``result.items``
        order, and the gap is ``R_i - R_j``.
    method : {"wald", "percentile", "basic", "bca", "studentized"}, optional
        For a bootstrap result only. Default ``"wald"`` (``z = gap / bootstrap SE``):
        test-inversion p-values cannot go below ``2 / (B + 1)``, so after a Holm or
        Bonferroni adjustment over ``K (K - 1) / 2`` pairs nothing would be significant with
        ``B = 1000`` (on the bundled LMArena data: 0 of 1,378 pairs, even a 242-point gap).
        The inversion methods remain available; their p-values at the floor are flagged as
        bounds, and so are the adjusted p-values they determine.

    Returns
    -------
    PairwiseGapTests

    Warns
    -----
    SparseDataWarning
        Some items have fewer than 20 votes (named in the message).

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 20, 0, 10], [30, 0, 50, 0], [0, 30, 0, 10], [40, 0, 30, 0]])
    >>> tests = elosim.pairwise_gap_tests(elosim.bradley_terry(votes), adjust="holm")
    >>> tests.n_pairs, tests.item_a[:3]
    (6, ('A', 'A', 'A'))
    """
    if adjust is not None:
        check_choice(adjust, "adjust", ADJUSTMENTS)
    check_choice(alternative, "alternative", ALTERNATIVES)
    level = check_confidence_level(confidence_level)
    items = tuple(check_result(result).items)
    k = len(items)
    n_pairs = k * (k - 1) // 2
    check_memory(
        8.0 * 12 * n_pairs, f"pairwise_gap_tests on {k:,} items ({n_pairs:,} pairs)",
        "test the pairs you need with gap_test, or restrict the votes to the leading items "
        "(votes.restrict([...])) first",
    )
    ia, ib = np.triu_indices(k, 1)
    ia = ia.astype(np.intp)
    ib = ib.astype(np.intp)
    floor = 0.0
    if is_bootstrap(result):
        method = "wald" if method is None else method
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
        b = np.asarray(result.bootstrap_distribution).shape[1]
        floor = 0.0 if method == "wald" else (1.0 + (alternative == "two-sided")) / (b + 1.0)
    else:
        if method is not None:
            raise ValueError(f"method={method!r} applies to bootstrap results only")
        est, cov, text = analytic_parts(result, kind)
        out = wald_gaps(est, cov, ia, ib, alternative=alternative, confidence_level=level)
    warn_sparse_result(result, what="pairwise_gap_tests")
    adjusted = adjust_pvalues(out["pvalue"], method=adjust)
    bound = adjusted_bound = None
    if "pvalue_is_bound" in out:
        bound = np.asarray(out["pvalue_is_bound"], dtype=bool)
        # an adjusted p-value is a bound if it would fall were the bounded p-values smaller
        lowest = adjust_pvalues(np.where(bound, 0.0, out["pvalue"]), method=adjust)
        adjusted_bound = np.asarray(adjusted > lowest * (1.0 + 1e-12), dtype=bool)
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
        pvalue_adjusted=adjusted,
        adjust=adjust,
        alternative=alternative,
        confidence_level=level,
        method=text,
        pvalue_is_bound=bound,
        pvalue_adjusted_is_bound=adjusted_bound,
        pvalue_floor=floor,
    )
