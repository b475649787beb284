"""Simulate arena votes from known ("true") Elo ratings.

:func:`simulate_votes` draws pairs by a pairing policy (uniform, a pair-weight matrix,
arena-style adaptive sampling or a user callable; items may enter late), draws an outcome
from the Bradley–Terry model on the Elo scale with an optional tie mechanism (symmetric,
Davidson, Rao–Kupper or a fixed rate) and optional drift of the true ratings, and returns
:class:`~elosim.Votes` with a ``time`` index. :func:`true_win_probability` returns the
generating outcome probabilities for every pair.

Outcome models (``δ = (R_i - R_j) / f`` with ``f = scale / ln(base)``, ``π = exp(λ)``):

* ``ties=None``: ``P(i ≻ j) = σ(δ) = 1 / (1 + base**(-(R_i - R_j)/scale))``
  (references: ref-elo-scale).
* ``"symmetric"``, ``t = tie_rate`` in [0, 1): a tie with probability ``t_ij``, taken
  *equally* from both sides: ``P(i ≻ j) = σ(δ) - t_ij/2``, ``P(tie) = t_ij``,
  ``P(j ≻ i) = 1 - σ(δ) - t_ij/2``, so the expected half-win score is exactly the Elo win
  probability, ``E[score of i] = σ(δ)``. A probability cannot go below 0, so the tie rate
  of a pair is **capped**: ``t_ij = min(t, 2 min(σ(δ), 1 - σ(δ)))`` (only very lopsided
  pairs are affected: with ``t = 0.3``, gaps beyond about 300 Elo points). The realised
  tie rate of such pairs is then below ``t``, but ``E[score] = σ(δ)`` still holds exactly.
* ``"davidson"`` (Davidson 1970), ``ν = tie_parameter >= 0``: ``P(i) ∝ π_i``,
  ``P(j) ∝ π_j``, ``P(tie) ∝ ν sqrt(π_i π_j)``; at parity ``P(tie) = ν / (2 + ν)``.
* ``"rao-kupper"`` (Rao & Kupper 1967), ``θ = tie_parameter >= 1``:
  ``P(i ≻ j) = π_i / (π_i + θ π_j) = σ(δ - ln θ)``, ties take the rest; at parity
  ``P(tie) = (θ - 1) / (θ + 1)``.
* ``"fixed"``: a tie with probability ``tie_rate``, otherwise a decisive BT vote; the tie
  is taken *proportionally* from both outcomes (``P(i ≻ j) = (1 - t) σ(δ)``), so
  ``E[score of i] = ½ + (1 - t)(σ(δ) - ½)`` is shrunk towards ½.

Which fit recovers the true ratings? A fit estimates the true rating only when its tie
model matches the generating mechanism:

==================  ====================================  ==================================
``ties=``           fit with ``bradley_terry(ties=...)``  estimand = true rating?
==================  ====================================  ==================================
``None``            ``"half"``                            yes
``"symmetric"``     ``"half"``                            yes (``E[score] = σ(δ)``)
``"davidson"``      ``"davidson"``                        yes
``"rao-kupper"``    ``"rao-kupper"``                      yes
``"fixed"``         any                                   **no**: a misspecified case, useful
                                                          for robustness studies (the
                                                          half-win gaps shrink by about
                                                          ``1 - t`` near parity)
==================  ====================================  ==================================

For ``"davidson"`` and ``"rao-kupper"`` you may give ``tie_rate`` (the tie rate at parity)
instead of ``tie_parameter``: ``ν = 2t / (1 - t)``, ``θ = (1 + t) / (1 - t)``.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from .._core.elo import elo_factor
from .._core.frames import table_frame
from .._core.resources import check_memory
from .._core.results import DisplayMethods
from .._core.validation import check_positive_int, check_rng
from ..data.votes import Votes

__all__ = ["TrueWinProbability", "simulate_votes", "true_win_probability"]

_TIES = ("symmetric", "davidson", "rao-kupper", "fixed")
_STATIC_CHUNK = 1 << 20  # votes generated at once by the static policies (bounds memory)

PairingCallable = Callable[[NDArray[np.float64], np.random.Generator], Any]
DriftCallable = Callable[[NDArray[np.int64], NDArray[np.intp]], Any]


# ---------------------------------------------------------------------------- validation
def parse_ratings(
    true_ratings: Any, items: Sequence[Any] | None
) -> tuple[tuple[str, ...], NDArray[np.float64]]:
    if isinstance(true_ratings, Mapping):
        if items is not None:
            raise ValueError(
                "items is only used when true_ratings is an array; a mapping already names "
                "the items"
            )
        labels = [str(k) for k in true_ratings]
        values: Any = list(true_ratings.values())
    else:
        values = true_ratings
        labels = []
    try:
        r = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            "true_ratings must be a mapping of item label to Elo rating or a 1-D array of "
            f"ratings; got {type(true_ratings).__name__}"
        ) from None
    if r.ndim != 1:
        raise ValueError(f"true_ratings must be one-dimensional; got shape {r.shape}")
    if r.size < 2:
        raise ValueError(f"true_ratings must hold at least 2 items; got {r.size}")
    bad = np.flatnonzero(~np.isfinite(r))
    if bad.size:
        raise ValueError(
            f"true_ratings must be finite; got {r[bad[0]]!r} at position {int(bad[0])}"
        )
    if not isinstance(true_ratings, Mapping):
        if items is None:
            labels = [f"item{k}" for k in range(r.size)]
        else:
            labels = [str(x) for x in items]
            if len(labels) != r.size:
                raise ValueError(
                    f"items has {len(labels)} labels but true_ratings has {r.size} ratings"
                )
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise ValueError(f"item labels must be unique; duplicated: {dup[:10]}")
    return tuple(labels), r


def _check_nonneg_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    x = float(value)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return x


def _tie_spec(ties: Any, tie_rate: Any, tie_parameter: Any) -> tuple[str | None, float]:
    """Return (mechanism, parameter): ν for Davidson, θ for Rao–Kupper, t for fixed/symmetric."""
    if ties is None:
        if tie_rate is not None or tie_parameter is not None:
            raise ValueError(
                "tie_rate and tie_parameter need a tie mechanism: pass ties='symmetric', "
                "'davidson', 'rao-kupper' or 'fixed'"
            )
        return None, 0.0
    if not isinstance(ties, str) or ties not in _TIES:
        raise ValueError(
            "ties must be None, 'symmetric', 'davidson', 'rao-kupper' or 'fixed'; got "
            f"{ties!r}"
        )
    t: float | None = None
    if tie_rate is not None:
        t = _check_nonneg_real(tie_rate, "tie_rate")
        if t >= 1.0:
            raise ValueError(f"tie_rate must lie in [0, 1); got {tie_rate!r}")
    if ties in ("fixed", "symmetric"):
        if tie_parameter is not None:
            raise ValueError(f"ties={ties!r} takes tie_rate, not tie_parameter")
        if t is None:
            raise ValueError(
                f"ties={ties!r} needs tie_rate (the probability of a tie, in [0, 1))"
            )
        return ties, t
    if (t is None) == (tie_parameter is None):
        raise ValueError(
            f"ties={ties!r} needs exactly one of tie_parameter or tie_rate (the tie rate at "
            "parity)"
        )
    if ties == "davidson":
        if t is not None:
            return "davidson", 2.0 * t / (1.0 - t)
        return "davidson", _check_nonneg_real(tie_parameter, "tie_parameter")
    if t is not None:
        return "rao-kupper", (1.0 + t) / (1.0 - t)
    theta = _check_nonneg_real(tie_parameter, "tie_parameter")
    if theta < 1.0:
        raise ValueError(f"tie_parameter (θ) must be >= 1 for ties='rao-kupper'; got {theta!r}")
    return "rao-kupper", theta


def check_scale(scale: Any, base: Any) -> float:
    for name, v in (("scale", scale), ("base", base)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise TypeError(f"{name} must be a finite real number; got {v!r}")
    if scale <= 0:
        raise ValueError(f"scale must be positive; got {scale!r}")
    if base <= 1:
        raise ValueError(f"base must be greater than 1; got {base!r}")
    return elo_factor(float(scale), float(base))


# ---------------------------------------------------------------------------- outcomes
def _outcome_probabilities(
    delta: NDArray[np.float64], mode: str | None, param: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """P(first wins), P(tie) for log-odds differences ``delta``."""
    if mode is None:
        return special.expit(delta), np.zeros_like(delta)
    if mode == "fixed":
        return (1.0 - param) * special.expit(delta), np.full_like(delta, param)
    if mode == "symmetric":
        p = special.expit(delta)
        t = np.minimum(param, 2.0 * np.minimum(p, special.expit(-delta)))
        return np.clip(p - 0.5 * t, 0.0, 1.0), t
    if mode == "davidson":
        with np.errstate(over="ignore"):
            p_i = 1.0 / (1.0 + np.exp(-delta) + param * np.exp(-0.5 * delta))
            p_j = 1.0 / (1.0 + np.exp(delta) + param * np.exp(0.5 * delta))
    else:  # rao-kupper
        eta = math.log(param)
        p_i = special.expit(delta - eta)
        p_j = special.expit(-delta - eta)
    return p_i, np.clip(1.0 - p_i - p_j, 0.0, 1.0)


@dataclass(frozen=True)
class TrueWinProbability(DisplayMethods):
    """The generating outcome probabilities of every ordered pair.

    Attributes
    ----------
    items : tuple of str
        Item labels.
    win : numpy.ndarray
        ``win[i, j]`` = P(item i beats item j) (diagonal NaN).
    tie : numpy.ndarray
        ``tie[i, j]`` = P(tie between i and j) (symmetric; diagonal NaN).
    ties : str or None
        The tie mechanism.
    """

    items: tuple[str, ...]
    win: NDArray[np.float64]
    tie: NDArray[np.float64]
    ties: str | None

    @property
    def expected_score(self) -> NDArray[np.float64]:
        """``win + tie / 2``: the expected half-win score of i against j."""
        out: NDArray[np.float64] = self.win + 0.5 * self.tie
        return out

    def __repr__(self) -> str:
        return f"TrueWinProbability({len(self.items)} items, ties={self.ties!r})"

    def _pairs(self) -> dict[str, list[Any]]:
        ia, ib = np.triu_indices(len(self.items), 1)
        return {
            "item_a": [self.items[i] for i in ia],
            "item_b": [self.items[j] for j in ib],
            "p_win_a": self.win[ia, ib].tolist(),
            "p_win_b": self.win[ib, ia].tolist(),
            "p_tie": self.tie[ia, ib].tolist(),
            "expected_score_a": self.expected_score[ia, ib].tolist(),
        }

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): one row per
        pair ``item_a < item_b`` (in item order) with its outcome probabilities."""
        from .._core.table import Table

        cols = self._pairs()
        fm = dict.fromkeys(("p_win_a", "p_win_b", "p_tie", "expected_score_a"), ".3f")
        note = (
            f"generating model, ties={self.ties!r}; expected_score_a = p_win_a + p_tie / 2 "
            "(half-win score of item_a)"
        )
        return Table(cols, fm, "True outcome probabilities", (note,))

    def to_frame(self) -> Any:
        """One row per pair: ``item_a, item_b, p_win_a, p_win_b, p_tie, expected_score_a``
        (the tie mechanism in ``DataFrame.attrs``). Needs pandas."""
        return table_frame(self._table(), "TrueWinProbability.to_frame", ties=self.ties)

    def summary(self, max_rows: int = 20) -> str:
        """Fixed-width table of the pairs' outcome probabilities (at most ``max_rows``)."""
        cols = self._pairs()
        n = len(cols["item_a"])
        w = min(30, max([6, *(len(x) for x in self.items)]))
        head = (
            f"{'item_a':<{w}} {'item_b':<{w}} {'P(a wins)':>10} {'P(b wins)':>10} "
            f"{'P(tie)':>8} {'E[score a]':>10}"
        )
        lines = [
            f"True outcome probabilities: {len(self.items)} items, {n:,} pairs, "
            f"ties={self.ties!r}",
            "=" * len(head),
            head,
            "-" * len(head),
        ]
        k = max(int(max_rows), 0)
        for i in range(min(n, k)):
            lines.append(
                f"{cols['item_a'][i][:w]:<{w}} {cols['item_b'][i][:w]:<{w}} "
                f"{cols['p_win_a'][i]:>10.3f} {cols['p_win_b'][i]:>10.3f} "
                f"{cols['p_tie'][i]:>8.3f} {cols['expected_score_a'][i]:>10.3f}"
            )
        if n > k:
            lines.append(f"... {n - k:,} more pairs")
        return "\n".join(lines)


