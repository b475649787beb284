"""Online Elo trajectories, power curves and coverage studies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..._core.format import format_count, level_text, truncate
from ..._core.validation import check_confidence_level
from .common import (
    _BLUE,
    _GREEN,
    _LABEL_WIDTH,
    _LINE_COLOURS,
    _VERMILLION,
    Array,
    _axes,
    _items_ratings,
    _order,
)


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
    matplotlib.axes.Axes
        The rating trajectories over the votes.

    Examples
    --------
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
    matplotlib.axes.Axes
        The power or votes-needed curves.

    Examples
    --------
    >>> from elosim.plot import plot_power
    >>> ax = plot_power(gap=[10, 20])
    >>> ax.get_xlabel(), len(ax.get_lines()) >= 2
    ('total votes (head-to-head)', True)
    """
    from ...simulation.planning import min_detectable_gap, votes_needed
    from ...simulation.planning import power as power_at

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
    matplotlib.axes.Axes
        The coverage and Monte-Carlo error per method.

    Examples
    --------
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
