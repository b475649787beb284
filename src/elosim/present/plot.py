"""Plots of elosim results (matplotlib, imported only when a function is called).

Every function has the form ``plot_x(result, *, ..., ax=None, **kwargs) -> Axes``: it draws
only through ``ax`` (a new figure sized for the number of items when ``ax`` is None, with
constrained layout), passes ``kwargs`` to the main drawing call so they override the
defaults, and never calls ``plt.show()``. Colours are colour-blind safe: the Okabe-Ito
palette for categories, ``PuOr`` (centred at ½) for probabilities, ``viridis`` for counts
and a single-hue blue scale for p-value bins. Axis labels state the interval level and
method, so a saved figure says what it shows.

======================================  =======================================================
function                                shows
======================================  =======================================================
:func:`plot_ratings`                    forest plot of ratings and intervals (fit or bootstrap)
:func:`plot_bootstrap_distribution`     each item's bootstrap replicates (violins)
:func:`plot_gap`                        distribution of one gap ``R_a - R_b``, interval, p-value
:func:`plot_win_matrix`                 observed / predicted win rates, or vote counts
:func:`plot_pvalues`                    pairwise gap tests as significance bins
:func:`plot_rank_intervals`             rank confidence sets
:func:`plot_trajectory`                 online Elo ratings as votes arrive
:func:`plot_power`                      power curves and votes needed
:func:`plot_coverage`                   interval coverage per method with Monte-Carlo error
:func:`plot_comparison_graph`           who met whom, how often
======================================  =======================================================
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._core import hooks
from .._core.format import format_count, format_pvalue, level_text, truncate
from .._core.validation import check_choice, check_confidence_level, check_item, check_positive_int

__all__ = [
    "OKABE_ITO",
    "plot_bootstrap_distribution",
    "plot_comparison_graph",
    "plot_coverage",
    "plot_gap",
    "plot_power",
    "plot_pvalues",
    "plot_rank_intervals",
    "plot_ratings",
    "plot_trajectory",
    "plot_win_matrix",
]

Array = NDArray[np.float64]

#: Okabe & Ito (2008) colour-blind-safe palette (black, orange, sky blue, bluish green,
#: yellow, blue, vermillion, reddish purple).
OKABE_ITO = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
)
_BLUE, _ORANGE, _SKY, _GREEN, _VERMILLION, _PURPLE = (
    "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7",
)
_LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_LABEL_WIDTH = 40  # characters kept of an item label on an axis


# ---------------------------------------------------------------------------- helpers
def _axes(ax: Any, size: tuple[float, float]) -> Any:
    """``ax`` itself, or a new Axes on a new constrained-layout figure of ``size`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def _label_size(n: int) -> float:
    """Tick-label font size (points) that keeps ``n`` rows legible without overlap."""
    if n <= 25:
        return 9.0
    if n <= 60:
        return 8.0
    if n <= 100:
        return 6.5
    return 5.0


def _rows_height(n: int) -> float:
    return float(min(max(2.6, 0.19 * n + 1.4), 40.0))


def _matrix_size(
    labels: Sequence[str], *, cell: float = 0.17, extra_width: float = 1.4
) -> tuple[float, float]:
    """Figure size (inches) for an n x n heat map: cells, tick labels, title, colour bar."""
    n = len(labels)
    longest = max((len(truncate(str(x), _LABEL_WIDTH)) for x in labels), default=1)
    label_in = longest * 0.55 * _label_size(n) / 72 + 0.5
    side = min(max(2.5, cell * n), 30.0) + label_in
    return side + extra_width, side + 0.7


def _items_ratings(result: Any) -> tuple[tuple[str, ...], Array]:
    items = tuple(result.items)
    ratings = getattr(result, "ratings", None)
    if ratings is None:
        raise ValueError(f"{type(result).__name__} has no ratings to plot")
    return items, np.asarray(ratings, dtype=float)


def _order(
    ratings: Array, *, top: int | None, sort: bool, items: Sequence[str] | None = None,
    all_items: tuple[str, ...] = (),
) -> NDArray[np.intp]:
    """Indices to plot, first row at the top: best first (``sort``), limited to ``top``."""
    if items is not None:
        idx = np.array([check_item(all_items, it, "items") for it in items], dtype=np.intp)
        if sort:
            idx = idx[np.argsort(-ratings[idx], kind="stable")]
        return idx
    by_rating = np.argsort(-ratings, kind="stable").astype(np.intp)
    if top is not None:
        t = check_positive_int(top, "top")
        chosen = by_rating[:t]
        return chosen if sort else np.sort(chosen)
    return by_rating if sort else np.arange(ratings.size, dtype=np.intp)


def _item_axis(ax: Any, labels: Sequence[str], *, axis: str = "y", size: float = 8.0) -> None:
    pos = np.arange(len(labels))
    short = [truncate(str(x), _LABEL_WIDTH) for x in labels]
    if axis == "y":
        ax.set_yticks(pos, short, fontsize=size)
        ax.set_ylim(len(labels) - 0.5, -0.5)  # first label at the top
    else:
        ax.set_xticks(pos, short, fontsize=size, rotation=90)
        ax.set_xlim(-0.5, len(labels) - 0.5)


def _rating_word(result: Any) -> str:
    fit = getattr(result, "fit", result)
    if getattr(fit, "scale", 400.0) == 400.0 and getattr(fit, "base", 10.0) == 10.0:
        return "Elo rating"
    return "rating"


def _wrap(text: str, width: int = 70) -> str:
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _rank_lookup(rank_sets: Any, items: tuple[str, ...]) -> tuple[NDArray[np.int64], ...]:
    pos = {name: i for i, name in enumerate(rank_sets.items)}
    missing = [it for it in items if it not in pos]
    if missing:
        raise ValueError(
            f"rank_sets does not cover every plotted item; missing {missing[:5]}"
        )
    idx = np.array([pos[it] for it in items])
    return (
        np.asarray(rank_sets.rank_low)[idx].astype(np.int64),
        np.asarray(rank_sets.rank_high)[idx].astype(np.int64),
    )


# ---------------------------------------------------------------------------- ratings
def plot_ratings(
    result: Any,
    *,
    confidence_level: float | None = None,
    method: str | None = None,
    kind: str | None = None,
    highlight: Iterable[str] = (),
    top: int | None = None,
    sort: bool = True,
    rank_sets: Any = None,
    show_tied_for_first: bool = True,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Forest plot: each item's rating (point) and confidence interval (horizontal bar).

    Parameters
    ----------
    result : BradleyTerryResult, BootstrapResult, QuasiVarianceResult or OnlineEloResult
        Wald intervals for a fit, the bootstrap's intervals for a bootstrap result,
        comparison intervals for quasi-variances, the spread over orderings for online Elo.
    confidence_level : float, optional
        Default: the bootstrap's own level, otherwise 0.95.
    method : {"percentile", "basic", "bca", "studentized"}, optional
        Bootstrap interval method (default: the result's).
    kind : {"model", "sandwich", "cluster"}, optional
        Covariance of a fit's Wald intervals (default: the fit's).
    highlight : iterable of str
        Items drawn in vermillion with bold labels.
    top : int, optional
        Plot only the ``top`` best-rated items.
    sort : bool
        Best item at the top (otherwise the result's item order).
    rank_sets : RankSetResult, optional
        Adds each item's rank set in the right margin and, with ``show_tied_for_first``,
        shades the rows of the items that may be #1 (``rank_low == 1``).
    show_tied_for_first : bool
        Shade the possible #1s when ``rank_sets`` is given.
    ax : matplotlib Axes, optional
        Draw here; by default a new figure whose height grows with the number of items.
    **kwargs
        Passed to :meth:`Axes.scatter` for the points (e.g. ``color``, ``marker``, ``s``).

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Intervals that overlap do **not** mean that two items are tied: test the gap with
    :func:`elosim.gap_test` (or plot it with :func:`plot_gap`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> from elosim.plot import plot_ratings
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> ax = plot_ratings(elosim.bradley_terry(votes))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['D', 'B', 'C', 'A']
    >>> ax.get_xlabel()
    'Elo rating (95% Wald CI, sandwich covariance)'
    """
    from .report import _intervals, interval_description

    items, ratings = _items_ratings(result)
    low, high = _intervals(result, confidence_level, method, kind)
    label = interval_description(result, confidence_level, method=method, kind=kind)
    order = _order(ratings, top=top, sort=sort)
    n = order.size
    hl = set(highlight)
    unknown = hl - set(items)
    if unknown:
        raise KeyError(f"highlight names unknown items: {sorted(unknown)[:5]}")
    fs = _label_size(n)
    ax = _axes(ax, (7.5, _rows_height(n)))
    y = np.arange(n, dtype=float)
    names = [items[i] for i in order]
    colours = [_VERMILLION if it in hl else _BLUE for it in names]
    handles: list[Any] = []
    if rank_sets is not None and show_tied_for_first:
        lo_r, _ = _rank_lookup(rank_sets, tuple(names))
        first = np.flatnonzero(lo_r == 1)
        for j in first.tolist():
            span = ax.axhspan(j - 0.5, j + 0.5, color=_ORANGE, alpha=0.2, lw=0, zorder=0)
            span.set_gid("tied-for-first")
        if first.size:
            from matplotlib.patches import Patch

            handles.append(Patch(color=_ORANGE, alpha=0.3, label="may be #1 (rank set)"))
    ax.hlines(y, low[order], high[order], colors=colours, lw=1.6, zorder=2, gid="intervals")
    opts: dict[str, Any] = {"c": colours, "s": 22, "zorder": 3, "edgecolors": "none"}
    opts.update(kwargs)
    pts = ax.scatter(ratings[order], y, **opts)
    pts.set_gid("ratings")
    _item_axis(ax, names, size=fs)
    for tick, it in zip(ax.get_yticklabels(), names, strict=True):
        if it in hl:
            tick.set_color(_VERMILLION)
            tick.set_fontweight("bold")
    ax.set_xlabel(f"{_rating_word(result)} ({label})")
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    if rank_sets is not None:
        lo_r, hi_r = _rank_lookup(rank_sets, tuple(names))
        tr = ax.get_yaxis_transform()
        for j in range(n):
            txt = str(lo_r[j]) if lo_r[j] == hi_r[j] else f"{lo_r[j]}\u2013{hi_r[j]}"
            ax.text(1.01, j, txt, transform=tr, va="center", ha="left", fontsize=fs,
                    clip_on=False, gid="rank-set")
        ax.text(1.01, -0.7, "rank set", transform=tr, va="bottom", ha="left",
                fontsize=fs, fontweight="bold", clip_on=False)
    if hl:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=_VERMILLION, marker="o", lw=1.6,
                              label="highlighted"))
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=fs, frameon=True)
    return ax


def plot_bootstrap_distribution(
    boot: Any,
    *,
    items: Sequence[str] | None = None,
    top: int | None = None,
    confidence_level: float | None = None,
    method: str | None = None,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Each item's bootstrap replicate ratings as a horizontal violin, best item at the top.

    The full-data estimate is the dot; the bar is the bootstrap interval (its level and
    method in the axis label).

    Parameters
    ----------
    boot : BootstrapResult
    items : sequence of str, optional
        Items to show (default: all, or the ``top`` best).
    top : int, optional
    confidence_level, method : optional
        Interval drawn over each violin (defaults: the bootstrap's).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.violinplot` (e.g. ``widths``, ``points``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> votes = elosim.datasets.load_bradleyterry2("baseball")
    >>> boot = elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=100, rng=0)
    >>> ax = elosim.plot.plot_bootstrap_distribution(boot)
    >>> len(ax.get_yticklabels()) == votes.n_items
    True
    """
    dist = getattr(boot, "bootstrap_distribution", None)
    if dist is None:
        raise TypeError(
            f"plot_bootstrap_distribution needs a bootstrap result; got {type(boot).__name__}"
        )
    from .report import interval_description

    names_all, ratings = _items_ratings(boot)
    order = _order(ratings, top=top, sort=True, items=items, all_items=names_all)
    n = order.size
    ax = _axes(ax, (7.5, _rows_height(n)))
    d = np.asarray(dist, dtype=float)[order]
    opts: dict[str, Any] = {"widths": 0.8, "showextrema": False, "points": 60}
    opts.update(kwargs)
    pos = np.arange(n)
    try:
        parts = ax.violinplot(list(d), positions=pos, orientation="horizontal", **opts)
    except TypeError:  # matplotlib < 3.10
        parts = ax.violinplot(list(d), positions=pos, vert=False, **opts)
    for body in parts["bodies"]:
        body.set_facecolor(_SKY)
        body.set_edgecolor(_BLUE)
        body.set_alpha(0.55)
        body.set_gid("violin")
    ci = boot.confidence_interval(confidence_level, method=method)
    lo, hi = np.asarray(ci.low)[order], np.asarray(ci.high)[order]
    ax.hlines(pos, lo, hi, colors="black", lw=1.2, zorder=3, gid="intervals")
    pts = ax.scatter(ratings[order], pos, c="black", s=12, zorder=4)
    pts.set_gid("ratings")
    _item_axis(ax, [names_all[i] for i in order], size=_label_size(n))
    desc = interval_description(boot, confidence_level, method=method)
    ax.set_xlabel(
        _rating_word(boot) + "\n"
        + _wrap(f"violins: bootstrap replicates; dots: estimates; bars: {desc}", 60)
    )
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


# ---------------------------------------------------------------------------- one gap
def plot_gap(
    result: Any,
    a: str | int,
    b: str | int,
    *,
    confidence_level: float = 0.95,
    method: str | None = None,
    kind: str | None = None,
    bins: Any = None,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Distribution of the gap ``R_a - R_b`` with its interval, zero and the p-value.

    For a bootstrap result: a histogram of the replicate gaps. For a fit: the normal
    (Wald) density of the estimated gap. The interval and two-sided p-value come from
    :func:`elosim.gap_test` (for a bootstrap, the p-value inverts the chosen interval
    method).

    Parameters
    ----------
    result : BradleyTerryResult or BootstrapResult
    a, b : str or int
        The two items.
    confidence_level : float
    method : str, optional
        Bootstrap interval method (default: the result's).
    kind : str, optional
        Covariance of a fit (default: the fit's).
    bins : int or str, optional
        Histogram bins (default: about ``sqrt(B)``, at most 80).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.hist` (bootstrap) or :meth:`Axes.plot` (fit).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> from elosim.plot import plot_gap
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    >>> ax = plot_gap(elosim.bradley_terry(votes, covariance="model"), "D", "A")
    >>> print(ax.get_title())
    D − A: gap 220.0 (95% CI −89.0 to 529.1)
    p = 0.163 (two-sided; Wald, model covariance)
    """
    from scipy.stats import norm

    level = check_confidence_level(confidence_level)
    items = tuple(result.items)
    ia, ib = check_item(items, a, "a"), check_item(items, b, "b")
    if ia == ib:
        raise ValueError(f"a and b must be two different items; got {items[ia]!r} for both")
    boot = getattr(result, "bootstrap_distribution", None) is not None
    try:
        from ..inference.gaps import gap_test

        t = gap_test(result, ia, ib, confidence_level=level, method=method, kind=kind)
        gap, se, lo, hi, p, how = (
            t.gap, t.standard_error, t.ci_low, t.ci_high, t.pvalue, t.method,
        )
    except ImportError:  # pragma: no cover - gaps.py is part of the package
        r = np.asarray(result.ratings, dtype=float)
        gap = float(r[ia] - r[ib])
        if boot:
            dd = np.asarray(result.bootstrap_distribution, dtype=float)
            se = float(np.std(dd[ia] - dd[ib], ddof=1))
            how = "normal approximation with the bootstrap SE"
        else:
            cov = np.asarray(result.covariance(kind), dtype=float)
            se = math.sqrt(max(cov[ia, ia] + cov[ib, ib] - 2 * cov[ia, ib], 0.0))
            how = "Wald"
        z = float(norm.ppf(0.5 + level / 2))
        lo, hi = gap - z * se, gap + z * se
        p = float(2 * norm.sf(abs(gap) / se)) if se > 0 else float("nan")
    ax = _axes(ax, (7.0, 4.2))
    if boot:
        dd = np.asarray(result.bootstrap_distribution, dtype=float)
        diff = dd[ia] - dd[ib]
        nb = bins if bins is not None else int(min(80, max(15, round(math.sqrt(diff.size)))))
        opts: dict[str, Any] = {
            "bins": nb, "density": True, "color": _SKY, "edgecolor": "white", "lw": 0.4,
            "label": f"{format_count(diff.size)} bootstrap replicates",
        }
        opts.update(kwargs)
        ax.hist(diff, **opts)
    else:
        half = 4.5 * se if se > 0 else 1.0
        x = np.linspace(min(gap - half, min(0.0, gap) - 0.5 * se), max(gap + half, 0.5 * se), 400)
        dens = norm.pdf(x, gap, se) if se > 0 else np.zeros_like(x)
        opts = {"color": _BLUE, "lw": 2.0, "label": "normal (Wald) approximation"}
        opts.update(kwargs)
        ax.plot(x, dens, **opts)
        inside = (x >= lo) & (x <= hi)
        ax.fill_between(x[inside], dens[inside], color=_SKY, alpha=0.4, lw=0)
    left, right = ax.get_xlim()
    ax.axvspan(max(lo, left), min(hi, right), color=_ORANGE, alpha=0.18, lw=0,
               label=f"{level_text(level)} CI", gid="interval")
    ax.axvline(gap, color="black", lw=1.5, label=f"estimate {gap:.1f}", gid="estimate")
    ax.axvline(0.0, color=_VERMILLION, lw=1.5, ls="--", label="no difference", gid="zero")
    ax.set_xlim(min(left, 0.0 - 0.05 * (right - left)), max(right, 0.05 * (right - left)))
    name_a, name_b = truncate(items[ia], 30), truncate(items[ib], 30)
    ax.set_xlabel(f"rating gap {name_a} \u2212 {name_b}")
    ax.set_ylabel("density")
    ci_text = (
        f"{level_text(level)} CI {lo:.1f} to {hi:.1f}".replace("-", "\u2212")
    )
    ax.set_title(
        f"{name_a} \u2212 {name_b}: gap {gap:.1f} ({ci_text})\n"
        f"p = {format_pvalue(p)} (two-sided; {how})",
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper left" if gap < 0 else "upper right")
    return ax


# ---------------------------------------------------------------------------- matrices
def _fit_and_votes(result: Any) -> tuple[Any, Any]:
    """(fit or None, votes) from a fit, a bootstrap result or a Votes object."""
    fit = getattr(result, "fit", None)
    if fit is None and hasattr(result, "votes") and hasattr(result, "ratings"):
        fit = result
    if fit is not None:
        return fit, fit.votes
    if hasattr(result, "counts") and hasattr(result, "items"):
        return None, result
    raise TypeError(
        f"expected a BradleyTerryResult, BootstrapResult or Votes; got {type(result).__name__}"
    )


def _observed_rates(votes: Any) -> tuple[Array, Array]:
    c = votes.counts
    w = np.asarray(c.win_matrix(), dtype=float)
    ties = np.asarray(c.tie_matrix(), dtype=float)
    total = w + w.T + ties
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(total > 0, (w + 0.5 * ties) / total, np.nan)
    np.fill_diagonal(rate, np.nan)
    return rate, total


def _heatmap_labels(ax: Any, labels: Sequence[str]) -> None:
    size = _label_size(len(labels))
    _item_axis(ax, labels, axis="x", size=size)
    _item_axis(ax, labels, axis="y", size=size)
    ax.tick_params(length=2)


def _annotate(ax: Any, mat: Array, fmt: str, im: Any) -> None:
    n = mat.shape[0]
    for i in range(n):
        for j in range(n):
            v = mat[i, j]
            if not np.isfinite(v):
                continue
            r, g, b, _ = im.cmap(im.norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=7,
                    color="white" if dark else "black", gid="annotation")


def plot_win_matrix(
    result: Any,
    *,
    kind: str = "observed",
    top: int | None = None,
    annotate: bool | None = None,
    colorbar: bool = True,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Heat map of pairwise results, items ordered by rating (best first).

    Cell ``(row, column)`` is about the row item against the column item.

    Parameters
    ----------
    result : BradleyTerryResult, BootstrapResult or Votes
        Items are ordered by rating for a fit, by observed win rate for votes.
    kind : {"observed", "predicted", "counts"}
        ``"observed"``: the row's observed win rate against the column, ties counted as
        half (grey where the pair never met). ``"predicted"``: the fitted probability
        that the row wins one vote (under a tie model: a win, ties excluded).
        ``"counts"``: number of votes per pair (log colour scale when counts vary a lot).
    top : int, optional
        Only the ``top`` best items.
    annotate : bool, optional
        Write the numbers in the cells (default: only for 15 items or fewer).
    colorbar : bool
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.imshow` (e.g. ``cmap``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> votes = elosim.datasets.load_bradleyterry2("baseball")
    >>> ax = elosim.plot.plot_win_matrix(elosim.bradley_terry(votes), kind="predicted")
    >>> len(ax.get_xticklabels())
    7
    """
    from matplotlib.colors import LogNorm

    check_choice(kind, "kind", ("observed", "predicted", "counts"))
    fit, votes = _fit_and_votes(result)
    items = tuple(votes.items)
    rate, total = _observed_rates(votes)
    if fit is not None:
        ratings = np.asarray(fit.ratings, dtype=float)
    else:
        if kind == "predicted":
            raise ValueError("kind='predicted' needs a fitted result, not raw votes")
        with np.errstate(invalid="ignore"):
            ratings = np.nansum(rate * total, axis=1) / np.maximum(total.sum(axis=1), 1e-300)
    order = _order(ratings, top=top, sort=True)
    n = order.size
    sub = np.ix_(order, order)
    opts: dict[str, Any] = {"interpolation": "nearest", "aspect": "equal"}
    if kind == "counts":
        mat = np.asarray(votes.counts.count_matrix(), dtype=float)[sub]
        positive = mat[mat > 0]
        mat = np.where(mat > 0, mat, np.nan)
        if positive.size and positive.max() / positive.min() > 50:
            opts["norm"] = LogNorm(vmin=positive.min(), vmax=positive.max())
        opts["cmap"] = "viridis"
        title, cbar, fmt = "votes per pair (blank: never compared)", "votes", ".0f"
    else:
        if kind == "observed":
            mat = rate[sub]
            title = "observed win rate of row against column (ties count \u00bd)"
        else:
            mat = np.asarray(fit.win_probability(), dtype=float)[sub]
            title = "predicted probability that row beats column"
            if fit.ties != "half":
                title += " (ties excluded)"
        opts.update(cmap="PuOr", vmin=0.0, vmax=1.0)
        cbar, fmt = "probability", ".2f"
    opts.update(kwargs)
    import matplotlib as mpl

    cmap = mpl.colormaps[opts["cmap"]] if isinstance(opts.get("cmap"), str) else opts.get("cmap")
    if cmap is not None:
        opts["cmap"] = cmap.with_extremes(bad="#d9d9d9")
    names = [items[i] for i in order]
    annotated = annotate if annotate is not None else n <= 15
    ax = _axes(ax, _matrix_size(names, cell=0.5 if annotated else 0.17,
                                extra_width=1.4 if colorbar else 0.3))
    im = ax.imshow(mat, **opts)
    im.set_gid("matrix")
    _heatmap_labels(ax, names)
    ax.set_xlabel("opponent (column)")
    ax.set_ylabel("item (row)")
    ax.set_title(title, fontsize="medium")
    if annotated:
        _annotate(ax, mat, fmt, im)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.6, label=cbar)
    return ax


def _ratings_from_gaps(tests: Any) -> Array:
    """Ratings (up to a constant) reconstructed from the tests' gaps ``R_a - R_b``."""
    k = len(tests.items)
    ia, ib = np.asarray(tests.index_a), np.asarray(tests.index_b)
    gap = np.asarray(tests.gap, dtype=float)
    r = np.zeros(k)
    cnt = np.zeros(k)
    # least squares on the complete set of pairs: r_i = mean_j (r_i - r_j) (sum r = 0)
    np.add.at(r, ia, gap)
    np.add.at(r, ib, -gap)
    np.add.at(cnt, ia, 1)
    np.add.at(cnt, ib, 1)
    out: Array = r / np.maximum(cnt, 1)
    return out


def plot_pvalues(
    tests_or_result: Any,
    *,
    adjust: str | None = "holm",
    confidence_level: float = 0.95,
    top: int | None = None,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Pairwise gap tests as a matrix of significance bins, items ordered by rating.

    Bins: p < 0.001, < 0.01, < ``1 - confidence_level`` and "not significant"; a single-hue
    scale (darker = stronger evidence) with a legend, readable at 50+ items.

    Parameters
    ----------
    tests_or_result : PairwiseGapTests, BradleyTerryResult or BootstrapResult
        A result is tested with :func:`elosim.pairwise_gap_tests` (``adjust`` and
        ``confidence_level`` are passed on); for given tests, their adjusted p-values are
        shown and ``adjust`` is ignored.
    adjust : {"holm", "bonferroni", "fdr_bh"} or None
    confidence_level : float
        Sets the significance threshold ``1 - confidence_level``.
    top : int, optional
        Only the ``top`` best items.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.imshow`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> votes = elosim.datasets.load_bradleyterry2("baseball")
    >>> tests = elosim.bradley_terry(votes).pairwise_gap_tests(adjust="holm")
    >>> ax = elosim.plot.plot_pvalues(tests)
    >>> len(ax.get_yticklabels())
    7
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    level = check_confidence_level(confidence_level)
    if hasattr(tests_or_result, "pvalue_matrix"):
        tests = tests_or_result
        ratings = _ratings_from_gaps(tests)
    else:
        from ..inference.pairwise import pairwise_gap_tests

        tests = pairwise_gap_tests(tests_or_result, adjust=adjust, confidence_level=level)
        ratings = np.asarray(tests_or_result.ratings, dtype=float)
    alpha = 1.0 - level
    cuts = sorted({0.001, 0.01, alpha})
    cuts = [c for c in cuts if c <= alpha]
    edges = [0.0, *cuts, 1.0 + 1e-12]
    labels = [f"p < {c:g}" for c in cuts] + [f"p \u2265 {alpha:g} (not significant)"]
    blues = ["#08306b", "#2171b5", "#6baed6", "#c6dbef"]
    colours = [*blues[-len(cuts) - 1 : -1], "#f2f2f2"] if len(cuts) < 3 else [
        *blues[:3], "#f2f2f2"
    ]
    cmap = ListedColormap(colours).with_extremes(bad="white")
    norm = BoundaryNorm(edges, cmap.N)
    order = _order(ratings, top=top, sort=True)
    mat = np.asarray(tests.pvalue_matrix(adjusted=True), dtype=float)[np.ix_(order, order)]
    ax = _axes(ax, _matrix_size([tests.items[i] for i in order], extra_width=2.8))
    opts: dict[str, Any] = {"cmap": cmap, "norm": norm, "interpolation": "nearest"}
    opts.update(kwargs)
    im = ax.imshow(mat, **opts)
    im.set_gid("matrix")
    _heatmap_labels(ax, [tests.items[i] for i in order])
    adj = tests.adjust
    adj_text = {"holm": "Holm-adjusted", "bonferroni": "Bonferroni-adjusted",
                "fdr_bh": "BH (FDR)-adjusted"}.get(adj or "", "unadjusted")
    handles = [Patch(facecolor=c, edgecolor="#999999", label=lab)
               for c, lab in zip(colours, labels, strict=True)]
    ax.legend(handles=handles, title=f"{adj_text} p", loc="upper left",
              bbox_to_anchor=(1.02, 1.0), fontsize="small", title_fontsize="small",
              borderaxespad=0.0)
    title = _wrap(f"pairwise gap tests ({tests.method})", 60)
    p_adj = np.asarray(tests.pvalue_adjusted, dtype=float)
    if adj and "bootstrap" in str(tests.method) and not np.any(p_adj < alpha):
        p_min = float(np.min(tests.pvalue))
        title += (
            f"\nno pair significant: the smallest bootstrap p is {p_min:.2g} (resampling "
            f"resolution),\ntoo coarse for {adj_text} p over {format_count(tests.n_pairs)} "
            "pairs; use more resamples or a Wald test"
        )
    ax.set_title(title, fontsize="medium")
    return ax


# ---------------------------------------------------------------------------- ranks
def plot_rank_intervals(
    rank_result: Any,
    *,
    top: int | None = None,
    sort: bool = True,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Rank confidence sets: a bar from ``rank_low`` to ``rank_high`` per item, point rank dot.

    Rows of the items that may be #1 are shaded.

    Parameters
    ----------
    rank_result : RankSetResult
    top : int, optional
        Only the ``top`` best-rated items.
    sort : bool
        Best item at the top.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.scatter` for the point ranks.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> votes = elosim.datasets.load_bradleyterry2("baseball")
    >>> ranks = elosim.bradley_terry(votes).rank_intervals(simultaneous=True, rng=0)
    >>> ax = elosim.plot.plot_rank_intervals(ranks)
    >>> ax.get_xlabel() != ""
    True
    """
    from matplotlib.ticker import MaxNLocator

    if not (hasattr(rank_result, "rank_low") and hasattr(rank_result, "rank_high")):
        raise TypeError(f"expected a RankSetResult; got {type(rank_result).__name__}")
    items, ratings = _items_ratings(rank_result)
    order = _order(ratings, top=top, sort=sort)
    n = order.size
    lo = np.asarray(rank_result.rank_low)[order]
    hi = np.asarray(rank_result.rank_high)[order]
    rk = np.asarray(rank_result.rank)[order]
    ax = _axes(ax, (7.5, _rows_height(n)))
    y = np.arange(n)
    for j in np.flatnonzero(lo == 1):
        ax.axhspan(j - 0.5, j + 0.5, color=_ORANGE, alpha=0.2, lw=0, zorder=0,
                   gid="tied-for-first")
    ax.hlines(y, lo - 0.3, hi + 0.3, colors=_BLUE, lw=4.0, alpha=0.6, zorder=2,
              gid="intervals")
    opts: dict[str, Any] = {"c": "black", "s": 14, "zorder": 3}
    opts.update(kwargs)
    pts = ax.scatter(rk, y, **opts)
    pts.set_gid("ranks")
    _item_axis(ax, [items[i] for i in order], size=_label_size(n))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    k = len(items)
    ax.set_xlim(0.3, k + 0.7)
    scope = {True: "simultaneous", False: "marginal"}.get(rank_result.simultaneous, "heuristic")
    ax.set_xlabel(
        f"rank (1 = best); bars: {level_text(rank_result.confidence_level)} {scope} rank sets"
    )
    ax.set_title(_wrap(rank_result.method, 75), fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


# ---------------------------------------------------------------------------- online Elo
def plot_trajectory(
    online_elo_result: Any,
    *,
    items: Sequence[str] | None = None,
    top: int = 8,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Online Elo ratings after each checkpoint, one line per item.

    Parameters
    ----------
    online_elo_result : OnlineEloResult
    items : sequence of str, optional
        Items to draw (default: the ``top`` best final ratings; more than about 10 lines
        are hard to tell apart).
    top : int
    ax : matplotlib Axes, optional
    **kwargs
        Passed to every :meth:`Axes.plot` call.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> votes = elosim.simulate_votes({"a": 1100, "b": 1000, "c": 900}, 3000, rng=0)
    >>> ax = elosim.plot.plot_trajectory(elosim.online_elo(votes))
    >>> len(ax.get_lines()) >= 3
    True
    """
    res = online_elo_result
    if not hasattr(res, "trajectory"):
        raise TypeError(f"expected an OnlineEloResult; got {type(res).__name__}")
    names, ratings = _items_ratings(res)
    order = _order(ratings, top=top, sort=True, items=items, all_items=names)
    traj = np.asarray(res.trajectory, dtype=float)
    x = np.asarray(res.checkpoints)
    ax = _axes(ax, (8.5, 4.8))
    styles = ("-", "--", ":", "-.")
    for j, i in enumerate(order):
        opts: dict[str, Any] = {
            "color": _LINE_COLOURS[j % len(_LINE_COLOURS)],
            "ls": styles[(j // len(_LINE_COLOURS)) % len(styles)],
            "lw": 1.5,
            "label": truncate(names[i], _LABEL_WIDTH),
        }
        opts.update(kwargs)
        ax.plot(x, traj[:, i], **opts)
    from matplotlib.ticker import StrMethodFormatter

    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel("votes processed")
    ax.set_ylabel(f"online Elo rating (k = {res.k:g})")
    mean_note = ", mean over orderings" if res.n_orderings > 1 else ""
    ax.set_title(
        f"online Elo, {format_count(res.n_votes)} votes in {res.ordered_by} order{mean_note}",
        fontsize="medium",
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small",
              borderaxespad=0.0, title="final rating order", title_fontsize="small")
    ax.grid(alpha=0.3)
    return ax


# ---------------------------------------------------------------------------- power
def _as_list(x: Any) -> list[float]:
    return [float(v) for v in np.atleast_1d(np.asarray(x, dtype=float))]


def plot_power(
    *,
    gap: float | Sequence[float] | None = None,
    n_votes: float | Sequence[float] | None = None,
    power: float = 0.8,
    confidence_level: float = 0.95,
    tie_rate: float = 0.0,
    design: str | Sequence[str] = "head-to-head",
    n_items: int | None = None,
    alternative: str = "two-sided",
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Power curves or votes needed, from :mod:`elosim.simulation.planning` (Wald test of a gap).

    * ``gap`` given: power against total votes, one curve per gap, with the votes needed
      for ``power`` marked (``n_votes``, if given, is the grid).
    * only ``n_votes`` given: power against the gap, one curve per number of votes.
    * neither: votes needed for ``power`` against the gap, one curve per ``design``.

    Parameters
    ----------
    gap : float or sequence, optional
        True Elo gap(s) (> 0).
    n_votes : float or sequence, optional
        Total votes.
    power : float
        Target power (the dashed line / the curve of votes needed).
    confidence_level, tie_rate, n_items, alternative
        As in :func:`elosim.votes_needed`.
    design : str or sequence of str
        One design, or several to compare (only when neither ``gap`` nor ``n_votes``).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to every :meth:`Axes.plot` call.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from elosim.plot import plot_power
    >>> ax = plot_power(gap=[10, 20])
    >>> ax.get_xlabel(), len(ax.get_lines()) >= 2
    ('total votes (head-to-head)', True)
    """
    from ..simulation.planning import min_detectable_gap, votes_needed
    from ..simulation.planning import power as power_at

    designs = [design] if isinstance(design, str) else list(design)
    if not designs:
        raise ValueError("design must name at least one design")
    if len(designs) > 1 and (gap is not None or n_votes is not None):
        raise ValueError("several designs can be compared only when gap and n_votes are None")
    common: dict[str, Any] = {"confidence_level": confidence_level, "tie_rate": tie_rate,
              "n_items": n_items, "alternative": alternative}
    ax = _axes(ax, (7.0, 4.5))
    lvl = f"{level_text(1 - check_confidence_level(confidence_level))} test"
    if gap is not None:
        gaps = _as_list(gap)
        d = designs[0]
        if n_votes is not None and np.size(n_votes) > 1:
            grid = np.asarray(_as_list(n_votes))
        else:
            lo_n = max(2.0, votes_needed(max(gaps), power=0.2, design=d, **common) / 4)
            hi_n = votes_needed(min(gaps), power=0.995, design=d, **common) * 1.5
            grid = np.geomspace(lo_n, hi_n, 200)
        for j, g in enumerate(gaps):
            col = _LINE_COLOURS[j % len(_LINE_COLOURS)]
            ys = [power_at(g, n, design=d, **common) for n in grid]
            opts: dict[str, Any] = {"color": col, "lw": 2.0, "label": f"gap {g:g} Elo"}
            opts.update(kwargs)
            ax.plot(grid, ys, **opts)
            need = votes_needed(g, power=power, design=d, **common)
            if grid.min() <= need <= grid.max():
                ax.plot([need], [power], "o", color=col, ms=5)
                ax.annotate(format_count(need), (need, power), textcoords="offset points",
                            xytext=(4, -12), fontsize="small", color=col)
        if n_votes is not None and np.size(n_votes) == 1:
            ax.axvline(float(np.asarray(n_votes).ravel()[0]), color="black", ls=":", lw=1)
        ax.axhline(power, color="#666666", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(f"total votes ({d})")
        ax.set_ylabel(f"power ({lvl})")
    elif n_votes is not None:
        ns = _as_list(n_votes)
        d = designs[0]
        hi_g = max(min_detectable_gap(min(ns), power=0.995, design=d, **common), 1.0)
        grid = np.linspace(hi_g / 200, hi_g, 200)
        for j, n in enumerate(ns):
            ys = [power_at(g, n, design=d, **common) for g in grid]
            opts = {"color": _LINE_COLOURS[j % len(_LINE_COLOURS)], "lw": 2.0,
                    "label": f"{format_count(round(n))} votes"}
            opts.update(kwargs)
            ax.plot(grid, ys, **opts)
        ax.axhline(power, color="#666666", ls="--", lw=1)
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, hi_g)
        ax.set_xlabel(f"true gap (Elo points; {d})")
        ax.set_ylabel(f"power ({lvl})")
    else:
        grid = np.geomspace(2.0, 200.0, 120)
        for j, d in enumerate(designs):
            ys = [votes_needed(g, power=power, design=d, **common) for g in grid]
            opts = {"color": _LINE_COLOURS[j % len(_LINE_COLOURS)], "lw": 2.0, "label": d}
            opts.update(kwargs)
            ax.plot(grid, ys, **opts)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("true gap (Elo points)")
        ax.set_ylabel(f"total votes needed ({level_text(power)} power, {lvl})")
    if tie_rate:
        ax.set_title(f"tie rate {tie_rate:g}", fontsize="medium")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    return ax


# ---------------------------------------------------------------------------- coverage
def _coverage_inputs(
    study: Any, labels: Sequence[str] | None, what: str = "ratings"
) -> tuple[list[str], list[Array]]:
    source = study
    if hasattr(study, "per_simulation") and hasattr(study, "metrics"):
        # a CoverageStudyResult: per-simulation coverage of the chosen metric per method
        metric = {"ratings": 0, "differences": 1, "rank_sets": 2, "marginal_rank_sets": 3}
        if what not in metric:
            raise ValueError(
                f"what must be one of {sorted(metric)}; got {what!r}"
            )
        col = study.per_simulation[:, :, metric[what]]
        return list(study.methods), [col[:, j] for j in range(col.shape[1])]
    if not isinstance(study, Mapping) and hasattr(study, "coverage"):
        source = study.coverage
    if isinstance(source, Mapping):
        return [str(k) for k in source], [np.asarray(v, dtype=float).ravel()
                                          for v in source.values()]
    arr = np.asarray(source, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"coverage arrays must be (n_simulations, n_methods); got shape {arr.shape}"
        )
    names = list(labels) if labels is not None else [f"method {j + 1}" for j in
                                                     range(arr.shape[1])]
    if len(names) != arr.shape[1]:
        raise ValueError(f"labels has {len(names)} names for {arr.shape[1]} methods")
    return names, [arr[:, j] for j in range(arr.shape[1])]


def plot_coverage(
    study: Any,
    *,
    what: str = "ratings",
    nominal: float | None = None,
    labels: Sequence[str] | None = None,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Coverage of each interval method with 95% Monte-Carlo error bars and the nominal line.

    Parameters
    ----------
    study : CoverageStudyResult, mapping, or array
        A :func:`elosim.coverage_study` result; or method name -> per-simulation coverage
        (0/1 indicators, or the fraction of items covered in each simulation); or an
        ``(n_simulations, n_methods)`` array with ``labels``. The point is the mean; the
        bar is ``mean +/- 1.96 SD / sqrt(n)``.
    what : {"ratings", "differences", "rank_sets", "marginal_rank_sets"}
        For a coverage-study result: which coverage to draw.
    nominal : float, optional
        The nominal level (default: ``study.confidence_level`` or 0.95).
    labels : sequence of str, optional
        Method names for an array.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.errorbar`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from elosim.plot import plot_coverage
    >>> rng = np.random.default_rng(0)
    >>> ax = plot_coverage({"Wald": rng.random(400) < 0.95, "percentile": rng.random(400) < 0.9})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Wald', 'percentile']
    """
    names, values = _coverage_inputs(study, labels, what)
    nom = nominal if nominal is not None else getattr(study, "confidence_level", 0.95)
    nom = check_confidence_level(nom, "nominal")
    means = np.array([np.nanmean(v) for v in values])
    ns = np.array([np.count_nonzero(np.isfinite(v)) for v in values])
    sds = np.array([np.nanstd(v, ddof=1) if v.size > 1 else np.nan for v in values])
    mcse = sds / np.sqrt(np.maximum(ns, 1))
    half = 1.96 * mcse
    ax = _axes(ax, (7.0, max(2.4, 0.45 * len(names) + 1.4)))
    y = np.arange(len(names))
    below = means + half < nom
    above = means - half > nom
    ax.axvline(nom, color="#444444", ls="--", lw=1.2, label=f"nominal {level_text(nom)}",
               gid="nominal")
    for state, col, lab in (
        (~below & ~above, _GREEN, "consistent with nominal"),
        (below, _VERMILLION, "undercovers"),
        (above, _BLUE, "overcovers"),
    ):
        if not state.any():
            continue
        opts: dict[str, Any] = {"fmt": "o", "color": col, "capsize": 3, "lw": 1.5,
                                "ms": 6, "label": lab}
        opts.update(kwargs)
        ax.errorbar(means[state], y[state], xerr=half[state], **opts)
    ax.set_yticks(y, names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    n_text = (
        f"{format_count(ns[0])} simulations" if np.all(ns == ns[0])
        else f"{format_count(ns.min())}\u2013{format_count(ns.max())} simulations"
    )
    ax.set_xlabel(f"coverage (bars: \u00b11.96 Monte-Carlo SE, {n_text})")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    return ax


# ---------------------------------------------------------------------------- design
def plot_comparison_graph(
    votes_or_result: Any,
    *,
    top: int | None = None,
    colorbar: bool = True,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Who met whom how often: a heat map of votes per pair (blank = never compared).

    Items are ordered by rating for a fit or bootstrap result, by number of votes for raw
    votes. The title gives the number of pairs compared out of all possible pairs.

    Parameters
    ----------
    votes_or_result : Votes, BradleyTerryResult or BootstrapResult
    top : int, optional
        Only the ``top`` items (best rated, or with most votes).
    colorbar : bool
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`Axes.imshow`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import elosim
    >>> votes = elosim.datasets.load_bradleyterry2("baseball")
    >>> ax = elosim.plot.plot_comparison_graph(votes)
    >>> len(ax.get_xticklabels())
    7
    """
    fit, votes = _fit_and_votes(votes_or_result)
    key = (np.asarray(fit.ratings, dtype=float) if fit is not None
           else np.asarray(votes.votes_per_item, dtype=float))
    order = _order(key, top=top, sort=True)
    mat = np.asarray(votes.counts.count_matrix(), dtype=float)[np.ix_(order, order)]
    ax = _axes(ax, _matrix_size([votes.items[i] for i in order],
                                extra_width=1.4 if colorbar else 0.3))
    _counts_image(ax, mat, [votes.items[i] for i in order], colorbar, kwargs)
    k = votes.n_items
    counts = np.asarray(votes.counts.count_matrix())
    met = int(np.count_nonzero(np.triu(counts, 1)))
    total = k * (k - 1) // 2
    ax.set_title(
        f"votes per pair: {format_count(met)} of {format_count(total)} pairs compared "
        f"({format_count(votes.n_votes)} votes, {k} items)",
        fontsize="medium",
    )
    ax.set_xlabel("item")
    ax.set_ylabel("item")
    return ax


def _counts_image(
    ax: Any, mat: Array, names: Sequence[str], colorbar: bool, kwargs: dict[str, Any]
) -> None:
    import matplotlib as mpl
    from matplotlib.colors import LogNorm

    positive = mat[mat > 0]
    opts: dict[str, Any] = {"interpolation": "nearest",
                            "cmap": mpl.colormaps["viridis"].with_extremes(bad="#d9d9d9")}
    if positive.size and positive.max() / positive.min() > 50:
        opts["norm"] = LogNorm(vmin=positive.min(), vmax=positive.max())
    opts.update(kwargs)
    im = ax.imshow(np.where(mat > 0, mat, np.nan), **opts)
    im.set_gid("matrix")
    _heatmap_labels(ax, names)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.6, label="votes")


@hooks.provides("plot")
def _plot_result(function: str, result: Any, **kwargs: Any) -> Any:
    """Draw ``result`` with the plotting function it names (its ``_plot_function``)."""
    return globals()[function](result, **kwargs)

