"""Bradley-Terry maximum likelihood on the Elo scale."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .._core import hooks
from .._core.elo import elo_factor
from .._core.errors import (
    ConvergenceWarning,
    InsufficientMemoryError,
)
from .._core.normal import norm
from .._core.results import DisplayMethods, InferenceMethods
from .._core.sparse import SPARSE_VOTES, warn_sparse
from .._core.validation import (
    check_base,
    check_choice,
    check_confidence_level,
    check_positive_int,
    check_real,
    check_scale_offset,
    check_tolerance,
)
from ..data.counts import VoteCounts
from ..data.labels import resolve_item
from ..data.votes import Votes
from . import firth, solvers
from .estimability import check_estimable, check_prior_is_enough, check_tie_model_estimable
from .inputs import MAX_INIT_SPREAD, MIN_USEFUL_PRIOR, check_not_all_ties, weight_unit
from .lazy_covariance import LazyCovariance
from .max_covariance import larger_covariance, pearson_dispersion
from .sparse import InformationSolver, information_matrix, newton_sparse

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BradleyTerryResult", "ConfidenceInterval", "bradley_terry"]

Array = NDArray[np.float64]
COVARIANCE_KINDS = ("max", "model", "sandwich", "cluster")
BIAS_REDUCTIONS = ("firth",)
INTERVAL_METHODS = ("wald", "profile")
#: ``solver="auto"`` uses dense Newton up to this many items, sparse Newton above.
DENSE_MAX_ITEMS = 1000
#: Sparse fits with more items than this keep a lazy covariance (no dense K x K matrix).
DENSE_COVARIANCE_MAX_ITEMS = DENSE_MAX_ITEMS


class ConfidenceInterval(NamedTuple):
    """Lower and upper confidence limits (arrays aligned with the items, or scalars)."""

    low: Any
    high: Any


@dataclass(frozen=True)
class Normalization:
    """How the arbitrary level of the ratings is fixed.

    ``kind="mean"``: the mean rating equals ``offset`` (the mean over the ``reference``
    items only, when given). ``kind="anchor"``: item ``anchor`` has rating ``offset`` (a
    *reference item* is an anchor at ``offset=0``). Differences between ratings, their
    standard errors and gap tests never depend on the normalisation; an individual
    rating's standard error and interval do.
    """

    kind: str
    offset: float
    anchor: int | None = None
    reference: tuple[int, ...] | None = None

    def matrix(self, n_items: int) -> Array:
        """The linear map ``L`` with ``ratings = offset + factor * L @ log_strength``."""
        eye = np.eye(n_items)
        if self.kind == "mean":
            if self.reference is None:
                return eye - 1.0 / n_items
            eye[:, list(self.reference)] -= 1.0 / len(self.reference)
            return eye
        assert self.anchor is not None
        eye[:, self.anchor] -= 1.0
        return eye

    def contrast(self, contrasts: Array) -> Array:
        """``C @ L`` for contrasts ``C`` (n, K) on the ratings, without forming ``L``."""
        c = np.asarray(contrasts, dtype=np.float64)
        total = c.sum(axis=-1, keepdims=True)
        if self.kind == "mean" or self.anchor is None:
            out: Array = c - total / c.shape[-1]
            return out
        out = c.copy()
        out[..., [self.anchor]] -= total
        return out

    def apply(self, lam: Array, factor: float) -> Array:
        """Ratings from log-strengths (works on the last axis, for batches too)."""
        arr = np.asarray(lam, dtype=np.float64)
        if self.kind == "mean" and self.reference is not None:
            centred = arr - arr[..., list(self.reference)].mean(axis=-1, keepdims=True)
        elif self.kind == "mean" or self.anchor is None:
            centred = arr - arr.mean(axis=-1, keepdims=True)
        else:
            centred = arr - arr[..., [self.anchor]]
        out: Array = self.offset + factor * centred
        return out

    def describe(self, items: tuple[str, ...]) -> str:
        if self.kind == "mean" and self.reference is not None:
            return (
                f"mean rating of {len(self.reference)} reference item(s) fixed at "
                f"{self.offset:g}"
            )
        if self.kind == "mean":
            return f"mean rating fixed at {self.offset:g}"
        assert self.anchor is not None
        return f"{items[self.anchor]!r} anchored at {self.offset:g}"


def _reference_indices(votes: Votes | VoteCounts, reference_items: Any) -> tuple[int, ...]:
    """Positions of the reference items (``"well-measured"``: those with enough votes)."""
    if isinstance(reference_items, str):
        if reference_items != "well-measured":
            raise ValueError(
                "reference_items must be a sequence of item labels or 'well-measured' (the "
                f"items with at least {SPARSE_VOTES} votes); got {reference_items!r}"
            )
        idx = tuple(int(i) for i in np.flatnonzero(votes.votes_per_item >= SPARSE_VOTES))
        if not idx:
            raise ValueError(
                f"reference_items='well-measured': no item has {SPARSE_VOTES} or more votes"
            )
        return idx
    try:
        chosen = list(reference_items)
    except TypeError:
        raise TypeError(
            "reference_items must be a sequence of item labels or 'well-measured'; got "
            f"{type(reference_items).__name__}"
        ) from None
    if not chosen:
        raise ValueError("reference_items must name at least one item")
    idx = tuple(sorted({resolve_item(votes.items, x, "reference_items") for x in chosen}))
    return idx


def _make_normalization(
    normalize: str,
    anchor: str | int | None,
    offset: float,
    votes: Votes | VoteCounts,
    reference_items: Any = None,
) -> Normalization:
    items = votes.items
    check_choice(normalize, "normalize", ("mean", "anchor"))
    off = check_real(offset, "offset")
    if normalize == "mean":
        if anchor is not None:
            raise ValueError("anchor is only used with normalize='anchor'")
        if reference_items is None:
            return Normalization("mean", off)
        ref = _reference_indices(votes, reference_items)
        return Normalization("mean", off, reference=None if len(ref) == len(items) else ref)
    if reference_items is not None:
        raise ValueError(
            "reference_items is only used with normalize='mean' (the mean over those items)"
        )
    if anchor is None:
        raise ValueError("normalize='anchor' needs anchor=<item label>")
    return Normalization("anchor", off, resolve_item(items, anchor, "anchor"))


@dataclass(frozen=True, eq=False, repr=False)
class BradleyTerryResult(InferenceMethods, DisplayMethods):
    """A fitted Bradley-Terry model, on the Elo scale.

    Attributes
    ----------
    items : tuple of str
        Item labels, aligned with every array below.
    ratings : ndarray
        Ratings on the Elo scale (``scale`` points per factor ``base`` in the odds).
    log_strength : ndarray
        Natural log-strengths, centred to mean zero.
    ties : str
        Tie model: ``"half"``, ``"davidson"`` or ``"rao-kupper"``.
    tie_parameter, tie_parameter_se : float or None
        Davidson's nu or Rao-Kupper's theta, and its (model-based, delta-method) standard error.
    log_likelihood : float
        Maximised (quasi-)log-likelihood, including the prior term when ``prior_strength > 0``
        and the Jeffreys penalty ``1/2 log det I`` when ``bias_reduction="firth"``.
    n_iter : int
        Solver iterations (Newton steps, or sweeps for MM/Newman).
    converged : bool
        Whether the gradient tolerance was reached.
    votes : Votes
        The data (kept for cluster-robust covariance and the bootstrap).
    """

    _plot_function = "plot_ratings"

    items: tuple[str, ...]
    ratings: Array
    log_strength: Array
    ties: str
    tie_parameter: float | None
    tie_parameter_se: float | None
    log_likelihood: float
    n_iter: int
    converged: bool
    normalization: Normalization
    scale: float
    base: float
    prior_strength: float
    solver: str
    default_covariance: str
    votes: Votes | VoteCounts
    _theta: Array = field(repr=False)
    _info: Array = field(repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    bias_reduction: str | None = None

    # ------------------------------------------------------------------ basics
    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_votes(self) -> int:
        return self.votes.n_votes

    @property
    def elo_factor(self) -> float:
        """Rating points per unit of natural log-odds (``scale / ln(base)``)."""
        return elo_factor(self.scale, self.base)

    def __repr__(self) -> str:
        top = int(np.argmax(self.ratings))
        return (
            f"<BradleyTerryResult: {self.n_items} items, {self.n_votes:,} votes, "
            f"ties={self.ties!r}, top {self.items[top]!r} {self.ratings[top]:.1f}>"
        )

    def index(self, item: str | int, name: str = "item") -> int:
        """Position of the item labelled ``item`` in :attr:`items`.

        Labels follow :mod:`elosim.data.labels`: an ``int`` is the item with that label
        (``3`` is item ``"3"``), never a position, and text is normalised like the data.
        Unknown items raise a ``KeyError`` naming close matches.
        """
        return resolve_item(self.items, item, name)

    # ------------------------------------------------------------------ covariance
    def _bread(self) -> Array:
        """Inverse information in (log-strength, tie parameter), sum-to-zero on ratings; cached.

        Dense ``m x m``: only for fits small enough for it (see :attr:`is_large`).
        """
        if "bread" not in self._cache:
            if self.is_large:
                raise InsufficientMemoryError(
                    f"a dense inverse information for {self.n_items:,} items is not formed; "
                    "this computation needs it (use covariance() blocks or gap_test instead)"
                )
            regular = self.prior_strength > 0
            info: Any = self._info
            if sparse.issparse(info):
                info = info.toarray()
            self._cache["bread"] = solvers.pseudo_inverse(info, self.n_items, regular)
        out: Array = self._cache["bread"]
        return out

    @property
    def is_large(self) -> bool:
        """Whether the fit keeps its information sparse and its covariance lazy.

        True for fits by the sparse solver with more than 1,000 items: their
        :meth:`covariance` is a :class:`~elosim.models.lazy_covariance.LazyCovariance`.
        """
        return bool(sparse.issparse(self._info)) and self.n_items > DENSE_COVARIANCE_MAX_ITEMS

    def _likelihood(self) -> solvers.Likelihood:
        """The likelihood of the fit's tie model on its vote counts (cached)."""
        if "likelihood" not in self._cache:
            c = self.votes.counts
            self._cache["likelihood"] = solvers.Likelihood(
                self.ties, c.pair_i, c.pair_j, self.n_items, c.table()
            )
        out: solvers.Likelihood = self._cache["likelihood"]
        return out

    def _tie_parameter(self) -> float:
        """The internal tie parameter ``tau`` at the estimate (0 for ``ties="half"``)."""
        return float(self._theta[self.n_items]) if self.ties != "half" else 0.0

    def _information_solver(self) -> InformationSolver:
        """The sparse information's solver (factorised or preconditioned once; cached)."""
        if "solver" not in self._cache:
            self._cache["solver"] = InformationSolver(
                self._info, self.n_items, self.prior_strength > 0
            )
        out: InformationSolver = self._cache["solver"]
        return out

    def _solve_information(self, rhs: Array) -> Array:
        """``H^+ rhs`` for ``rhs`` of shape (m,) or (m, r) (rating part summing to zero)."""
        if not sparse.issparse(self._info) or "bread" in self._cache:
            return np.asarray(self._bread() @ rhs, dtype=np.float64)
        return self._information_solver().solve(rhs)

    def _cell_influence(self, contrasts: Array) -> Array:
        """Empirical influence of one vote of each cell on rating contrasts ``C @ ratings``.

        Shape ``(n_contrasts, n_cells)``: adding a unit-weight vote to cell ``c`` changes
        contrast ``r`` by about ``out[r, c]`` (``H^+ s_c`` projected, on the Elo scale).
        Shared by the BCa acceleration and the vote-removal diagnostics.
        """
        c = self.votes.counts
        k = self.n_items
        a, cc, _ = solvers.outcome_scores(self.ties, *self._likelihood().predictor(self._theta))
        w_theta = np.zeros((contrasts.shape[0], self._theta.size))
        w_theta[:, :k] = self.elo_factor * self.normalization.contrast(contrasts)
        proj = self._solve_information(w_theta.T).T
        cp, co = c.cell_pair, c.cell_outcome
        sa = c.cell_weight * a[cp, co]
        infl = sa[None, :] * (proj[:, c.pair_i[cp]] - proj[:, c.pair_j[cp]])
        if self._theta.size > k:
            infl += proj[:, k : k + 1] * (c.cell_weight * cc[cp, co])[None, :]
        return np.asarray(infl, dtype=np.float64)

    def _influence_cell_counts(self) -> NDArray[np.int64]:
        """Votes per cell of :meth:`_cell_influence` (the count cells of the votes)."""
        return self.votes.counts.cell_count

    def _theta_covariance(self, kind: str, cluster: ArrayLike | None = None) -> Array:
        if kind == "max":  # all parameters (e.g. feature coefficients): one dominating matrix
            sandwich = self._theta_covariance("sandwich")
            return larger_covariance(sandwich, self.dispersion * self._theta_covariance("model"))
        bread = self._bread()
        if kind == "model":  # per vote of mean weight: invariant to the unit of the weights
            out_model: Array = bread * weight_unit(self.votes.counts)
            return out_model
        meat = self._meat(kind, cluster)
        out: Array = bread @ meat @ bread
        return out

    def _meat(self, kind: str, cluster: ArrayLike | None, *, as_sparse: bool = False) -> Any:
        """The sandwich's meat (dense, or a sparse matrix with ``as_sparse``)."""
        c = self.votes.counts
        k = self.n_items
        likelihood = self._likelihood()
        d, tau = likelihood.predictor(self._theta)
        a, cc, _ = solvers.outcome_scores(self.ties, d, tau)
        m = likelihood.n_params
        if kind == "sandwich":
            terms = solvers.meat_terms(self.ties, c.table(power=2), d, tau)
            if as_sparse:
                return information_matrix(likelihood, terms, 0.0)
            _, _, meat = likelihood.assemble(terms, 0.0, self._theta[:k])
            return meat
        # cluster-robust: sum the per-vote scores within clusters (votes of a cell share
        # their score, so cluster sums are the (cluster x cell) counts times the cell scores)
        cmat = self.votes.cluster_matrix(cluster, purpose="kind='cluster'")
        n_cl = cmat.shape[0]
        cells = np.arange(c.n_cells)
        cp, co, wv = c.cell_pair, c.cell_outcome, c.cell_weight
        sa = wv * a[cp, co]
        rows = np.concatenate([cells, cells])
        cols = np.concatenate([c.pair_i[cp], c.pair_j[cp]])
        data = np.concatenate([sa, -sa])
        if m > k:
            rows = np.concatenate([rows, cells])
            cols = np.concatenate([cols, np.full(cells.size, k)])
            data = np.concatenate([data, wv * cc[cp, co]])
        scores = sparse.coo_matrix((data, (rows, cols)), shape=(c.n_cells, m)).tocsr()
        g = sparse.csr_matrix(cmat @ scores)
        if as_sparse:
            return (g.T @ g) * (n_cl / (n_cl - 1.0))
        out: Array = np.asarray((g.T @ g).toarray()) * (n_cl / (n_cl - 1.0))
        return out

    def covariance(self, kind: str | None = None, *, cluster: ArrayLike | None = None) -> Array:
        """Covariance matrix of the ratings on the Elo scale (K x K).

        For fits with many items (:attr:`is_large`) a
        :class:`~elosim.models.lazy_covariance.LazyCovariance` that computes the blocks asked
        for (``cov[idx, idx]``, ``cov.submatrix(items)``) by sparse solves.

        Parameters
        ----------
        kind : {"max", "model", "sandwich", "cluster"}, optional
            ``"max"`` (the default without a prior): the smallest covariance that is at
            least the sandwich and at least the model-based covariance scaled by the
            quasi-likelihood :attr:`dispersion`, in every direction (so for every rating
            and every difference). It keeps items with few votes honest, where the sandwich
            alone can collapse, and costs well-measured items at most a few percent.
            ``"model"``: inverse Fisher information of the fitted model (the default with
            ``prior_strength > 0``). ``"sandwich"``: Huber-White ``H^-1 B H^-1``, valid for
            large samples when the model is misspecified (e.g. half-win ties), but too small
            for items with few votes. ``"cluster"``: cluster-robust sandwich summing scores
            within clusters (``votes.cluster`` or ``cluster=``), with the ``G / (G - 1)``
            correction. Defaults to :attr:`default_covariance`. See
            ``docs/explanation/covariance.md``.
        cluster : array, optional
            One cluster id per vote, overriding ``votes.cluster``.

        Notes
        -----
        The covariance of individual ratings depends on the normalisation (mean or anchor);
        the variance of any difference ``R_a - R_b`` does not.
        """
        kind = self.default_covariance if kind is None else kind
        check_choice(kind, "kind", COVARIANCE_KINDS)
        if self.is_large:  # array-like (shape, indexing, __array__), typed as the array
            return cast(Array, LazyCovariance(self, kind, cluster))
        key = f"cov_{kind}"
        if cluster is None and key in self._cache:
            return np.array(self._cache[key], dtype=np.float64)
        k = self.n_items
        if kind == "max":
            res = larger_covariance(
                self.covariance("sandwich"), self.dispersion * self.covariance("model")
            )
        else:
            cov = self._theta_covariance(kind, cluster)[:k, :k]
            lm = self.normalization.matrix(k)
            res = self.elo_factor**2 * (lm @ cov @ lm.T)
            res = 0.5 * (res + res.T)
        if cluster is None:
            self._cache[key] = res
        return np.array(res, dtype=np.float64)

    def _variances(self, kind: str | None = None) -> Array:
        cov: Any = self.covariance(kind)
        diag = cov.diagonal() if isinstance(cov, LazyCovariance) else np.diag(cov)
        return np.asarray(np.clip(diag, 0.0, None), dtype=np.float64)

    @property
    def dispersion(self) -> float:
        """Quasi-likelihood dispersion used by the ``"max"`` covariance (at most 1).

        With ``ties="half"``, Pearson's statistic over its degrees of freedom,
        ``min(1, X^2 / (N - K + 1))`` (McCullagh & Nelder 1989, section 9.2): a tie scored ½
        varies less than a win or a loss, so the model-based covariance overstates the
        variance by about ``1 / dispersion``. Exactly 1 for the Davidson and Rao-Kupper
        likelihoods, which model the ties.
        """
        if "dispersion" not in self._cache:
            phi = 1.0
            if self.ties == "half":
                likelihood = self._likelihood()
                d, _ = likelihood.predictor(self._theta)
                phi = pearson_dispersion(likelihood.table, d, self.n_items)
            self._cache["dispersion"] = phi
        return float(self._cache["dispersion"])

    @property
    def standard_error(self) -> Array:
        """Standard errors of the ratings, from :meth:`covariance` (default kind)."""
        return np.sqrt(self._variances())

    def confidence_interval(
        self, confidence_level: float = 0.95, *, kind: str | None = None, method: str = "wald"
    ) -> ConfidenceInterval:
        """Confidence intervals for every item's rating.

        Parameters
        ----------
        confidence_level : float
            Two-sided level.
        kind : {"max", "model", "sandwich", "cluster"}, optional
            Covariance of the Wald interval (default :attr:`default_covariance`).
        method : {"wald", "profile"}
            ``"wald"``: ``rating +/- z * SE``. ``"profile"``: profile-likelihood intervals
            under the fit's normalisation (an exact likelihood for Davidson, Rao-Kupper and
            votes without ties, a quasi-likelihood with estimated dispersion for half-win
            ties); one end is infinite where the data put no bound on a rating. See
            :func:`elosim.inference.profile.profile_confidence_interval`.

        Returns
        -------
        ConfidenceInterval
            ``low`` and ``high`` arrays aligned with :attr:`items`.

        Warns
        -----
        SparseDataWarning
            Some items have fewer than ``elosim._core.sparse.SPARSE_VOTES`` (20) votes
            (named in the message).
        """
        check_choice(method, "method", INTERVAL_METHODS)
        if method == "profile":
            if kind is not None:
                raise ValueError(
                    f"kind={kind!r} chooses the covariance of a Wald interval; "
                    "method='profile' uses the likelihood itself (leave kind=None)"
                )
            out: ConfidenceInterval = hooks.call(
                "profile_confidence_interval", self, confidence_level=confidence_level
            )
        else:
            out = self._wald_interval(confidence_level, kind)
        self._warn_sparse("confidence_interval")
        return out

    def _warn_sparse(self, what: str, involved: ArrayLike | None = None) -> None:
        warn_sparse(
            self.items, self.votes.votes_per_item, involved, what=what, stacklevel=4
        )

    def _wald_interval(self, confidence_level: float, kind: str | None) -> ConfidenceInterval:
        level = check_confidence_level(confidence_level)
        z = norm.ppf(0.5 + level / 2)
        se = np.sqrt(self._variances(kind))
        return ConfidenceInterval(self.ratings - z * se, self.ratings + z * se)

    # ------------------------------------------------------------------ predictions
    def win_probability(self, a: str | int | None = None, b: str | int | None = None) -> Any:
        """Probability that ``a`` beats ``b`` in one vote under the fitted model.

        With the half-win convention this is ``1 / (1 + base ** (-(R_a - R_b) / scale))``;
        under a tie model it is the probability of a *win* (ties excluded). Without
        arguments, the K x K matrix of these probabilities.
        """
        lam = self._theta[: self.n_items]
        tau = self._tie_parameter()
        if a is None and b is None:
            d = lam[:, None] - lam[None, :]
            _, _, prob = solvers.outcome_scores(self.ties, d, tau)
            mat: Array = prob[..., 0]
            np.fill_diagonal(mat, np.nan)
            return mat
        if a is None or b is None:
            raise ValueError("give both a and b, or neither (for the full matrix)")
        ia, ib = self.index(a, "a"), self.index(b, "b")
        _, _, prob = solvers.outcome_scores(self.ties, np.array(lam[ia] - lam[ib]), tau)
        return float(prob[0])

    def outcome_probabilities(self, a: str | int, b: str | int) -> tuple[float, float, float]:
        """``(P(a wins), P(b wins), P(tie))`` for one vote under the fitted model."""
        ia, ib = self.index(a, "a"), self.index(b, "b")
        lam = self._theta[: self.n_items]
        tau = self._tie_parameter()
        _, _, prob = solvers.outcome_scores(self.ties, np.array(lam[ia] - lam[ib]), tau)
        return float(prob[0]), float(prob[1]), float(prob[2])

    def expected_wins(self) -> Array:
        """Expected points per item under the fit: wins plus half of the ties.

        At the maximum-likelihood estimate these equal :meth:`observed_wins` for
        ``ties="half"`` and ``ties="davidson"`` (their score equations); Rao-Kupper's score
        equations weight outcomes differently, so there they differ slightly.
        """
        likelihood = self._likelihood()
        k = self.n_items
        _, _, prob = solvers.outcome_scores(self.ties, *likelihood.predictor(self._theta))
        n = likelihood.table.sum(axis=1)
        pts_i = n * (prob[:, 0] + 0.5 * prob[:, 2])
        pts_j = n * (prob[:, 1] + 0.5 * prob[:, 2])
        out = np.bincount(likelihood.pair_i, pts_i, k) + np.bincount(likelihood.pair_j, pts_j, k)
        return np.asarray(out, dtype=np.float64)

    def observed_wins(self) -> Array:
        """Observed (weighted) points per item: wins plus half of the ties."""
        c = self.votes.counts
        k = self.n_items
        t = c.table()
        out = np.bincount(c.pair_i, t[:, 0] + 0.5 * t[:, 2], k) + np.bincount(
            c.pair_j, t[:, 1] + 0.5 * t[:, 2], k
        )
        return np.asarray(out, dtype=np.float64)

    # ------------------------------------------------------------------ tables
    def to_frame(self, confidence_level: float = 0.95, *, kind: str | None = None) -> pd.DataFrame:
        """Leaderboard table: ``item, rating, standard_error, ci_low, ci_high, n_votes, rank``.

        Sorted by rating (highest first). Needs pandas.
        """
        from .._core.format import require_pandas

        pandas = require_pandas("BradleyTerryResult.to_frame")
        ci = self._wald_interval(confidence_level, kind)
        self._warn_sparse("to_frame")
        se = np.sqrt(self._variances(kind))
        order = np.argsort(-self.ratings, kind="stable")
        df: pd.DataFrame = pandas.DataFrame(
            {
                "item": [self.items[i] for i in order],
                "rating": self.ratings[order],
                "standard_error": se[order],
                "ci_low": ci.low[order],
                "ci_high": ci.high[order],
                "n_votes": self.votes.votes_per_item[order],
                "rank": np.arange(1, self.n_items + 1),
            }
        )
        df.attrs["confidence_level"] = confidence_level
        df.attrs["covariance"] = kind or self.default_covariance
        return df

    def sparse_items(self, min_votes: int = SPARSE_VOTES) -> tuple[str, ...]:
        """Items with fewer than ``min_votes`` votes, whose intervals are unreliable.

        Asymptotic intervals need many votes per item; with a handful, the sandwich in
        particular can be far too small (an item with two ties has a score of almost zero).
        """
        n = self.votes.votes_per_item
        return tuple(self.items[i] for i in np.flatnonzero(n < min_votes))

    def summary(self, confidence_level: float = 0.95, *, kind: str | None = None) -> str:
        """Fixed-width text: the fit's settings, the leaderboard with Wald intervals and the
        notes (interval, caveats) that every output of the fit shows."""
        level = check_confidence_level(confidence_level)
        kind = kind or self.default_covariance
        self._warn_sparse("summary")
        head = [
            "Bradley-Terry fit (Elo scale)",
            f"  votes: {self.n_votes:,}   items: {self.n_items}   ties: {self.ties}"
            + (
                f" (parameter {self.tie_parameter:.4g} +/- {self.tie_parameter_se:.2g})"
                if self.tie_parameter is not None and self.tie_parameter_se is not None
                else ""
            ),
            f"  normalisation: {self.normalization.describe(self.items)};"
            f" scale {self.scale:g} per factor {self.base:g}",
            f"  log-likelihood: {self.log_likelihood:.4f}   solver: {self.solver}"
            f" ({self.n_iter} iterations, {'converged' if self.converged else 'NOT converged'})"
            + (f"   prior_strength: {self.prior_strength:g}" if self.prior_strength else "")
            + (
                "   bias reduction: Firth (Jeffreys-penalised)"
                if self.bias_reduction == "firth"
                else ""
            ),
        ]
        out: str = hooks.call("result_text", self, head=head, confidence_level=level, kind=kind)
        return out


