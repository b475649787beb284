"""Power and sample size for detecting an Elo gap between two items.

Closed forms (references: ref-power) built from the Elo curve and the binomial variance of
one vote, plus a cheap Monte-Carlo check (:func:`simulated_power`) that draws the two-item
vote counts directly.

Model
-----
Let ``f = scale / ln(base)`` (173.7178 Elo per natural log-odds unit) and let a vote score
``y`` be 1 (win), ½ (tie) or 0 (loss) for the better item (half-win coding, as LMArena,
FastChat and arena-rank fit). The gap ``d`` is the gap of the half-win Bradley–Terry model:
``E[y] = p = 1 / (1 + base**(-d / scale))``. With tie rate ``t`` the per-vote variance of
``y`` is ``p(1 - p) - t/4`` and the sandwich variance of one vote's log-odds estimate is

``v(p, t) = (p(1 - p) - t/4) / (p(1 - p))**2``,

so ``SE(d_hat) = f * sqrt(v / n_eff)``. At parity (``p = ½``) this is
``2 f sqrt(1 - t) / sqrt(n) = 347.44 sqrt(1 - t) / sqrt(n)``.

Designs (``n`` is the **total** number of votes):

* ``"head-to-head"``: all ``n`` votes are A against B; ``n_eff = n``.
* ``"common-opponents"``: A and B each play ``n/2`` votes against a common, perfectly known
  reference pool (never each other); the two estimates are independent, so
  ``Var = 2 * v f² / (n/2) = 4 v f² / n``: four times the head-to-head votes (the classic
  chess-engine result). With a pool that is itself estimated the factor is larger.
* ``"round-robin"``: ``n_items`` items, the ``n`` votes spread evenly over all
  ``P = n_items (n_items - 1) / 2`` pairs (``m = n / P`` votes per pair). The Fisher
  information (log-odds units, at parity) is ``(m / 4) L`` with ``L = n_items I - J`` the
  Laplacian of the complete graph, whose pseudo-inverse is ``(I - J / n_items) / n_items``.
  Hence ``Var(λ_A - λ_B) = 4 (e_A - e_B)' L⁺ (e_A - e_B) / m = 8 / (n_items m)`` and, in
  total votes, ``Var = 4 f² (n_items - 1) / n``: the A–B difference is as precise as
  ``n / (n_items - 1)`` head-to-head votes. With ``n_items = 2`` this is head-to-head.
  (For ``variance="alternative"`` the parity information ``1/4`` of the *other* pairs is
  kept; only the A–B factor ``v(p, t)`` changes, an approximation.)

Where the variance is evaluated (``variance=``): ``"alternative"`` (default) uses ``p`` at
the true gap, which is what the Wald test actually sees, so the predicted power matches the
test's (for a 100-point gap, 95 head-to-head votes give 76.8% predicted and 76.4% ± 0.3%
simulated, where ``"parity"`` predicts 80.1%); ``"parity"`` uses ``p = ½`` for every vote
(the local-alternative approximation behind the closed forms: ``votes_needed(1, variance="parity")``
is 947,450, against 947,458 at the alternative), optimistic for large gaps.

Two-sided power counts both rejection regions,
``Φ(d/SE - z) + Φ(-d/SE - z)`` with ``z = z_{1-α/2}``; :func:`votes_needed` and
:func:`min_detectable_gap` use the usual one-tail approximation
``n = ((z_{1-α/2} + z_{power}) SE₁ / d)²`` (the other tail adds less than 10⁻⁵ power at
80%). ``votes_needed`` rounds up.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from .._core.elo import elo_factor
from .._core.frames import table_frame
from .._core.normal import norm
from .._core.resources import check_memory
from .._core.results import DisplayMethods
from .._core.table import Table
from .._core.validation import (
    check_choice,
    check_confidence_level,
    check_finite_real,
    check_positive_int,
    check_rng,
)
from .scale import check_scale_base

__all__ = [
    "SimulatedPower",
    "min_detectable_gap",
    "power",
    "simulated_power",
    "votes_needed",
]

_DESIGNS = ("head-to-head", "common-opponents", "round-robin")
_ALTERNATIVES = ("two-sided", "greater")
_VARIANCES = ("parity", "alternative")


# ---------------------------------------------------------------------------- validation
def _check_gap(gap: Any) -> float:
    g = check_finite_real(gap, "gap")
    if g <= 0:
        raise ValueError(
            f"gap must be a positive Elo difference (the true rating of the better item minus "
            f"the other); got {gap!r}"
        )
    return g


def _check_power(value: Any) -> float:
    x = check_finite_real(value, "power")
    if not 0.0 < x < 1.0:
        raise ValueError(f"power must lie strictly between 0 and 1 (e.g. 0.8); got {value!r}")
    return x


def _check_tie_rate(value: Any) -> float:
    t = check_finite_real(value, "tie_rate")
    if not 0.0 <= t < 1.0:
        raise ValueError(f"tie_rate must lie in [0, 1); got {value!r}")
    return t


def _check_n_votes(value: Any, name: str = "n_votes") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number of votes; got {value!r}")
    n = float(value)
    if not math.isfinite(n) or n <= 0:
        raise ValueError(f"{name} must be a positive, finite number of votes; got {value!r}")
    return n


@dataclass(frozen=True)
class _Setup:
    alpha: float
    z_alpha: float
    tie_rate: float
    design: str
    n_items: int | None
    variance: str
    factor: float  # Elo points per natural log-odds unit
    alternative: str


def _setup(
    confidence_level: Any,
    tie_rate: Any,
    design: Any,
    n_items: Any,
    alternative: Any,
    variance: Any,
    scale: Any,
    base: Any,
) -> _Setup:
    level = check_confidence_level(confidence_level)
    t = _check_tie_rate(tie_rate)
    check_choice(design, "design", _DESIGNS)
    check_choice(alternative, "alternative", _ALTERNATIVES)
    check_choice(variance, "variance", _VARIANCES)
    sc, bs = check_scale_base(scale, base)
    k: int | None = None
    if design == "round-robin":
        if n_items is None:
            raise ValueError("design='round-robin' needs n_items (the number of items, >= 2)")
        k = check_positive_int(n_items, "n_items", minimum=2)
    elif n_items is not None:
        raise ValueError(f"n_items is used only with design='round-robin'; got design={design!r}")
    alpha = 1.0 - level
    z = float(norm.ppf(1.0 - alpha / 2.0)) if alternative == "two-sided" else float(
        norm.ppf(1.0 - alpha)
    )
    return _Setup(alpha, z, t, design, k, variance, elo_factor(sc, bs), alternative)


def _setup_for_power(power: Any, *settings: Any) -> tuple[_Setup, float]:
    """Check ``power`` and the test's ``settings`` (as :func:`_setup` takes them); return the
    setup and ``z_alpha + z_power``, the total of normal quantiles a detection needs."""
    pw = _check_power(power)
    s = _setup(*settings)
    return s, s.z_alpha + float(norm.ppf(pw))


def _per_vote_variance(gap: float, s: _Setup) -> float:
    """Variance of the Elo-gap estimate times the total number of votes."""
    if s.variance == "parity":
        p = 0.5
    else:
        p = float(special.expit(gap / s.factor))
        if 1.0 - p < s.tie_rate / 2.0:
            raise ValueError(
                f"tie_rate={s.tie_rate!r} is impossible at gap={gap!r} under half-win coding: "
                f"the worse item's expected score {1.0 - p:.4g} is below tie_rate/2"
            )
    q = p * (1.0 - p)
    v = (q - s.tie_rate / 4.0) / q**2  # log-odds variance of one head-to-head vote
    mult = {"head-to-head": 1.0, "common-opponents": 4.0}.get(s.design)
    if mult is None:  # round-robin
        assert s.n_items is not None
        mult = float(s.n_items - 1)
    return s.factor**2 * v * mult


def _power(gap: float, n: float, s: _Setup) -> float:
    se = math.sqrt(_per_vote_variance(gap, s) / n)
    out = float(norm.cdf(gap / se - s.z_alpha))
    if s.alternative == "two-sided":
        out += float(norm.cdf(-gap / se - s.z_alpha))
    return out


# ---------------------------------------------------------------------------- public API
def votes_needed(
    gap: float,
    *,
    power: float = 0.8,
    confidence_level: float = 0.95,
    tie_rate: float = 0.0,
    design: str = "head-to-head",
    n_items: int | None = None,
    alternative: str = "two-sided",
    variance: str = "alternative",
    scale: float = 400.0,
    base: float = 10.0,
) -> int:
    """Total number of votes needed to detect an Elo gap with a Wald test.

    ``n = ceil(((z_{1-α/2} + z_{power}) · σ / gap)²)`` where ``σ`` is the per-vote standard
    deviation of the gap estimate for the chosen design (see the module notes:
    ``σ = 2·400/ln10·sqrt(1 - tie_rate) = 347.44·sqrt(1 - tie_rate)`` head-to-head at parity).

    Parameters
    ----------
    gap : float
        True Elo difference (> 0) between the two items, on the half-win Bradley–Terry scale.
    power : float
        Required probability of rejecting "no gap" (in (0, 1)).
    confidence_level : float
        ``1 - α`` of the test (0.95 for a 5% test).
    tie_rate : float
        Fraction of votes that are ties (in [0, 1)); under half-win coding each tie carries
        less noise, so the variance is multiplied by ``1 - tie_rate`` at parity.
    design : {"head-to-head", "common-opponents", "round-robin"}
        How the votes are spent (see the module notes): all on A vs B; A and B each against a
        common, perfectly known pool (about 4x the votes); or spread evenly over all pairs of
        ``n_items`` items (``n_items - 1`` times the votes).
    n_items : int, optional
        Number of items; required for (and only allowed with) ``design="round-robin"``.
    alternative : {"two-sided", "greater"}
        Two-sided test, or one-sided in the direction of the true gap.
    variance : {"alternative", "parity"}
        Evaluate the vote variance at the true win probability implied by ``gap`` (default:
        the variance the Wald test sees, so the prediction matches its power) or at a win
        probability of ½ (the closed forms; optimistic for large gaps, e.g. 80.1% predicted where
        the test has 76.8% for a 100-point gap).
    scale, base : float
        Elo scale (400 points per factor ``base`` = 10 in odds).

    Returns
    -------
    int
        Total votes, rounded up.

    Raises
    ------
    ValueError
        ``gap <= 0``, ``power`` or ``confidence_level`` outside (0, 1), ``tie_rate`` outside
        [0, 1), an unknown ``design``/``alternative``/``variance``, or a missing ``n_items``.

    References
    ----------
    .. [1] elosim documentation, references: ref-power (derived from
       the Elo curve and the binomial variance).

    Examples
    --------
    >>> from elosim.simulation.planning import votes_needed
    >>> votes_needed(1)
    947458
    >>> votes_needed(1, variance="parity")
    947450
    >>> votes_needed(20)
    2377
    >>> votes_needed(20, design="common-opponents")
    9506
    >>> votes_needed(20, tie_rate=0.2)
    1900
    """
    g = _check_gap(gap)
    s, z = _setup_for_power(
        power, confidence_level, tie_rate, design, n_items, alternative, variance, scale, base
    )
    try:
        n = (z / g) ** 2 * _per_vote_variance(g, s)
    except OverflowError:
        n = math.inf
    if not n < _MAX_VOTES:
        raise ValueError(
            f"gap={gap!r} is too small to plan for: detecting it would need more than "
            f"{_MAX_VOTES:.0e} votes (about {n:.3g}). Remedy: plan for a larger gap (see "
            "elosim.min_detectable_gap for the smallest gap a given number of votes detects)"
        )
    # guard against 947450.0000000001-style rounding up from floating-point noise
    return math.ceil(n - 1e-9 * max(1.0, n))


#: Largest vote count :func:`votes_needed` reports (beyond it the plan is meaningless).
_MAX_VOTES = 1e15


def power(
    gap: float,
    n_votes: float,
    *,
    confidence_level: float = 0.95,
    tie_rate: float = 0.0,
    design: str = "head-to-head",
    n_items: int | None = None,
    alternative: str = "two-sided",
    variance: str = "alternative",
    scale: float = 400.0,
    base: float = 10.0,
) -> float:
    """Probability that a Wald test on ``n_votes`` votes detects an Elo gap.

    Normal approximation: ``Φ(gap/SE - z) + Φ(-gap/SE - z)`` (two-sided; the second term is
    dropped for ``alternative="greater"``) with ``SE = σ / sqrt(n_votes)``.

    Parameters
    ----------
    gap : float
        True Elo difference (> 0).
    n_votes : float
        Total number of votes (> 0) spent according to ``design``.
    confidence_level, tie_rate, design, n_items, alternative, variance, scale, base
        As in :func:`votes_needed`.

    Returns
    -------
    float
        The power, in (0, 1).

    Raises
    ------
    ValueError
        As in :func:`votes_needed`, or ``n_votes <= 0``.

    Examples
    --------
    >>> from elosim.simulation.planning import power
    >>> round(power(1, 947450), 4)
    0.8
    >>> round(power(10, 1000), 3)
    0.149
    """
    g = _check_gap(gap)
    n = _check_n_votes(n_votes)
    s = _setup(confidence_level, tie_rate, design, n_items, alternative, variance, scale, base)
    return _power(g, n, s)


def min_detectable_gap(
    n_votes: float,
    *,
    power: float = 0.8,
    confidence_level: float = 0.95,
    tie_rate: float = 0.0,
    design: str = "head-to-head",
    n_items: int | None = None,
    alternative: str = "two-sided",
    variance: str = "alternative",
    scale: float = 400.0,
    base: float = 10.0,
) -> float:
    """Smallest Elo gap detected with the given power from ``n_votes`` votes.

    ``gap = (z_{1-α/2} + z_{power}) · σ / sqrt(n_votes)`` (closed form for
    ``variance="parity"``; solved numerically when the variance depends on the gap).

    Parameters
    ----------
    n_votes : float
        Total number of votes (> 0).
    power, confidence_level, tie_rate, design, n_items, alternative, variance, scale, base
        As in :func:`votes_needed`.

    Returns
    -------
    float
        The minimal detectable gap in Elo points.

    Raises
    ------
    ValueError
        As in :func:`votes_needed`, or ``n_votes <= 0``.

    Examples
    --------
    >>> from elosim.simulation.planning import min_detectable_gap
    >>> round(min_detectable_gap(947450), 4)
    1.0
    >>> round(min_detectable_gap(10_000), 2)
    9.74
    """
    n = _check_n_votes(n_votes)
    s, z = _setup_for_power(
        power, confidence_level, tie_rate, design, n_items, alternative, variance, scale, base
    )
    # at parity the variance does not depend on the gap: closed form
    g_parity = z * math.sqrt(_per_vote_variance(1.0, _replace_variance(s)) / n)
    if s.variance == "parity":
        return g_parity

    def h(g: float) -> float:
        return g - z * math.sqrt(_per_vote_variance(g, s) / n)

    # the variance grows with the gap; bracket between the parity solution and a large gap
    hi = g_parity
    while h(hi) < 0:
        hi *= 2.0
        if hi > 1e6:
            raise ValueError(
                f"no detectable gap with n_votes={n_votes!r} and tie_rate={s.tie_rate!r} "
                "(the required gap makes the tie rate impossible)"
            )
    from scipy import optimize

    return float(optimize.brentq(h, 1e-9 * g_parity, hi, xtol=1e-12, rtol=1e-12))


def _replace_variance(s: _Setup) -> _Setup:
    return _Setup(
        s.alpha, s.z_alpha, s.tie_rate, s.design, s.n_items, "parity", s.factor, s.alternative
    )


# ---------------------------------------------------------------------------- simulation
@dataclass(frozen=True)
class SimulatedPower(DisplayMethods):
    """Result of :func:`simulated_power`.

    Attributes
    ----------
    power : float
        Fraction of simulated studies in which the Wald test rejected "no gap".
    standard_error : float
        Monte-Carlo standard error of ``power``: ``sqrt(power (1 - power) / n_simulations)``.
    n_simulations : int
        Number of simulated studies.
    gap, n_votes, confidence_level, tie_rate, design, alternative
        The settings simulated.
    statistic : numpy.ndarray
        The Wald ``z`` statistic of every simulated study (``±inf`` when one side won or lost
        every vote).
    """

    power: float
    standard_error: float
    n_simulations: int
    gap: float
    n_votes: int
    confidence_level: float
    tie_rate: float
    design: str
    alternative: str
    statistic: np.ndarray

    def __repr__(self) -> str:
        return (
            f"SimulatedPower(power={self.power:.4f} ± {self.standard_error:.4f} (MC SE), "
            f"gap={self.gap:g}, n_votes={self.n_votes}, design={self.design!r}, "
            f"n_simulations={self.n_simulations})"
        )

    def _settings(self) -> str:
        return (
            f"{self.design} design, {self.alternative} Wald test at level "
            f"{1 - self.confidence_level:.10g}, tie rate {self.tie_rate:g}, "
            f"{self.n_simulations:,} simulated studies"
        )

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): one row."""
        note = self._settings() + "; standard_error: Monte-Carlo standard error"
        return power_table(
            self, "Simulated power", note, digits, {"n_simulations": int(self.n_simulations)}
        )

    def to_frame(self) -> Any:
        """The one-row standard table (:meth:`to_markdown`'s columns); the settings are in
        ``DataFrame.attrs``. Needs pandas."""
        return table_frame(
            self._table(), "SimulatedPower.to_frame", confidence_level=self.confidence_level,
            tie_rate=self.tie_rate, design=self.design, alternative=self.alternative,
        )

    def summary(self) -> str:
        """Fixed-width text: the simulated power, its Monte-Carlo SE and the settings."""
        rows = [
            ("gap (Elo points)", f"{self.gap:g}"),
            ("votes per study", f"{self.n_votes:,}"),
            ("design", self.design),
            ("alternative", self.alternative),
            ("test level", f"{1 - self.confidence_level:.10g}"),
            ("tie rate", f"{self.tie_rate:g}"),
            ("simulated studies", f"{self.n_simulations:,}"),
            ("power", f"{self.power:.4f}"),
            ("Monte-Carlo SE", f"{self.standard_error:.4f}"),
        ]
        lines = ["Simulated power (two-item Wald test)", "=" * 44]
        lines += [f"{k:<24}{v:>20}" for k, v in rows]
        return "\n".join(lines)


