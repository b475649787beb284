"""The standard normal distribution from :mod:`scipy.special` (fast to import).

``import scipy.stats`` costs a large share of ``import elosim``; these four functions are all
elosim needs of it at import time. :func:`wald` gives the two-sided normal-theory columns of
a table of estimates with standard errors.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["WaldColumns", "norm", "wald"]


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


class WaldColumns(NamedTuple):
    """Two-sided Wald interval, ``z`` statistic and p-value (arrays like the estimates)."""

    ci_low: Any
    ci_high: Any
    statistic: Any
    pvalue: Any


def wald(estimate: Any, standard_error: Any, confidence_level: float) -> WaldColumns:
    """``estimate -+ z * standard_error``, ``estimate / standard_error`` and its two-sided
    p-value; the statistic and p-value are NaN where the standard error is 0.

    Examples
    --------
    >>> from elosim._core.normal import wald
    >>> w = wald([2.0, 1.0], [1.0, 0.0], 0.95)
    >>> w.ci_low.round(2).tolist(), w.statistic.tolist(), w.pvalue.round(4).tolist()
    ([0.04, 1.0], [2.0, nan], [0.0455, nan])
    """
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(standard_error, dtype=float)
    z = float(norm.ppf(0.5 + confidence_level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(se > 0, est / se, np.nan)
    return WaldColumns(est - z * se, est + z * se, stat, 2.0 * norm.sf(np.abs(stat)))