def true_win_probability(
    true_ratings: Mapping[Any, float] | Sequence[float] | NDArray[Any],
    *,
    ties: str | None = None,
    tie_rate: float | None = None,
    tie_parameter: float | None = None,
    items: Sequence[Any] | None = None,
    scale: float = 400.0,
    base: float = 10.0,
) -> TrueWinProbability:
    """Outcome probabilities of every pair under the model :func:`simulate_votes` uses.

    Parameters
    ----------
    true_ratings, ties, tie_rate, tie_parameter, items, scale, base
        As in :func:`simulate_votes`.

    Returns
    -------
    TrueWinProbability
        ``win[i, j]`` = P(i beats j), ``tie[i, j]`` = P(tie), for the ratings at time 0.
        With ``ties="symmetric"``, ``tie[i, j]`` is the pair's capped tie rate and
        ``expected_score`` equals the Elo win probability of every pair.

    Raises
    ------
    ValueError
        As in :func:`simulate_votes`.

    Examples
    --------
    >>> from elosim.simulation.arena import true_win_probability
    >>> p = true_win_probability({"a": 1400.0, "b": 1000.0})
    >>> round(float(p.win[0, 1]), 6)
    0.909091
    >>> q = true_win_probability([1000.0, 1000.0], ties="davidson", tie_parameter=1.0)
    >>> round(float(q.tie[0, 1]), 6)  # ν / (2 + ν)
    0.333333
    >>> s = true_win_probability({"a": 1400.0, "b": 1000.0}, ties="symmetric", tie_rate=0.1)
    >>> round(float(s.win[0, 1]), 6), round(float(s.expected_score[0, 1]), 6)  # σ(δ) - t/2
    (0.859091, 0.909091)
    """
    labels, r = parse_ratings(true_ratings, items)
    mode, param = _tie_spec(ties, tie_rate, tie_parameter)
    f = check_scale(scale, base)
    delta = (r[:, None] - r[None, :]) / f
    win, tie = _outcome_probabilities(delta, mode, param)
    win = np.array(win, dtype=float)
    tie = np.array(tie, dtype=float)
    np.fill_diagonal(win, np.nan)
    np.fill_diagonal(tie, np.nan)
    win.flags.writeable = False
    tie.flags.writeable = False
    return TrueWinProbability(items=labels, win=win, tie=tie, ties=mode)


