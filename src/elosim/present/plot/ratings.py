"""Forest plots of ratings, bootstrap distributions and one gap."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..._core.format import format_count, format_pvalue, level_text, truncate
from ..._core.validation import check_confidence_level
from ...data.labels import resolve_item
from .common import (
    _BLUE,
    _ORANGE,
    _SKY,
    _VERMILLION,
    _axes,
    _item_axis,
    _items_ratings,
    _label_size,
    _order,
    _rank_lookup,
    _rating_word,
    _rows_height,
    _wrap,
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
    matplotlib.axes.Axes
        The forest plot of ratings and intervals.

    Notes
    -----
    Intervals that overlap do **not** mean that two items are tied: test the gap with
    :func:`elosim.gap_test` (or plot it with :func:`plot_gap`).

    Examples
    --------
    >>> import elosim
    >>> from elosim.plot import plot_ratings
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 20, 0, 10], [30, 0, 50, 0], [0, 30, 0, 10], [40, 0, 30, 0]])
    >>> ax = plot_ratings(elosim.bradley_terry(votes))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['D', 'B', 'C', 'A']
    >>> ax.get_xlabel()
    'Elo rating (95% Wald CI, max covariance)'
    """
    from ..report import _intervals, interval_description

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
    matplotlib.axes.Axes
        The violin plot of the bootstrap distributions.

    Examples
    --------
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
    from ..report import interval_description

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
    matplotlib.axes.Axes
        The distribution of the gap, its interval and p-value.

    Examples
    --------
    >>> import elosim
    >>> from elosim.plot import plot_gap
    >>> votes = elosim.Votes.from_counts(
    ...     ["A", "B", "C", "D"],
    ...     [[0, 20, 0, 10], [30, 0, 50, 0], [0, 30, 0, 10], [40, 0, 30, 0]])
    >>> ax = plot_gap(elosim.bradley_terry(votes, covariance="model"), "D", "A")
    >>> print(ax.get_title())
    D − A: gap 220.0 (95% CI 122.3 to 317.7)
    p = 1.0e-05 (two-sided; Wald, model covariance)
    """
    from scipy.stats import norm

    level = check_confidence_level(confidence_level)
    items = tuple(result.items)
    ia, ib = resolve_item(items, a, "a"), resolve_item(items, b, "b")
    if ia == ib:
        raise ValueError(f"a and b must be two different items; got {items[ia]!r} for both")
    boot = getattr(result, "bootstrap_distribution", None) is not None
    try:
        from ...inference.gaps import gap_test

        t = gap_test(result, items[ia], items[ib], confidence_level=level, method=method, kind=kind)
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
