"""The damped Newton driver shared by every single-table solver.

Maximum likelihood (dense and sparse), Firth's penalised likelihood and the constrained
refits of the profile likelihood all iterate the same way: from the current point, take
a step (Newton, Fisher scoring or a projected KKT step), halve it until the objective does
not fall, and stop at convergence, after ``max_iter`` steps, or when no step is possible.
They differ only in the objective, in how the step is solved and in the stopping test,
which :func:`damped_newton` takes as callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["NewtonRun", "backtrack", "damped_newton"]

Array = NDArray[np.float64]
#: An evaluation at a point: a tuple whose first item is the objective (to maximise).
E = TypeVar("E", bound=tuple[Any, ...])


@dataclass
class NewtonRun(Generic[E]):
    """Where :func:`damped_newton` stopped.

    Attributes
    ----------
    theta : ndarray
        The last accepted point.
    evaluation : tuple
        ``evaluate(theta)``.
    n_iter : int
        Steps taken.
    converged : bool
        Whether it stopped because ``converged(evaluation)`` held.
    """

    theta: Array
    evaluation: E
    n_iter: int
    converged: bool


def backtrack(
    evaluate: Callable[[Array], E], theta: Array, step: Array, value: float
) -> tuple[Array, E] | None:
    """Step halving: the first ``theta + t * step`` (``t = 1, 1/2, ...``) whose objective
    (the first item ``evaluate`` returns) does not fall below ``value``.

    Returns the new point and its evaluation, or None when ``t`` would drop below 1e-10
    (no ascent possible: the caller stops).
    """
    t = 1.0
    while t >= 1e-10:
        cand = theta + t * step
        out = evaluate(cand)
        if np.isfinite(out[0]) and out[0] >= value - 1e-12 * abs(value):
            return cand, out
        t *= 0.5
    return None


def damped_newton(
    evaluate: Callable[[Array], E],
    theta0: Array,
    *,
    direction: Callable[[E], Array | None],
    converged: Callable[[E], bool],
    max_iter: int,
) -> NewtonRun[E]:
    """Maximise an objective by steps from ``direction``, each halved by :func:`backtrack`.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(theta)`` returns a tuple whose first item is the objective; the rest
        (gradient, information, per-pair terms...) is passed on to the other callbacks.
    theta0 : ndarray
        Starting point (not modified).
    direction : callable
        ``direction(evaluation)`` returns the full step from the current point, or None to
        stop there without convergence (e.g. a non-finite objective, or a test that needs
        the step's own solve and holds).
    converged : callable
        ``converged(evaluation)`` is the stopping test, checked at the start and after
        every step, before ``max_iter`` and before any step is solved.
    max_iter : int
        Most steps taken.

    Returns
    -------
    NewtonRun
        The last point, its evaluation, the steps taken and whether ``converged`` held.
    """
    theta = np.array(theta0, dtype=np.float64)
    evaluation = evaluate(theta)
    n_iter = 0
    while True:
        if converged(evaluation):
            return NewtonRun(theta, evaluation, n_iter, True)
        if n_iter >= max_iter:
            break
        step = direction(evaluation)
        if step is None:
            break
        n_iter += 1
        found = backtrack(evaluate, theta, step, float(evaluation[0]))
        if found is None:
            break
        theta, evaluation = found
    return NewtonRun(theta, evaluation, n_iter, False)
