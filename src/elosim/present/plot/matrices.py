"""Matrices over item pairs: win rates and pairwise p-values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._core.format import format_count
from ..._core.sparse import SPARSE_VOTES
from ..._core.validation import check_choice, check_confidence_level
from .common import (
    Array,
    _axes,
    _item_axis,
    _label_size,
    _matrix_size,
    _order,
    _wrap,
)


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


def _annotate(
    ax: Any, mat: Array, fmt: str, im: Any, few: NDArray[np.bool_] | None = None
) -> None:
    """Write each cell's value; cells marked in ``few`` get a dagger."""
    n = mat.shape[0]
    for i in range(n):
        for j in range(n):
            v = mat[i, j]
            if not np.isfinite(v):
                continue
            r, g, b, _ = im.cmap(im.norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            text = format(v, fmt) + ("\u2020" if few is not None and few[i, j] else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
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
    matplotlib.axes.Axes
        The heat map of win rates or probabilities.

    Examples
    --------
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
    few = None  # observed rates resting on few votes: marked, never shown as plain facts
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
            pair_votes = total[sub]
            few = (pair_votes > 0) & (pair_votes < SPARSE_VOTES)
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
        _annotate(ax, mat, fmt, im, few)
    if few is not None and few.any():
        if not annotated:
            rows, cols = np.nonzero(few)
            ax.scatter(cols, rows, s=4, c="black", marker=".", gid="few-votes")
        mark = "\u2020" if annotated else "dot"
        ax.set_title(
            f"{title}\n{mark}: fewer than {SPARSE_VOTES} votes between the pair "
            f"({int(few.sum()) // 2} pair(s)); such rates are unreliable",
            fontsize="medium",
        )
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
    matplotlib.axes.Axes
        The heat map of adjusted p-values.

    Examples
    --------
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
        from ...inference.pairwise import pairwise_gap_tests

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
