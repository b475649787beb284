"""Bootstrap of Bradley-Terry ratings on the vote counts.

Resampling N votes with replacement is the same, in distribution, as drawing the
counts of the distinct (pair, outcome, weight) cells from ``Multinomial(N, n_c / N)``;
elosim draws those counts (one multinomial per replicate, never the rows) and fits
every replicate warm-started from the point estimate, many replicates at a time.

Cluster bootstrap (``cluster=``) draws whole clusters (prompts, users, sessions) with
replacement instead of votes: use it when votes within a cluster are dependent, e.g.
several votes on one prompt or from one user, since the vote-level bootstrap then
understates the uncertainty.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .._core import hooks
from .._core.errors import DegenerateBootstrapWarning, NoFiniteEstimateError
from .._core.normal import norm
from .._core.results import DisplayMethods, InferenceMethods
from .._core.sparse import warn_sparse_result
from .._core.validation import (
    check_choice,
    check_confidence_level,
    check_enough_resamples,
    check_positive_int,
    check_tolerance,
    seed_from,
)
from ..models.batch import BatchProblem
from ..models.fit import BradleyTerryResult, ConfidenceInterval
from ..models.inputs import weight_unit
from ..models.max_covariance import pearson_dispersion
from ..models.sparse_batch import SparseBatchProblem
from .estimability import Certificate, certificate, estimable, lacking
from .memory import block_size, check_bootstrap_memory
from .resample import MultinomialSampler, poisson_counts

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BootstrapResult", "bootstrap"]

Array = NDArray[np.float64]
METHODS = ("percentile", "basic", "bca", "studentized")
RESAMPLING = ("multinomial", "poisson")
_BLOCK = 64  # replicates drawn from one random stream and fitted together
_MAX_REDRAWS = 20
#: One chunk of replicates, refitted: theta (R, m), redraws, redraws per item at fault,
#: whether each replicate converged.
_Chunk = tuple[Array, int, dict[str, int], NDArray[np.bool_]]
_R = TypeVar("_R", bound="BootstrapResult")
#: Items redrawn in at least this share of resample draws get flagged as unreliable: the
#: conditioning on estimability then removes that much mass from one tail, about as much
#: as a 95% interval's tail error budget can absorb.
DEGENERATE_RATE_LIMIT = 0.01


def _contrast_matrix(contrasts: ArrayLike, items: tuple[str, ...]) -> Array:
    """Contrasts as a finite (m, K) float matrix; a 1-D array is one contrast."""
    k = len(items)
    try:
        cm = np.atleast_2d(np.asarray(contrasts, dtype=float))
    except (TypeError, ValueError):
        raise TypeError(
            f"contrasts must be a numeric (m, {k}) array (one row per contrast, one column "
            f"per item); got {type(contrasts).__name__}"
        ) from None
    if cm.ndim != 2 or cm.shape[1] != k or cm.shape[0] == 0:
        raise ValueError(
            f"contrasts must have {k} columns (one per item, in the order of result.items) "
            f"and at least one row; got shape {cm.shape}"
        )
    if not np.all(np.isfinite(cm)):
        raise ValueError("contrasts must be finite")
    return cm


@dataclass(frozen=True)
class _Plan:
    """Everything needed to regenerate any replicate exactly.

    Replicates come in blocks of ``block`` (64, or fewer when a replicate's arrays are
    large; a function of the data only, see :func:`~elosim.inference.memory.block_size`);
    block ``b`` draws from its own stream
    ``SeedSequence(entropy, spawn_key=(b,))``, so a replicate's numbers never depend on how
    many replicates or workers there are.
    """

    entropy: int
    cluster_matrix: Any  # scipy sparse (n_clusters x n_cells) or None
    certificate: Certificate | None = None  # cheap sufficient estimability check
    sampler: MultinomialSampler | None = None  # exact vote resampling (None: clusters)
    resampling: str = "multinomial"
    block: int = _BLOCK  # replicates per random stream (fewer when cells are many)

    def generator(self, block: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=(block,)))


def _draw_block(
    fit: BradleyTerryResult, plan: _Plan, problem: BatchProblem | SparseBatchProblem, block: int
) -> tuple[Array, Array, NDArray[np.int64], list[list[str]]]:
    """Cell counts (B, C) and tables (B, P, 3) of one whole block of replicates.

    Non-estimable resamples are redrawn from the block's stream (all failing rows at once,
    in row order) until every row is estimable. Also returns, per row, the number of
    redraws and the items at fault (those with no win or no loss in the resample, or else
    those outside its largest strongly connected component).
    """
    c = fit.votes.counts
    gen = plan.generator(block)
    size = plan.block
    cells = _draw_cells(fit, plan, gen, size)
    tables = c.table(cells)
    redraws = np.zeros(size, dtype=np.int64)
    culprits: list[list[str]] = [[] for _ in range(size)]
    if fit.prior_strength > 0:
        return cells, tables, redraws, culprits
    ok = np.zeros(size, dtype=bool)
    pending = np.arange(size)  # rows not yet known to be estimable
    for _attempt in range(_MAX_REDRAWS + 1):
        sub_tables = tables[pending]
        if plan.certificate is not None:
            cert = plan.certificate.holds(sub_tables)
        else:
            cert = np.zeros(pending.size, dtype=bool)
        ok[pending[cert]] = True
        unsure = pending[~cert]
        # an item with no win or no loss (ties count both ways) rules a resample out at
        # once; the strong-components check is left for the other uncertain rows
        lacks = lacking(problem, tables[unsure]) if unsure.size else np.zeros((0, 0), bool)
        hopeless = lacks.any(axis=1)
        for j, row in zip(unsure[hopeless], lacks[hopeless], strict=True):
            culprits[j].extend(fit.items[i] for i in np.flatnonzero(row))
        check = unsure[~hopeless]
        if check.size:
            ok_u, bad = estimable(problem, tables[check])
            ok[check] = ok_u
            for j, items in zip(check[~ok_u], bad, strict=True):
                culprits[j].extend(fit.items[i] for i in items)
        if ok.all():
            return cells, tables, redraws, culprits
        pending = np.flatnonzero(~ok)
        redraws[pending] += 1
        cells[pending] = _draw_cells(fit, plan, gen, pending.size)
        tables[pending] = c.table(cells[pending])
    top = sorted({x for row in culprits for x in row})
    raise NoFiniteEstimateError(top[:10], [])


def _draw_tables(
    fit: BradleyTerryResult,
    plan: _Plan,
    problem: BatchProblem | SparseBatchProblem,
    replicates: range,
) -> tuple[Array, Array, int, dict[str, int]]:
    """Cell counts (R, C) and tables (R, P, 3) of replicates lying in one block.

    Returns also the number of redraws and how often each item caused one.
    """
    bs = plan.block
    block = replicates.start // bs
    if (replicates.stop - 1) // bs != block:
        raise ValueError("replicates must lie within one block")  # internal use only
    cells, tables, redraws, culprits = _draw_block(fit, plan, problem, block)
    sl = slice(replicates.start - block * bs, replicates.stop - block * bs)
    counted: dict[str, int] = {}
    for row in culprits[sl]:
        for x in row:
            counted[x] = counted.get(x, 0) + 1
    return cells[sl], tables[sl], int(redraws[sl].sum()), counted


def _chunks(reps: range, bs: int = _BLOCK) -> list[range]:
    """Split replicate indices at block boundaries (blocks of ``bs`` replicates)."""
    edges = [reps.start, *range((reps.start // bs + 1) * bs, reps.stop, bs), reps.stop]
    return [range(a, b) for a, b in itertools.pairwise(edges) if b > a]


def _run(
    fit: BradleyTerryResult,
    plan: _Plan,
    problem: BatchProblem | SparseBatchProblem,
    replicates: range,
    tol: float,
) -> _Chunk:
    """Draw and fit the given replicates; returns theta (R, m), redraws, culprits, converged."""
    _, table, redraws, culprits = _draw_tables(fit, plan, problem, replicates)
    theta, conv = problem.solve(table, tol=tol)
    return theta, redraws, culprits, conv


@dataclass(frozen=True, eq=False, repr=False)
class BootstrapResult(InferenceMethods, DisplayMethods):
    """Bootstrap distribution of the ratings, with intervals by several methods.

    Attributes
    ----------
    fit : BradleyTerryResult
        The point estimate (ratings are reported from the full-data fit, never the
        bootstrap median).
    bootstrap_distribution : ndarray, shape (n_items, n_resamples)
        Replicate ratings on the Elo scale, normalised like the fit.
    method : str
        Default interval method.
    confidence_level : float
        Default confidence level.
    cluster : bool
        Whether whole clusters were resampled.
    n_degenerate : int
        Number of replicates redrawn because their maximum-likelihood estimate was not
        finite (see :func:`bootstrap`).
    degenerate_items : dict
        How often each item caused such a redraw.
    """

    _plot_function = "plot_ratings"

    fit: BradleyTerryResult
    bootstrap_distribution: Array
    method: str
    confidence_level: float
    cluster: bool
    n_degenerate: int
    degenerate_items: dict[str, int]
    n_not_converged: int
    seed: int
    _plan: _Plan = field(repr=False)
    _tol: float = field(repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def items(self) -> tuple[str, ...]:
        return self.fit.items

    @property
    def ratings(self) -> Array:
        return self.fit.ratings

    @property
    def degenerate_rate(self) -> dict[str, float]:
        """Per item (most affected first), the share of all resample draws that had no
        finite estimate because of it and were redrawn; items at 1% or more have
        unreliable bootstrap intervals (see :func:`bootstrap`)."""
        return degenerate_rates(self.degenerate_items, self.n_resamples + self.n_degenerate)

    @property
    def n_resamples(self) -> int:
        return int(self.bootstrap_distribution.shape[1])

    @property
    def standard_error(self) -> Array:
        """Bootstrap standard errors (SD over replicates, ``ddof=1``)."""
        return np.asarray(np.std(self.bootstrap_distribution, axis=1, ddof=1))

    def covariance(self) -> Array:
        """Bootstrap covariance of the ratings (K x K)."""
        return np.asarray(np.cov(self.bootstrap_distribution))

    def index(self, item: str | int, name: str = "item") -> int:
        return self.fit.index(item, name)

    def __repr__(self) -> str:
        return (
            f"<BootstrapResult: {self.fit.n_items} items, {self.n_resamples:,} "
            f"{'cluster ' if self.cluster else ''}resamples, {self.method} "
            f"{100 * self.confidence_level:g}% intervals>"
        )

    # -------------------------------------------------------------- intervals
    def confidence_interval(
        self, confidence_level: float | None = None, *, method: str | None = None
    ) -> ConfidenceInterval:
        """Intervals for every item's rating, from the stored replicates (no new resampling).

        Parameters
        ----------
        confidence_level : float, optional
            Defaults to the level given to :func:`bootstrap`.
        method : {"percentile", "basic", "bca", "studentized"}, optional
            ``"percentile"``: quantiles of the replicates. ``"basic"``: reflected
            quantiles ``2 R - q``. ``"bca"``: bias-corrected and accelerated, with the
            acceleration from the empirical influence values of the estimating equations
            (no jackknife refits). ``"studentized"``: bootstrap-t with per-replicate
            standard errors (the same replicates refitted once, from their stored seeds).

        Warns
        -----
        SparseDataWarning
            Some items have fewer than 20 votes (named in the message).

        Notes
        -----
        Where each method is (and is not) accurate: ``docs/explanation/bootstrap-intervals.md``.
        In short, all four are fine for items with a few hundred votes; for items with
        5-20 votes none reaches its nominal level (resamples without a finite estimate are
        redrawn, which cuts off a tail; see :attr:`degenerate_rate`), and the fit's Wald
        interval with the default ``"max"`` covariance is the one to use there.
        """
        out = self._item_interval(confidence_level, method)
        warn_sparse_result(self, what="confidence_interval", stacklevel=3)
        return out

    def _item_interval(
        self, confidence_level: float | None, method: str | None
    ) -> ConfidenceInterval:
        return self.contrast_interval(
            np.eye(self.fit.n_items), confidence_level=confidence_level, method=method
        )

    def contrast_interval(
        self,
        contrasts: ArrayLike,
        *,
        confidence_level: float | None = None,
        method: str | None = None,
    ) -> ConfidenceInterval:
        """Intervals for linear contrasts ``C @ ratings`` (one per row of ``C``).

        A row ``e_a - e_b`` gives the interval of the gap ``R_a - R_b``.
        """
        level = check_confidence_level(
            self.confidence_level if confidence_level is None else confidence_level
        )
        meth = check_choice(self.method if method is None else method, "method", METHODS)
        cm = _contrast_matrix(contrasts, self.fit.items)
        check_enough_resamples(self.n_resamples, level)
        est = cm @ self.fit.ratings
        dist = cm @ self.bootstrap_distribution
        if meth != "studentized":
            return _quantile_interval(dist, est, level, meth, lambda: self.acceleration(cm))
        # bootstrap-t
        alpha = 1.0 - level
        se_hat = self.studentizing_standard_errors(cm)
        se_rep = self.replicate_standard_errors(cm)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (dist - est[:, None]) / se_rep
        tl, th = _quantiles(t, alpha / 2, 1 - alpha / 2)
        return ConfidenceInterval(est - th * se_hat, est - tl * se_hat)

    def acceleration(self, contrasts: ArrayLike) -> Array:
        """BCa acceleration for each contrast row, from empirical influence values.

        The influence of a vote on the estimate is ``H^+ s_t`` (``s_t`` its score); votes in
        one cell share it, and with cluster resampling the influence of a cluster is the
        sum over its votes. ``a = sum(U^3) / (6 sum(U^2)^1.5)`` (Efron 1987).
        """
        cm = _contrast_matrix(contrasts, self.fit.items)
        infl = self.fit._cell_influence(cm)
        if self._plan.cluster_matrix is None:
            n = self.fit._influence_cell_counts().astype(float)
            s2 = infl**2 @ n
            s3 = infl**3 @ n
        else:
            u = np.asarray(self._plan.cluster_matrix @ infl.T).T  # (m_contrasts, G)
            s2 = np.sum(u**2, axis=1)
            s3 = np.sum(u**3, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(s2 > 0, s3 / (6.0 * s2**1.5), 0.0)
        return np.asarray(out)

    def _studentizing_kind(self) -> str:
        """The standard error used on both sides of the bootstrap-t pivot.

        ``"model"`` or ``"max"`` as the fit's default; the vote-level ``"sandwich"`` for a
        sandwich or cluster default. A cluster-robust standard error is not recomputed per
        replicate: the cluster resampling already puts the design effect into the spread of
        ``t* = (g* - g) / se*``, so dividing by a vote-level ``se*`` and multiplying back by
        the same vote-level ``se`` counts it once (a cluster ``se`` there would count it
        twice and make the interval ``sqrt(deff)`` too wide).
        """
        kind = self.fit.default_covariance
        return kind if kind in ("model", "max") else "sandwich"

    def studentizing_standard_errors(self, contrasts: ArrayLike) -> Array:
        """Standard errors of contrasts on the full data, of the same kind as
        :meth:`replicate_standard_errors` (``"max"``: per contrast, the larger of the
        sandwich and the dispersion-scaled model-based standard error)."""
        cm = np.atleast_2d(np.asarray(contrasts, dtype=float))
        fit = self.fit
        kind = self._studentizing_kind()

        def var(c: str) -> Array:
            return np.asarray(np.einsum("ij,jk,ik->i", cm, fit.covariance(c), cm))

        if kind == "max":
            v = np.maximum(var("sandwich"), fit.dispersion * var("model"))
        else:
            v = var(kind)
        out: Array = np.sqrt(np.clip(v, 0.0, None))
        return out

    def replicate_standard_errors(self, contrasts: ArrayLike) -> Array:
        """Per-replicate standard errors of contrasts (for the studentized interval).

        Each replicate is regenerated from its stored seed (identical counts) and its
        standard errors computed like :meth:`studentizing_standard_errors` on the full data
        (model-based, vote-level sandwich, or per contrast the larger of the sandwich and the
        replicate's dispersion times the model-based one).
        """
        cm = np.atleast_2d(np.asarray(contrasts, dtype=float))
        key = "se:" + cm.tobytes().hex()[:64] + str(cm.shape)
        if key in self._cache:
            return np.asarray(self._cache[key])
        fit = self.fit
        c = fit.votes.counts
        k = fit.n_items
        problem = _problem(fit)
        if not isinstance(problem, BatchProblem):
            raise ValueError(
                "method='studentized' needs each replicate's dense information matrix, which "
                f"fits by the sparse solver ({k:,} items) do not form; use 'percentile', "
                "'basic' or 'bca'"
            )
        lm = fit.normalization.matrix(k)
        wc = fit.elo_factor * (cm @ lm)  # (n_contrasts, K)
        out = np.empty((cm.shape[0], self.n_resamples))
        kind = self._studentizing_kind()
        theta_all = self._cache.get("theta")
        for reps in _chunks(range(self.n_resamples), self._plan.block):
            cells, table, _, _ = _draw_tables(fit, self._plan, problem, reps)
            tsq = c.table(cells, power=2)
            if theta_all is not None:
                theta = theta_all[reps.start : reps.stop]
            else:
                theta, _ = problem.solve(table, tol=self._tol)
            info = problem.information(theta, table)
            # level term in the units of the information (any unit of weights)
            lvl = np.trace(info[:, :k, :k], axis1=1, axis2=2) / k
            if not problem.regular:
                info[:, :k, :k] += (lvl / k)[:, None, None]
            bread = np.linalg.inv(info)
            if not problem.regular:
                bread[:, :k, :k] -= (1.0 / (lvl * k))[:, None, None]
            var = np.zeros((cm.shape[0], len(reps)))
            if kind != "model":
                cov = bread @ problem.meat(theta, tsq) @ bread
                var = np.einsum("ci,rij,cj->cr", wc, cov[:, :k, :k], wc)
            if kind != "sandwich":
                scale = np.ones(len(reps))
                if kind == "max" and fit.ties == "half":
                    lam = theta[:, :k]
                    d = lam[:, c.pair_i] - lam[:, c.pair_j]
                    scale = np.asarray(pearson_dispersion(table, d, k))
                var_m = scale[None, :] * np.einsum("ci,rij,cj->cr", wc, bread[:, :k, :k], wc)
                var = np.maximum(var, var_m)
            out[:, reps.start : reps.stop] = np.sqrt(np.maximum(var, 0.0))
        self._cache[key] = out
        return out

    def plot_distribution(self, **kwargs: Any) -> Any:
        """Violin plot of every item's replicate ratings; see
        :func:`elosim.plot.plot_bootstrap_distribution`."""
        return hooks.call("plot", "plot_bootstrap_distribution", self, **kwargs)

    def rank_intervals_naive(self, *, confidence_level: float = 0.95) -> Any:
        """Quantiles of each item's rank over the replicates (no coverage guarantee).

        See :func:`elosim.marginal_rank_intervals_bootstrap`.
        """
        from .ranks import marginal_rank_intervals_bootstrap

        return marginal_rank_intervals_bootstrap(self, confidence_level=confidence_level)

    # -------------------------------------------------------------- more resamples
    @staticmethod
    def _replicates(
        fit: BradleyTerryResult, plan: _Plan, reps: range, tol: float, n_jobs: int, progress: bool
    ) -> _Replicates:
        """Draw and refit replicates ``reps`` of ``plan`` (a subclass refits its own way)."""
        return _compute(fit, plan, reps, tol, n_jobs, progress)

    @classmethod
    def _from_plan(
        cls: type[_R],
        fit: BradleyTerryResult,
        plan: _Plan,
        *,
        n_resamples: int,
        method: str,
        confidence_level: float,
        seed: int,
        tol: float,
        n_jobs: int,
        progress: bool,
    ) -> _R:
        """Run replicates ``0, ..., n_resamples - 1`` of ``plan`` into a new result (the
        last step of :func:`bootstrap`, for every kind of fit; arguments validated)."""
        run = cls._replicates(fit, plan, range(n_resamples), tol, n_jobs, progress)
        _warn(run.redraws, run.culprits, n_resamples, run.n_not_converged)
        arrays: dict[str, Any] = {name: _ro(a) for name, a in run.distributions.items()}
        return cls(
            fit=fit,
            method=method,
            confidence_level=confidence_level,
            cluster=plan.cluster_matrix is not None,
            n_degenerate=run.redraws,
            degenerate_items=run.culprits,
            n_not_converged=run.n_not_converged,
            seed=seed,
            _plan=plan,
            _tol=tol,
            **arrays,
        )

    def _extended(self: _R, n_more: int, n_jobs: int, progress: bool) -> _R:
        """This result with ``n_more`` further replicates (arguments validated)."""
        start = self.n_resamples
        run = self._replicates(
            self.fit, self._plan, range(start, start + n_more), self._tol, n_jobs, progress
        )
        merged = dict(self.degenerate_items)
        for kk, vv in run.culprits.items():
            merged[kk] = merged.get(kk, 0) + vv
        _warn(run.redraws, run.culprits, n_more, run.n_not_converged)
        arrays: dict[str, Any] = {
            name: _ro(np.concatenate([getattr(self, name), a], 1))
            for name, a in run.distributions.items()
        }
        return dataclasses.replace(
            self,
            n_degenerate=self.n_degenerate + run.redraws,
            degenerate_items=merged,
            n_not_converged=self.n_not_converged + run.n_not_converged,
            _cache={},
            **arrays,
        )

    def extend(self, n_more: int, *, n_jobs: int = 1, progress: bool = False) -> BootstrapResult:
        """A new result with ``n_more`` further replicates (the existing ones are kept).

        Replicate ``r`` always uses the seed derived from ``(seed, r)``, so
        ``bootstrap(fit, n_resamples=a, rng=s).extend(b)`` equals
        ``bootstrap(fit, n_resamples=a + b, rng=s)``.
        """
        n_more = check_positive_int(n_more, "n_more")
        counts = self.fit.votes.counts
        check_bootstrap_memory(
            self.fit, self.n_resamples + n_more,
            block=block_size(self.fit.n_items, counts.n_pairs, counts.n_cells),
            n_jobs=check_positive_int(n_jobs, "n_jobs"),
        )
        return self._extended(n_more, check_positive_int(n_jobs, "n_jobs"), bool(progress))

    # -------------------------------------------------------------- tables
    def to_frame(
        self, confidence_level: float | None = None, *, method: str | None = None
    ) -> pd.DataFrame:
        """Leaderboard: ``item, rating, standard_error, ci_low, ci_high, n_votes, rank``."""
        from .._core.format import require_pandas

        pandas = require_pandas("BootstrapResult.to_frame")
        ci = self._item_interval(confidence_level, method)
        warn_sparse_result(self, what="to_frame", stacklevel=3)
        se = self.standard_error
        r = self.fit.ratings
        order = np.argsort(-r, kind="stable")
        df: pd.DataFrame = pandas.DataFrame(
            {
                "item": [self.items[i] for i in order],
                "rating": r[order],
                "standard_error": se[order],
                "ci_low": ci.low[order],
                "ci_high": ci.high[order],
                "n_votes": self.fit.votes.votes_per_item[order],
                "rank": np.arange(1, len(order) + 1),
            }
        )
        df.attrs["confidence_level"] = confidence_level or self.confidence_level
        df.attrs["method"] = method or self.method
        df.attrs["n_resamples"] = self.n_resamples
        return df

    def summary(self, confidence_level: float | None = None, *, method: str | None = None) -> str:
        """Fixed-width leaderboard with bootstrap intervals, the settings used and the notes
        (interval, caveats) that every output of the result shows."""
        level = self.confidence_level if confidence_level is None else confidence_level
        meth = method or self.method
        warn_sparse_result(self, what="summary", stacklevel=3)
        head = [
            "Bootstrap of a Bradley-Terry fit (Elo scale)",
            f"  votes: {self.fit.n_votes:,}   items: {self.fit.n_items}   ties: {self.fit.ties}",
            f"  normalisation: {self.fit.normalization.describe(self.items)}",
            f"  resamples: {self.n_resamples:,} ({'clusters' if self.cluster else 'votes'}, "
            f"seed {self.seed})",
        ]
        out: str = hooks.call(
            "result_text", self, head=head, confidence_level=level, method=meth
        )
        return out


def _ro(x: Array) -> Array:
    x.flags.writeable = False
    return x


def _draw_cells(
    fit: BradleyTerryResult, plan: _Plan, gen: np.random.Generator, size: int
) -> Array:
    """``size`` resamples of the cell counts (size, C): votes, or whole clusters.

    Exact multinomial draws (:class:`~elosim.inference.resample.MultinomialSampler`) of
    the votes per cell, or of how often each cluster is drawn; with
    ``resampling="poisson"``, independent Poisson counts (approximate).
    """
    c = fit.votes.counts
    if plan.resampling == "poisson":
        n_units = None if plan.cluster_matrix is None else plan.cluster_matrix.shape[0]
        base = c.cell_count if n_units is None else np.ones(n_units, dtype=np.int64)
        draws = poisson_counts(base, gen, size)
    else:
        assert plan.sampler is not None
        draws = plan.sampler.draw(gen, size)
    if plan.cluster_matrix is None:
        return np.asarray(draws, dtype=float)
    return np.asarray((plan.cluster_matrix.T @ draws.T).T, dtype=float)


def _quantiles(dist: Array, lo: float, hi: float) -> tuple[Array, Array]:
    q = np.quantile(dist, [lo, hi], axis=1)
    return q[0], q[1]


def _quantile_interval(
    dist: Array, est: Array, level: float, method: str, acceleration: Callable[[], Array]
) -> ConfidenceInterval:
    """Intervals read off the replicates ``dist`` (one row per quantity) of estimates
    ``est``: ``"percentile"``, ``"basic"`` (reflected, ``2 est - q``) or ``"bca"``
    (bias-corrected, accelerated by ``acceleration()``, called only for it)."""
    alpha = 1.0 - level
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
    if method == "percentile":
        return ConfidenceInterval(*_quantiles(dist, lo_q, hi_q))
    if method == "basic":
        ql, qh = _quantiles(dist, lo_q, hi_q)
        return ConfidenceInterval(2 * est - qh, 2 * est - ql)
    z0 = _bias_correction(dist, est)
    acc = acceleration()
    zl, zh = norm.ppf(lo_q), norm.ppf(hi_q)
    with np.errstate(divide="ignore", invalid="ignore"):
        al = norm.cdf(z0 + (z0 + zl) / (1 - acc * (z0 + zl)))
        ah = norm.cdf(z0 + (z0 + zh) / (1 - acc * (z0 + zh)))
    al, ah = np.nan_to_num(al), np.nan_to_num(ah, nan=1.0)
    low = np.array([np.quantile(d, q) for d, q in zip(dist, al, strict=True)])
    high = np.array([np.quantile(d, q) for d, q in zip(dist, ah, strict=True)])
    return ConfidenceInterval(low, high)


def _bias_correction(dist: Array, est: Array) -> Array:
    b = dist.shape[1]
    below = np.sum(dist < est[:, None], axis=1) + 0.5 * np.sum(dist == est[:, None], axis=1)
    prop = np.clip(below / b, 0.5 / b, 1 - 0.5 / b)
    return np.asarray(norm.ppf(prop))


def _problem(fit: BradleyTerryResult) -> BatchProblem | SparseBatchProblem:
    prior = fit.prior_strength * weight_unit(fit.votes.counts)
    if sparse.issparse(fit._info):
        return SparseBatchProblem(
            fit._likelihood(), fit._theta, fit._information_solver(), prior
        )
    return BatchProblem(fit._likelihood(), fit._theta, fit._info, prior, fit._bread())


def _compute(
    fit: BradleyTerryResult,
    plan: _Plan,
    reps: range,
    tol: float,
    n_jobs: int,
    progress: bool = False,
) -> _Replicates:
    chunks = _chunks(reps, plan.block)
    problem = _problem(fit)

    def shared(ch: range) -> _Chunk:
        return _run(fit, plan, problem, ch, tol)

    def own(ch: range) -> _Chunk:  # a thread refits on a problem of its own
        return _run(fit, plan, _problem(fit), ch, tol)

    serial = n_jobs == 1 or len(chunks) == 1
    run, _ = _run_chunks(fit, chunks, shared if serial else own, n_jobs, progress)
    return run


@dataclass
class _Replicates:
    """A run of replicates: the distributions a result stores (by field name) and the
    tallies that :func:`_warn` reports."""

    distributions: dict[str, Array]
    redraws: int
    culprits: dict[str, int]
    n_not_converged: int


def _run_chunks(
    fit: BradleyTerryResult,
    chunks: list[range],
    work: Callable[[range], _Chunk],
    n_jobs: int,
    progress: bool,
) -> tuple[_Replicates, Array]:
    """Run ``work`` on every chunk of replicates (in ``n_jobs`` threads) under one progress
    bar and merge the chunks.

    Returns the replicates, with the ratings (Elo scale, normalised like the fit) as
    ``bootstrap_distribution``, and every replicate's parameters ``theta`` (R, m) in
    replicate order, from which a caller may take further distributions.
    """
    from .._core.progress import progress_bar

    with progress_bar(sum(map(len, chunks)), desc="bootstrap", enabled=progress) as bar:

        def step(ch: range) -> _Chunk:
            out = work(ch)
            bar.update(len(ch))
            return out

        if n_jobs == 1 or len(chunks) == 1:
            results = [step(ch) for ch in chunks]
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                results = list(pool.map(step, chunks))
    theta = np.concatenate([r[0] for r in results])
    conv = np.concatenate([r[3] for r in results])
    culprits: dict[str, int] = {}
    for r in results:
        for kk, vv in r[2].items():
            culprits[kk] = culprits.get(kk, 0) + vv
    dist = fit.normalization.apply(theta[:, : fit.n_items], fit.elo_factor).T.copy()
    run = _Replicates(
        {"bootstrap_distribution": dist},
        sum(r[1] for r in results),
        culprits,
        int(np.count_nonzero(~conv)),
    )
    return run, theta


def degenerate_rates(culprits: dict[str, int], n_draws: int) -> dict[str, float]:
    """Per item, the share of all resample draws that were redrawn because of it."""
    return {k: v / n_draws for k, v in sorted(culprits.items(), key=lambda kv: -kv[1])}


def _warn(redraws: int, culprits: dict[str, int], n: int, n_nc: int) -> None:
    """Warn of redrawn and of unconverged replicates, at the line that called
    :func:`bootstrap` or ``extend`` (through ``_from_plan`` or ``_extended``)."""
    if redraws:
        rates = degenerate_rates(culprits, n + redraws)
        bad = [k for k, r in rates.items() if r >= DEGENERATE_RATE_LIMIT]
        shown = ", ".join(f"{k!r} {100 * r:.1f}%" for k, r in list(rates.items())[:5])
        unreliable = (
            f" For {bad[:5]}{' ...' if len(bad) > 5 else ''} the rate is at least "
            f"{100 * DEGENERATE_RATE_LIMIT:g}% of draws: one tail of their bootstrap "
            "distribution is cut off, so their bootstrap intervals (every method) and gap "
            "tests are unreliable; use the Wald intervals of the fit (default covariance) "
            "for them, drop them (votes.min_votes(n)) or pass prior_strength > 0."
            if bad
            else " Intervals are conditional on estimability."
        )
        warnings.warn(
            f"{redraws} bootstrap resample draw(s) had no finite estimate (an item with no win "
            f"or no loss in the resample; share of draws per item: {shown}, see "
            f"BootstrapResult.degenerate_rate) and were redrawn, keeping {n} estimable "
            f"resamples.{unreliable}",
            DegenerateBootstrapWarning,
            stacklevel=4,
        )
    if n_nc:
        from .._core.errors import ConvergenceWarning

        warnings.warn(
            f"{n_nc} of {n} bootstrap replicates did not reach the gradient tolerance",
            ConvergenceWarning,
            stacklevel=4,
        )


def bootstrap(
    fit: BradleyTerryResult,
    *,
    n_resamples: int = 1000,
    method: str = "percentile",
    confidence_level: float = 0.95,
    cluster: ArrayLike | bool | None = None,
    rng: int | np.random.Generator | np.random.SeedSequence | None = None,
    n_jobs: int = 1,
    progress: bool = False,
    tol: float = 1e-9,
    resampling: str = "multinomial",
) -> BootstrapResult:
    """Bootstrap the ratings of a Bradley-Terry fit by resampling votes (or clusters).

    Parameters
    ----------
    fit : BradleyTerryResult
        A fit from :func:`elosim.bradley_terry`; its tie model, prior and normalisation are
        reused for every replicate.
    n_resamples : int
        Number of bootstrap replicates, at least 2 (1,000 or more for 95% intervals; at 100
        the 2.5% endpoint has a Monte-Carlo SD of about 0.24 standard errors). An interval
        at level ``L`` needs at least ``2 / (1 - L)`` replicates (40 at 95%): with fewer, its
        tails would hold less than one replicate and it is refused. A request whose
        replicates would not fit in memory is refused before anything is drawn
        (:class:`~elosim.InsufficientMemoryError`).
    method : {"percentile", "basic", "bca", "studentized"}
        Default interval method (any can be asked later without resampling).
    confidence_level : float
        Default confidence level.
    cluster : array or True, optional
        One id per vote (e.g. prompt or user id) to resample whole clusters; ``True`` uses
        ``fit.votes.cluster``.
    rng : int, Generator or None
        Randomness. Replicate ``r`` uses its own stream derived from the seed and ``r``, so
        results are identical for any ``n_jobs`` and :meth:`BootstrapResult.extend` continues
        the same sequence. The seed is recorded in :attr:`BootstrapResult.seed` (an int
        ``rng`` is the seed itself; otherwise one is drawn), and ``rng=result.seed``
        reproduces the result.
    n_jobs : int
        Threads used to draw and fit chunks of replicates.
    progress : bool
        Show a progress bar: tqdm's ``tqdm.auto`` bar when tqdm is installed (a widget in
        Jupyter, text in a terminal; ``pip install "elosim[progress]"``), otherwise a plain
        text bar in a terminal or notebook. Never drawn into logs, pipes or captured
        output.
    tol : float
        Gradient tolerance of each replicate's fit, relative to its number of votes.
    resampling : {"multinomial", "poisson"}
        ``"multinomial"`` (default): each replicate resamples exactly ``N`` votes (or ``G``
        clusters) with replacement, drawn as exact multinomial cell counts by a fast
        Poissonisation sampler (:class:`~elosim.inference.resample.MultinomialSampler`).
        ``"poisson"``: the Poisson bootstrap, independent ``Poisson(n_c)`` counts per cell
        (or per cluster), so the number of votes varies between replicates; an
        approximation to the bootstrap, offered for comparison, not faster here.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    InsufficientMemoryError
        The replicates would need more memory than is available (estimated before any
        work, see :func:`elosim.inference.memory.bootstrap_memory`).

    Warns
    -----
    DegenerateBootstrapWarning
        Some resamples had no finite MLE (an item with no win or no loss in the resample:
        the ComparIA "-3800 Elo" problem). Rule: such resamples are redrawn (from the same
        replicate's stream), counted in ``n_degenerate`` and attributed to the items at
        fault in ``degenerate_items`` (as shares of draws in ``degenerate_rate``); intervals
        are then conditional on estimability. Items redrawn in 1% or more of the draws are
        named as unreliable: a tail of their distribution is cut off. Fits
        with ``prior_strength > 0`` are always finite and never redrawn.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    >>> boot = elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=200, rng=1)
    >>> boot.bootstrap_distribution.shape
    (3, 200)
    """
    if not isinstance(fit, BradleyTerryResult):
        raise TypeError(
            f"fit must be a BradleyTerryResult from elosim.bradley_terry; got {type(fit).__name__}"
        )
    if fit.bias_reduction is not None:
        raise ValueError(
            f"bootstrap() refits by maximum likelihood and does not reproduce "
            f"bias_reduction={fit.bias_reduction!r}; for a Firth fit use its Wald "
            "intervals (kind='model') or the profile-likelihood ones "
            "(fit.confidence_interval(method='profile'), fit.gap_test(a, b, method='lr'))"
        )
    n_resamples = check_positive_int(n_resamples, "n_resamples", minimum=2)
    method = check_choice(method, "method", METHODS)
    level = check_confidence_level(confidence_level)
    n_jobs = check_positive_int(n_jobs, "n_jobs")
    check_choice(resampling, "resampling", RESAMPLING)
    tol = check_tolerance(tol)
    # an int seed is used as is (so ``rng=seed`` reproduces the result and the methods text
    # can quote it); otherwise a seed is drawn from the generator and recorded
    seed = seed_from(rng)
    if getattr(fit, "features", ()):  # contextual fit: inference.contextual_bootstrap
        out: BootstrapResult = hooks.call(
            "contextual_bootstrap", fit, n_resamples=n_resamples, method=method,
            confidence_level=level, cluster=cluster, seed=seed, n_jobs=n_jobs,
            progress=bool(progress), tol=tol,
        )
        return out
    cm = None
    if cluster is not None and cluster is not False:
        cm = sparse.csr_matrix(
            fit.votes.cluster_matrix(
                None if cluster is True else cluster, purpose="cluster bootstrap"
            )
        )
    counts = fit.votes.counts
    block = block_size(fit.n_items, counts.n_pairs, counts.n_cells)
    check_bootstrap_memory(fit, n_resamples, block=block, n_jobs=n_jobs)
    cert = None
    if fit.prior_strength == 0:
        cert = certificate(_problem(fit), counts.table())
    sampler = None
    if resampling == "multinomial":
        sampler = MultinomialSampler(
            counts.cell_count if cm is None else np.ones(cm.shape[0], dtype=np.int64)
        )
    plan = _Plan(seed, cm, cert, sampler, resampling, block)
    return BootstrapResult._from_plan(
        fit, plan, n_resamples=n_resamples, method=method, confidence_level=level, seed=seed,
        tol=tol, n_jobs=n_jobs, progress=bool(progress),
    )