def tie_parameter(ties: str, tau: float, var_tau: float) -> tuple[float, float]:
    """Davidson's nu or Rao-Kupper's theta from ``tau``, with its delta-method SE."""
    if ties == "davidson":
        par = math.exp(tau)
        return par, par * math.sqrt(max(var_tau, 0.0))
    eta = math.exp(tau)
    par = math.exp(eta)
    return par, par * eta * math.sqrt(max(var_tau, 0.0))


def bradley_terry(
    votes: Votes | VoteCounts,
    *,
    ties: str = "half",
    prior_strength: float = 0.0,
    normalize: str = "mean",
    anchor: str | int | None = None,
    offset: float = 1000.0,
    reference_items: Sequence[str | int] | str | None = None,
    scale: float = 400.0,
    base: float = 10.0,
    covariance: str | None = None,
    solver: str = "auto",
    tol: float = 1e-10,
    max_iter: int | None = None,
    init: ArrayLike | None = None,
    bias_reduction: str | None = None,
    features: Any = None,
    feature_penalty: float = 0.0,
) -> BradleyTerryResult:
    """Fit a Bradley-Terry model by maximum likelihood and report it on the Elo scale.

    Parameters
    ----------
    votes : Votes or VoteCounts
        The pairwise votes, as rows or as counts (:func:`elosim.count_votes`).
    ties : {"half", "davidson", "rao-kupper"}
        ``"half"``: a tie is half a win for each side (LMArena's convention; a
        quasi-likelihood, so use the sandwich covariance). ``"davidson"``: Davidson (1970),
        tie probability proportional to ``nu * sqrt(pi_a * pi_b)``. ``"rao-kupper"``:
        Rao & Kupper (1967), threshold ``theta >= 1``. The tie parameter is estimated.
    prior_strength : float
        Strength ``s >= 0`` of an independent Gaussian prior on the natural log-strengths,
        ``N(0, 1/s)``; on the Elo scale each rating gets a prior standard deviation of
        ``scale / ln(base) / sqrt(s)`` (173.7 / sqrt(s) points) around the mean. With
        ``s > 0`` the estimate (a posterior mode) is finite even when an item never lost or
        never won. ``0`` gives the maximum-likelihood estimate.
    normalize : {"mean", "anchor"}
        ``"mean"``: the mean rating equals ``offset``. ``"anchor"``: the item ``anchor`` is
        fixed at ``offset`` (use ``offset=0`` for ratings relative to a reference item).
        Intervals of individual ratings depend on this choice; differences do not.
    anchor : str, optional
        The anchor item for ``normalize="anchor"``.
    reference_items : sequence of str, or "well-measured", optional
        With ``normalize="mean"``: fix the mean rating of these items only (default: all
        items). ``"well-measured"`` takes the items with at least 20 votes. A mean over all
        items carries every sparse item's large uncertainty into every rating's interval
        (a K-th of it each); normalising on well-measured items keeps their intervals as
        tight as their own votes allow. Differences and gap tests are unaffected.
    offset : float
        The mean rating, or the anchor's rating.
    scale, base : float
        ``scale`` rating points per factor ``base`` in the odds (Elo: 400 and 10); ``base``
        must exceed 1 (a base below 1 would turn the leaderboard upside down).
    covariance : {"max", "model", "sandwich", "cluster"}, optional
        Default kind used by :attr:`BradleyTerryResult.standard_error`, the intervals, gap
        tests and rank sets (see :meth:`BradleyTerryResult.covariance`). Default: ``"max"``
        (the larger of the sandwich and the dispersion-scaled model-based covariance, which
        stays honest for items with few votes), or ``"model"`` when ``prior_strength > 0``
        (the sandwich around a prior's posterior mode covers only about 86% in simulations;
        the model-based covariance covers at least the nominal level there), and also with
        ``bias_reduction="firth"``.
    solver : {"auto", "newton", "sparse", "newman", "mm"}
        ``"newton"``: damped Newton on the observed information (all tie models);
        ``"sparse"``: the same Newton steps with the information kept sparse and solved by
        sparse LU or preconditioned conjugate gradients (for many items; memory
        O(pairs + K)); ``"newman"``: Newman's (2023) in-place fixed point; ``"mm"``:
        Zermelo/Hunter MM (both for ``ties="half"`` without prior; they can need very many
        sweeps on long chains). ``"auto"``: ``"newton"`` up to 1,000 items, ``"sparse"``
        above. Sparse fits return a lazy covariance (see
        :meth:`BradleyTerryResult.covariance`).
    tol : float
        Convergence when ``max |gradient| <= tol * total weight`` (relative, so that the
        result does not depend on the unit of the weights); between ``1e-14`` and ``1e-4``.
    max_iter : int, optional
        Iteration limit (default 200 for Newton, 100,000 sweeps for MM/Newman).
    init : array, optional
        Starting log-strengths (natural scale), e.g. a previous fit's ``log_strength``.
    bias_reduction : {None, "firth"}
        ``"firth"``: maximise the Jeffreys-penalised likelihood ``l + 1/2 log det I``
        (Firth 1993), as R's ``BTm(..., br = TRUE)`` does for the half-win model: estimates
        with less small-sample bias, finite even when an item never lost or never won. The
        covariance (``kind="model"``) is the inverse expected information at the estimate.
        For the tie models the penalty uses the full information, tie parameter included
        (in ``log(nu)`` for Davidson and ``log(theta)`` for Rao-Kupper). See
        ``docs/explanation/profile-and-firth.md``.
    features : str, list of str, mapping or array, optional
        Per-vote features for a *contextual* fit, ``logit P(A beats B) = lambda_A -
        lambda_B + x @ beta`` (in every tie model): names of columns of
        ``votes.covariates``, a mapping of name to per-vote values, or an (N, p) array.
        Each feature must be oriented so that swapping the sides negates it (side A minus
        side B; +1 / -1 / 0 for home / away / neutral, see
        :func:`elosim.home_advantage_features` and :func:`elosim.style_features`). The
        ratings are then the adjusted ratings (at features 0) and the result, a
        :class:`~elosim.models.contextual.ContextualBradleyTerryResult`, has
        ``coefficients`` (estimate, SE, interval and p-value per feature).
    feature_penalty : float
        Ridge strength ``s >= 0`` on the feature coefficients (``-s/2 |beta|^2`` added to the
        log-likelihood); 0 (the default) is unpenalised maximum likelihood. arena-rank's
        contextual model corresponds to ``s = reg * N`` (its penalty is on the mean loss).

    Returns
    -------
    BradleyTerryResult

    Raises
    ------
    DisconnectedGraphError
        The comparison graph has several components (named).
    NoFiniteEstimateError
        With ``prior_strength=0`` and no bias reduction: some items never lost (or never
        won) against the rest; names them and gives the remedies.
    ValueError
        A tie model is requested but there are no ties, or no decisive votes.

    Warns
    -----
    ConvergenceWarning
        The solver stopped before reaching ``tol``.

    References
    ----------
    Hunter, D. R. (2004). MM algorithms for generalized Bradley-Terry models. Ann. Statist. 32.
    Newman, M. E. J. (2023). Efficient computation of rankings from pairwise comparisons. JMLR 24.
    Davidson, R. R. (1970). On extending the Bradley-Terry model to accommodate ties. JASA 65.
    Rao, P. V. and Kupper, L. L. (1967). Ties in paired-comparison experiments. JASA 62.
    Firth, D. (1993). Bias reduction of maximum likelihood estimates. Biometrika 80, 27-38.
    Kosmidis, I. and Firth, D. (2021). Jeffreys-prior penalty, finiteness and shrinkage in
    binomial-response generalized linear models. Biometrika 108, 71-82.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> fit = elosim.bradley_terry(votes)
    >>> [round(float(r), 1) for r in fit.ratings - fit.ratings.mean()]
    [-77.6, 7.4, -72.2, 142.4]
    """
    if not isinstance(votes, (Votes, VoteCounts)):
        raise TypeError(
            "votes must be an elosim.Votes or elosim.VoteCounts (see Votes.from_frame, "
            f"read_votes, count_votes); got {type(votes).__name__}"
        )
    check_choice(ties, "ties", solvers.TIE_MODELS)
    check_choice(solver, "solver", ("auto", "newton", "sparse", "newman", "mm"))
    ps = check_real(prior_strength, "prior_strength", minimum=0)
    if covariance is None:
        # a penalty (Gaussian prior or Jeffreys/Firth): model-based, as R's BTm(br = TRUE)
        covariance = "model" if ps > 0 or bias_reduction is not None else "max"
    check_choice(covariance, "covariance", COVARIANCE_KINDS)
    if bias_reduction is not None:
        check_choice(bias_reduction, "bias_reduction", BIAS_REDUCTIONS)
    if covariance == "cluster" and votes.cluster is None:
        raise ValueError("covariance='cluster' needs votes built with cluster ids")
    scale, offset = check_scale_offset(scale, offset)
    base = check_base(base)
    tol = check_tolerance(tol)
    if max_iter is not None:
        max_iter = check_positive_int(max_iter, "max_iter")
    if bias_reduction is not None and ps > 0:
        raise ValueError(
            f"bias_reduction={bias_reduction!r} and prior_strength={ps:g} are two different "
            "penalties (Jeffreys and Gaussian); choose one (set prior_strength=0 for Firth)"
        )
    if bias_reduction is not None and votes.n_items > firth.FIRTH_MAX_ITEMS:
        raise ValueError(
            f"bias_reduction={bias_reduction!r} works with the dense information matrix "
            f"(O(K^3) per iteration); {votes.n_items:,} items exceed its limit of "
            f"{firth.FIRTH_MAX_ITEMS:,}. Use prior_strength > 0 for finite estimates at "
            "this scale"
        )
    if bias_reduction is not None and solver in ("newman", "mm"):
        raise ValueError(
            f"solver={solver!r} computes the maximum-likelihood estimate only; "
            f"bias_reduction={bias_reduction!r} has its own solver (use solver='auto')"
        )
    norm_ = _make_normalization(normalize, anchor, offset, votes, reference_items)
    counts = votes.counts
    table = counts.table()
    k = votes.n_items
    check_not_all_ties(table, ties)
    if ties != "half":
        n_ties = float(table[:, 2].sum())
        if n_ties <= 0:
            raise ValueError(
                f"ties={ties!r} needs at least one tie to estimate its tie parameter, but the "
                "votes have none; use ties='half' (identical to plain Bradley-Terry without ties)"
            )
    if features is not None:  # contextual model (elosim.models.contextual), via its hook
        if solver not in ("auto", "newton"):
            raise ValueError(f"solver={solver!r} does not handle features; use solver='newton'")
        if bias_reduction is not None:
            raise ValueError(
                "bias_reduction is not available with features; use feature_penalty or "
                "prior_strength for finite estimates"
            )
        out_ctx: BradleyTerryResult = hooks.call(
            "contextual_fit", votes, features, ties=ties, prior_strength=ps,
            feature_penalty=feature_penalty, normalization=norm_, scale=scale, base=base,
            covariance=covariance, tol=tol, max_iter=max_iter, init=init,
        )
        return out_ctx
    if feature_penalty != 0.0:
        raise ValueError("feature_penalty is only used with features=...")
    penalised = ps > 0 or bias_reduction is not None
    check_estimable(votes, table, need_strong=not penalised)
    if 0 < ps < MIN_USEFUL_PRIOR:
        check_prior_is_enough(votes, table, ps)
    if ties != "half" and not penalised:
        check_tie_model_estimable(votes, table, ties)
    if solver in ("newman", "mm") and (ties != "half" or ps > 0):
        raise ValueError(
            f"solver={solver!r} handles ties='half' without prior only; use solver='newton'"
        )
    lam0 = np.zeros(k)
    if init is not None:
        lam0 = np.asarray(init, dtype=float).copy()
        if lam0.shape != (k,) or not np.all(np.isfinite(lam0)):
            raise ValueError(f"init must be {k} finite log-strengths; got shape {lam0.shape}")
        if np.ptp(lam0) > MAX_INIT_SPREAD:
            raise ValueError(
                f"init must be natural log-strengths (e.g. a previous fit's log_strength); got "
                f"values spanning {np.ptp(lam0):.4g} natural units (odds of 1 to "
                f"e^{np.ptp(lam0):.0f}), which look like Elo ratings. Remedy: pass "
                "fit.log_strength, or ratings / fit.elo_factor"
            )
    lam0 = lam0 - lam0.mean()
    theta0 = lam0
    if ties != "half":
        t = float(table[:, 2].sum()) / float(table.sum())
        if ties == "davidson":
            tau0 = math.log(2 * t / (1 - t)) if t < 1 else 0.0
        else:
            tau0 = math.log(math.log((1 + t) / (1 - t)))
        theta0 = np.append(lam0, tau0)
    method = "firth" if bias_reduction is not None else solver
    if solver == "auto" and bias_reduction is None:
        method = "newton" if k <= DENSE_MAX_ITEMS else "sparse"
    use_sparse = bias_reduction is None and (
        method == "sparse" or (method in ("newman", "mm") and k > DENSE_MAX_ITEMS)
    )
    n_fp = 0
    if method in ("newman", "mm"):
        lam, n_fp, _ = solvers.newman(
            counts.pair_i, counts.pair_j, k, table, lam0, tol=tol,
            max_iter=max_iter or 100_000, variant=method,
        )
        theta0 = lam
    likelihood = solvers.Likelihood(ties, counts.pair_i, counts.pair_j, k, table)
    if bias_reduction is not None:
        out = firth.firth_newton(likelihood, theta0, tol=tol, max_iter=max_iter or 200)
    else:
        newton = newton_sparse if use_sparse else solvers.newton
        out = newton(
            likelihood, theta0, prior_strength=ps * weight_unit(counts), tol=tol,
            max_iter=(max_iter or 200) if method in ("newton", "sparse") else 0,
        )
    if not out.converged:
        warnings.warn(
            f"the {method} solver stopped after {out.n_iter + n_fp} iterations with max |gradient| "
            f"{out.grad_norm:.3g} > tol; increase max_iter or check the data",
            ConvergenceWarning,
            stacklevel=2,
        )
    theta = out.theta.copy()
    if ps == 0:
        theta[:k] -= theta[:k].mean()
    lam = theta[:k]
    factor = elo_factor(scale, base)
    ratings = norm_.apply(lam, factor)
    tie_par = tie_se = None
    cache: dict[str, Any] = {"likelihood": likelihood}
    if ties != "half":
        regular = ps > 0
        if use_sparse:
            cache["solver"] = InformationSolver(out.info, k, regular)
            unit = np.zeros(k + 1)
            unit[k] = 1.0
            var_tau = float(cache["solver"].solve(unit)[k]) * weight_unit(counts)
        else:
            inv = solvers.pseudo_inverse(out.info, k, regular)
            var_tau = float(inv[k, k]) * weight_unit(counts)
        tie_par, tie_se = tie_parameter(ties, float(theta[k]), var_tau)
    for arr in (ratings, lam):
        arr.flags.writeable = False
    return BradleyTerryResult(
        items=votes.items,
        ratings=ratings,
        log_strength=lam.copy(),
        ties=ties,
        tie_parameter=tie_par,
        tie_parameter_se=tie_se,
        log_likelihood=out.loglik,
        n_iter=out.n_iter + n_fp,
        converged=out.converged,
        normalization=norm_,
        scale=float(scale),
        base=float(base),
        prior_strength=ps,
        solver=method,
        default_covariance=covariance,
        votes=votes,
        _theta=theta,
        _info=out.info,
        bias_reduction=bias_reduction,
        _cache=cache,
    )

