"""Online (sequential) Elo ratings, as the early Chatbot Arena leaderboard computed them.

For each vote between A and B, in order (references: ref-online-elo)::

    E_A = 1 / (1 + base ** ((R_B - R_A) / scale))
    R_A <- R_A + K (S_A - E_A)
    R_B <- R_B - K (S_A - E_A)

with ``S_A`` = 1 (A wins), ½ (tie) or 0 (B wins). The update is zero-sum, so the total
rating stays ``n_items * initial``. The result depends on the order of the votes;
``n_orderings > 1`` repeats the pass over random orderings (as LMSYS's permutation
"bootstrap" did) to show that dependence.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core.format import require_pandas
from .._core.frames import table_frame
from .._core.results import DisplayMethods
from .._core.validation import (
    check_confidence_level,
    check_finite_real,
    check_positive_int,
    check_rng,
)
from ..data.votes import Votes
from .scale import check_scale_base

__all__ = ["EloBTComparison", "OnlineEloResult", "OrderingInterval", "compare_elo_bt", "online_elo"]


class OrderingInterval(NamedTuple):
    """Percentile interval of the final ratings over random vote orderings."""

    low: NDArray[np.float64]
    high: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class OnlineEloResult(DisplayMethods):
    """Result of :func:`online_elo`.

    Attributes
    ----------
    items : tuple of str
        Item labels.
    ratings : numpy.ndarray
        Final rating per item; with ``n_orderings > 1`` the **mean** over orderings.
    trajectory : numpy.ndarray
        Shape ``(n_checkpoints, n_items)``: ratings after ``checkpoints[c]`` votes (mean over
        orderings when ``n_orderings > 1``).
    checkpoints : numpy.ndarray
        Number of votes processed at each row of ``trajectory`` (0 = initial ratings).
    ordering_ratings : numpy.ndarray
        Shape ``(n_orderings, n_items)``: final ratings of each ordering.
    n_votes_per_item : numpy.ndarray
        Votes in which each item took part.
    k, initial, scale, base : float
        Update settings.
    n_votes, n_orderings : int
        Votes processed and orderings run.
    ordered_by : str
        ``"time"`` (stable sort on ``votes.time``), ``"row"`` (row order) or ``"random"``
        (random permutations, when ``n_orderings > 1``).
    """

    _plot_function = "plot_trajectory"

    items: tuple[str, ...]
    ratings: NDArray[np.float64]
    trajectory: NDArray[np.float64]
    checkpoints: NDArray[np.int64]
    ordering_ratings: NDArray[np.float64]
    n_votes_per_item: NDArray[np.int64]
    k: float
    initial: float
    scale: float
    base: float
    n_votes: int
    n_orderings: int
    ordered_by: str

    @property
    def ordering_sd(self) -> NDArray[np.float64]:
        """SD of the final ratings over orderings (NaN when ``n_orderings == 1``)."""
        if self.n_orderings < 2:
            return np.full(len(self.items), np.nan)
        out: NDArray[np.float64] = self.ordering_ratings.std(axis=0, ddof=1)
        return out

    def ordering_interval(self, confidence_level: float = 0.95) -> OrderingInterval:
        """Central percentile interval of the final ratings over the random orderings.

        This measures **order dependence** only; it is not a confidence interval for the
        ratings (LMSYS found such intervals "too wide"). NaN when ``n_orderings == 1``.

        Parameters
        ----------
        confidence_level : float
            Coverage of the central interval, in (0, 1).

        Returns
        -------
        OrderingInterval
            ``(low, high)`` arrays aligned with ``items``.
        """
        level = check_confidence_level(confidence_level)
        if self.n_orderings < 2:
            nan = np.full(len(self.items), np.nan)
            return OrderingInterval(nan, nan.copy())
        q = (1.0 - level) / 2.0
        lo, hi = np.quantile(self.ordering_ratings, [q, 1.0 - q], axis=0)
        return OrderingInterval(lo, hi)

    def __repr__(self) -> str:
        return (
            f"OnlineEloResult({len(self.items)} items, {self.n_votes:,} votes, k={self.k:g}, "
            f"n_orderings={self.n_orderings}, ordered_by={self.ordered_by!r})"
        )

    def summary(self, confidence_level: float = 0.95) -> str:
        """Fixed-width text table of the final ratings, best first."""
        lo, hi = self.ordering_interval(confidence_level)
        sd = self.ordering_sd
        width = max(12, *(len(x) for x in self.items[:200]))
        width = min(width, 40)
        head = (
            f"Online Elo (k={self.k:g}, initial={self.initial:g}, scale={self.scale:g}, "
            f"base={self.base:g}); {self.n_votes:,} votes, {self.n_orderings} ordering(s) "
            f"({self.ordered_by})"
        )
        pct = f"{100 * confidence_level:g}%"
        cols = f"{'item':<{width}} {'rating':>9} {'order SD':>9} {pct + ' low':>9} " + (
            f"{pct + ' high':>9} {'votes':>9}"
        )
        lines = [head, "=" * len(cols), cols, "-" * len(cols)]
        for i in np.argsort(-self.ratings, kind="stable"):
            lines.append(
                f"{self.items[i][:width]:<{width}} {self.ratings[i]:>9.1f} {sd[i]:>9.2f} "
                f"{lo[i]:>9.1f} {hi[i]:>9.1f} {int(self.n_votes_per_item[i]):>9,}"
            )
        if self.n_orderings > 1:
            lines.append(
                "rating = mean over orderings; interval = percentiles over orderings "
                "(order dependence, not a confidence interval)"
            )
        return "\n".join(lines)

    def to_frame(self, confidence_level: float = 0.95) -> Any:
        """pandas DataFrame with columns ``item, rating, ordering_sd, ci_low, ci_high, n_votes``.

        ``ci_low``/``ci_high`` are percentiles over orderings (NaN for one ordering).
        """
        pd = require_pandas("OnlineEloResult.to_frame()")
        lo, hi = self.ordering_interval(confidence_level)
        return pd.DataFrame(
            {
                "item": list(self.items),
                "rating": self.ratings,
                "ordering_sd": self.ordering_sd,
                "ci_low": lo,
                "ci_high": hi,
                "n_votes": self.n_votes_per_item,
            }
        )


def _checkpoints(checkpoints: Any, n: int) -> NDArray[np.int64]:
    if isinstance(checkpoints, (int, np.integer)) and not isinstance(checkpoints, bool):
        c = check_positive_int(checkpoints, "checkpoints")
        out: NDArray[np.int64] = np.unique(np.round(np.linspace(0, n, c + 1)).astype(np.int64))
        return out
    arr = np.asarray(checkpoints)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            "checkpoints must be a positive int (number of evenly spaced intervals) or a "
            f"non-empty 1-D array of integer vote counts; got {checkpoints!r}"
        )
    if np.any(arr < 0) or np.any(arr > n):
        raise ValueError(f"checkpoints must lie in 0..{n} (votes processed); got {arr.tolist()}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError("checkpoints must be strictly increasing")
    return arr.astype(np.int64)


def _one_pass(
    a: list[int],
    b: list[int],
    s: list[float],
    kk: list[float] | None,
    k: float,
    n_items: int,
    initial: float,
    inv_c: float,
    cps: NDArray[np.int64],
) -> tuple[list[float], NDArray[np.float64]]:
    """Sequential Elo over pre-extracted Python lists; snapshot at each checkpoint."""
    r = [initial] * n_items
    traj = np.empty((cps.size, n_items))
    exp = math.exp
    done = 0
    for c, stop in enumerate(cps.tolist()):
        if stop > done:
            if kk is None:
                for i, j, si in zip(a[done:stop], b[done:stop], s[done:stop], strict=True):
                    ri = r[i]
                    rj = r[j]
                    d = k * (si - 1.0 / (1.0 + exp((rj - ri) * inv_c)))
                    r[i] = ri + d
                    r[j] = rj - d
            else:
                rows = zip(a[done:stop], b[done:stop], s[done:stop], kk[done:stop], strict=True)
                for i, j, si, ki in rows:
                    ri = r[i]
                    rj = r[j]
                    d = ki * (si - 1.0 / (1.0 + exp((rj - ri) * inv_c)))
                    r[i] = ri + d
                    r[j] = rj - d
            done = stop
        traj[c] = r
    return r, traj


def online_elo(
    votes: Votes,
    *,
    k: float = 4.0,
    initial: float = 1000.0,
    scale: float = 400.0,
    base: float = 10.0,
    n_orderings: int = 1,
    checkpoints: int | ArrayLike = 200,
    rng: Any = None,
) -> OnlineEloResult:
    """Online Elo ratings (FastChat/evalica defaults: K = 4, scale 400, base 10, init 1000).

    Parameters
    ----------
    votes : Votes
        The votes. With ``n_orderings=1`` they are processed in ``votes.time`` order when
        time stamps are present (a stable sort, so ties in time keep row order), else in row
        order.
    k : float
        The K-factor (> 0). A weighted vote uses ``k * weight`` (a weight of 2 moves the
        ratings like the same vote seen twice at once, to first order).
    initial : float
        Starting rating of every item.
    scale, base : float
        Elo scale: ``E_A = 1 / (1 + base ** ((R_B - R_A) / scale))``.
    n_orderings : int
        Number of passes. ``1``: one pass in time (or row) order. ``> 1``: that many
        independent uniformly random orderings of the votes; ``ratings`` is then the mean of
        the final ratings over orderings, and ``ordering_ratings``, ``ordering_sd`` and
        ``ordering_interval()`` show the order dependence.
    checkpoints : int or array of int
        Where to record the trajectory. An int ``c`` records the ratings after
        ``round(j * n / c)`` votes for ``j = 0..c`` (``c + 1`` rows, duplicates dropped;
        default 200, so 10M votes never need 10M x K memory). An array gives the vote
        counts (strictly increasing, in ``0..n``).
    rng : None, int, SeedSequence or Generator
        Randomness for the orderings (unused when ``n_orderings == 1``).

    Returns
    -------
    OnlineEloResult
        Final ratings, trajectory at the checkpoints and per-ordering final ratings.

    Raises
    ------
    TypeError
        ``votes`` is not a :class:`~elosim.Votes`, or a setting has the wrong type.
    ValueError
        ``k <= 0``, non-finite ``initial``, ``scale <= 0``, ``base <= 1``,
        ``n_orderings < 1``, bad ``checkpoints``, or ratings that overflow (K far too large).

    Notes
    -----
    The loop is sequential by nature; it runs over Python lists extracted once from the
    arrays (about a million votes per second), with ``exp`` in place of a power.

    References
    ----------
    .. [1] Elo, A. E. (1978). *The Rating of Chessplayers, Past and Present*. Arco.
    .. [2] Boubdir, M. et al. (2023). Elo uncovered: robustness and best practices in
       language model evaluation. arXiv:2311.17295.

    Examples
    --------
    >>> import numpy as np
    >>> from elosim import Votes
    >>> from elosim.simulation.online import online_elo
    >>> v = Votes(items=["a", "b"], a=np.array([0, 0, 1]), b=np.array([1, 1, 0]),
    ...           outcome=np.array([0, 2, 0], dtype=np.int8))
    >>> res = online_elo(v, k=32)
    >>> [round(float(x), 2) for x in res.ratings]
    [997.2, 1002.8]
    >>> res.trajectory.shape  # after 0, 1, 2 and 3 votes
    (4, 2)
    >>> round(float(res.ratings.sum()), 9)
    2000.0
    """
    if not isinstance(votes, Votes):
        raise TypeError(
            f"votes must be an elosim.Votes (build one with Votes.from_frame/from_arrays); "
            f"got {type(votes).__name__}"
        )
    kf = check_finite_real(k, "k")
    if kf <= 0:
        raise ValueError(f"k must be positive; got {k!r}")
    init = check_finite_real(initial, "initial")
    sc, bs = check_scale_base(scale, base)
    n_ord = check_positive_int(n_orderings, "n_orderings")
    n = int(votes.a.size)
    cps = _checkpoints(checkpoints, n)
    n_items = len(votes.items)
    inv_c = math.log(bs) / sc

    score_a = np.array([1.0, 0.0, 0.5])[votes.outcome]
    kvec = None if votes.weight is None else kf * votes.weight
    if votes.time is not None:
        base_order: NDArray[np.intp] = np.argsort(votes.time, kind="stable")
        ordered_by = "time"
    else:
        base_order = np.arange(n)
        ordered_by = "row"
    gen = check_rng(rng) if n_ord > 1 else None
    if gen is not None:
        ordered_by = "random"

    finals = np.empty((n_ord, n_items))
    traj_sum = np.zeros((cps.size, n_items))
    for o in range(n_ord):
        order = base_order if gen is None else gen.permutation(n)
        a = votes.a[order].tolist()
        b = votes.b[order].tolist()
        s = score_a[order].tolist()
        kk = None if kvec is None else kvec[order].tolist()
        try:
            r, traj = _one_pass(a, b, s, kk, kf, n_items, init, inv_c, cps)
        except OverflowError:
            raise ValueError(
                f"ratings overflowed: k={k!r} is far too large for scale={scale!r}"
            ) from None
        finals[o] = r
        traj_sum += traj
    counts = (
        np.bincount(votes.a, minlength=n_items) + np.bincount(votes.b, minlength=n_items)
    ).astype(np.int64)
    ratings = finals.mean(axis=0)
    trajectory = traj_sum / n_ord
    for arr in (ratings, trajectory, finals, cps, counts):
        arr.flags.writeable = False
    return OnlineEloResult(
        items=votes.items,
        ratings=ratings,
        trajectory=trajectory,
        checkpoints=cps,
        ordering_ratings=finals,
        n_votes_per_item=counts,
        k=kf,
        initial=init,
        scale=sc,
        base=bs,
        n_votes=n,
        n_orderings=n_ord,
        ordered_by=ordered_by,
    )


# ---------------------------------------------------------------------------- study
@dataclass(frozen=True, eq=False)
class EloBTComparison(DisplayMethods):
    """Result of :func:`compare_elo_bt`: online Elo vs Bradley–Terry on the same votes.

    All ratings are **centred** (mean 0) so that they compare with the centred truth.

    Attributes
    ----------
    items : tuple of str
        Item labels.
    true_ratings : numpy.ndarray
        Centred generating ratings.
    bt_ratings : numpy.ndarray
        Centred Bradley–Terry MLE (half-win ties).
    k : tuple of float
        The K-factors compared.
    elo_ratings : numpy.ndarray
        Shape ``(len(k), n_items)``: centred online-Elo ratings (mean over orderings).
    elo_ordering_sd : numpy.ndarray
        Shape ``(len(k), n_items)``: SD of each item's final Elo rating over orderings.
    n_votes, n_orderings : int
        Votes simulated and orderings per K.
    """

    items: tuple[str, ...]
    true_ratings: NDArray[np.float64]
    bt_ratings: NDArray[np.float64]
    k: tuple[float, ...]
    elo_ratings: NDArray[np.float64]
    elo_ordering_sd: NDArray[np.float64]
    n_votes: int
    n_orderings: int

    def metrics(self) -> dict[str, list[Any]]:
        """Error metrics per method, as columns (a pandas-free table).

        Columns: ``method`` (``"bradley-terry"`` or ``"online-elo"``), ``k`` (NaN for BT),
        ``rmse`` (root-mean-square error vs the truth), ``max_abs_error``, ``spread_ratio``
        (least-squares slope of the estimate on the truth: < 1 means compressed ratings),
        ``rank_correlation`` (Spearman, vs the truth) and ``mean_ordering_sd`` (mean over
        items of the SD over orderings; 0 for BT, which does not depend on the order).
        """
        rows: dict[str, list[Any]] = {
            "method": [],
            "k": [],
            "rmse": [],
            "max_abs_error": [],
            "spread_ratio": [],
            "rank_correlation": [],
            "mean_ordering_sd": [],
        }
        est = [("bradley-terry", math.nan, self.bt_ratings, 0.0)]
        for j, kk in enumerate(self.k):
            est.append(
                ("online-elo", kk, self.elo_ratings[j], float(np.mean(self.elo_ordering_sd[j])))
            )
        t = self.true_ratings
        tt = float(np.dot(t, t))
        for name, kk, r, sd in est:
            err = r - t
            rows["method"].append(name)
            rows["k"].append(kk)
            rows["rmse"].append(float(np.sqrt(np.mean(err**2))))
            rows["max_abs_error"].append(float(np.max(np.abs(err))))
            rows["spread_ratio"].append(float(np.dot(r, t) / tt) if tt > 0 else math.nan)
            rows["rank_correlation"].append(_spearman(r, t))
            rows["mean_ordering_sd"].append(sd)
        return rows

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`):
        :meth:`metrics`, with an empty ``k`` for Bradley-Terry."""
        from .._core.table import Table

        m = self.metrics()
        m["k"] = [None if math.isnan(kk) else kk for kk in m["k"]]
        f = f".{int(digits) + 1}f"
        fm = {"k": "g", "rmse": f, "max_abs_error": f, "spread_ratio": ".3f",
              "rank_correlation": ".3f", "mean_ordering_sd": f}
        notes = (
            f"{len(self.items)} items, {self.n_votes:,} simulated votes, "
            f"{self.n_orderings} ordering(s) per K; ratings centred; errors vs the truth "
            "in Elo points; rank_correlation: Spearman",
        )
        return Table(m, fm, "Online Elo vs Bradley-Terry", notes)

    def to_frame(self) -> Any:
        """:meth:`metrics` as a pandas DataFrame (``k`` NaN for Bradley-Terry; the settings
        in ``DataFrame.attrs``)."""
        df = table_frame(
            self._table(), "EloBTComparison.to_frame()", n_votes=self.n_votes,
            n_orderings=self.n_orderings,
        )
        df["k"] = df["k"].astype(float)
        return df

    def summary(self) -> str:
        """Fixed-width text of :meth:`metrics` (:func:`elosim.report.result_text`)."""
        from .._core import hooks

        out: str = hooks.call("result_text", self)
        return out

    def __repr__(self) -> str:
        return (
            f"EloBTComparison({len(self.items)} items, {self.n_votes:,} votes, k={self.k}, "
            f"n_orderings={self.n_orderings})"
        )


