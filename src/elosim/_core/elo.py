"""The Elo scale: conversion between log-strengths and ratings."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .validation import check_base, check_real

__all__ = ["elo_factor", "gap_from_win_probability", "win_probability_from_gap"]

#: Rating points per unit of natural log-odds on the standard Elo scale (400 / ln 10).
ELO_FACTOR = 400.0 / math.log(10.0)


def elo_factor(scale: float = 400.0, base: float = 10.0) -> float:
    """Rating points per unit of natural log-odds: ``scale / ln(base)``.

    ``scale`` must be a positive number and ``base`` a number > 1 (named errors otherwise).
    """
    s = check_real(scale, "scale", minimum=0, exclusive=True)
    return s / math.log(check_base(base))


def win_probability_from_gap(
    gap: ArrayLike, *, scale: float = 400.0, base: float = 10.0
) -> NDArray[np.float64]:
    """Probability that an item rated ``gap`` points above another wins a decisive vote.

    ``P = 1 / (1 + base ** (-gap / scale))``.

    Examples
    --------
    >>> import elosim
    >>> float(elosim.win_probability_from_gap(400.0))  # doctest: +ELLIPSIS
    0.90909...
    """
    g = np.asarray(gap, dtype=float) / elo_factor(scale, base)
    out: NDArray[np.float64] = 0.5 * (1.0 + np.tanh(0.5 * g))
    return out


def gap_from_win_probability(
    probability: ArrayLike, *, scale: float = 400.0, base: float = 10.0
) -> NDArray[np.float64]:
    """Rating gap that gives win probability ``probability`` (inverse of the Elo curve).

    Examples
    --------
    >>> import elosim
    >>> round(float(elosim.gap_from_win_probability(0.75)), 3)
    190.849
    """
    p = np.asarray(probability, dtype=float)
    if np.any((p <= 0) | (p >= 1)) or np.any(~np.isfinite(p)):
        raise ValueError(f"probability must lie strictly between 0 and 1; got {probability!r}")
    out: NDArray[np.float64] = elo_factor(scale, base) * np.log(p / (1.0 - p))
    return out
