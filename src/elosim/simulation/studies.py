"""Monte-Carlo studies of elosim's own inference on simulated arenas with known truth.

* :func:`coverage_study`: empirical coverage (with Monte-Carlo standard errors) of rating
  intervals, pairwise-difference intervals and rank confidence sets, for Wald (sandwich and
  model covariance) and bootstrap (percentile, basic, BCa, studentized) methods.
* :func:`simulated_gap_power`: rejection rate of the real :func:`elosim.gap_test` on
  simulated arenas, to check the closed forms of :func:`elosim.power` and
  :func:`elosim.votes_needed`.

Which rating does a fit estimate? (the *estimand*)
---------------------------------------------------
A fit targets the ratings that solve its population score equations. It equals the true
(generating) rating only when the fitted tie model matches the generating mechanism:

=======================  =========================  ======================================
generated ties           fit with                   estimand = true rating?
=======================  =========================  ======================================
none                     ``"half"`` (plain BT)      yes
``"symmetric"`` (here)   ``"half"``                 yes: ties take ``t/2`` from each side,
                                                    so ``E[score] = σ(δ)``
``"davidson"``           ``"davidson"``             yes
``"rao-kupper"``         ``"rao-kupper"``           yes
``"fixed"``              ``"half"``                 **no**: :func:`~elosim.simulate_votes`
                                                    takes the tie probability
                                                    *proportionally* (``P(i) = (1-t)σ(δ)``),
                                                    so ``E[score] = ½ + (1-t)(σ(δ) - ½)``
                                                    and the half-win gap shrinks towards 0
``"davidson"`` or        ``"half"``                 **no** (gaps shrink towards 0)
``"rao-kupper"``
=======================  =========================  ======================================

``"symmetric"`` is generated here (it is not a mechanism of :func:`simulate_votes`): a
decisive vote is simulated, then a win of ``i`` becomes a tie with probability
``(t/2) / σ(δ)`` and a loss with probability ``(t/2) / (1 - σ(δ))``, so
``P(i) = σ(δ) - t/2``, ``P(tie) = t``. Where ``t/2 > min(σ, 1 - σ)`` (very large gaps) the
pair's tie rate is lowered to ``2 min(σ, 1 - σ)``, which keeps ``E[score] = σ(δ)``.

:func:`coverage_study` measures coverage of the **estimand** by default: the fit of the
chosen tie model to the *expected* outcome counts given each simulation's realised pair
counts (the pseudo-true value). For the matching rows above it is the true rating (to
solver tolerance) and is not recomputed; ``target="truth"`` measures coverage of the true
ratings instead, which shows the bias of a mismatched tie model.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy import special

from .._core.arrays import readonly
from .._core.errors import DisconnectedGraphError, NoFiniteEstimateError
from .._core.frames import table_frame
from .._core.resources import check_memory
from .._core.results import DisplayMethods
from .._core.validation import check_choice, check_confidence_level, check_positive_int, check_rng
from ..data.votes import Votes
from ..inference.bootstrap import bootstrap
from ..inference.gaps import gap_test
from ..inference.ranks import point_ranks, rank_intervals
from ..models.fit import BradleyTerryResult, bradley_terry
from .arena import check_scale, parse_ratings, simulate_votes, true_win_probability
from .planning import power_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CoverageStudyResult",
    "GapPowerSimulation",
    "MonteCarloEstimate",
    "coverage_study",
    "simulated_gap_power",
]

Array = NDArray[np.float64]
T = TypeVar("T")

WALD_METHODS = ("wald-sandwich", "wald-model")
BOOTSTRAP_METHODS = ("percentile", "basic", "bca", "studentized")
METHODS = WALD_METHODS + BOOTSTRAP_METHODS
GENERATED_TIES = ("symmetric", "davidson", "rao-kupper", "fixed")
FIT_TIES = ("auto", "half", "davidson", "rao-kupper")
TARGETS = ("estimand", "truth")
METRICS = (
    "rating_coverage",
    "pair_coverage",
    "simultaneous_rank_coverage",
    "marginal_rank_coverage",
    "rating_width",
    "pair_width",
    "simultaneous_rank_set_size",
    "marginal_rank_set_size",
)
_COVERAGE_KEYS = {
    "ratings": 0,
    "pairs": 1,
    "simultaneous_ranks": 2,
    "marginal_ranks": 3,
}
# (generated ties, fitted model) pairs whose estimand is exactly the true rating
_EXACT = {(None, "half"), ("symmetric", "half"), ("davidson", "davidson"),
          ("rao-kupper", "rao-kupper")}
_MAX_REDRAWS = 20
_FORBIDDEN_SIM_KWARGS = ("drift", "rng", "ties", "pairing")


class MonteCarloEstimate(NamedTuple):
    """A Monte-Carlo estimate and its standard error."""

    estimate: float
    standard_error: float


# ---------------------------------------------------------------------------- helpers
def _child(entropy: int, s: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy, spawn_key=(s,))


def _map(fn: Callable[[int], T], n: int, n_jobs: int) -> list[T]:
    """``[fn(s) for s in range(n)]``, on ``n_jobs`` threads (order and values identical)."""
    if n_jobs == 1 or n == 1:
        return [fn(s) for s in range(n)]
    with ThreadPoolExecutor(max_workers=min(n_jobs, n)) as pool:
        return list(pool.map(fn, range(n)))


def _check_tie_rate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"tie_rate must be a number in [0, 1); got {value!r}")
    t = float(value)
    if not (math.isfinite(t) and 0.0 <= t < 1.0):
        raise ValueError(f"tie_rate must lie in [0, 1); got {value!r}")
    return t


@dataclass(frozen=True)
class _Generator:
    """How one arena is simulated, and the outcome probabilities behind it."""

    labels: tuple[str, ...]
    ratings: Array
    n_votes: int
    ties: str | None
    sim_kwargs: dict[str, Any]
    pairing: Any
    tie_rate: float
    factor: float
    scale: float
    base: float
    win: Array  # (K, K) P(i beats j)
    tie: Array  # (K, K) P(tie)

    def draw(self, gen: np.random.Generator) -> Votes:
        if self.ties == "symmetric":
            return simulate_votes(
                self.ratings, self.n_votes, pairing=self.pairing, items=self.labels,
                ties="symmetric", tie_rate=self.tie_rate, rng=gen, **self.sim_kwargs,
            )
        return simulate_votes(
            self.ratings, self.n_votes, pairing=self.pairing, items=self.labels,
            ties=self.ties, rng=gen, **self.sim_kwargs,
        )


def _make_generator(
    true_ratings: Any, n_votes: int, ties: Any, pairing: Any, sim_kwargs: dict[str, Any]
) -> _Generator:
    for key in _FORBIDDEN_SIM_KWARGS:
        if key in sim_kwargs:
            why = {
                "drift": "the true ratings would change during the arena, so coverage of one "
                "rating vector is undefined",
                "rng": "pass rng= to this function (every simulation gets its own child seed)",
                "ties": "ties is an argument of this function",
                "pairing": "pairing is an argument of this function",
            }[key]
            raise ValueError(f"{key}= is not accepted here: {why}")
    if ties is not None and (not isinstance(ties, str) or ties not in GENERATED_TIES):
        opts = ", ".join(repr(x) for x in GENERATED_TIES)
        raise ValueError(f"ties must be None or one of {opts}; got {ties!r}")
    kw = dict(sim_kwargs)
    items = kw.pop("items", None)
    labels, r = parse_ratings(true_ratings, items)
    f = check_scale(kw.get("scale", 400.0), kw.get("base", 10.0))
    tie_rate = 0.0
    if ties == "symmetric":
        if "tie_parameter" in kw:
            raise ValueError("ties='symmetric' takes tie_rate, not tie_parameter")
        if "tie_rate" not in kw:
            raise ValueError("ties='symmetric' needs tie_rate (the probability of a tie)")
        tie_rate = _check_tie_rate(kw.pop("tie_rate"))
        tw = true_win_probability(
            r, ties="symmetric", tie_rate=tie_rate, scale=kw.get("scale", 400.0),
            base=kw.get("base", 10.0),
        )
        win, tie = np.array(tw.win), np.array(tw.tie)
    else:
        tw = true_win_probability(
            r, ties=ties, tie_rate=kw.get("tie_rate"), tie_parameter=kw.get("tie_parameter"),
            scale=kw.get("scale", 400.0), base=kw.get("base", 10.0),
        )
        win, tie = np.array(tw.win), np.array(tw.tie)
    np.fill_diagonal(win, 0.0)
    np.fill_diagonal(tie, 0.0)
    scale, base = float(kw.get("scale", 400.0)), float(kw.get("base", 10.0))
    return _Generator(labels, r, n_votes, ties, kw, pairing, tie_rate, f, scale, base, win, tie)


def _estimand(fit: BradleyTerryResult, g: _Generator, fit_ties: str) -> Array:
    """Pseudo-true ratings: the fit of ``fit_ties`` to the expected counts given the pairs."""
    c = fit.votes.counts
    n_pair = c.table().sum(axis=1)
    pi = np.asarray(c.pair_i)
    pj = np.asarray(c.pair_j)
    a = np.concatenate([pi, pj, pi])
    b = np.concatenate([pj, pi, pj])
    w = np.concatenate([n_pair * g.win[pi, pj], n_pair * g.win[pj, pi], n_pair * g.tie[pi, pj]])
    o = np.repeat(np.array([0, 0, 2], dtype=np.int8), pi.size)
    keep = w > 0
    ev = Votes(items=fit.items, a=a[keep], b=b[keep], outcome=o[keep], weight=w[keep])
    target = bradley_terry(
        ev, ties=fit_ties, scale=fit.scale, base=fit.base, offset=fit.normalization.offset,
        covariance="model",
    )
    return np.asarray(target.ratings, dtype=float)


def _fit_arena(
    g: _Generator, fit_ties: str, gen: np.random.Generator
) -> tuple[BradleyTerryResult, int]:
    """Simulate and fit one arena, redrawing (same stream) when the MLE does not exist."""
    for attempt in range(_MAX_REDRAWS + 1):
        votes = g.draw(gen)
        feats = list(g.sim_kwargs.get("features") or ())
        try:
            return bradley_terry(
                votes, ties=fit_ties, scale=g.scale, base=g.base, features=feats or None
            ), attempt
        except (NoFiniteEstimateError, DisconnectedGraphError):
            continue
    raise ValueError(
        f"{_MAX_REDRAWS + 1} simulated arenas in a row had no finite maximum-likelihood "
        "estimate (some item never won or never lost); use more votes or closer ratings"
    )


def _all_pairs(k: int) -> tuple[NDArray[np.intp], NDArray[np.intp], Array]:
    iu, ju = np.triu_indices(k, 1)
    cm = np.zeros((iu.size, k))
    cm[np.arange(iu.size), iu] = 1.0
    cm[np.arange(iu.size), ju] = -1.0
    return iu, ju, cm


def _interval_metrics(
    est_low: Array, est_high: Array, target: Array, pair_low: Array, pair_high: Array,
    pair_target: Array,
) -> list[float]:
    inside = (est_low <= target) & (target <= est_high)
    pin = (pair_low <= pair_target) & (pair_target <= pair_high)
    return [
        float(np.mean(inside)),
        float(np.mean(pin)),
        float(np.mean(est_high - est_low)),
        float(np.mean(pair_high - pair_low)),
    ]


def _rank_metrics(result: Any, true_rank: NDArray[np.int64], level: float,
                  gen: np.random.Generator) -> list[float]:
    sim = rank_intervals(result, confidence_level=level, simultaneous=True, rng=gen)
    mar = rank_intervals(result, confidence_level=level, simultaneous=False, rng=gen)
    sim_in = (sim.rank_low <= true_rank) & (true_rank <= sim.rank_high)
    mar_in = (mar.rank_low <= true_rank) & (true_rank <= mar.rank_high)
    return [
        float(np.all(sim_in)),
        float(np.mean(mar_in)),
        float(np.mean(sim.rank_high - sim.rank_low + 1)),
        float(np.mean(mar.rank_high - mar.rank_low + 1)),
    ]


# ---------------------------------------------------------------------------- coverage
@dataclass(frozen=True, eq=False, repr=False)
class CoverageStudyResult(DisplayMethods):
    """Result of :func:`coverage_study`.

    Attributes
    ----------
    methods : tuple of str
        Interval methods studied, in the order of ``per_simulation``'s second axis.
    metrics : tuple of str
        Names of ``per_simulation``'s last axis: per-simulation fraction of ratings
        covered, of pairwise differences covered, whether *every* true rank lies in its
        simultaneous rank set (0/1), fraction of true ranks in their marginal sets, mean
        rating-interval width, mean difference-interval width (Elo points), and mean size of
        the simultaneous and marginal rank sets. Rank metrics are NaN with
        ``rank_sets=False``.
    per_simulation : ndarray, shape (n_simulations, n_methods, 8)
        The per-simulation values; every summary is their mean over simulations, and the
        Monte-Carlo standard error is their SD (``ddof=1``) over ``sqrt(n_simulations)``
        (simulations are independent).
    items : tuple of str
    true_ratings : ndarray
        True ratings normalised like the fits (mean equal to the fits' mean).
    confidence_level : float
    n_simulations, n_votes : int
    n_resamples : int or None
        Bootstrap resamples per simulation (None when no bootstrap method was studied).
    ties : str or None
        Generating tie mechanism.
    fit_ties : str
        Tie model of the fits.
    target : str
        ``"estimand"`` or ``"truth"`` (see the module notes).
    estimand_shift : float
        Largest ``|estimand - true rating|`` over items and simulations (Elo points); 0 when
        the fitted tie model matches the generator.
    n_redrawn : int
        Simulated arenas redrawn because their MLE did not exist (results are conditional
        on estimability).
    seed : int
        Entropy of the child seeds: simulation ``s`` uses ``SeedSequence(seed, spawn_key=(s,))``.
    """

    _plot_function = "plot_coverage"

    methods: tuple[str, ...]
    metrics: tuple[str, ...]
    per_simulation: Array
    items: tuple[str, ...]
    true_ratings: Array
    confidence_level: float
    n_simulations: int
    n_votes: int
    n_resamples: int | None
    ties: str | None
    fit_ties: str
    target: str
    estimand_shift: float
    n_redrawn: int
    seed: int
    features: tuple[str, ...] = ()
    true_coefficients: Array | None = None
    per_simulation_coefficients: Array | None = None

    def _method_index(self, method: str) -> int:
        check_choice(method, "method", self.methods)
        return self.methods.index(method)

    def coverage(self, method: str, what: str = "ratings") -> MonteCarloEstimate:
        """Empirical coverage and its Monte-Carlo standard error.

        Parameters
        ----------
        method : str
            One of :attr:`methods`.
        what : {"ratings", "pairs", "simultaneous_ranks", "marginal_ranks"}
            Individual ratings, all pairwise differences, simultaneous rank sets (all true
            ranks covered at once) or marginal rank sets. For a study with ``features``
            (see :func:`coverage_study`) also ``"coefficients"`` (all feature coefficients)
            or one feature's name.
        """
        m = self._method_index(method)
        if self.features and what in ("coefficients", *self.features):
            return self._coefficient_estimate(m, what)
        key = check_choice(what, "what", (*_COVERAGE_KEYS, "coefficients", *self.features))
        return self._estimate(m, _COVERAGE_KEYS[key])

    def _coefficient_estimate(self, m: int, what: str) -> MonteCarloEstimate:
        """Coverage of the feature coefficients (all, averaged per simulation, or one)."""
        assert self.per_simulation_coefficients is not None
        cov = self.per_simulation_coefficients[:, m, :]
        x = cov.mean(axis=1) if what == "coefficients" else cov[:, self.features.index(what)]
        if np.all(np.isnan(x)):
            return MonteCarloEstimate(math.nan, math.nan)
        se = float(np.std(x, ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan
        return MonteCarloEstimate(float(np.mean(x)), se)

    def _estimate(self, m: int, j: int) -> MonteCarloEstimate:
        x = self.per_simulation[:, m, j]
        if np.all(np.isnan(x)):
            return MonteCarloEstimate(math.nan, math.nan)
        se = float(np.std(x, ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan
        return MonteCarloEstimate(float(np.mean(x)), se)

    def table(self) -> dict[str, Any]:
        """Columns of :meth:`to_frame` as a dict of lists (no pandas needed)."""
        cols: dict[str, list[Any]] = {"method": list(self.methods)}
        for name, j in zip(METRICS[:4], range(4), strict=True):
            cols[name] = []
            cols[name + "_se"] = []
            for m in range(len(self.methods)):
                est = self._estimate(m, j)
                cols[name].append(est.estimate)
                cols[name + "_se"].append(est.standard_error)
        for j, name in enumerate(METRICS[4:], start=4):
            cols[name] = [float(np.mean(self.per_simulation[:, m, j]))
                          for m in range(len(self.methods))]
        return dict(cols)

    def to_frame(self) -> pd.DataFrame:
        """One row per method: coverages, their Monte-Carlo SEs (``*_se``) and mean widths.

        Columns: ``method, rating_coverage, rating_coverage_se, pair_coverage,
        pair_coverage_se, simultaneous_rank_coverage, simultaneous_rank_coverage_se,
        marginal_rank_coverage, marginal_rank_coverage_se, rating_width, pair_width,
        simultaneous_rank_set_size, marginal_rank_set_size``. The level and settings are in
        ``df.attrs``. Needs pandas.
        """
        from .._core.format import require_pandas

        pdm = require_pandas("CoverageStudyResult.to_frame")
        df = pdm.DataFrame(self.table())
        df.attrs.update(
            confidence_level=self.confidence_level, n_simulations=self.n_simulations,
            n_votes=self.n_votes, n_resamples=self.n_resamples, ties=self.ties,
            fit_ties=self.fit_ties, target=self.target,
        )
        return df  # type: ignore[no-any-return]

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`)."""
        from .._core.table import Table

        cols = self.table()
        fm = {c: (f".{digits}f" if c.endswith(("width", "size")) else ".3f")
              for c in cols if c != "method"}
        note = (
            f"{self.n_simulations} simulated arenas x {self.n_votes:,} votes; nominal level "
            f"{self.confidence_level:g}; *_se: Monte-Carlo standard errors"
        )
        return Table({k: list(v) for k, v in cols.items()}, fm, "Coverage study", (note,))

    def __repr__(self) -> str:
        first = self.methods[0]
        est = self.coverage(first)
        return (
            f"<CoverageStudyResult: {self.n_simulations} arenas x {self.n_votes:,} votes, "
            f"{len(self.items)} items, {len(self.methods)} methods; {first} rating coverage "
            f"{est.estimate:.3f} ± {est.standard_error:.3f} (nominal "
            f"{self.confidence_level:g})>"
        )

    def summary(self) -> str:
        """Fixed-width table of coverage (± Monte-Carlo SE) and widths per method."""
        t = self.table()

        def cell(name: str, i: int) -> str:
            v, s = t[name][i], t[name + "_se"][i]
            return "       n/a" if math.isnan(v) else f"{v:.3f}±{s:.3f}"

        w = max(13, max(len(m) for m in self.methods))
        head = [
            "Coverage study (simulated arenas with known ratings)",
            f"  {self.n_simulations} arenas x {self.n_votes:,} votes, {len(self.items)} items; "
            f"generated ties: {self.ties}; fitted ties: {self.fit_ties}; target: {self.target}"
            f" (max shift from truth {self.estimand_shift:.2g} Elo)",
            f"  nominal level {self.confidence_level:g}; bootstrap resamples: "
            f"{self.n_resamples if self.n_resamples is not None else '-'}; arenas redrawn: "
            f"{self.n_redrawn}; seed {self.seed}",
            "  coverage ± Monte-Carlo SE; widths in Elo points, rank-set sizes in places",
            "",
            f"{'method':<{w}} {'ratings':>11} {'pairs':>11} {'ranks(sim)':>11} "
            f"{'ranks(marg)':>11} {'width':>8} {'pair w.':>8} {'set(sim)':>8} "
            f"{'set(marg)':>9}",
        ]
        rows = []
        for i, m in enumerate(self.methods):
            rows.append(
                f"{m:<{w}} {cell('rating_coverage', i):>11} {cell('pair_coverage', i):>11} "
                f"{cell('simultaneous_rank_coverage', i):>11} "
                f"{cell('marginal_rank_coverage', i):>11} {t['rating_width'][i]:>8.2f} "
                f"{t['pair_width'][i]:>8.2f} {t['simultaneous_rank_set_size'][i]:>8.2f} "
                f"{t['marginal_rank_set_size'][i]:>9.2f}"
            )
        return "\n".join(head + rows)


def _check_methods(methods: Any) -> tuple[str, ...]:
    if isinstance(methods, str):
        methods = (methods,)
    try:
        ms = tuple(methods)
    except TypeError:
        raise TypeError(f"methods must be a sequence of method names; got {methods!r}") from None
    if not ms:
        raise ValueError("methods must name at least one method")
    for m in ms:
        check_choice(m, "methods", METHODS)
    if len(set(ms)) != len(ms):
        raise ValueError(f"methods has duplicates: {ms!r}")
    return ms


def coverage_study(
    true_ratings: Mapping[Any, float] | Sequence[float] | NDArray[Any],
    n_votes: int,
    *,
    n_simulations: int = 200,
    methods: Sequence[str] = METHODS,
    confidence_level: float = 0.95,
    n_resamples: int = 200,
    ties: str | None = None,
    fit_ties: str = "auto",
    target: str = "estimand",
    pairing: Any = "uniform",
    rank_sets: bool = True,
    rng: Any = None,
    n_jobs: int = 1,
    **simulate_kwargs: Any,
) -> CoverageStudyResult:
    """Empirical coverage of elosim's intervals on simulated arenas with known ratings.

    Each simulation draws ``n_votes`` votes from ``true_ratings``
    (:func:`~elosim.simulate_votes`), fits Bradley–Terry, and records for every method
    whether the intervals contain the target: each rating, each pairwise difference, and
    the true ranks (simultaneous and marginal rank sets, :func:`~elosim.rank_intervals`).

    Parameters
    ----------
    true_ratings : mapping or array of float
        True Elo ratings (as in :func:`~elosim.simulate_votes`).
    n_votes : int
        Votes per simulated arena.
    n_simulations : int
        Number of independent arenas.
    methods : sequence of str
        Any of ``"wald-sandwich"``, ``"wald-model"`` (Wald intervals with the sandwich or
        model covariance) and ``"percentile"``, ``"basic"``, ``"bca"``, ``"studentized"``
        (one :func:`~elosim.bootstrap` per arena serves all four). Rank sets: normal max-t
        with the method's covariance for Wald methods; bootstrap max-t (shared by the four
        bootstrap methods) otherwise.
    confidence_level : float
        Nominal level of every interval and rank set.
    n_resamples : int
        Bootstrap resamples per arena.
    ties : {None, "symmetric", "davidson", "rao-kupper", "fixed"}
        Generating tie mechanism; ``tie_rate``/``tie_parameter`` go in ``simulate_kwargs``.
        ``"symmetric"`` (ties take ``t/2`` from each side) is generated here; the others are
        :func:`~elosim.simulate_votes`'s.
    fit_ties : {"auto", "half", "davidson", "rao-kupper"}
        Tie model of the fits. ``"auto"``: the model whose estimand is the true rating
        (``"half"`` for None/``"symmetric"``, ``"davidson"``, ``"rao-kupper"``), and
        ``"half"`` for ``"fixed"`` (no elosim model matches it; see the module notes).
    target : {"estimand", "truth"}
        Cover the fit's estimand (pseudo-true ratings; default) or the true ratings.
    pairing : str, array or callable
        Pairing policy of :func:`~elosim.simulate_votes`.
    rank_sets : bool
        Also study rank confidence sets.
    rng : None, int, SeedSequence or Generator
        Simulation ``s`` uses its own child seed ``SeedSequence(seed, spawn_key=(s,))``, so
        results do not depend on ``n_jobs``.
    n_jobs : int
        Threads running simulations.
    **simulate_kwargs
        Passed to :func:`~elosim.simulate_votes` (``tie_rate``, ``tie_parameter``,
        ``entries``, ``items``, ``scale``, ``base``, ``batch_size``); ``drift`` is refused.
        With ``features={name: beta}`` (and ``feature_distribution``) the arenas carry
        per-vote features with known coefficients, every fit is contextual
        (``bradley_terry(votes, features=...)``, ratings adjusted), and the study also
        records coverage of the coefficients: ``result.coverage(method, "coefficients")``.

    Returns
    -------
    CoverageStudyResult

    Raises
    ------
    ValueError
        Bad ``methods``, ``ties``, ``fit_ties``, ``target``, ``confidence_level``,
        counts, a refused keyword, or an arena design whose MLE keeps failing to exist.
    TypeError
        Arguments of the wrong type.

    Notes
    -----
    Coverage is the mean over arenas of the per-arena fraction covered; arenas are
    independent, so its Monte-Carlo SE is the SD of those fractions over
    ``sqrt(n_simulations)``. Arenas whose MLE does not exist (an item never won or never
    lost) are redrawn from the same child stream and counted in ``n_redrawn``; results are
    conditional on estimability. Warnings of the fits and bootstraps are not suppressed.
    With ``n_resamples`` = B the percentile endpoints carry Monte-Carlo noise that makes
    intervals slightly narrow (about 4% at B = 100; references: ref-bootstrap-mc).

    Examples
    --------
    >>> from elosim.simulation.studies import coverage_study
    >>> res = coverage_study([1050.0, 1000.0, 950.0], 500, n_simulations=10,
    ...                      methods=("wald-sandwich", "percentile"), n_resamples=50, rng=0)
    >>> res.per_simulation.shape
    (10, 2, 8)
    >>> 0.8 <= res.coverage("wald-sandwich").estimate <= 1.0
    True
    """
    n = check_positive_int(n_votes, "n_votes")
    n_sim = check_positive_int(n_simulations, "n_simulations")
    check_memory(
        64.0 * n_sim, f"coverage_study(n_simulations={n_sim:,})",
        "use fewer simulations (1,000 to 10,000 give a Monte-Carlo SE below 0.016)",
    )
    ms = _check_methods(methods)
    level = check_confidence_level(confidence_level)
    n_res = check_positive_int(n_resamples, "n_resamples")
    check_choice(fit_ties, "fit_ties", FIT_TIES)
    check_choice(target, "target", TARGETS)
    if not isinstance(rank_sets, bool):
        raise TypeError(f"rank_sets must be True or False; got {rank_sets!r}")
    jobs = check_positive_int(n_jobs, "n_jobs")
    g = _make_generator(true_ratings, n, ties, pairing, simulate_kwargs)
    model = fit_ties
    if model == "auto":
        model = ties if ties in ("davidson", "rao-kupper") else "half"
    exact = (ties, model) in _EXACT
    feats = tuple(str(x) for x in (g.sim_kwargs.get("features") or {}))
    beta = np.array([float(v) for v in (g.sim_kwargs.get("features") or {}).values()])
    if feats and not exact:
        raise ValueError(
            f"features need a fitted tie model that matches the generator (ties={ties!r} "
            f"is fitted exactly by fit_ties={'half' if ties in (None, 'symmetric') else ties!r})"
        )
    seed = int(check_rng(rng).integers(0, 2**63 - 1))
    k = g.ratings.size
    iu, ju, cm = _all_pairs(k)
    uses_boot = any(m in BOOTSTRAP_METHODS for m in ms)

    def one(s: int) -> tuple[Array, int, float, Array]:
        ss = _child(seed, s)
        g_sim, g_boot, g_rank = (np.random.default_rng(x) for x in ss.spawn(3))
        fit, redrawn = _fit_arena(g, model, g_sim)
        truth = fit.normalization.offset + g.ratings - g.ratings.mean()
        estimand = truth if exact else _estimand(fit, g, model)
        shift = float(np.max(np.abs(estimand - truth)))
        tgt = estimand if target == "estimand" else truth
        ptgt = tgt[iu] - tgt[ju]
        true_rank = point_ranks(tgt)
        out = np.full((len(ms), len(METRICS)), np.nan)
        coef = np.full((len(ms), len(feats)), np.nan)
        boot = None
        boot_ranks: list[float] | None = None
        for i, m in enumerate(ms):
            if m in WALD_METHODS:
                kind = "sandwich" if m == "wald-sandwich" else "model"
                ci = fit.confidence_interval(level, kind=kind)
                cov = fit.covariance(kind)
                se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", cm, cov, cm), 0.0, None))
                z = float(special.ndtri(0.5 + level / 2))
                gap = cm @ fit.ratings
                out[i, [0, 1, 4, 5]] = _interval_metrics(
                    ci.low, ci.high, tgt, gap - z * se, gap + z * se, ptgt
                )
                if rank_sets:
                    out[i, [2, 3, 6, 7]] = _rank_metrics(
                        _KindView(fit, kind), true_rank, level, g_rank
                    )
                if feats:
                    tab = fit.coefficient_table(level, kind=kind)  # type: ignore[attr-defined]
                    coef[i] = (tab.ci_low <= beta) & (beta <= tab.ci_high)
            else:
                if boot is None:
                    boot = bootstrap(fit, n_resamples=n_res, confidence_level=level, rng=g_boot)
                ci = boot.confidence_interval(level, method=m)
                pci = boot.contrast_interval(cm, confidence_level=level, method=m)
                out[i, [0, 1, 4, 5]] = _interval_metrics(
                    ci.low, ci.high, tgt, pci.low, pci.high, ptgt
                )
                if rank_sets:
                    if boot_ranks is None:
                        boot_ranks = _rank_metrics(boot, true_rank, level, g_rank)
                    out[i, [2, 3, 6, 7]] = boot_ranks
                if feats and m != "studentized":
                    bci = boot.coefficient_interval(level, method=m)  # type: ignore[attr-defined]
                    coef[i] = (bci.low <= beta) & (beta <= bci.high)
        return out, redrawn, shift, coef

    results = _map(one, n_sim, jobs)
    per_sim = np.stack([r[0] for r in results])
    per_sim.flags.writeable = False
    truth0 = 1000.0 + g.ratings - g.ratings.mean()
    truth0.flags.writeable = False
    return CoverageStudyResult(
        methods=ms,
        metrics=METRICS,
        per_simulation=per_sim,
        items=g.labels,
        true_ratings=truth0,
        confidence_level=level,
        n_simulations=n_sim,
        n_votes=n,
        n_resamples=n_res if uses_boot else None,
        ties=ties,
        fit_ties=model,
        target=target,
        estimand_shift=max(r[2] for r in results),
        n_redrawn=sum(r[1] for r in results),
        seed=seed,
        features=feats,
        true_coefficients=readonly(beta) if feats else None,
        per_simulation_coefficients=(
            readonly(np.stack([r[3] for r in results])) if feats else None
        ),
    )


class _KindView:
    """A fit seen through one covariance kind (for :func:`rank_intervals`)."""

    def __init__(self, fit: BradleyTerryResult, kind: str) -> None:
        self.items = fit.items
        self.ratings = fit.ratings
        self.default_covariance = kind
        self._fit = fit
        self._kind = kind

    def covariance(self, kind: str | None = None) -> Array:
        return self._fit.covariance(self._kind if kind is None else kind)


# ---------------------------------------------------------------------------- power
@dataclass(frozen=True, repr=False)
class GapPowerSimulation(DisplayMethods):
    """Result of :func:`simulated_gap_power`.

    Attributes
    ----------
    power : float
        Fraction of simulated arenas in which :func:`elosim.gap_test` rejected "no gap"
        (two-sided, ``p < 1 - confidence_level``).
    standard_error : float
        Monte-Carlo SE, ``sqrt(power (1 - power) / n_simulations)``.
    closed_form_power : float
        :func:`elosim.power` for the same setting (``1 - confidence_level`` at ``gap=0``).
    pvalues : ndarray
        The gap test's p-value in every arena (0 for arenas whose MLE did not exist
        because one item won or lost every vote: counted as rejections).
    gap, n_votes, n_items, design, method, confidence_level, tie_rate, n_simulations
        The settings.
    n_infinite : int
        Arenas whose MLE did not exist.
    seed : int
        Entropy of the per-arena child seeds.
    """

    power: float
    standard_error: float
    closed_form_power: float
    pvalues: Array
    gap: float
    n_votes: int
    n_items: int
    design: str
    method: str
    confidence_level: float
    tie_rate: float
    n_simulations: int
    n_resamples: int | None
    n_infinite: int
    seed: int

    def __repr__(self) -> str:
        return (
            f"<GapPowerSimulation: power {self.power:.4f} ± {self.standard_error:.4f} (MC SE) "
            f"vs closed form {self.closed_form_power:.4f}; gap {self.gap:g}, "
            f"{self.n_votes:,} votes, {self.design}, {self.method}, "
            f"{self.n_simulations} arenas>"
        )

    @property
    def z_score(self) -> float:
        """``(power - closed_form_power) / standard_error`` (inf when the SE is 0)."""
        diff = self.power - self.closed_form_power
        if self.standard_error == 0:
            return 0.0 if diff == 0 else math.copysign(math.inf, diff)
        return diff / self.standard_error

    def summary(self) -> str:
        """Text summary: simulated and closed-form power and the settings."""
        return "\n".join([
            "Simulated power of the gap test (real fits on simulated arenas)",
            f"  gap {self.gap:g} Elo, {self.n_votes:,} votes, design {self.design}"
            f" ({self.n_items} items), tie rate {self.tie_rate:g}",
            f"  test: gap_test, {self.method}, level {1 - self.confidence_level:g} two-sided"
            + (f", {self.n_resamples} resamples" if self.n_resamples else ""),
            f"  power {self.power:.4f} ± {self.standard_error:.4f} (MC SE, "
            f"{self.n_simulations} arenas); closed form {self.closed_form_power:.4f}; "
            f"z = {self.z_score:.2f}",
            f"  arenas with no finite MLE (counted as rejections): {self.n_infinite}",
        ])

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): one row."""
        more = {
            "closed_form_power": float(self.closed_form_power),
            "z_score": float(self.z_score),
            "n_simulations": int(self.n_simulations),
            "n_infinite": int(self.n_infinite),
        }
        note = (
            f"gap_test ({self.method}"
            + (f", {self.n_resamples} resamples" if self.n_resamples else "")
            + f"), two-sided at level {1 - self.confidence_level:.10g}; design {self.design} "
            f"({self.n_items} items), tie rate {self.tie_rate:g}; seed {self.seed}; "
            "standard_error: Monte-Carlo; n_infinite: arenas without a finite MLE (rejections)"
        )
        return power_table(
            self, "Simulated power of the gap test", note, digits, more,
            {"closed_form_power": ".4f", "z_score": ".2f"},
        )

    def to_frame(self) -> pd.DataFrame:
        """The one-row standard table (:meth:`to_markdown`'s columns); the settings are in
        ``DataFrame.attrs``. Needs pandas."""
        return table_frame(
            self._table(), "GapPowerSimulation.to_frame", design=self.design,
            method=self.method, confidence_level=self.confidence_level, tie_rate=self.tie_rate,
            n_items=self.n_items, n_resamples=self.n_resamples, seed=self.seed,
        )


def simulated_gap_power(
    gap: float,
    n_votes: int,
    *,
    n_items: int = 2,
    design: str = "head-to-head",
    n_simulations: int = 1000,
    confidence_level: float = 0.95,
    method: str = "wald-sandwich",
    n_resamples: int = 499,
    tie_rate: float = 0.0,
    rng: Any = None,
    n_jobs: int = 1,
) -> GapPowerSimulation:
    """Power of the real :func:`elosim.gap_test` on simulated arenas.

    Items ``A`` and ``B`` have true ratings ``1000 ± gap/2``; with ``n_items > 2``
    (``design="round-robin"``) the others are at 1000 (parity, as the closed form assumes)
    and pairs are drawn uniformly. Every arena is simulated with
    :func:`~elosim.simulate_votes`, fitted with :func:`~elosim.bradley_terry` (half-win
    ties) and, for bootstrap methods, :func:`~elosim.bootstrap`; :func:`~elosim.gap_test`
    then tests ``A`` vs ``B``. Unlike :func:`elosim.simulated_power` (a closed-form two-item
    shortcut), this exercises the whole pipeline.

    Parameters
    ----------
    gap : float
        True gap ``R_A - R_B`` (>= 0; 0 checks the test's size).
    n_votes : int
        Total votes per arena.
    n_items : int
        Items in the arena (2 for ``"head-to-head"``).
    design : {"head-to-head", "round-robin"}
        All votes A vs B, or votes spread uniformly over all pairs of ``n_items`` items.
    n_simulations : int
        Number of arenas.
    confidence_level : float
        ``1 - α`` of the two-sided test.
    method : {"wald-sandwich", "wald-model", "percentile", "basic", "bca", "studentized"}
        Wald test with the sandwich or model covariance, or a bootstrap test.
    n_resamples : int
        Bootstrap resamples per arena (bootstrap methods only).
    tie_rate : float
        Tie rate in [0, 1); ties take ``t/2`` from each side so the half-win target is the
        true gap (as :func:`elosim.power` assumes).
    rng : None, int, SeedSequence or Generator
        Arena ``s`` uses ``SeedSequence(seed, spawn_key=(s,))``: identical for any
        ``n_jobs``.
    n_jobs : int
        Threads.

    Returns
    -------
    GapPowerSimulation

    Raises
    ------
    ValueError
        ``gap < 0``, bad counts, unknown ``design`` or ``method``, ``n_items != 2`` with
        ``"head-to-head"``, or ``n_items < 3`` with ``"round-robin"``.

    Examples
    --------
    >>> from elosim.simulation.studies import simulated_gap_power
    >>> res = simulated_gap_power(20, 2369, n_simulations=100, rng=0)
    >>> abs(res.power - res.closed_form_power) < 4 * res.standard_error
    True
    """
    from .planning import power as closed_power

    gap_any: Any = gap
    if isinstance(gap_any, bool) or not isinstance(gap_any, numbers.Real):
        raise TypeError(f"gap must be a number >= 0 (Elo points); got {gap!r}")
    d = float(gap_any)
    if not (math.isfinite(d) and d >= 0):
        raise ValueError(f"gap must be a finite number >= 0 (Elo points); got {gap!r}")
    n = check_positive_int(n_votes, "n_votes")
    n_sim = check_positive_int(n_simulations, "n_simulations")
    check_memory(
        64.0 * n_sim, f"simulated_gap_power(n_simulations={n_sim:,})",
        "use fewer simulations (1,000 to 10,000 give a Monte-Carlo SE below 0.016)",
    )
    check_choice(design, "design", ("head-to-head", "round-robin"))
    k = check_positive_int(n_items, "n_items", minimum=2)
    if design == "head-to-head" and k != 2:
        raise ValueError(f"design='head-to-head' needs n_items=2; got n_items={n_items!r}")
    if design == "round-robin" and k < 3:
        raise ValueError(
            f"design='round-robin' needs n_items >= 3 (use 'head-to-head' for 2); got {k}"
        )
    check_choice(method, "method", METHODS)
    level = check_confidence_level(confidence_level)
    n_res = check_positive_int(n_resamples, "n_resamples")
    t = _check_tie_rate(tie_rate)
    jobs = check_positive_int(n_jobs, "n_jobs")
    seed = int(check_rng(rng).integers(0, 2**63 - 1))
    ratings = np.full(k, 1000.0)
    ratings[0] += d / 2
    ratings[1] -= d / 2
    labels = ("A", "B", *(f"item{i}" for i in range(2, k)))
    if d > 0:
        cf = closed_power(d, n, confidence_level=level, tie_rate=t, design=design,
                          n_items=k if design == "round-robin" else None)
    else:
        cf = 1.0 - level
    boot = method in BOOTSTRAP_METHODS

    def one(s: int) -> float:
        g_sim, g_boot = (np.random.default_rng(x) for x in _child(seed, s).spawn(2))
        votes = simulate_votes(
            ratings, n, items=labels, ties="symmetric" if t > 0 else None,
            tie_rate=t if t > 0 else None, rng=g_sim,
        )
        try:
            fit = bradley_terry(votes)
        except (NoFiniteEstimateError, DisconnectedGraphError):
            return math.nan
        if boot:
            res = bootstrap(fit, n_resamples=n_res, method=method, confidence_level=level,
                            rng=g_boot)
            return gap_test(res, "A", "B", confidence_level=level).pvalue
        kind = "sandwich" if method == "wald-sandwich" else "model"
        return gap_test(fit, "A", "B", confidence_level=level, kind=kind).pvalue

    p = np.array(_map(one, n_sim, jobs), dtype=float)
    n_inf = int(np.count_nonzero(np.isnan(p)))
    p = np.where(np.isnan(p), 0.0, p)
    p.flags.writeable = False
    pw = float(np.mean(p < 1.0 - level))
    return GapPowerSimulation(
        power=pw,
        standard_error=math.sqrt(pw * (1.0 - pw) / n_sim),
        closed_form_power=float(cf),
        pvalues=p,
        gap=d,
        n_votes=n,
        n_items=k,
        design=design,
        method=method,
        confidence_level=level,
        tie_rate=t,
        n_simulations=n_sim,
        n_resamples=n_res if boot else None,
        n_infinite=n_inf,
        seed=seed,
    )
