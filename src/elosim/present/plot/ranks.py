"""Rank confidence sets."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._core.format import level_text
from .common import (
    _BLUE,
    _ORANGE,
    _axes,
    _item_axis,
    _items_ratings,
    _label_size,
    _order,
    _rows_height,
    _wrap,
)


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
    matplotlib.axes.Axes
        The rank sets as horizontal bars.

    Examples
    --------
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