# ---------------------------------------------------------------------------- pairing
def _pair_weights_from_matrix(w: Any, k: int, name: str) -> NDArray[np.float64]:
    """Unordered-pair weights (length K(K-1)/2, upper-triangle order) from a (K, K) matrix."""
    try:
        m = np.array(w, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a ({k}, {k}) array of pair weights") from None
    if m.shape != (k, k):
        raise ValueError(f"{name} must have shape ({k}, {k}) (one row per item); got {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError(f"{name} must hold finite pair weights")
    if np.any(m < 0):
        raise ValueError(f"{name} must hold non-negative pair weights; got min {m.min()!r}")
    if np.any(np.diag(m) != 0):
        raise ValueError(
            f"{name} must have a zero diagonal (an item is never compared with itself); "
            "use numpy.fill_diagonal(w, 0)"
        )
    iu, ju = np.triu_indices(k, 1)
    out: NDArray[np.float64] = m[iu, ju] + m[ju, iu]
    if not np.any(out > 0):
        raise ValueError(f"{name} has no positive pair weight")
    return out


def _adaptive_weights(
    n: NDArray[np.float64], score: NDArray[np.float64], eligible: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Arena active-sampling weights ``sqrt(V/n) - sqrt(V/(n+1))`` (never-seen pairs first)."""
    unseen = (n == 0) & eligible
    if np.any(unseen):
        first: NDArray[np.float64] = unseen.astype(float)
        return first
    p = (score + 1.0) / (n + 2.0)  # Laplace-smoothed win rate of the pair
    v = p * (1.0 - p)
    nn = np.maximum(n, 1.0)  # ineligible never-seen pairs get weight 0 below anyway
    out: NDArray[np.float64] = np.where(eligible, np.sqrt(v / nn) - np.sqrt(v / (nn + 1.0)), 0.0)
    return out


def _parse_entries(
    entries: Any, labels: tuple[str, ...], n_votes: int
) -> NDArray[np.int64]:
    k = len(labels)
    start = np.zeros(k, dtype=np.int64)
    if entries is None:
        return start
    if not isinstance(entries, Mapping):
        raise TypeError(
            f"entries must be a mapping of item label to entry time; got {type(entries).__name__}"
        )
    code = {lab: i for i, lab in enumerate(labels)}
    for lab, t in entries.items():
        if str(lab) not in code:
            raise ValueError(f"entries names an unknown item {lab!r}")
        if isinstance(t, bool) or not isinstance(t, numbers.Integral) or int(t) < 0:
            raise ValueError(
                f"entries[{lab!r}] must be a vote index (an integer >= 0); got {t!r}"
            )
        start[code[str(lab)]] = int(t)
    if np.sum(start == 0) < 2:
        raise ValueError(
            "entries: at least two items must have entered at time 0 so that the first vote "
            "has a pair"
        )
    return start


# ---------------------------------------------------------------------------- drift
class _Drift:
    """Per-vote rating offsets: an exact Gaussian random walk or a user function."""

    def __init__(self, drift: Any, k: int) -> None:
        self.callable: DriftCallable | None = None
        self.sd = 0.0
        if callable(drift):
            self.callable = drift
        else:
            self.sd = _check_nonneg_real(drift, "drift")
        self.last_t = np.zeros(k, dtype=np.int64)
        self.value = np.zeros(k, dtype=float)

    def offsets(
        self,
        t: NDArray[np.int64],
        a: NDArray[np.intp],
        b: NDArray[np.intp],
        rng: np.random.Generator,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if self.callable is not None:
            out = []
            for items in (a, b):
                try:
                    o = np.asarray(self.callable(t, items), dtype=float)
                except (TypeError, ValueError) as exc:
                    raise TypeError(f"drift(time, item) must return numbers: {exc}") from None
                if o.shape != t.shape or not np.all(np.isfinite(o)):
                    raise ValueError(
                        f"drift(time, item) must return {t.size} finite rating offsets (one per "
                        f"vote); got shape {o.shape}"
                    )
                out.append(o)
            return out[0], out[1]
        m = t.size
        item = np.concatenate([a, b])
        tt = np.concatenate([t, t])
        order = np.lexsort((tt, item))
        item_s, t_s = item[order], tt[order]
        first = np.ones(2 * m, dtype=bool)
        first[1:] = item_s[1:] != item_s[:-1]
        prev = np.empty_like(t_s)
        prev[1:] = t_s[:-1]
        prev[first] = self.last_t[item_s[first]]
        step = rng.standard_normal(2 * m) * (self.sd * np.sqrt((t_s - prev).astype(float)))
        step[first] += self.value[item_s[first]]
        csum = np.cumsum(step)
        grp_start = np.flatnonzero(first)
        grp_id = np.cumsum(first) - 1
        base_ = csum[grp_start] - step[grp_start]
        val_s = csum - base_[grp_id]
        last = np.append(grp_start[1:] - 1, 2 * m - 1)
        self.last_t[item_s[last]] = t_s[last]
        self.value[item_s[last]] = val_s[last]
        vals = np.empty(2 * m)
        vals[order] = val_s
        return vals[:m], vals[m:]


# ---------------------------------------------------------------------------- main
class _FeatureSpec:
    """Simulated per-vote features with known coefficients (``features=`` of simulate_votes)."""

    KINDS = ("normal", "sign", "home", "home-neutral")

    def __init__(self, features: Any, distribution: Any) -> None:
        feats = dict(features or {})
        dist = dict(distribution or {})
        unknown = sorted(set(dist) - set(feats))
        if unknown:
            raise ValueError(f"feature_distribution names features not in features: {unknown}")
        self.names = tuple(str(x) for x in feats)
        self.beta = np.array([float(v) for v in feats.values()], dtype=float)
        if not np.all(np.isfinite(self.beta)):
            raise ValueError(f"features must map names to finite coefficients; got {feats}")
        self.kinds: list[Any] = []
        for name in feats:
            kind = dist.get(name, "normal")
            if not callable(kind) and kind not in self.KINDS:
                raise ValueError(
                    f"feature_distribution[{name!r}] must be one of {self.KINDS} or a callable "
                    f"f(rng, m); got {kind!r}"
                )
            self.kinds.append(kind)
        self._cols: list[list[NDArray[np.float64]]] = [[] for _ in self.names]

    def draw(self, gen: np.random.Generator, lo: int, hi: int) -> NDArray[np.float64]:
        """Features of votes ``lo..hi`` (kept for the covariates); returns ``x @ beta``."""
        m = hi - lo
        total = np.zeros(m)
        for q, kind in enumerate(self.kinds):
            if callable(kind):
                x = np.asarray(kind(gen, m), dtype=float)
                if x.shape != (m,) or not np.all(np.isfinite(x)):
                    raise ValueError(
                        f"feature_distribution[{self.names[q]!r}] must return {m} finite "
                        f"values; got shape {x.shape}"
                    )
            elif kind == "normal":
                x = gen.standard_normal(m)
            elif kind == "sign":
                x = np.where(gen.random(m) < 0.5, 1.0, -1.0)
            elif kind == "home":
                x = np.ones(m)
            else:
                x = np.where(gen.random(m) < 0.5, 1.0, 0.0)
            self._cols[q].append(x)
            total += self.beta[q] * x
        return total

    def columns(self) -> dict[str, NDArray[np.float64]]:
        return {n: np.concatenate(c) for n, c in zip(self.names, self._cols, strict=True) if c}


def simulate_votes(
    true_ratings: Mapping[Any, float] | Sequence[float] | NDArray[Any],
    n_votes: int,
    *,
    pairing: str | NDArray[Any] | Sequence[Sequence[float]] | PairingCallable = "uniform",
    entries: Mapping[Any, int] | None = None,
    ties: str | None = None,
    tie_rate: float | None = None,
    tie_parameter: float | None = None,
    drift: float | DriftCallable | None = None,
    batch_size: int = 1000,
    items: Sequence[Any] | None = None,
    scale: float = 400.0,
    base: float = 10.0,
    rng: Any = None,
    features: Mapping[str, float] | None = None,
    feature_distribution: Mapping[str, Any] | None = None,
) -> Votes:
    """Simulate pairwise votes from true Elo ratings.

    Parameters
    ----------
    true_ratings : mapping or array of float
        True Elo rating per item: ``{label: rating}``, or an array (labels from ``items`` or
        ``"item0"``, ``"item1"``, ...). At least two items; finite values.
    n_votes : int
        Number of votes (>= 1).
    pairing : {"uniform", "adaptive"}, (K, K) array, or callable
        How each vote's pair is chosen (among items that have entered, see ``entries``):

        * ``"uniform"``: every unordered pair equally likely.
        * a (K, K) array ``w`` of non-negative weights with zero diagonal: pair ``{i, j}`` is
          drawn with probability proportional to ``w[i, j] + w[j, i]`` (a symmetric or an
          upper-triangular matrix both work).
        * ``"adaptive"``: Chatbot Arena's active sampling (Chiang et al. 2024),
          ``P(pair) ∝ sqrt(V/n) - sqrt(V/(n + 1))`` with ``n`` the pair's votes so far and
          ``V = p(1 - p)`` for its Laplace-smoothed half-win rate ``p = (s + 1)/(n + 2)``.
          Pairs never compared are drawn first (uniformly among themselves). Probabilities
          are recomputed every ``batch_size`` votes (and when an item enters), not per vote.
        * a callable ``pairing(counts, rng) -> weights``, called before every batch of
          ``batch_size`` votes with ``counts`` a read-only (K, K) float array
          (``counts[i, j]`` = wins of i over j plus ½ per tie so far, so
          ``counts + counts.T`` is the number of votes per pair) and the simulation's
          Generator; it returns a (K, K) weight matrix read as for the array policy.
    entries : mapping of label to int, optional
        Vote index at which an item enters (``{label: t}``): it is paired only from vote
        ``t`` on. Items not listed are present from vote 0; at least two must be.
    ties : {None, "symmetric", "davidson", "rao-kupper", "fixed"}
        Tie mechanism (formulas in the module notes). ``None``: no ties. Each mechanism
        matches one tie model of :func:`elosim.bradley_terry`, whose estimand is then the
        true rating:

        * ``"symmetric"`` ↔ ``ties="half"``: a tie with probability ``tie_rate`` taken
          equally from both sides, so the expected score ``P(win) + P(tie)/2`` equals the
          Elo win probability. Capping rule: where ``tie_rate / 2`` exceeds the smaller
          outcome probability (very lopsided pairs), that pair's tie rate is lowered to
          ``2 min(σ, 1 - σ)``; the expected score is unchanged.
        * ``"davidson"`` ↔ ``ties="davidson"``; ``"rao-kupper"`` ↔ ``ties="rao-kupper"``.
        * ``"fixed"``: ties taken *proportionally* from both outcomes, so the expected
          score is shrunk towards ½ and no fit model recovers the true ratings (the half-win
          gaps shrink by about ``1 - tie_rate``). A deliberately misspecified case, useful
          for robustness studies.
    tie_rate : float, optional
        For ``"symmetric"`` and ``"fixed"``: P(tie) per vote, in [0, 1) (for
        ``"symmetric"``, capped per pair as above). For ``"davidson"``/``"rao-kupper"``:
        the tie rate at parity, converted to ``tie_parameter``.
    tie_parameter : float, optional
        Davidson ``ν >= 0`` or Rao–Kupper ``θ >= 1``.
    drift : float or callable, optional
        Drift of the true ratings over time. A float ``s`` is the per-vote SD (Elo points)
        of an independent Gaussian random walk per item, simulated exactly at the votes
        where the item appears (the rating at vote ``t`` is the initial rating plus
        ``N(0, s² t)``); a walk with SD ``s_B`` per block of ``B`` votes has
        ``s = s_B / sqrt(B)``. A callable ``drift(time, item)`` receives equal-length integer
        arrays of vote indices and item indices and returns the rating offsets (Elo points) to
        add. With drift the true ratings of each vote are stored as covariates
        ``"true_rating_a"`` and ``"true_rating_b"``.
    batch_size : int
        Votes per batch for ``"adaptive"`` and callable pairing.
    items : sequence, optional
        Labels when ``true_ratings`` is an array.
    scale, base : float
        Elo scale: a gap of ``scale`` points means odds of ``base`` to 1.
    rng : None, int, SeedSequence or Generator
        Source of randomness; the same seed gives the same votes.
    features : mapping of str to float, optional
        Per-vote features with known coefficients ``beta`` (natural log-odds per unit): the
        outcome is drawn with the log-strength difference ``(R_A - R_B) / f + x @ beta``
        (the contextual model of ``bradley_terry(votes, features=...)``, in every tie
        mechanism). Each feature is stored as a covariate of the votes under its name.
    feature_distribution : mapping of str to str or callable, optional
        How each feature is drawn per vote (default ``"normal"``): ``"normal"`` (standard
        normal, like a standardised style difference), ``"sign"`` (+1 or -1 with
        probability ½), ``"home"`` (+1: side A is the home side in every vote, as in a
        table whose first team is the host), ``"home-neutral"`` (+1, or 0 for a neutral
        venue with probability ½) or a callable ``f(rng, m) -> array of m values``.

    Returns
    -------
    Votes
        ``n_votes`` votes with ``time = 0, 1, ..., n_votes - 1``; the item on side A is
        chosen at random (each side with probability ½).

    Raises
    ------
    ValueError
        ``n_votes < 1``, fewer than 2 items, non-finite ratings, a bad pair-weight matrix
        (shape, negative or non-finite weights, non-zero diagonal, no positive weight, no
        eligible pair at some vote), an unknown ``pairing`` or ``ties``, ``tie_rate``
        outside [0, 1), ``tie_parameter`` out of range, or a negative ``drift``.
    TypeError
        Arguments of the wrong type.

    References
    ----------
    .. [1] Davidson, R. R. (1970). On extending the Bradley-Terry model to accommodate ties
       in paired comparison experiments. *JASA* 65, 317-328.
    .. [2] Rao, P. V. & Kupper, L. L. (1967). Ties in paired-comparison experiments: a
       generalization of the Bradley-Terry model. *JASA* 62, 194-204.
    .. [3] Chiang, W.-L. et al. (2024). Chatbot Arena: an open platform for evaluating LLMs
       by human preference. arXiv:2403.04132 (active sampling rule).

    Examples
    --------
    >>> from elosim.simulation.arena import simulate_votes
    >>> votes = simulate_votes({"a": 1100.0, "b": 1000.0, "c": 900.0}, 1000, rng=0)
    >>> votes.a.size, votes.items
    (1000, ('a', 'b', 'c'))
    >>> v2 = simulate_votes([1000.0, 1050.0], 500, ties="davidson", tie_rate=0.2, rng=1)
    >>> bool((v2.outcome == 2).any())
    True
    """
    labels, r0 = parse_ratings(true_ratings, items)
    k = len(labels)
    n = check_positive_int(n_votes, "n_votes")
    check_memory(
        40.0 * n, f"simulate_votes(n_votes={n:,})",
        "simulate fewer votes, or simulate in batches and combine their counts",
    )
    mode, param = _tie_spec(ties, tie_rate, tie_parameter)
    f = check_scale(scale, base)
    start = _parse_entries(entries, labels, n)
    bs = check_positive_int(batch_size, "batch_size")
    dr = None if drift is None else _Drift(drift, k)
    feat = _FeatureSpec(features, feature_distribution)
    gen = check_rng(rng)

    static_w: NDArray[np.float64] | None = None
    policy: str
    user_fn: PairingCallable | None = None
    if isinstance(pairing, str):
        if pairing not in ("uniform", "adaptive"):
            raise ValueError(
                "pairing must be 'uniform', 'adaptive', a (K, K) array of pair weights or a "
                f"callable; got {pairing!r}"
            )
        policy = pairing
    elif callable(pairing):
        policy, user_fn = "callable", pairing
    else:
        policy = "matrix"
        static_w = _pair_weights_from_matrix(pairing, k, "pairing")

    iu, ju = np.triu_indices(k, 1)
    n_pairs = iu.size
    pidx = np.zeros((k, k), dtype=np.intp)
    pidx[iu, ju] = np.arange(n_pairs)
    pidx[ju, iu] = pidx[iu, ju]
    batched = policy in ("adaptive", "callable")
    step = bs if batched else _STATIC_CHUNK
    bounds = set(range(0, n, step)) | {int(s) for s in start if 0 < s < n}
    bounds_sorted = [*sorted(bounds), n]

    a_out = np.empty(n, dtype=np.intp)
    b_out = np.empty(n, dtype=np.intp)
    o_out = np.empty(n, dtype=np.int8)
    ra_out = np.empty(n) if dr is not None else None
    rb_out = np.empty(n) if dr is not None else None
    pair_n = np.zeros(n_pairs)
    pair_s = np.zeros(n_pairs)  # half-win score of the lower-index item of the pair

    for lo, hi in itertools.pairwise(bounds_sorted):
        m = hi - lo
        active = start <= lo
        act_idx = np.flatnonzero(active)
        if policy == "uniform":
            na = act_idx.size
            ia = gen.integers(0, na, size=m)
            ib = (ia + gen.integers(1, na, size=m)) % na  # uniform over the other items
            a = act_idx[ia]
            b = act_idx[ib]  # uniform ordered pair = uniform pair with a random side
        else:
            eligible = active[iu] & active[ju]
            if policy == "matrix":
                assert static_w is not None
                w = static_w
            elif policy == "adaptive":
                w = _adaptive_weights(pair_n, pair_s, eligible)
            else:
                assert user_fn is not None
                cnt = np.zeros((k, k))
                cnt[iu, ju] = pair_s
                cnt[ju, iu] = pair_n - pair_s
                cnt.flags.writeable = False
                w = _pair_weights_from_matrix(
                    user_fn(cnt, gen), k, "the weights returned by the pairing callable"
                )
            w = np.where(eligible, w, 0.0)
            total = w.sum()
            if not total > 0:
                raise ValueError(
                    f"pairing gives no eligible pair at vote {lo} (every pair among the "
                    f"{act_idx.size} items that have entered has weight 0)"
                )
            cdf = np.cumsum(w / total)
            pick = np.minimum(np.searchsorted(cdf, gen.random(m), side="right"), n_pairs - 1)
            swap = gen.random(m) < 0.5
            a = np.where(swap, ju[pick], iu[pick])
            b = np.where(swap, iu[pick], ju[pick])
        ra = r0[a]
        rb = r0[b]
        if dr is not None:
            t = np.arange(lo, hi, dtype=np.int64)
            off_a, off_b = dr.offsets(t, a, b, gen)
            ra = ra + off_a
            rb = rb + off_b
            assert ra_out is not None
            assert rb_out is not None
            ra_out[lo:hi] = ra
            rb_out[lo:hi] = rb
        delta = (ra - rb) / f
        if feat.names:
            delta = delta + feat.draw(gen, lo, hi)
        p_a, p_t = _outcome_probabilities(delta, mode, param)
        u = gen.random(m)
        o = np.where(u < p_a, 0, np.where(u < p_a + p_t, 2, 1)).astype(np.int8)
        a_out[lo:hi] = a
        b_out[lo:hi] = b
        o_out[lo:hi] = o
        if batched:
            pid = pidx[a, b]
            score_a = np.where(o == 0, 1.0, np.where(o == 2, 0.5, 0.0))
            score_lo = np.where(a < b, score_a, 1.0 - score_a)
            pair_n += np.bincount(pid, minlength=n_pairs)
            pair_s += np.bincount(pid, weights=score_lo, minlength=n_pairs)

    cov: dict[str, NDArray[np.float64]] = {}
    if ra_out is not None and rb_out is not None:
        cov = {"true_rating_a": ra_out, "true_rating_b": rb_out}
    cov.update(feat.columns())
    return Votes(
        items=labels,
        a=a_out,
        b=b_out,
        outcome=o_out,
        time=np.arange(n, dtype=np.int64),
        covariates=cov,
    )
