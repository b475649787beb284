"""The comparison graph: who met whom, how often."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._core.format import format_count
from .common import (
    Array,
    _axes,
    _matrix_size,
    _order,
)
from .matrices import (
    _fit_and_votes,
    _heatmap_labels,
)


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
    matplotlib.axes.Axes
        The heat map of votes per pair.

    Examples
    --------
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