def power_table(
    result: Any,
    title: str,
    note: str,
    digits: int,
    more: dict[str, Any],
    formats: dict[str, str] | None = None,
) -> Table:
    """The one-row display table of a simulated power.

    Parameters
    ----------
    result : SimulatedPower or GapPowerSimulation
        Any result with ``gap``, ``n_votes``, ``power`` and ``standard_error``.
    title, note : str
        The table's title and its one note (the settings simulated).
    digits : int
        Decimals of the gap.
    more : dict
        Further columns after ``gap, n_votes, power, standard_error`` (one value each).
    formats : dict, optional
        Number formats of the columns in ``more``.

    Returns
    -------
    Table
    """
    cols: dict[str, list[Any]] = {
        "gap": [float(result.gap)],
        "n_votes": [int(result.n_votes)],
        "power": [float(result.power)],
        "standard_error": [float(result.standard_error)],
        **{name: [value] for name, value in more.items()},
    }
    fm = {"gap": f".{int(digits)}f", "power": ".4f", "standard_error": ".4f", **(formats or {})}
    return Table(cols, fm, title, (note,))


def _two_item_z(
    rng: np.random.Generator, n: int, gap: float, tie_rate: float, factor: float, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate ``size`` head-to-head studies; return (gap estimate, SE) in Elo points.

    Scores (wins + ½ ties) are drawn as a multinomial; the decisive-vote win probability is
    chosen so that the expected half-win score equals the Elo win probability of ``gap``.
    """
    p = float(special.expit(gap / factor))
    p_win = p - tie_rate / 2.0
    p_loss = 1.0 - p - tie_rate / 2.0
    if p_win < 0 or p_loss < 0:
        raise ValueError(
            f"tie_rate={tie_rate!r} is impossible at gap={gap!r}: the expected half-win score "
            f"{p:.4g} needs P(win) = {p_win:.4g} and P(loss) = {p_loss:.4g} to be >= 0"
        )
    counts = rng.multinomial(n, [p_win, p_loss, tie_rate], size=size)
    w = counts[:, 0].astype(float)
    ties = counts[:, 2].astype(float)
    phat = (w + 0.5 * ties) / n
    var_y = (w + 0.25 * ties) / n - phat**2  # empirical variance of the half-win score
    with np.errstate(divide="ignore", invalid="ignore"):
        est = factor * special.logit(phat)
        se = factor * np.sqrt(var_y / n) / (phat * (1.0 - phat))
    return est, se


def simulated_power(
    gap: float,
    n_votes: int,
    *,
    n_simulations: int = 10_000,
    confidence_level: float = 0.95,
    tie_rate: float = 0.0,
    design: str = "head-to-head",
    alternative: str = "two-sided",
    scale: float = 400.0,
    base: float = 10.0,
    rng: Any = None,
) -> SimulatedPower:
    """Monte-Carlo power of the two-item Wald gap test (checks :func:`power`).

    Each simulated study draws the vote counts directly (a multinomial: wins, losses,
    ties), so a million votes cost no more than a hundred. The test is the two-item
    Bradley–Terry Wald test in closed form: with half-win score ``p_hat = (wins + ½ ties)/n``,
    ``gap_hat = f · logit(p_hat)`` (``f = scale / ln(base)``, the BT MLE for two items) and
    the sandwich standard error ``SE = f · sd(y) / (sqrt(n) p_hat (1 - p_hat))``, where
    ``sd(y)`` is the empirical SD of the per-vote scores (without ties this is the usual
    ``f / sqrt(n p_hat (1 - p_hat))``). It rejects when ``|gap_hat| / SE > z_{1-α/2}``
    (``gap_hat / SE > z_{1-α}`` for ``alternative="greater"``). A study in which one side
    won (or lost) every vote has an infinite estimate and is counted as a rejection in that
    direction.

    Ties (``tie_rate``) occur at that rate; the decisive-vote win probability is set so that
    the expected half-win score equals the Elo win probability of ``gap``, so ``gap`` means
    the same as in :func:`power`.

    Designs: ``"head-to-head"`` (all votes A vs B) and ``"common-opponents"`` (``n_votes//2``
    votes of A and of B each against one perfectly known reference item rated midway between
    them; the gap estimate is the difference of the two estimates against the reference).

    Parameters
    ----------
    gap : float
        True Elo difference (> 0).
    n_votes : int
        Total votes per simulated study (>= 1; >= 2 for common opponents).
    n_simulations : int
        Number of simulated studies.
    confidence_level : float
        ``1 - α`` of the test.
    tie_rate : float
        Tie rate in [0, 1).
    design : {"head-to-head", "common-opponents"}
        How the votes are spent.
    alternative : {"two-sided", "greater"}
        Two-sided test or one-sided in the direction of the true gap.
    scale, base : float
        Elo scale.
    rng : None, int, SeedSequence or Generator
        Source of randomness.

    Returns
    -------
    SimulatedPower
        The rejection rate, its Monte-Carlo standard error and the per-study statistics.

    Raises
    ------
    ValueError
        Bad arguments (as in :func:`power`), ``design="round-robin"`` (not simulated here), or
        a tie rate impossible at this gap.

    Examples
    --------
    >>> from elosim.simulation.planning import simulated_power
    >>> res = simulated_power(20, 2369, n_simulations=2000, rng=0)
    >>> abs(res.power - 0.8) < 4 * res.standard_error
    True
    """
    g = _check_gap(gap)
    n = check_positive_int(n_votes, "n_votes")
    n_sim = check_positive_int(n_simulations, "n_simulations")
    check_memory(
        64.0 * n_sim, f"simulated_power(n_simulations={n_sim:,})",
        "use fewer simulations (1,000 to 10,000 give a Monte-Carlo SE below 0.016)",
    )
    if design == "round-robin":
        raise ValueError(
            "simulated_power supports design='head-to-head' or 'common-opponents'; "
            "for 'round-robin' use power(...) or simulate_votes + a full fit"
        )
    s = _setup(confidence_level, tie_rate, design, None, alternative, "parity", scale, base)
    gen = check_rng(rng)
    f = s.factor
    if design == "head-to-head":
        est, se = _two_item_z(gen, n, g, s.tie_rate, f, n_sim)
    else:
        half = n // 2
        if half < 1:
            raise ValueError(f"design='common-opponents' needs n_votes >= 2; got {n_votes!r}")
        est_a, se_a = _two_item_z(gen, half, g / 2.0, s.tie_rate, f, n_sim)
        est_b, se_b = _two_item_z(gen, half, -g / 2.0, s.tie_rate, f, n_sim)
        est = est_a - est_b
        se = np.sqrt(se_a**2 + se_b**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(np.isfinite(est), est / se, est)
    # a finite estimate with SE 0 cannot happen (var_y > 0 unless p_hat is 0 or 1)
    reject = np.abs(stat) > s.z_alpha if alternative == "two-sided" else stat > s.z_alpha
    pw = float(np.mean(reject))
    return SimulatedPower(
        power=pw,
        standard_error=math.sqrt(pw * (1.0 - pw) / n_sim),
        n_simulations=n_sim,
        gap=g,
        n_votes=n,
        confidence_level=1.0 - s.alpha,
        tie_rate=s.tie_rate,
        design=design,
        alternative=alternative,
        statistic=stat,
    )
