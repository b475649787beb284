"""Ratings on subsets of the votes (categories such as LMArena's ``is_math``) and tests of
whether an item's rating, or a gap, differs between two subsets.

Each subset is fitted on its own votes. The two estimates are correlated when the subsets
share votes (overlapping categories) or clusters (one user voting in both): the joint
covariance of the two fits is the stacked sandwich

``Cov(theta_A, theta_B) = H_A^+ (sum_g s_A,g s_B,g') H_B^+``,

with ``s_A,g`` the summed scores of subset A's votes in unit ``g`` (a vote, or a cluster),
so votes in only one subset contribute nothing to the cross term and disjoint subsets
without shared clusters are independent. Each fit's own variance uses the same sums, so the
test is consistent with the fits' sandwich (or cluster) covariance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .._core.format import require_pandas
from .._core.normal import wald
from .._core.results import DisplayMethods
from .._core.table import Table
from .._core.validation import check_choice, check_confidence_level
from ..data.votes import Votes
from ..models import solvers
from ..models.features import covariate
from ..models.fit import BradleyTerryResult, bradley_terry

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SubsetComparisonResult", "compare_subsets", "subset_fits"]

Array = NDArray[np.float64]


def _mask(votes: Votes, subset: Any, name: str) -> NDArray[np.bool_]:
    """A boolean mask from a covariate name (non-zero = in the subset) or a per-vote array."""
    n = votes.n_votes
    if isinstance(subset, str):
        col = np.asarray(covariate(votes, subset, f"{name}={subset!r}"))
        try:
            return np.asarray(col.astype(float) != 0.0)
        except (TypeError, ValueError):
            raise TypeError(
                f"covariate {subset!r} must be numeric or boolean to define a subset"
            ) from None
    arr = np.asarray(subset)
    if arr.shape != (n,) or arr.dtype.kind != "b":
        raise ValueError(
            f"{name} must be a covariate name or a boolean array with one value per vote "
            f"({n}); got {'dtype ' + str(arr.dtype) if arr.shape == (n,) else arr.shape}"
        )
    return arr


def _subset_votes(votes: Votes, mask: NDArray[np.bool_], items: tuple[str, ...]) -> Votes:
    if not mask.any():
        raise ValueError("a subset has no votes")
    return votes.select(mask).restrict(items)


def subset_fits(votes: Votes, subsets: Any, **fit_options: Any) -> dict[str, BradleyTerryResult]:
    """One fit per subset of the votes.

    Parameters
    ----------
    votes : Votes
    subsets : mapping of name to mask, or sequence of covariate names
        Each subset: a boolean array over the votes, or the name of a covariate (votes where
        it is non-zero, e.g. ``"is_math"``).
    **fit_options
        Passed to :func:`elosim.bradley_terry` (``ties``, ``features``, ...).

    Returns
    -------
    dict of str to BradleyTerryResult
        Each fit keeps only the items with votes in its subset.

    Examples
    --------
    >>> import elosim
    >>> v = elosim.Votes.from_arrays(["x", "y", "x", "y"], ["y", "x", "y", "x"], [1, 1, 0, 1],
    ...                              covariates={"hard": [1, 1, 0, 0]})
    >>> sorted(elosim.subset_fits(v, {"all": [True] * 4}))
    ['all']
    """
    named = dict(subsets) if hasattr(subsets, "items") else {s: s for s in subsets}
    out: dict[str, BradleyTerryResult] = {}
    for name, spec in named.items():
        mask = _mask(votes, spec if isinstance(spec, str) else np.asarray(spec, bool), str(name))
        sub = votes.select(mask)
        used = np.flatnonzero(sub.votes_per_item > 0)
        out[str(name)] = bradley_terry(sub.restrict([votes.items[i] for i in used]), **fit_options)
    return out


def _vote_scores(fit: BradleyTerryResult) -> sparse.csr_matrix:
    """Per-vote score vectors of a fit at its estimate, (n_votes, m) sparse."""
    n = fit.votes.n_votes
    if getattr(fit, "features", ()):
        _, a, cc = fit._scores()  # type: ignore[attr-defined]
        out: sparse.csr_matrix = fit._cluster_scores(  # type: ignore[attr-defined]
            np.arange(n), n, a, cc
        )
        return out
    c = fit.votes.counts
    k = fit.n_items
    lam = fit._theta[:k]
    tau = float(fit._theta[k]) if fit.ties != "half" else 0.0
    a, cc, _ = solvers.outcome_scores(fit.ties, lam[c.pair_i] - lam[c.pair_j], tau)
    if not isinstance(fit.votes, Votes):
        raise TypeError(
            "comparing subsets needs the fit's votes as rows (elosim.Votes), not VoteCounts"
        )
    cell = fit.votes.row_cell
    cp, co, wv = c.cell_pair[cell], c.cell_outcome[cell], c.cell_weight[cell]
    sa = wv * a[cp, co]
    rows = [np.arange(n), np.arange(n)]
    cols = [c.pair_i[cp], c.pair_j[cp]]
    vals = [sa, -sa]
    m = fit._theta.size
    if fit.ties != "half":
        rows.append(np.arange(n))
        cols.append(np.full(n, k))
        vals.append(wv * cc[cp, co])
    return sparse.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, m)
    ).tocsr()


@dataclass(frozen=True, repr=False)
class SubsetComparisonResult(DisplayMethods):
    """Test of whether an item's rating (or a gap) differs between two subsets.

    Attributes
    ----------
    subsets : tuple of str
        Names of the two subsets.
    quantity : str
        What is compared: an item's rating (relative to the mean of the items common to both
        subsets) or a gap ``"a - b"``.
    estimate_a, estimate_b : float
        The quantity in each subset (Elo points).
    difference : float
        ``estimate_a - estimate_b``.
    standard_error, ci_low, ci_high, statistic, pvalue : float
        Wald test of "no difference", two-sided, with the joint covariance.
    correlation : float
        Correlation of the two estimates (0 for disjoint subsets without shared clusters).
    n_votes_a, n_votes_b, n_shared : int
        Votes in each subset and in both.
    kind : str
        ``"sandwich"`` (votes) or ``"cluster"``.
    confidence_level : float
    fits : tuple
        The two subset fits.
    """

    subsets: tuple[str, str]
    quantity: str
    estimate_a: float
    estimate_b: float
    difference: float
    standard_error: float
    ci_low: float
    ci_high: float
    statistic: float
    pvalue: float
    correlation: float
    n_votes_a: int
    n_votes_b: int
    n_shared: int
    kind: str
    confidence_level: float
    fits: tuple[BradleyTerryResult, BradleyTerryResult]

    def __repr__(self) -> str:
        return (
            f"<SubsetComparisonResult: {self.quantity} {self.subsets[0]} {self.estimate_a:.1f}"
            f" vs {self.subsets[1]} {self.estimate_b:.1f}: difference {self.difference:.1f} "
            f"({100 * self.confidence_level:g}% CI {self.ci_low:.1f} to {self.ci_high:.1f}), "
            f"p = {self.pvalue:.3g}>"
        )

    def _columns(self) -> dict[str, list[Any]]:
        return {
            "quantity": [self.quantity],
            "subset_a": [self.subsets[0]],
            "subset_b": [self.subsets[1]],
            "estimate_a": [self.estimate_a],
            "estimate_b": [self.estimate_b],
            "difference": [self.difference],
            "standard_error": [self.standard_error],
            "ci_low": [self.ci_low],
            "ci_high": [self.ci_high],
            "statistic": [self.statistic],
            "pvalue": [self.pvalue],
            "correlation": [self.correlation],
            "n_shared": [self.n_shared],
        }

    def _table(self, digits: int = 1) -> Table:
        f = f".{int(digits)}f"
        fmt = dict.fromkeys(
            ("estimate_a", "estimate_b", "difference", "standard_error", "ci_low", "ci_high"), f
        )
        fmt.update({"statistic": ".2f", "pvalue": "p", "correlation": ".3f", "n_shared": "d"})
        note = (
            f"{100 * self.confidence_level:g}% Wald CI, joint {self.kind} covariance of the two "
            f"subset fits ({self.n_votes_a:,} and {self.n_votes_b:,} votes, {self.n_shared:,} "
            "shared)"
        )
        return Table(self._columns(), fmt, "Subset comparison", (note,))

    def to_frame(self) -> pd.DataFrame:
        """One row: the columns of the standard table."""
        pandas = require_pandas("SubsetComparisonResult.to_frame")
        df: pd.DataFrame = pandas.DataFrame(self._columns())
        df.attrs["confidence_level"] = self.confidence_level
        return df

    def summary(self) -> str:
        """Text summary of the comparison."""
        return "\n".join(
            [
                f"Does {self.quantity} differ between subsets {self.subsets[0]!r} and "
                f"{self.subsets[1]!r}?",
                f"  {self.subsets[0]}: {self.estimate_a:.1f}   {self.subsets[1]}: "
                f"{self.estimate_b:.1f}   difference {self.difference:.1f} "
                f"(SE {self.standard_error:.1f}, {100 * self.confidence_level:g}% CI "
                f"{self.ci_low:.1f} to {self.ci_high:.1f})",
                f"  z = {self.statistic:.2f}, p = {self.pvalue:.3g} (two-sided); correlation of "
                f"the estimates {self.correlation:.3f}",
                f"  votes: {self.n_votes_a:,} and {self.n_votes_b:,}, {self.n_shared:,} in both; "
                f"{self.kind} covariance",
            ]
        )


def compare_subsets(
    votes: Votes,
    subset_a: Any,
    subset_b: Any = None,
    *,
    item: str | None = None,
    gap: tuple[str, str] | None = None,
    names: tuple[str, str] | None = None,
    kind: str = "sandwich",
    cluster: ArrayLike | None = None,
    confidence_level: float = 0.95,
    **fit_options: Any,
) -> SubsetComparisonResult:
    """Test whether an item's rating, or a gap, differs between two subsets of the votes.

    Parameters
    ----------
    votes : Votes
    subset_a, subset_b : covariate name or boolean array
        The two subsets (a covariate's non-zero votes, e.g. ``"is_math"``, or a mask).
        ``subset_b=None`` is the complement of ``subset_a``. Subsets may overlap.
    item : str, optional
        Compare this item's rating; ratings are relative to the mean rating of the items
        present in both subsets (both fits are restricted to them).
    gap : (str, str), optional
        Compare the gap ``R_a - R_b`` instead (does not depend on the normalisation).
    names : (str, str), optional
        Labels of the subsets (default: the covariate names, or ``"A"``/``"B"``).
    kind : {"sandwich", "cluster"}
        Joint covariance from per-vote scores, or from scores summed within clusters
        (``votes.cluster`` or ``cluster=``): use ``"cluster"`` when the same users or prompts
        appear in both subsets.
    cluster : array, optional
        Cluster ids overriding ``votes.cluster``.
    confidence_level : float
    **fit_options
        Passed to :func:`elosim.bradley_terry` for both fits (``ties``, ``features``, ...).

    Returns
    -------
    SubsetComparisonResult

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.simulate_votes({"x": 1050.0, "y": 1000.0, "z": 980.0}, 3000, rng=1)
    >>> import numpy as np
    >>> hard = np.arange(votes.n_votes) % 3 == 0
    >>> res = elosim.compare_subsets(votes, hard, gap=("x", "y"), names=("hard", "other"))
    >>> res.subsets
    ('hard', 'other')
    """
    check_choice(kind, "kind", ("sandwich", "cluster"))
    level = check_confidence_level(confidence_level)
    if (item is None) == (gap is None):
        raise ValueError("give exactly one of item= (a rating) or gap=(a, b) (a gap)")
    mask_a = _mask(votes, subset_a, "subset_a")
    mask_b = ~mask_a if subset_b is None else _mask(votes, subset_b, "subset_b")
    if names is None:
        names = (
            subset_a if isinstance(subset_a, str) else "A",
            (f"not {subset_a}" if isinstance(subset_a, str) else "not A")
            if subset_b is None
            else (subset_b if isinstance(subset_b, str) else "B"),
        )
    per_a = votes.select(mask_a).votes_per_item if mask_a.any() else None
    per_b = votes.select(mask_b).votes_per_item if mask_b.any() else None
    if per_a is None or per_b is None:
        raise ValueError(f"subset {names[0] if per_a is None else names[1]!r} has no votes")
    common = tuple(votes.items[i] for i in np.flatnonzero((per_a > 0) & (per_b > 0)))
    wanted = [item] if item is not None else list(gap or ())
    missing = [x for x in wanted if x not in common]
    if missing:
        raise KeyError(
            f"{missing} must have votes in both subsets ({names[0]!r}: "
            f"{int(mask_a.sum())} votes, {names[1]!r}: {int(mask_b.sum())} votes)"
        )
    # both fits on the votes among the common items
    among = np.isin(votes.a, [votes.items.index(x) for x in common]) & np.isin(
        votes.b, [votes.items.index(x) for x in common]
    )
    ma, mb = mask_a & among, mask_b & among
    fits = (
        bradley_terry(_subset_votes(votes, ma, common), **fit_options),
        bradley_terry(_subset_votes(votes, mb, common), **fit_options),
    )
    if item is not None:
        quantity = f"rating of {item!r}"
        terms = [(item, 1.0)]
    else:
        assert gap is not None
        quantity = f"gap {gap[0]!r} - {gap[1]!r}"
        terms = [(gap[0], 1.0), (gap[1], -1.0)]
    contrasts = []
    for fit in fits:
        c = np.zeros(fit.n_items)
        for label, sign in terms:
            c[fit.index(label)] += sign
        contrasts.append(c)
    n = votes.n_votes
    if kind == "cluster":
        codes, n_units = votes.cluster_codes(cluster, purpose="kind='cluster'")
    else:
        codes, n_units = np.arange(n), n
    grads = []
    for fit, m, contrast in zip(fits, (ma, mb), contrasts, strict=True):
        k = fit.n_items
        w = np.zeros(fit._theta.size)
        w[:k] = fit.elo_factor * (contrast @ fit.normalization.matrix(k))
        infl = _vote_scores(fit) @ (fit._bread() @ w)  # influence of each of its votes
        grads.append(np.bincount(codes[m], infl, n_units))
    corr_factor = n_units / (n_units - 1.0) if kind == "cluster" else 1.0
    va = float(grads[0] @ grads[0]) * corr_factor
    vb = float(grads[1] @ grads[1]) * corr_factor
    cab = float(grads[0] @ grads[1]) * corr_factor
    est_a = float(contrasts[0] @ fits[0].ratings)
    est_b = float(contrasts[1] @ fits[1].ratings)
    diff = est_a - est_b
    se = math.sqrt(max(va + vb - 2.0 * cab, 0.0))
    test = wald(diff, se, level)
    return SubsetComparisonResult(
        subsets=(str(names[0]), str(names[1])),
        quantity=quantity,
        estimate_a=est_a,
        estimate_b=est_b,
        difference=diff,
        standard_error=se,
        ci_low=float(test.ci_low),
        ci_high=float(test.ci_high),
        statistic=float(test.statistic),
        pvalue=float(test.pvalue),
        correlation=cab / math.sqrt(va * vb) if va > 0 and vb > 0 else 0.0,
        n_votes_a=int(ma.sum()),
        n_votes_b=int(mb.sum()),
        n_shared=int((ma & mb).sum()),
        kind=kind,
        confidence_level=level,
        fits=fits,
    )
