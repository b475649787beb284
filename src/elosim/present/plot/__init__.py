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

from typing import Any

from ..._core import hooks
from .common import OKABE_ITO
from .design import plot_comparison_graph
from .matrices import plot_pvalues, plot_win_matrix
from .ranks import plot_rank_intervals
from .ratings import plot_bootstrap_distribution, plot_gap, plot_ratings
from .studies import plot_coverage, plot_power, plot_trajectory

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


@hooks.provides("plot")
def _plot_result(function: str, result: Any, **kwargs: Any) -> Any:
    """Draw ``result`` with the plotting function it names (its ``_plot_function``)."""
    return globals()[function](result, **kwargs)
