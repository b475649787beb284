"""Checks of a fit's data that are about information and units, not validity.

* :func:`weight_unit`: the mean weight per vote. Weights are *relative*: multiplying every
  weight by one constant changes no estimate, standard error or interval. The solvers use
  relative tolerances; the prior strength and the model-based covariance are expressed per
  vote of mean weight (1.0 for unweighted votes, so nothing changes there).
* :func:`check_not_all_ties`: votes that are all ties carry no information about
  differences; any rating, standard error (0 with the sandwich) or p-value would be an
  artefact, so a named error is raised instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._core.errors import DegenerateDataError

__all__ = ["MAX_INIT_SPREAD", "MIN_USEFUL_PRIOR", "check_not_all_ties", "weight_unit"]

#: Smallest prior strength that makes a separated data set's estimate finite in practice
#: (a prior SD of 174,000 Elo points); weaker priors are refused when the MLE is infinite.
MIN_USEFUL_PRIOR = 1e-6

#: Largest spread of starting log-strengths accepted (natural units; odds of 1 to e^50).
MAX_INIT_SPREAD = 50.0


def weight_unit(counts: Any) -> float:
    """Mean weight per vote of :class:`~elosim.data.counts.VoteCounts` (1.0 if unweighted)."""
    w = np.asarray(counts.cell_weight, dtype=np.float64)
    n = np.asarray(counts.cell_count, dtype=np.float64)
    total_n = float(n.sum())
    if total_n <= 0:
        return 1.0
    unit = float(np.dot(w, n)) / total_n
    return unit if unit > 0 else 1.0


def check_not_all_ties(table: NDArray[np.float64], ties: str) -> None:
    """Raise :class:`~elosim.DegenerateDataError` when no vote is decisive."""
    if float(table[:, :2].sum()) > 0:
        return
    n = float(table[:, 2].sum())
    raise DegenerateDataError(
        f"every vote is a tie (ties={ties!r}): the votes carry no information about "
        "differences between the items, so ratings would all be equal with a standard error "
        "of 0 and intervals of zero width, a confident-looking artefact. Remedy: report "
        f"that no item was preferred ({n:g} ties), or collect decisive votes"
    )
