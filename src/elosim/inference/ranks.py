"""Confidence sets for ranks (rank 1 = best).

Main method: Mogstad, Romano, Shaikh & Wilhelm (2024), as in R ``csranks``
(references: ref-rank-sets).
Every pairwise difference ``theta_j - theta_k`` is tested simultaneously with a max-t
critical value; rejections "k is below j" are counted:

``rank_low_j = 1 + #{k: theta_k > theta_j shown}``, ``rank_high_j = K - #{k: theta_j >
theta_k shown}``.

* ``simultaneous=True``: the family is all ordered pairs; all K sets cover the true ranks
  jointly with probability ~``confidence_level``.
* ``simultaneous=False`` (marginal): for each item j separately, the family is the pairs
  involving j; each set covers its own rank with probability ~``confidence_level``.
* ``stepdown=True``: Romano-Wolf step-down (recompute the critical value on the pairs not
  yet rejected until nothing changes); never wider than single-step.

The critical value is the ``confidence_level`` quantile of ``max_{(j,k) in I}
(Z_j - Z_k) / se_jk`` where ``Z ~ N(0, Sigma)`` (analytic fit; ``n_draws`` draws from a
seeded ``rng``) or ``Z = theta* - theta_hat`` over the bootstrap replicates (bootstrap
result; ``se_jk`` then the bootstrap SD of the difference).

Also: :func:`marginal_rank_intervals_bootstrap` (quantiles of each item's rank over
bootstrap replicates: the naive method, no guarantee) and :func:`lmarena_rank` (LMArena's
"Rank (UB)" heuristic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core import hooks
from .._core.resources import check_memory
from .._core.results import DisplayMethods
from .._core.sparse import warn_sparse_result
from .._core.validation import (
    check_confidence_level,
    check_positive_int,
    check_result,
    seed_from,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RankSetResult",
    "lmarena_rank",
    "marginal_rank_intervals_bootstrap",
    "rank_confidence_sets",
    "rank_intervals",
]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
_CHUNK_ELEMENTS = 4_000_000


def point_ranks(estimates: ArrayLike) -> IntArray:
    """Ranks with 1 = largest; ties share the smallest rank (``1 + #{larger}``)."""
    est = np.asarray(estimates, dtype=float)
    from scipy.stats import rankdata

    return np.asarray(rankdata(-est, method="min"), dtype=np.int64)


@dataclass(frozen=True)
class RankSetResult(DisplayMethods):
    """Rank confidence sets ``[rank_low, rank_high]`` for every item (1 = best).

    Attributes
    ----------
    items : tuple of str
    ratings : ndarray
    rank : ndarray of int
        Point ranks from the ratings (ties share the smallest rank).
    rank_low, rank_high : ndarray of int
    confidence_level : float
    simultaneous : bool or None
        True: the sets cover all true ranks jointly; False: each covers its own rank;
        None: a heuristic with no coverage statement.
    method : str
        Text a report can quote.
    seed : int or None
        The seed of the normal draws (analytic fits): pass it as ``rng`` to reproduce the
        sets exactly. ``None`` where nothing was drawn (bootstrap replicates, heuristics).
    """

    _plot_function = "plot_rank_intervals"

    items: tuple[str, ...]
    ratings: Array
    rank: IntArray
    rank_low: IntArray
    rank_high: IntArray
    confidence_level: float
    simultaneous: bool | None
    method: str
    seed: int | None = None

    def __repr__(self) -> str:
        first = self.tied_for_first()
        return (
            f"<RankSetResult: {len(self.items)} items, {self.method}; "
            f"{len(first)} item(s) may be #1>"
        )

    def top_set(self, tau: int = 1) -> tuple[str, ...]:
        """Items whose rank set reaches ``tau`` or better (``rank_low <= tau``).

        With ``simultaneous=True`` this is a confidence set for the tau-best: it contains
        every item truly among the top ``tau`` with probability ~``confidence_level``
        (the projection set of Mogstad et al., as ``csranks::cstaubest``).
        """
        t = check_positive_int(tau, "tau")
        return tuple(self.items[i] for i in np.flatnonzero(self.rank_low <= t))

    def tied_for_first(self) -> tuple[str, ...]:
        """Items that may be #1 (``rank_low == 1``), best rating first."""
        idx = np.flatnonzero(self.rank_low == 1)
        idx = idx[np.argsort(-self.ratings[idx], kind="stable")]
        return tuple(self.items[i] for i in idx)

    def covers(self, true_ranks: ArrayLike) -> bool:
        """Whether every set contains the corresponding rank in ``true_ranks``."""
        r = np.asarray(true_ranks)
        return bool(np.all((self.rank_low <= r) & (r <= self.rank_high)))

    def to_frame(self) -> pd.DataFrame:
        """Table ``item, rating, rank, rank_low, rank_high`` sorted by rating. Needs pandas."""
        from .._core.format import require_pandas

        pdm = require_pandas("RankSetResult.to_frame")
        order = np.argsort(-self.ratings, kind="stable")
        df = pdm.DataFrame(
            {
                "item": [self.items[i] for i in order],
                "rating": self.ratings[order],
                "rank": self.rank[order],
                "rank_low": self.rank_low[order],
                "rank_high": self.rank_high[order],
            }
        )
        df.attrs.update(confidence_level=self.confidence_level, method=self.method,
                        simultaneous=self.simultaneous)
        return cast("pd.DataFrame", df)

    def summary(self) -> str:
        """Fixed-width table of rank sets, best first, with the notes every output shows."""
        text: str = hooks.call("result_text", self)
        return text + "\nmay be #1: " + ", ".join(self.tied_for_first())


# ---------------------------------------------------------------------------- core
def _max_stat(null: Array, pairs_j: IntArray, pairs_k: IntArray, sd: Array) -> Array:
    """max over the given ordered pairs of (null_j - null_k) / sd_jk, per draw."""
    n = null.shape[0]
    out = np.full(n, -np.inf)
    step = max(1, _CHUNK_ELEMENTS // max(1, n))
    scale = 1.0 / sd[pairs_j, pairs_k]
    for s in range(0, pairs_j.size, step):
        j, k = pairs_j[s : s + step], pairs_k[s : s + step]
        t = (null[:, j] - null[:, k]) * scale[s : s + step]
        out = np.maximum(out, t.max(axis=1))
    return out


def rank_confidence_sets(
    estimates: ArrayLike,
    null_draws: ArrayLike,
    *,
    difference_sd: ArrayLike | None = None,
    confidence_level: float = 0.95,
    simultaneous: bool = True,
    stepdown: bool = True,
) -> tuple[IntArray, IntArray]:
    """Rank sets from estimates and draws of their estimation error (the array core).

    Parameters
    ----------
    estimates : array (K,)
    null_draws : array (N, K)
        Draws of ``theta_hat - theta`` (e.g. ``N(0, Sigma)``, or bootstrap replicates
        minus the estimate).
    difference_sd : array (K, K), optional
        Standard errors of ``theta_j - theta_k`` (default: from ``null_draws``).
    confidence_level, simultaneous, stepdown
        See :func:`rank_intervals`.

    Returns
    -------
    rank_low, rank_high : int arrays (K,)

    Examples
    --------
    >>> from elosim.inference.ranks import rank_confidence_sets
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> lo, hi = rank_confidence_sets([30.0, 20.0, 10.0], rng.normal(size=(500, 3)))
    >>> lo.tolist(), hi.tolist()
    ([1, 2, 3], [1, 2, 3])
    """
    level = check_confidence_level(confidence_level)
    est = np.asarray(estimates, dtype=float)
    null = np.asarray(null_draws, dtype=float)
    k = est.size
    if null.ndim != 2 or null.shape[1] != k:
        raise ValueError(f"null_draws must have shape (n_draws, {k}); got {null.shape}")
    if difference_sd is None:
        cov = np.cov(null, rowvar=False)
        d = np.diag(cov)
        sd = np.sqrt(np.clip(d[:, None] + d[None, :] - 2.0 * cov, 0.0, None))
    else:
        sd = np.asarray(difference_sd, dtype=float)
    off = ~np.eye(k, dtype=bool)
    if np.any(sd[off] <= 0) or not np.all(np.isfinite(sd[off])):
        raise ValueError("every pairwise difference needs a positive, finite standard error")
    sd = sd.copy()
    np.fill_diagonal(sd, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tstat = (est[:, None] - est[None, :]) / sd  # t[j, k]: evidence theta_j > theta_k
    targets = [np.arange(k)] if simultaneous else [np.array([j]) for j in range(k)]
    low = np.empty(k, dtype=np.int64)
    high = np.empty(k, dtype=np.int64)
    for tgt in targets:
        active = np.zeros((k, k), dtype=bool)
        active[tgt, :] = True
        active[:, tgt] = True
        active &= off
        rejected = np.zeros((k, k), dtype=bool)
        while True:
            pj, pk = np.nonzero(active)
            if pj.size == 0:
                break
            crit = float(np.quantile(_max_stat(null, pj.astype(np.int64), pk.astype(np.int64),
                                               sd), level))
            new = active & (tstat > crit)
            if not new.any():
                break
            rejected |= new
            active &= ~new
            if not stepdown:
                break
        n_below = rejected.sum(axis=1)  # j shown above n_below items
        n_above = rejected.sum(axis=0)  # items shown above j
        low[tgt] = 1 + n_above[tgt]
        high[tgt] = k - n_below[tgt]
    return low, high


def _normal_draws(cov: Array, n: int, rng: np.random.Generator) -> Array:
    vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))
    out: Array = rng.standard_normal((n, cov.shape[0])) @ root.T
    return out


@hooks.provides("rank_intervals")
def rank_intervals(
    result: Any,
    *,
    confidence_level: float = 0.95,
    simultaneous: bool = False,
    stepdown: bool = True,
    n_draws: int = 2000,
    rng: Any = None,
    kind: str | None = None,
) -> RankSetResult:
    """Confidence sets for ranks (Mogstad, Romano, Shaikh & Wilhelm 2024; R csranks).

    Parameters
    ----------
    result : BradleyTerryResult or BootstrapResult
        With a fit, the estimation error is drawn from ``N(0, Sigma)``, ``Sigma =
        result.covariance(kind)``; with a bootstrap result, its replicates are used and
        ``n_draws``/``rng`` are ignored.
    confidence_level : float
    simultaneous : bool
        False: marginal sets (each covers its own item's rank). True: simultaneous sets
        (all ranks covered jointly), needed to claim e.g. "these are the only possible #1s".
    stepdown : bool
        Use the step-down refinement (never wider).
    n_draws : int
        Normal draws for the critical value (analytic fits).
    rng : None, int, SeedSequence or Generator
        Randomness of the normal draws. The seed used is recorded in
        :attr:`RankSetResult.seed` and quoted by ``methods_text()`` (an int ``rng`` is the
        seed itself; otherwise one is drawn), so ``rng=result.seed`` reproduces the sets.
    kind : {"max", "model", "sandwich", "cluster"}, optional
        Covariance of a fit (default: the fit's default, ``"max"`` without a prior).

    Returns
    -------
    RankSetResult

    Warns
    -----
    SparseDataWarning
        Some items have fewer than 20 votes (named in the message).

    References
    ----------
    Mogstad, M., Romano, J. P., Shaikh, A. M. and Wilhelm, D. (2024). Inference for ranks
    with applications to mobility across neighbourhoods and academic achievement across
    countries. Review of Economic Studies 91(1), 476-518.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 20, 0, 10], [30, 0, 50, 0], [0, 30, 0, 10], [40, 0, 30, 0]])
    >>> sets = elosim.rank_intervals(elosim.bradley_terry(votes), simultaneous=True, rng=0)
    >>> sets.rank_low.tolist(), sets.rank_high.tolist()
    ([2, 1, 2, 1], [4, 4, 4, 2])
    """
    check_result(result)
    level = check_confidence_level(confidence_level)
    est = np.asarray(result.ratings, dtype=float)
    scope = "simultaneous" if simultaneous else "marginal"
    if getattr(result, "bootstrap_distribution", None) is not None:
        if kind is not None:
            raise ValueError(f"kind={kind!r} applies to analytic fits only")
        draws = np.asarray(result.bootstrap_distribution, dtype=float)
        null = draws.T - est[None, :]
        src = f"bootstrap max-t over {draws.shape[1]:,} resamples"
        sd = None
        seed = None
    else:
        n = check_positive_int(n_draws, "n_draws", minimum=100)
        k = len(result.items)
        check_memory(
            8.0 * n * (k + k * (k - 1) // 2), f"rank_intervals(n_draws={n:,}) on {k:,} items",
            "use fewer draws (2,000 to 20,000 give stable sets)",
        )
        seed = seed_from(rng)
        gen = np.random.default_rng(seed)
        cov = np.asarray(result.covariance(kind), dtype=float)
        null = _normal_draws(cov, n, gen)
        d = np.diag(cov)
        sd = np.sqrt(np.clip(d[:, None] + d[None, :] - 2.0 * cov, 0.0, None))
        used = kind if kind is not None else getattr(result, "default_covariance", "model")
        src = f"normal max-t, {used} covariance, {n:,} draws"
    low, high = rank_confidence_sets(
        est, null, difference_sd=sd, confidence_level=level, simultaneous=simultaneous,
        stepdown=stepdown,
    )
    warn_sparse_result(result, what="rank_intervals")
    return _rank_sets(
        result, est, low, high, level, simultaneous,
        f"{100 * level:.10g}% {scope} rank sets (Mogstad et al. 2024, "
        f"{'step-down' if stepdown else 'single-step'}; {src})",
        seed=seed,
    )


def _rank_sets(
    result: Any,
    est: Array,
    low: IntArray,
    high: IntArray,
    level: float,
    simultaneous: bool | None,
    method: str,
    *,
    seed: int | None = None,
) -> RankSetResult:
    """The sets ``[low, high]`` of ``result``'s items, with the point ranks of ``est``."""
    return RankSetResult(
        items=tuple(result.items),
        ratings=est,
        rank=point_ranks(est),
        rank_low=low,
        rank_high=high,
        confidence_level=level,
        simultaneous=simultaneous,
        method=method,
        seed=seed,
    )


def check_psd(cov: NDArray[np.float64], name: str = "covariance") -> None:
    """Raise unless ``cov`` is positive semi-definite (up to rounding)."""
    vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
    tol = 1e-10 * max(float(np.abs(vals).max()), np.finfo(float).tiny)
    if vals.min() < -tol:
        direction = vecs[:, int(np.argmin(vals))]
        raise ValueError(
            f"{name} is not positive semi-definite: its smallest eigenvalue is "
            f"{float(vals.min()):.3g} (a combination of the estimates with weights "
            f"{np.round(direction, 3).tolist()[:6]} would have a negative variance). Is it a "
            "correlation matrix, a matrix of standard errors, or rounded? Pass the covariance "
            "of the estimates (standard errors squared on the diagonal)"
        )


def rank_intervals_from_estimates(
    estimates: ArrayLike,
    covariance: ArrayLike,
    *,
    items: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    simultaneous: bool = False,
    stepdown: bool = True,
    n_draws: int = 2000,
    rng: Any = None,
) -> RankSetResult:
    """Rank confidence sets from any estimates and their covariance (as R's ``csranks``).

    The same procedure as :func:`rank_intervals` for an analytic fit, for estimates that
    did not come from elosim (published scores with a covariance matrix, a regression,
    ...): ``csranks(x, Sigma, coverage, simul, stepdown)`` in R. Larger estimates rank
    higher (rank 1 is the largest).

    Parameters
    ----------
    estimates : array (K,)
    covariance : array (K, K)
        Covariance matrix of the estimates (symmetric, positive semi-definite).
    items : sequence of str, optional
        Labels (default ``"0"``, ``"1"``, ...).
    confidence_level, simultaneous, stepdown, n_draws, rng
        As in :func:`rank_intervals`.

    Returns
    -------
    RankSetResult

    Examples
    --------
    >>> import elosim
    >>> import numpy as np
    >>> res = elosim.rank_intervals_from_estimates(
    ...     [3.0, 2.0, 0.0], np.diag([0.01, 0.01, 0.01]), rng=0)
    >>> res.rank_low.tolist(), res.rank_high.tolist()
    ([1, 2, 3], [1, 2, 3])
    """
    est = np.asarray(estimates, dtype=float)
    if est.ndim != 1 or est.size < 2 or not np.all(np.isfinite(est)):
        raise ValueError(f"estimates must be at least two finite numbers; got shape {est.shape}")
    cov = np.asarray(covariance, dtype=float)
    k = est.size
    if cov.shape != (k, k) or not np.all(np.isfinite(cov)):
        raise ValueError(f"covariance must be a finite ({k}, {k}) matrix; got shape {cov.shape}")
    if not np.allclose(cov, cov.T, rtol=1e-8, atol=1e-12 * float(np.abs(cov).max() or 1.0)):
        raise ValueError("covariance must be symmetric")
    check_psd(cov)
    labels = tuple(str(i) for i in range(k)) if items is None else tuple(str(x) for x in items)
    if len(labels) != k or len(set(labels)) != k:
        raise ValueError(f"items must be {k} distinct labels")

    class _Estimates:
        def __init__(self) -> None:
            self.items = labels
            self.ratings = est
            self.default_covariance = "given"

        def covariance(self, kind: str | None = None) -> NDArray[np.float64]:
            return cov

    return rank_intervals(
        _Estimates(), confidence_level=confidence_level, simultaneous=simultaneous,
        stepdown=stepdown, n_draws=n_draws, rng=rng,
    )


def marginal_rank_intervals_bootstrap(
    result: Any, *, confidence_level: float = 0.95
) -> RankSetResult:
    """Naive bootstrap rank intervals: quantiles of each item's rank over the replicates.

    Common in practice but **without a coverage guarantee**: ranks are discontinuous
    functions of the ratings and the bootstrap is inconsistent for them when items are
    (nearly) tied; prefer :func:`rank_intervals`.

    Examples
    --------
    >>> import elosim
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> fake = SimpleNamespace(items=("a", "b"), ratings=np.array([1.0, 0.0]),
    ...     bootstrap_distribution=np.array([[1.0, 1.0, -1.0], [0.0, 0.0, 0.0]]))
    >>> elosim.marginal_rank_intervals_bootstrap(fake).rank_high.tolist()
    [2, 2]
    """
    check_result(result)
    level = check_confidence_level(confidence_level)
    draws = getattr(result, "bootstrap_distribution", None)
    if draws is None:
        raise TypeError("marginal_rank_intervals_bootstrap needs a bootstrap result")
    d = np.asarray(draws, dtype=float)
    from scipy.stats import rankdata

    ranks = np.asarray(rankdata(-d, method="min", axis=0), dtype=float)  # (K, B)
    a = (1.0 - level) / 2.0
    lo = np.floor(np.quantile(ranks, a, axis=1, method="inverted_cdf")).astype(np.int64)
    hi = np.ceil(np.quantile(ranks, 1.0 - a, axis=1, method="inverted_cdf")).astype(np.int64)
    return _rank_sets(
        result, np.asarray(result.ratings, dtype=float), lo, hi, level, None,
        f"naive bootstrap rank quantiles, {100 * level:.10g}%, {d.shape[1]:,} resamples "
        "(no coverage guarantee)",
    )


@hooks.provides("lmarena_rank")
def lmarena_rank(
    result: Any, *, confidence_level: float = 0.95, kind: str | None = None
) -> RankSetResult:
    """LMArena's "Rank (UB)": ``1 + #{items whose lower bound > this item's upper bound}``.

    Reproduces the leaderboard heuristic (FastChat ``elo_analysis.py``) from the
    result's own marginal intervals (Wald for a fit, the bootstrap's method for a
    bootstrap result). ``rank_low`` is LMArena's Rank (UB); ``rank_high`` is the mirror
    ``K - #{items whose upper bound < this item's lower bound}``. **No formal
    guarantee**: the intervals are marginal, so the displayed ranks are not a confidence
    statement (Chatbot Arena paper, section 5); use :func:`rank_intervals`.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 20, 0, 10], [30, 0, 50, 0], [0, 30, 0, 10], [40, 0, 30, 0]])
    >>> elosim.lmarena_rank(elosim.bradley_terry(votes)).rank_low.tolist()
    [2, 2, 2, 1]
    """
    check_result(result)
    level = check_confidence_level(confidence_level)
    if getattr(result, "bootstrap_distribution", None) is not None:
        if kind is not None:
            raise ValueError(f"kind={kind!r} applies to analytic fits only")
        ci = result.confidence_interval(level)
        src = f"bootstrap {getattr(result, 'method', '')} intervals".replace("  ", " ")
    else:
        ci = result.confidence_interval(level, kind=kind)
        used = kind if kind is not None else getattr(result, "default_covariance", "model")
        src = f"Wald intervals, {used} covariance"
    lo, hi = np.asarray(ci.low, dtype=float), np.asarray(ci.high, dtype=float)
    est = np.asarray(result.ratings, dtype=float)
    k = est.size
    rank_ub = 1 + np.sum(lo[None, :] > hi[:, None], axis=1)
    rank_lb = k - np.sum(hi[None, :] < lo[:, None], axis=1)
    return _rank_sets(
        result, est, rank_ub.astype(np.int64), rank_lb.astype(np.int64), level, None,
        f"LMArena 'Rank (UB)' heuristic from marginal {100 * level:.10g}% {src} "
        "(no formal coverage guarantee)",
    )
