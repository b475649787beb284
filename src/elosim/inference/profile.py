"""Profile likelihood: likelihood-ratio tests and intervals for ratings and gaps.

For a linear contrast ``c = a @ lam`` of the natural log-strengths (a gap ``lam_a - lam_b``,
or one rating under the fit's normalisation) the profile deviance is

``D(c0) = 2 [sup l - sup_{a @ lam = c0} l]``,

the nuisance parameters (the other ratings, and the tie parameter of the Davidson and
Rao-Kupper models) maximised out. The ``1 - alpha`` interval is ``{c0 : D(c0) <= q}``
with ``q`` the ``chi2(1)`` quantile, and the likelihood-ratio test of ``c = c0`` refers the
signed root ``sign(c_hat - c0) sqrt(D(c0))`` to N(0, 1) (Cox & Hinkley 1974, ch. 9;
Venzon & Moolgavkar 1988 for the profile search).

* The likelihood is always the *unpenalised* one. A Firth or prior fit supplies the point
  estimate, but the interval says what the votes alone rule out, so where an item won (or
  lost) every vote the supremum is approached as its rating diverges and that end of the
  interval is infinite.
* With half-win ties the "likelihood" is the binomial quasi-likelihood of the scores
  ``y = 1, 0, 1/2``. The deviance is divided by the Pearson dispersion ``phi`` and referred
  to ``F(1, n - K + 1)`` (McCullagh & Nelder 1989, section 9.3), the signed root to
  ``t(n - K + 1)``. Without ties the half-win model is the exact binomial likelihood and
  ``phi = 1``.

Everything works on the pair counts; every constrained maximisation is a projected Newton
iteration warm-started from the nearest point already profiled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._core import hooks
from .._core.validation import check_confidence_level
from ..models import solvers
from ..models.fit import DENSE_MAX_ITEMS, ConfidenceInterval
from ..models.max_covariance import pearson_x2
from ..models.newton import damped_newton

__all__ = [
    "ContrastProfile",
    "constrained_maximum",
    "contrast_profile",
    "lr_gaps",
    "profile_confidence_interval",
]

Array = NDArray[np.float64]
#: A profile bound further than this (natural log-odds units) from the estimate is infinite.
MAX_SPAN = 50.0


def constrained_maximum(
    likelihood: solvers.Likelihood,
    theta0: Array,
    contrast: Array | None = None,
    value: float = 0.0,
    *,
    tol: float = 1e-10,
    max_iter: int = 500,
) -> tuple[float, Array]:
    """Maximise the (unpenalised) log-likelihood, optionally with ``contrast @ lam == value``.

    Projected damped Newton from ``theta0`` (moved onto the constraint first). Where the
    supremum is approached only as some ratings diverge (an item that never lost), the
    iterations follow that direction until the gradient is below ``tol * total weight``;
    the log-likelihood is then within about as much of its supremum. A tiny ridge keeps
    the Newton system solvable when the information vanishes along the divergence.
    """
    k = likelihood.n_items
    m = likelihood.n_params
    theta = np.asarray(theta0, dtype=np.float64).copy()
    cvec: Array | None = None
    if contrast is not None:
        cvec = np.zeros(m)
        cvec[:k] = contrast
        theta += (value - float(cvec @ theta)) * cvec / float(cvec @ cvec)
    scale = float(likelihood.table.sum()) or 1.0  # relative tolerance: any unit of weights

    def direction(evaluation: solvers.Evaluation) -> Array | None:
        _, g, info = evaluation
        a = info.copy()
        unit = max(float(np.max(info.diagonal())), np.finfo(float).tiny)  # info's units
        a[:k, :k] += unit / k
        a.flat[:: m + 1] += 1e-9 * unit
        if cvec is None:
            pg = g
            step = np.linalg.solve(a, g)
        else:
            # KKT step: x = A^-1 [g, c]; mu makes the step keep c @ theta fixed
            x = np.linalg.solve(a, np.column_stack([g, cvec]))
            mu = float(cvec @ x[:, 0]) / float(cvec @ x[:, 1])
            pg = g - mu * cvec
            step = x[:, 0] - mu * x[:, 1]
        if float(np.max(np.abs(pg))) <= tol * scale:
            return None  # the projected gradient is the test: it needs this solve
        step[:k] -= step[:k].mean()
        return np.asarray(step, dtype=np.float64)

    run = damped_newton(
        likelihood.evaluate, theta, direction=direction, converged=lambda e: False,
        max_iter=max_iter,
    )
    return float(run.evaluation[0]), run.theta


def pearson_dispersion(
    likelihood: solvers.Likelihood, lam: Array, n_votes: int
) -> tuple[float, int]:
    """Pearson dispersion ``X^2 / (n - (K - 1))`` of the half-win binomial quasi-likelihood
    (:func:`~elosim.models.max_covariance.pearson_x2`), not capped: the profile's F
    reference needs the estimate itself. Returns ``(phi, df)``.
    """
    n_items = likelihood.n_items
    x2 = float(pearson_x2(likelihood.table, lam[likelihood.pair_i] - lam[likelihood.pair_j]))
    df = int(n_votes) - (n_items - 1)
    if df <= 0 or not x2 > 0:
        raise ValueError(
            "the half-win quasi-likelihood needs an estimated dispersion, but "
            + (
                f"{n_votes} votes on {n_items} items leave no residual degrees of freedom"
                if df <= 0
                else "every vote matches its fitted score exactly (Pearson X^2 = 0)"
            )
            + "; profile intervals cannot be computed. Fit a tie model (ties='davidson' or "
            "'rao-kupper') for an exact likelihood, or use Wald intervals"
        )
    return x2 / df, df


@dataclass
class ContrastProfile:
    """Profile (quasi-)deviance of one contrast ``c = contrast @ lam``.

    ``deviance(c) = 2 [sup l - sup_{contrast @ lam = c} l] / dispersion``; referred to
    ``chi2(1)``, or to ``F(1, df)`` when a dispersion is estimated (``df`` not None).
    """

    likelihood: solvers.Likelihood
    contrast: Array
    loglik_sup: float
    theta_sup: Array
    dispersion: float = 1.0
    df: int | None = None
    tol: float = 1e-10
    step: float = 0.5  # Wald standard error of the contrast (first step of bound search)
    _cache: dict[float, Array] = field(default_factory=dict, repr=False)
    _values: dict[float, float] = field(default_factory=dict, repr=False)

    @property
    def estimate(self) -> float:
        """The contrast at the (possibly divergent) maximum of the likelihood."""
        return float(self.contrast @ self.theta_sup[: self.likelihood.n_items])

    def deviance(self, value: float) -> float:
        """The profile (quasi-)deviance at ``contrast @ lam = value`` (memoised)."""
        value = float(value)
        if value in self._values:
            return self._values[value]
        if not self._cache:
            self._cache[self.estimate] = self.theta_sup
        near = min(self._cache, key=lambda x: abs(x - value))
        ll, th = constrained_maximum(
            self.likelihood, self._cache[near], self.contrast, value, tol=self.tol
        )
        self._cache[value] = th
        dev = max(2.0 * (self.loglik_sup - ll), 0.0) / self.dispersion
        self._values[value] = dev
        return dev

    def critical_value(self, level: float) -> float:
        """Deviance cut-off of a two-sided interval at ``level``."""
        from scipy import stats  # scipy.stats is slow to import: only when needed

        if self.df is None:
            return float(stats.chi2.ppf(level, 1))
        return float(stats.f.ppf(level, 1, self.df))

    def signed_root(self, value: float) -> float:
        """``sign(estimate - value) sqrt(deviance(value))``."""
        return math.copysign(math.sqrt(self.deviance(value)), self.estimate - value)

    def pvalue(self, value: float, alternative: str) -> tuple[float, float]:
        """Signed-root statistic and p-value for ``H0: c = value``.

        ``"greater"``: H1 ``c > value``. The statistic is referred to N(0, 1) (or t(df)).
        """
        from scipy import stats

        r = self.signed_root(value)
        dist = stats.norm if self.df is None else stats.t(self.df)
        if alternative == "greater":
            return r, float(dist.sf(r))
        if alternative == "less":
            return r, float(dist.cdf(r))
        return r, float(min(1.0, 2.0 * dist.sf(abs(r))))

    def bound(self, level: float, side: float) -> float:
        """The end of the two-sided ``level`` interval on ``side`` (+1 upper, -1 lower).

        Solves ``sqrt(deviance(c)) = sqrt(q)`` (nearly linear in ``c``) by Brent's method,
        bracketed by stepping outwards from the Wald guess, doubling. Infinite when the
        deviance stays below ``q`` up to ``MAX_SPAN`` from the estimate.
        """
        from scipy import optimize

        q = self.critical_value(level)
        root_q = math.sqrt(q)
        c0 = self.estimate
        step = min(max(root_q * self.step, 1e-3), 2.0)
        prev = c0
        while True:
            cur = c0 + side * step
            if self.deviance(cur) > q:
                lo, hi = (prev, cur) if side > 0 else (cur, prev)
                return float(
                    optimize.brentq(
                        lambda c: math.sqrt(self.deviance(c)) - root_q, lo, hi, xtol=1e-9
                    )
                )
            if side * (cur - c0) >= MAX_SPAN:
                return side * math.inf
            prev = cur
            step *= 2.0


def contrast_profile(
    likelihood: solvers.Likelihood,
    theta0: Array,
    contrast: Array,
    *,
    n_votes: int,
    quasi: bool,
    tol: float = 1e-10,
) -> ContrastProfile:
    """Set up the profile of ``contrast @ lam`` (sup of the likelihood found from ``theta0``).

    ``quasi=True`` (half-win model with ties in the data) estimates the Pearson dispersion.
    """
    ll, th = constrained_maximum(likelihood, theta0, tol=tol)
    k = likelihood.n_items
    disp, df = 1.0, None
    if quasi:
        disp, df_ = pearson_dispersion(likelihood, th[:k], n_votes)
        df = df_
    cvec = np.asarray(contrast, dtype=np.float64)
    # the Wald standard error at the supremum scales the first step of the bound search
    _, _, info = likelihood.assemble(likelihood.terms(th, loglik=False), 0.0, th[:k])
    full = np.zeros(info.shape[0])
    full[:k] = cvec
    with np.errstate(all="ignore"):
        var = float(full @ solvers.solve_info(info, full, k, False))
    se = math.sqrt(var) if math.isfinite(var) and var > 0 else 1.0
    return ContrastProfile(likelihood, cvec, ll, th, disp, df, tol, step=se * math.sqrt(disp))


# ---------------------------------------------------------------------------- on a fit
def _profile(fit: Any, contrast: Array, key: str) -> ContrastProfile:
    """The (cached) profile of ``contrast @ lam`` for a fit."""
    if getattr(fit, "features", ()):
        raise ValueError(
            "profile-likelihood intervals and likelihood-ratio gap tests are not available for "
            "fits with features; use the Wald intervals (kind=...) or the bootstrap"
        )
    cache: dict[str, Any] = fit._cache
    name = f"profile:{key}"
    if fit.n_items > DENSE_MAX_ITEMS:
        raise ValueError(
            f"profile likelihood refits with the dense information matrix, and "
            f"{fit.n_items:,} items exceed its limit of {DENSE_MAX_ITEMS:,}; use the Wald "
            "intervals and tests at this scale"
        )
    if name not in cache:
        likelihood = fit._likelihood()
        cache[name] = contrast_profile(
            likelihood, np.asarray(fit._theta), contrast, n_votes=fit.votes.counts.n_votes,
            quasi=fit.ties == "half" and likelihood.table[:, 2].sum() > 0,
        )
    out: ContrastProfile = cache[name]
    return out


def _describe(prof: ContrastProfile) -> str:
    if prof.df is None:
        return "likelihood ratio (profile likelihood)"
    return (
        f"quasi-likelihood ratio (profile; Pearson dispersion {prof.dispersion:.3g} on "
        f"{prof.df:,} df, F reference)"
    )


@hooks.provides("profile_confidence_interval")
def profile_confidence_interval(
    fit: Any, *, confidence_level: float = 0.95
) -> ConfidenceInterval:
    """Profile-likelihood confidence intervals for every rating of a fit.

    Parameters
    ----------
    fit : BradleyTerryResult
        Any fit (maximum likelihood, Firth or prior); the unpenalised likelihood of its
        tie model is profiled.
    confidence_level : float
        Two-sided level.

    Returns
    -------
    ConfidenceInterval
        ``low`` and ``high`` on the rating scale, aligned with ``fit.items``. An end is
        ``-inf``/``+inf`` where the votes put no bound on the rating (an item that lost or
        won every vote). Under ``normalize="anchor"`` the anchor's interval is its fixed
        rating.

    Raises
    ------
    ValueError
        Half-win ties with no residual information to estimate the dispersion (as many
        votes as items minus one, or every vote exactly at its fitted score).

    Notes
    -----
    A single rating is a contrast whose meaning depends on the normalisation: under
    ``normalize="mean"`` it is ``lam_i - mean(lam)`` (so every other item's uncertainty
    enters), under ``normalize="anchor"`` it is the gap ``lam_i - lam_anchor``. The
    intervals therefore differ between normalisations, as Wald intervals do; gap
    intervals (:func:`elosim.gap_test` with ``method="lr"``) do not.

    With half-win ties the quasi-deviance is divided by the Pearson dispersion and referred
    to ``F(1, n - K + 1)``; see the module notes and
    ``docs/explanation/profile-and-firth.md``.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> fit = elosim.bradley_terry(votes)
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     ci = fit.confidence_interval(method="profile")
    >>> caught[0].category.__name__  # every item here has fewer than 20 votes
    'SparseDataWarning'
    >>> [round(float(x)) for x in ci.low], [round(float(x)) for x in ci.high]
    ([714, 843, 734, 949], [1101, 1179, 1098, 1395])
    """
    level = check_confidence_level(confidence_level)
    k = fit.n_items
    norm = fit.normalization
    factor = fit.elo_factor
    low = np.empty(k)
    high = np.empty(k)
    for i in range(k):
        if norm.kind == "anchor" and i == norm.anchor:
            low[i] = high[i] = norm.offset
            continue
        contrast = np.zeros(k)
        contrast[i] = 1.0
        if norm.kind == "anchor":
            contrast[norm.anchor] -= 1.0
        else:
            contrast -= 1.0 / k
        prof = _profile(fit, contrast, f"{norm.kind}:{norm.anchor}:{i}")
        low[i] = norm.offset + factor * prof.bound(level, -1.0)
        high[i] = norm.offset + factor * prof.bound(level, 1.0)
    return ConfidenceInterval(low, high)


def lr_gaps(
    fit: Any, ia: int, ib: int, *, alternative: str, confidence_level: float
) -> tuple[dict[str, float], str]:
    """Likelihood-ratio test and profile interval for the gap ``R_a - R_b`` of a fit.

    The core of :func:`elosim.gap_test` with ``method="lr"``. Returns the fields of a
    gap test (``gap`` is the fit's estimate; ``standard_error`` the model-based one, for
    reference; ``statistic`` the signed root of the (quasi-)deviance at a zero gap) and the
    method text.
    """
    level = check_confidence_level(confidence_level)
    k = fit.n_items
    contrast = np.zeros(k)
    contrast[ia] = 1.0
    contrast[ib] -= 1.0
    lo_i, hi_i = sorted((ia, ib))
    prof = _profile(fit, contrast if ia < ib else -contrast, f"gap:{lo_i}:{hi_i}")
    sign = 1.0 if ia < ib else -1.0
    stat, p = prof.pvalue(0.0, _flip(alternative) if sign < 0 else alternative)
    stat *= sign
    two = level if alternative == "two-sided" else 2.0 * level - 1.0
    if two <= 0:
        raise ValueError(
            f"a one-sided profile interval needs confidence_level > 0.5; got {level!r}"
        )
    ends = sorted(sign * prof.bound(two, s) for s in (-1.0, 1.0))
    factor = fit.elo_factor
    lo, hi = factor * ends[0], factor * ends[1]
    if alternative == "greater":
        hi = math.inf
    elif alternative == "less":
        lo = -math.inf
    cov = fit.covariance("model")
    var = cov[ia, ia] + cov[ib, ib] - 2.0 * cov[ia, ib]
    gap = float(fit.ratings[ia] - fit.ratings[ib])
    out = {
        "gap": gap, "standard_error": math.sqrt(max(float(var), 0.0)), "statistic": stat,
        "pvalue": p, "ci_low": lo, "ci_high": hi,
    }
    return out, _describe(prof)


def _flip(alternative: str) -> str:
    return {"greater": "less", "less": "greater"}.get(alternative, alternative)
