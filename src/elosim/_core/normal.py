"""The standard normal distribution from :mod:`scipy.special` (fast to import).

``import scipy.stats`` costs a large share of ``import elosim``; these four functions are all
elosim needs of it at import time.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["norm"]


class _StandardNormal:
    """``cdf``, ``sf``, ``ppf`` and ``pdf`` of N(0, 1), vectorised like scipy.stats.norm."""

    @staticmethod
    def cdf(x: Any) -> Any:
        return ndtr(x)

    @staticmethod
    def sf(x: Any) -> Any:
        return ndtr(-np.asarray(x, dtype=float))

    @staticmethod
    def ppf(q: Any) -> Any:
        return ndtri(q)

    @staticmethod
    def pdf(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


norm = _StandardNormal()
