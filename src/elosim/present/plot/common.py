"""Shared plotting helpers: figure sizing, item axes, the colour palette."""

from __future__ import annotations

import contextlib
import contextvars
import textwrap
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._core.format import truncate
from ..._core.validation import check_positive_int
from ...data.labels import resolve_item

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
_BARE = contextvars.ContextVar("elosim_bare_figures", default=False)


@contextlib.contextmanager
def bare_figures() -> Iterator[None]:
    """Within this block, plots made with ``ax=None`` go on a bare ``Figure`` (no pyplot).

    The command line draws through it: the figure gets the size the plotting function
    chooses for its content, while no global backend state is touched and no figure is
    left open.
    """
    token = _BARE.set(True)
    try:
        yield
    finally:
        _BARE.reset(token)


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    """``ax`` itself, or a new Axes on a new constrained-layout figure of ``size`` inches."""
    if ax is not None:
        return ax
    if _BARE.get():
        from matplotlib.figure import Figure

        return Figure(figsize=size, layout="constrained").add_subplot()
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
        idx = np.array([resolve_item(all_items, it, "items") for it in items], dtype=np.intp)
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