def _spearman(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Spearman's rank correlation; NaN (without scipy's warning) when either side is constant."""
    from scipy.stats import spearmanr

    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(spearmanr(x, y).statistic)


def compare_elo_bt(
    true_ratings: Any,
    n_votes: int,
    *,
    k: float | tuple[float, ...] = (4.0, 16.0, 32.0),
    n_orderings: int = 20,
    pairing: Any = "uniform",
    ties: str | None = None,
    tie_rate: float | None = None,
    tie_parameter: float | None = None,
    items: Any = None,
    rng: Any = None,
) -> EloBTComparison:
    """Compare online Elo (several K) with Bradley–Terry on the same simulated votes.

    Simulates ``n_votes`` votes with :func:`elosim.simulate_votes`, fits the
    Bradley–Terry MLE (``elosim.bradley_terry``, half-win ties) and runs
    :func:`online_elo` with each K over ``n_orderings`` random orderings. Both are centred
    (mean 0) before comparing with the centred truth, so the metrics show bias (errors,
    compression of the spread), order dependence (SD over orderings) and the effect of K.

    Parameters
    ----------
    true_ratings : mapping or array
        Generating ratings (see :func:`~elosim.simulate_votes`).
    n_votes : int
        Number of votes to simulate.
    k : float or tuple of float
        K-factors to compare (each > 0).
    n_orderings : int
        Random orderings per K (Boubdir et al. 2023 suggest >= 100 for stable Elo).
    pairing, ties, tie_rate, tie_parameter, items
        Passed to :func:`~elosim.simulate_votes`.
    rng : None, int, SeedSequence or Generator
        Randomness; two child generators (votes, orderings) are spawned from it.

    Returns
    -------
    EloBTComparison
        Centred truth and estimates, with :meth:`~EloBTComparison.metrics`,
        :meth:`~EloBTComparison.summary` and :meth:`~EloBTComparison.to_frame`.

    Raises
    ------
    ValueError
        Bad arguments (as in :func:`~elosim.simulate_votes` and
        :func:`online_elo`); errors of the BT fit (e.g. no finite estimate when an item never
        lost) propagate.

    Examples
    --------
    >>> from elosim.simulation.online import compare_elo_bt
    >>> cmp = compare_elo_bt([1000.0, 1100.0, 1200.0], 3000, k=(4, 32), n_orderings=3, rng=0)
    >>> cmp.elo_ratings.shape
    (2, 3)
    >>> cmp.metrics()["method"]
    ['bradley-terry', 'online-elo', 'online-elo']
    """
    from ..models.fit import bradley_terry
    from .arena import parse_ratings, simulate_votes

    k_any: Any = k
    ks: tuple[Any, ...] = (k_any,) if isinstance(k_any, numbers.Real) else tuple(k_any)
    if not ks:
        raise ValueError("k must be a positive number or a non-empty tuple of them")
    kf = tuple(check_finite_real(x, "k") for x in ks)
    for x in kf:
        if x <= 0:
            raise ValueError(f"k must be positive; got {x!r}")
    n_ord = check_positive_int(n_orderings, "n_orderings")
    gen = check_rng(rng)
    g_votes, g_order = gen.spawn(2)
    votes = simulate_votes(
        true_ratings,
        n_votes,
        pairing=pairing,
        ties=ties,
        tie_rate=tie_rate,
        tie_parameter=tie_parameter,
        items=items,
        rng=g_votes,
    )
    _, truth = parse_ratings(true_ratings, items)
    truth = truth - truth.mean()
    bt = bradley_terry(votes, ties="half")
    bt_r = np.asarray(bt.ratings, dtype=float)
    bt_r = bt_r - bt_r.mean()
    elo = np.empty((len(kf), truth.size))
    sd = np.empty((len(kf), truth.size))
    for j, x in enumerate(kf):
        res = online_elo(votes, k=x, n_orderings=n_ord, checkpoints=1, rng=g_order)
        elo[j] = res.ratings - res.ratings.mean()
        sd[j] = res.ordering_sd if n_ord > 1 else 0.0
    for arr in (truth, bt_r, elo, sd):
        arr.flags.writeable = False
    return EloBTComparison(
        items=votes.items,
        true_ratings=truth,
        bt_ratings=bt_r,
        k=kf,
        elo_ratings=elo,
        elo_ordering_sd=sd,
        n_votes=int(votes.a.size),
        n_orderings=n_ord,
    )
