"""Contextual Bradley-Terry: ratings adjusted for per-vote features (home advantage, style).

The model: ``logit P(A beats B) = lambda_A - lambda_B + x @ beta`` where ``x`` holds the
vote's features oriented side A minus side B. Under the tie models the linear predictor
``lambda_A - lambda_B + x @ beta`` takes the place of the log-strength difference ``d`` in
every formula of :mod:`elosim.models.solvers` (Davidson: ``P(A wins | not a tie) =
sigmoid(d)``; Rao-Kupper: ``P(A wins) = sigmoid(d - eta)``). This is BradleyTerry2's
``BTm(..., formula = ~ item + x)`` with contest-level covariates ``x``.

Parameters are ordered ``theta = (lambda (K), tau (tie models only), beta (p))`` so that
everything that reads ``theta[:K]`` and ``theta[K]`` keeps working on the adjusted ratings.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .._core import hooks
from .._core.errors import ConvergenceWarning, NoFiniteEstimateError
from .._core.format import require_pandas
from .._core.normal import wald
from .._core.results import DisplayMethods
from .._core.table import Table
from .._core.validation import check_choice, check_confidence_level, check_real
from ..data.votes import Votes
from . import solvers
from .estimability import check_estimable, check_tie_model_estimable
from .features import FeatureDesign, resolve_features
from .fit import (
    COVARIANCE_KINDS,
    BradleyTerryResult,
    ConfidenceInterval,
    Normalization,
    tie_parameter,
)
from .inputs import weight_unit
from .newton import damped_newton

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CoefficientsResult", "ContextualBradleyTerryResult", "FeatureError"]

Array = NDArray[np.float64]
#: A fitted linear predictor beyond this (log-odds) may signal a likelihood without a finite
#: maximum; the exact (linear-programming) separation check then runs.
_DIVERGED = 15.0
#: Up to this many design rows the separation check always runs (it is cheap).
_ALWAYS_CHECK_ROWS = 20_000


class FeatureError(ValueError):
    """The features make the model unidentified (constant or collinear features)."""


# ---------------------------------------------------------------------------- likelihood
def layout(ties: str, n_items: int, n_features: int) -> tuple[int, int]:
    """Number of parameters and the index where ``beta`` starts."""
    b0 = n_items + int(ties != "half")
    return b0 + n_features, b0


def linear_predictor(design: FeatureDesign, theta: Array, b0: int) -> Array:
    """``d = lambda_i - lambda_j + x @ beta`` per design row."""
    k = design.n_items
    lam = theta[:k]
    out: Array = lam[design.pair_i] - lam[design.pair_j] + design.x @ theta[b0:]
    return out


def assemble(ties: str, design: FeatureDesign, terms: solvers.PairTerms) -> tuple[Array, Array]:
    """Gradient and information matrix (or the sandwich meat) from per-row terms."""
    k, p = design.n_items, design.n_features
    m, b0 = layout(ties, k, p)
    pi, pj, x = design.pair_i, design.pair_j, design.x
    g = np.zeros(m)
    g[:k] = np.bincount(pi, terms.g_d, k) - np.bincount(pj, terms.g_d, k)
    g[b0:] = x.T @ terms.g_d
    info = np.zeros((m, m))
    h = terms.h_dd
    lap = np.bincount(pi * k + pj, h, k * k).reshape(k, k)
    lap = lap + lap.T
    info[:k, :k] = np.diag(lap.sum(axis=1)) - lap
    hx = h[:, None] * x
    cross = np.column_stack(
        [np.bincount(pi, hx[:, q], k) - np.bincount(pj, hx[:, q], k) for q in range(p)]
    )
    info[:k, b0:] = cross
    info[b0:, :k] = cross.T
    info[b0:, b0:] = x.T @ hx
    if ties != "half":
        g[k] = terms.g_t.sum()
        col = np.bincount(pi, terms.h_dt, k) - np.bincount(pj, terms.h_dt, k)
        info[:k, k] = col
        info[k, :k] = col
        info[k, k] = terms.h_tt.sum()
        tb = x.T @ terms.h_dt
        info[k, b0:] = tb
        info[b0:, k] = tb
    return g, info


def _evaluate(
    ties: str, design: FeatureDesign, table: Array, theta: Array, penalty: Array
) -> tuple[float, Array, Array]:
    """Penalised log-likelihood, gradient and information at ``theta``."""
    k = design.n_items
    _, b0 = layout(ties, k, design.n_features)
    tau = float(theta[k]) if ties != "half" else 0.0
    terms = solvers.pair_terms(ties, table, linear_predictor(design, theta, b0), tau)
    g, info = assemble(ties, design, terms)
    ll = float(terms.loglik.sum()) - 0.5 * float(theta @ (penalty * theta))
    g -= penalty * theta
    info[np.diag_indices_from(info)] += penalty
    return ll, g, info


def _newton(
    ties: str,
    design: FeatureDesign,
    table: Array,
    theta0: Array,
    penalty: Array,
    *,
    tol: float,
    max_iter: int,
) -> tuple[Array, float, Array, Array, int, bool]:
    """Damped Newton with step halving; ratings kept sum-to-zero when not penalised."""
    k = design.n_items
    regular = bool(penalty[:k].any())
    scale = max(1.0, float(table.sum()))
    run = damped_newton(
        lambda th: _evaluate(ties, design, table, th, penalty), theta0, max_iter=max_iter,
        direction=lambda e: solvers.newton_step(e[2], e[1], k, regular),
        converged=lambda e: float(np.max(np.abs(e[1]))) <= tol * scale,
    )
    ll, g, info = run.evaluation
    return run.theta, ll, g, info, run.n_iter, run.converged


# ---------------------------------------------------------------------------- checks
def check_features_identified(design: FeatureDesign, table: Array) -> None:
    """Raise :class:`FeatureError` for constant or collinear features.

    The ratings and coefficients are identified (up to the common level of the ratings)
    exactly when the design ``[e_i - e_j | x]`` of the voted rows has rank ``K - 1 + p``;
    checked on the features given the items (the Schur complement of the weighted Gram
    matrix), scaled to unit diagonal.
    """
    k, p = design.n_items, design.n_features
    n_row = table.sum(axis=1)
    used = n_row > 0
    for q, name in enumerate(design.names):
        if not np.any(design.x[used, q] != 0):
            raise FeatureError(
                f"feature {name!r} is 0 in every vote (after orienting it side A minus side "
                "B), so its coefficient is not identified; drop it"
            )
    z = design.matrix[used]
    gram = np.asarray((z.T @ sparse.diags(n_row[used]) @ z).toarray())
    # features given the items: the Schur complement of the (connected) Laplacian block
    lap = gram[:k, :k] + float(n_row.sum()) / k**2  # plus the common level of the ratings
    cross = gram[:k, k:]
    schur = gram[k:, k:] - cross.T @ np.linalg.solve(lap, cross)
    s = 1.0 / np.sqrt(np.diag(gram[k:, k:]))
    ev, vec = np.linalg.eigh(schur * s[:, None] * s[None, :])
    null = vec[:, ev < 1e-10]
    if null.shape[1] == 0:
        return
    bad = [design.names[q] for q in range(p) if np.max(np.abs(null[q])) > 1e-6]
    raise FeatureError(
        f"the features {bad} are collinear (with each other or with the item ratings: a "
        "feature that is a fixed combination of which items play, or a side-A indicator "
        "when every pair is always played in the same orientation), so their coefficients "
        "are not identified; drop one of them"
    )


def _separation(design: FeatureDesign, table: Array) -> NoFiniteEstimateError | None:
    """Linear-programming check for (quasi-)separation by items and features together.

    A direction ``u = Z @ (dlambda, dbeta)`` that is >= 0 on every row where only
    ``pair_i`` won, <= 0 where only ``pair_j`` won and 0 on rows with ties or both results
    (and non-zero somewhere) makes the likelihood grow without bound along it.
    """
    from scipy.optimize import linprog

    k, p = design.n_items, design.n_features
    present = table.sum(axis=1) > 0
    t = table[present]
    z = design.matrix[present]
    only_i = (t[:, 0] > 0) & (t[:, 1] == 0) & (t[:, 2] == 0)
    only_j = (t[:, 1] > 0) & (t[:, 0] == 0) & (t[:, 2] == 0)
    mixed = ~(only_i | only_j)
    sgn = np.where(only_i, 1.0, np.where(only_j, -1.0, 0.0))
    res = linprog(
        -np.asarray(z.T @ sgn).ravel(),
        A_ub=sparse.vstack([-z[only_i], z[only_j]]).tocsr(),
        b_ub=np.zeros(int(only_i.sum() + only_j.sum())),
        A_eq=z[mixed] if mixed.any() else None,
        b_eq=np.zeros(int(mixed.sum())) if mixed.any() else None,
        bounds=[(0, 0)] + [(-1, 1)] * (k - 1 + p),
        method="highs",
    )
    if res.status != 0 or -res.fun <= 1e-7:
        return None
    direction = res.x
    feats = [design.names[q] for q in range(p) if abs(direction[k + q]) > 1e-7]
    lam = direction[:k]
    return NoFiniteEstimateError(
        [],
        [],
        reason=(
            "no finite maximum-likelihood estimate: the votes are separated by the "
            f"features {feats} together with the items (every vote can be predicted "
            "perfectly by moving these coefficients"
            + (" and the ratings" if np.ptp(lam) > 1e-7 else "")
            + " to infinity), e.g. a feature level whose votes were all won by one side. "
            "Remedy: drop or merge these features, or pass feature_penalty > 0 (ridge on the "
            "coefficients) or prior_strength > 0."
        ),
    )


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False, repr=False)
class CoefficientsResult(DisplayMethods):
    """Feature coefficients of a contextual fit: estimate, SE, interval and Wald test.

    Attributes
    ----------
    features : tuple of str
    estimate, standard_error : ndarray
        On the natural log-odds scale (a coefficient is the change in the log-odds of side
        A winning per unit of the feature).
    confidence_level : float
    ci_low, ci_high : ndarray
        Wald intervals ``estimate -/+ z * SE``.
    statistic, pvalue : ndarray
        Wald ``z = estimate / SE`` and its two-sided p-value (null: coefficient 0).
    elo_factor : float
        Rating points per unit of log-odds; ``elo = estimate * elo_factor`` is the effect on
        the Elo scale (e.g. a home advantage in rating points).
    kind : str
        Covariance used (``"model"``, ``"sandwich"`` or ``"cluster"``).
    penalty : float
        Ridge strength on the coefficients (0: unpenalised maximum likelihood).
    """

    features: tuple[str, ...]
    estimate: Array
    standard_error: Array
    confidence_level: float
    ci_low: Array
    ci_high: Array
    statistic: Array
    pvalue: Array
    elo_factor: float
    kind: str
    penalty: float = 0.0

    @property
    def elo(self) -> Array:
        """Coefficients on the Elo scale (rating points per unit of the feature)."""
        out: Array = self.estimate * self.elo_factor
        return out

    def confidence_interval(self, *, elo: bool = False) -> ConfidenceInterval:
        """The Wald intervals (log-odds, or rating points with ``elo=True``)."""
        f = self.elo_factor if elo else 1.0
        return ConfidenceInterval(self.ci_low * f, self.ci_high * f)

    def __getitem__(self, feature: str) -> float:
        """The estimate of one feature, by name."""
        if feature not in self.features:
            raise KeyError(f"no feature {feature!r}; the features are {list(self.features)}")
        return float(self.estimate[self.features.index(feature)])

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{n}={e:.4g} (SE {s:.2g})"
            for n, e, s in zip(self.features, self.estimate, self.standard_error, strict=True)
        )
        return f"<CoefficientsResult: {parts}>"

    def _columns(self) -> dict[str, list[Any]]:
        f = self.elo_factor
        return {
            "feature": list(self.features),
            "estimate": self.estimate.tolist(),
            "standard_error": self.standard_error.tolist(),
            "ci_low": self.ci_low.tolist(),
            "ci_high": self.ci_high.tolist(),
            "statistic": self.statistic.tolist(),
            "pvalue": self.pvalue.tolist(),
            "elo": (self.estimate * f).tolist(),
            "elo_ci_low": (self.ci_low * f).tolist(),
            "elo_ci_high": (self.ci_high * f).tolist(),
        }

    def _note(self) -> str:
        pen = (
            f"; ridge penalty {self.penalty:g} on the coefficients (estimates shrunk to 0)"
            if self.penalty
            else ""
        )
        return (
            f"{100 * self.confidence_level:g}% Wald CI, {self.kind} covariance; estimates in "
            f"log-odds, elo = estimate x {self.elo_factor:.4g} rating points{pen}"
        )

    def _table(self, digits: int = 1) -> Table:
        fmt = dict.fromkeys(("estimate", "standard_error", "ci_low", "ci_high"), ".4f")
        fmt.update({"statistic": ".2f", "pvalue": "p"})
        fmt.update({c: f".{int(digits)}f" for c in ("elo", "elo_ci_low", "elo_ci_high")})
        return Table(self._columns(), fmt, "Feature coefficients", (self._note(),))

    def to_frame(self) -> pd.DataFrame:
        """One row per feature: ``feature, estimate, standard_error, ci_low, ci_high,
        statistic, pvalue, elo, elo_ci_low, elo_ci_high``."""
        pandas = require_pandas("CoefficientsResult.to_frame")
        df: pd.DataFrame = pandas.DataFrame(self._columns())
        df.attrs["confidence_level"] = self.confidence_level
        df.attrs["covariance"] = self.kind
        return df

    def summary(self) -> str:
        """Fixed-width text of the standard table (:func:`elosim.report.result_text`):
        estimates, standard errors, intervals, z, p and the coefficients in rating points."""
        out: str = hooks.call("result_text", self)
        return out

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True, eq=False, repr=False)
class ContextualBradleyTerryResult(BradleyTerryResult):
    """A Bradley-Terry fit with per-vote features: ratings adjusted for the features.

    Everything a :class:`BradleyTerryResult` offers (intervals, gap tests, rank sets,
    quasi-variances, plots, bootstrap) applies to the *adjusted* ratings: the ratings of the
    items when every feature is 0 (a neutral venue, equal style). :meth:`win_probability`
    and :meth:`outcome_probabilities` are likewise at features 0.

    Attributes
    ----------
    features : tuple of str
        Feature names, aligned with :attr:`coefficients`.
    feature_penalty : float
        Ridge strength on the coefficients (0 by default: maximum likelihood).
    """

    features: tuple[str, ...] = ()
    feature_penalty: float = 0.0
    design: FeatureDesign | None = field(default=None, repr=False)

    @property
    def _design(self) -> FeatureDesign:
        assert self.design is not None
        return self.design

    @property
    def _b0(self) -> int:
        return layout(self.ties, self.n_items, len(self.features))[1]

    def __repr__(self) -> str:
        top = int(np.argmax(self.ratings))
        return (
            f"<ContextualBradleyTerryResult: {self.n_items} items, {self.n_votes:,} votes, "
            f"features {list(self.features)}, ties={self.ties!r}, top {self.items[top]!r} "
            f"{self.ratings[top]:.1f} (adjusted)>"
        )

    # -------------------------------------------------------------- covariance
    def _scores(self) -> tuple[Array, Array, Array]:
        """Per-row linear predictor and per-outcome scores ``a`` (d) and ``c`` (tau)."""
        d = linear_predictor(self._design, self._theta, self._b0)
        tau = float(self._theta[self.n_items]) if self.ties != "half" else 0.0
        a, cc, _ = solvers.outcome_scores(self.ties, d, tau)
        return d, a, cc

    def _meat(self, kind: str, cluster: ArrayLike | None, *, as_sparse: bool = False) -> Any:
        des = self._design
        k = self.n_items
        d, a, cc = self._scores()
        if kind == "sandwich":
            tau = float(self._theta[k]) if self.ties != "half" else 0.0
            terms = solvers.meat_terms(self.ties, des.table(power=2), d, tau)
            return assemble(self.ties, des, terms)[1]
        if not isinstance(self.votes, Votes):  # features need rows; counts carry none
            raise TypeError("a contextual fit needs its votes as rows (elosim.Votes)")
        codes, n_cl = self.votes.cluster_codes(cluster, purpose="kind='cluster'")
        g = self._cluster_scores(codes, n_cl, a, cc)
        meat = np.asarray((g.T @ g).toarray())
        return meat * (n_cl / (n_cl - 1.0))

    def _cluster_scores(
        self, codes: NDArray[np.intp], n_cl: int, a: Array, cc: Array
    ) -> sparse.csr_matrix:
        """Summed per-vote scores of each cluster, (n_clusters, m) sparse."""
        des = self._design
        k = self.n_items
        m, b0 = layout(self.ties, k, len(self.features))
        cell = des.vote_cell
        r = des.cell_row[cell]
        o = des.cell_outcome[cell]
        wv = des.cell_weight[cell]
        sa = wv * a[r, o]
        parts_r = [codes, codes]
        parts_c = [des.pair_i[r], des.pair_j[r]]
        parts_v = [sa, -sa]
        if self.ties != "half":
            parts_r.append(codes)
            parts_c.append(np.full(codes.size, k))
            parts_v.append(wv * cc[r, o])
        for q in range(len(self.features)):
            parts_r.append(codes)
            parts_c.append(np.full(codes.size, b0 + q))
            parts_v.append(sa * des.x[r, q])
        return sparse.coo_matrix(
            (np.concatenate(parts_v), (np.concatenate(parts_r), np.concatenate(parts_c))),
            shape=(n_cl, m),
        ).tocsr()

    def _cell_influence(self, contrasts: Array) -> Array:
        """Influence of one vote of each design cell on ``C @ ratings`` (see the base class)."""
        des = self._design
        k = self.n_items
        _, a, cc = self._scores()
        bread = self._bread()
        w_theta = np.zeros((contrasts.shape[0], bread.shape[0]))
        w_theta[:, :k] = self.elo_factor * (contrasts @ self.normalization.matrix(k))
        proj = w_theta @ bread
        r, o = des.cell_row, des.cell_outcome
        sa = des.cell_weight * a[r, o]
        infl = sa[None, :] * (
            proj[:, des.pair_i[r]] - proj[:, des.pair_j[r]] + proj[:, self._b0 :] @ des.x[r].T
        )
        if self.ties != "half":
            infl += proj[:, k : k + 1] * (des.cell_weight * cc[r, o])[None, :]
        return np.asarray(infl, dtype=np.float64)

    def _influence_cell_counts(self) -> NDArray[np.int64]:
        """Votes per design cell (the cells of :meth:`_cell_influence`)."""
        return self._design.cell_count.astype(np.int64)

    def expected_wins(self) -> Array:
        """Expected points per item (wins plus half the ties) under the fit, features included."""
        des = self._design
        k = self.n_items
        d = linear_predictor(des, self._theta, self._b0)
        tau = float(self._theta[k]) if self.ties != "half" else 0.0
        _, _, prob = solvers.outcome_scores(self.ties, d, tau)
        n = des.table().sum(axis=1)
        pts_i = n * (prob[:, 0] + 0.5 * prob[:, 2])
        pts_j = n * (prob[:, 1] + 0.5 * prob[:, 2])
        out = np.bincount(des.pair_i, pts_i, k) + np.bincount(des.pair_j, pts_j, k)
        return np.asarray(out, dtype=np.float64)

    # -------------------------------------------------------------- coefficients
    def coefficient_covariance(
        self, kind: str | None = None, *, cluster: ArrayLike | None = None
    ) -> Array:
        """Covariance (p x p) of the coefficients on the log-odds scale."""
        kind = self.default_covariance if kind is None else kind
        check_choice(kind, "kind", COVARIANCE_KINDS)
        b0 = self._b0
        cov = self._theta_covariance(kind, cluster)[b0:, b0:]
        out: Array = 0.5 * (cov + cov.T)
        return out

    @property
    def coefficient_estimates(self) -> Array:
        """Estimated coefficients (log-odds per unit of each feature)."""
        out: Array = self._theta[self._b0 :].copy()
        return out

    def coefficient_table(
        self,
        confidence_level: float = 0.95,
        *,
        kind: str | None = None,
        cluster: ArrayLike | None = None,
    ) -> CoefficientsResult:
        """Estimates, standard errors, Wald intervals and p-values of the coefficients.

        Parameters
        ----------
        confidence_level : float
        kind : {"model", "sandwich", "cluster"}, optional
            Covariance (default: the fit's).
        cluster : array, optional
            Cluster ids overriding ``votes.cluster`` for ``kind="cluster"``.
        """
        level = check_confidence_level(confidence_level)
        kind = self.default_covariance if kind is None else kind
        cov = self.coefficient_covariance(kind, cluster=cluster)
        est = self.coefficient_estimates
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        w = wald(est, se, level)
        return CoefficientsResult(
            features=self.features,
            estimate=est,
            standard_error=se,
            confidence_level=level,
            ci_low=w.ci_low,
            ci_high=w.ci_high,
            statistic=w.statistic,
            pvalue=np.asarray(w.pvalue, dtype=np.float64),
            elo_factor=self.elo_factor,
            kind=kind,
            penalty=self.feature_penalty,
        )

    @property
    def coefficients(self) -> CoefficientsResult:
        """:meth:`coefficient_table` at 95% with the default covariance."""
        if "coefficients" not in self._cache:
            self._cache["coefficients"] = self.coefficient_table()
        out: CoefficientsResult = self._cache["coefficients"]
        return out

    def summary(self, confidence_level: float = 0.95, *, kind: str | None = None) -> str:
        """The leaderboard of adjusted ratings followed by the coefficient table."""
        base = super().summary(confidence_level, kind=kind)
        head = base.replace(
            "Bradley-Terry fit (Elo scale)",
            f"Contextual Bradley-Terry fit (Elo scale), adjusted for {list(self.features)}",
            1,
        )
        return head + "\n\n" + self.coefficient_table(confidence_level, kind=kind).summary()

    def _methods_sentences(self) -> list[str]:
        names = ", ".join(self.features)
        pen = (
            f" The coefficients carry a ridge penalty of strength {self.feature_penalty:g}."
            if self.feature_penalty
            else " The coefficients are unpenalised."
        )
        return [
            "Per-vote features were included in the linear predictor: logit P(A beats B) = "
            f"lambda_A - lambda_B + x'beta with x = ({names}), each oriented side A minus side "
            "B (Bradley-Terry with contest-level covariates, as BTm in BradleyTerry2); the "
            "reported ratings are adjusted ratings at x = 0." + pen
        ]


# ---------------------------------------------------------------------------- the fit
@hooks.provides("contextual_fit")
def fit_contextual(
    votes: Votes,
    features: Any,
    *,
    ties: str,
    prior_strength: float,
    feature_penalty: float,
    normalization: Normalization,
    scale: float,
    base: float,
    covariance: str,
    tol: float,
    max_iter: int | None,
    init: ArrayLike | None,
) -> ContextualBradleyTerryResult:
    """The contextual fit behind ``bradley_terry(votes, features=...)`` (validated arguments)."""
    from .._core.elo import elo_factor

    x, names = resolve_features(votes, features)
    pen = check_real(feature_penalty, "feature_penalty", minimum=0)
    design = FeatureDesign.build(votes, x, names)
    table = design.table()
    k, p = votes.n_items, len(names)
    ptable = votes.counts.table()
    # necessary conditions on the items alone (they hold with any features: beta = 0)
    check_estimable(votes, ptable, need_strong=prior_strength == 0)
    if ties != "half" and prior_strength == 0:
        check_tie_model_estimable(votes, ptable, ties)
    check_features_identified(design, table)
    m, b0 = layout(ties, k, p)
    theta0 = np.zeros(m)
    if init is not None:
        lam0 = np.asarray(init, dtype=float)
        if lam0.shape != (k,) or not np.all(np.isfinite(lam0)):
            raise ValueError(f"init must be {k} finite log-strengths; got shape {lam0.shape}")
        theta0[:k] = lam0 - lam0.mean()
    if ties != "half":
        t = float(ptable[:, 2].sum()) / float(ptable.sum())
        theta0[k] = (
            math.log(2 * t / (1 - t))
            if ties == "davidson"
            else math.log(math.log((1 + t) / (1 - t)))
        )
    penalty = np.zeros(m)
    unit = weight_unit(votes.counts)  # penalties per vote of mean weight, as in the plain fit
    penalty[:k] = prior_strength * unit
    penalty[b0:] = pen * unit
    theta, ll, g, info, n_iter, converged = _newton(
        ties, design, table, theta0, penalty, tol=tol, max_iter=max_iter or 200
    )
    d = linear_predictor(design, theta, b0)
    suspicious = not converged or float(np.max(np.abs(d[table.sum(axis=1) > 0]))) > _DIVERGED
    if pen == 0 and prior_strength == 0 and (suspicious or design.n_rows <= _ALWAYS_CHECK_ROWS):
        err = _separation(design, table)
        if err is not None:
            raise err
    if not converged:
        warnings.warn(
            f"the contextual Newton solver stopped after {n_iter} iterations with max "
            f"|gradient| {float(np.max(np.abs(g))):.3g} > tol; increase max_iter or check the "
            "data",
            ConvergenceWarning,
            stacklevel=3,
        )
    if prior_strength == 0:
        theta[:k] -= theta[:k].mean()
    lam = theta[:k].copy()
    factor = elo_factor(scale, base)
    ratings = normalization.apply(lam, factor)
    tie_par = tie_se = None
    if ties != "half":
        inv = solvers.pseudo_inverse(info, k, prior_strength > 0)
        tie_par, tie_se = tie_parameter(ties, float(theta[k]), float(inv[k, k]) * unit)
    ratings.flags.writeable = False
    lam.flags.writeable = False
    return ContextualBradleyTerryResult(
        items=votes.items,
        ratings=ratings,
        log_strength=lam,
        ties=ties,
        tie_parameter=tie_par,
        tie_parameter_se=tie_se,
        log_likelihood=ll,
        n_iter=n_iter,
        converged=converged,
        normalization=normalization,
        scale=float(scale),
        base=float(base),
        prior_strength=prior_strength,
        solver="newton",
        default_covariance=covariance,
        votes=votes,
        _theta=theta,
        _info=info,
        features=names,
        feature_penalty=pen,
        design=design,
    )
