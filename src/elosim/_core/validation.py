"""Shared validators for public arguments (one place, one wording)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_base",
    "check_choice",
    "check_confidence_level",
    "check_enough_resamples",
    "check_positive_int",
    "check_real",
    "check_result",
    "check_rng",
    "check_scale_offset",
    "check_tolerance",
]


def check_rng(rng: Any) -> np.random.Generator:
    """Normalise ``rng`` (None, int, SeedSequence or Generator) to a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, (int, np.integer)) and type(rng) is not bool:
        if int(rng) < 0:
            raise ValueError(f"rng must be a non-negative integer seed; got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be None, an int seed, a numpy SeedSequence or a numpy Generator; "
        f"got {type(rng).__name__}"
    )


def seed_from(rng: Any) -> int:
    """The integer seed a random function uses and records: ``rng`` itself when it is an
    int, otherwise one drawn from ``rng`` (a fresh one for ``None``), so that passing the
    recorded seed as ``rng`` reproduces the result exactly.

    >>> from elosim._core.validation import seed_from
    >>> seed_from(7), isinstance(seed_from(None), int)
    (7, True)
    """
    gen = check_rng(rng)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng)
    return int(gen.integers(0, 2**63 - 1))


def check_confidence_level(confidence_level: Any, name: str = "confidence_level") -> float:
    """Return ``confidence_level`` as a float strictly between 0 and 1."""
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1); got {confidence_level!r}")
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise ValueError(
            f"{name} must lie strictly between 0 and 1 (e.g. 0.95); got {confidence_level!r}"
        )
    return level


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise naming the options."""
    if not isinstance(value, str) or value not in allowed:
        opts = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {opts}; got {value!r}")
    return value


def check_finite_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite float: ``TypeError`` for non-numbers, ``ValueError`` for
    NaN or infinity (messages ``"<name> must be a real number"`` / ``"... must be finite"``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return x


def check_real(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    exclusive: bool = False,
) -> float:
    """Return ``value`` as a finite float (optionally ``>= minimum`` or ``> minimum``).

    ``None``, strings, booleans and other non-numbers raise a :class:`TypeError` (a string
    such as ``"1"`` is never silently converted); a non-finite or too small number raises a
    :class:`ValueError`. Both messages name the argument, the bad value and what is allowed
    (the same wording), e.g. ``"prior_strength must be a finite number >= 0; got None"``.
    """
    if minimum is None:
        allowed = "a finite number"
    elif minimum == 0 and exclusive:
        allowed = "a positive number"
    else:
        allowed = f"a finite number {'>' if exclusive else '>='} {minimum:g}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {allowed}; got {value!r}")
    x = float(value)
    ok = math.isfinite(x)
    if ok and minimum is not None:
        ok = x > minimum if exclusive else x >= minimum
    if not ok:
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return x


def check_result(result: Any, name: str = "result") -> Any:
    """Check that ``result`` is a fit or a bootstrap result; return it unchanged.

    Accepts :class:`~elosim.BradleyTerryResult` and :class:`~elosim.BootstrapResult`, and
    objects that look like one (a tuple of ``items`` and ``ratings``; used for stand-ins in
    tests and studies). Anything else (a DataFrame, :class:`~elosim.Votes`, None, ...) raises
    a :class:`TypeError` naming its type.
    """
    items = getattr(result, "items", None)  # DataFrame.items is a method
    if (
        not isinstance(result, type)
        and isinstance(items, (tuple, list))
        and getattr(result, "ratings", None) is not None
    ):
        return result
    kind = type(result).__name__
    hint = ""
    if kind == "Votes":
        hint = " (fit the votes first: elosim.bradley_terry(votes))"
    elif kind in ("DataFrame", "Series"):
        hint = " (build Votes with elosim.Votes.from_frame and fit them with elosim.bradley_terry)"
    raise TypeError(
        f"{name} must be a BradleyTerryResult or a BootstrapResult (from elosim.bradley_terry "
        f"or elosim.bootstrap); got {kind}{hint}"
    )


#: Gradient tolerances (relative to the total weight) that mean something: above the upper
#: bound a fit may stop at its starting point; below the lower bound double precision
#: cannot reach them.
TOLERANCE_RANGE = (1e-14, 1e-4)


def check_tolerance(tol: Any, name: str = "tol") -> float:
    """Return ``tol`` if it is a meaningful relative gradient tolerance (see
    :data:`TOLERANCE_RANGE`); otherwise raise naming the range and why."""
    x = check_real(tol, name, minimum=0, exclusive=True)
    lo, hi = TOLERANCE_RANGE
    if x > hi:
        raise ValueError(
            f"{name}={tol!r} is too loose to mean anything: the tolerance is on the gradient "
            f"per unit of total weight, and above {hi:g} a fit can stop at (or near) its "
            f"starting point and still report convergence. Use a value in [{lo:g}, {hi:g}] "
            "(default 1e-10)"
        )
    if x < lo:
        raise ValueError(
            f"{name}={tol!r} cannot be reached in double precision (rounding alone leaves a "
            f"relative gradient of about 1e-15); use a value in [{lo:g}, {hi:g}] (default 1e-10)"
        )
    return x


#: Range of ``scale`` (rating points per factor ``base``) and of ``|offset|`` in which
#: ratings keep their precision: outside it differences vanish in rounding or overflow.
SCALE_RANGE = (1e-6, 1e12)


def check_scale_offset(scale: Any, offset: Any) -> tuple[float, float]:
    """``scale`` in :data:`SCALE_RANGE` and ``|offset| <= 1e12``, else a named ``ValueError``."""
    s = check_real(scale, "scale", minimum=0, exclusive=True)
    o = check_real(offset, "offset")
    lo, hi = SCALE_RANGE
    if not lo <= s <= hi:
        raise ValueError(
            f"scale={scale!r} is outside [{lo:g}, {hi:g}]: ratings would overflow or their "
            "differences would vanish in rounding next to the offset. Elo uses scale=400"
        )
    if abs(o) > hi:
        raise ValueError(
            f"offset={offset!r} is too large (|offset| <= {hi:g}): differences between "
            "ratings would be lost in rounding. Elo leaderboards use 1000 or 1500"
        )
    return s, o


def check_base(base: Any, name: str = "base") -> float:
    """Return ``base`` (the odds factor per ``scale`` points) if it is a finite number > 1."""
    x = check_real(base, name, minimum=0, exclusive=True)
    if x <= 1.0:
        raise ValueError(
            f"{name} must be a finite number > 1 (Elo uses 10); got {base!r}: "
            + (
                "with base 1 ratings are undefined"
                if x == 1.0
                else "with a base below 1 a higher rating would mean a weaker item, turning "
                "the leaderboard upside down"
            )
        )
    return x


def check_enough_resamples(n_resamples: int, confidence_level: float) -> None:
    """Raise when each tail of a ``confidence_level`` interval holds less than one replicate.

    With ``B`` replicates the ``alpha / 2`` quantile is an extrapolation when
    ``B * alpha / 2 < 1``: the interval would be the range of the replicates, or a single
    replicate (``B = 1`` gives a zero-width interval that may exclude the estimate).
    """
    alpha = 1.0 - confidence_level
    need = math.ceil(2.0 / alpha - 1e-9)
    if n_resamples < need:
        raise ValueError(
            f"{n_resamples} bootstrap resample(s) are too few for a {100 * confidence_level:g}% "
            f"interval: each {100 * alpha / 2:g}% tail would hold less than one replicate. "
            f"Need at least {need:,} (1,000 or more for stable endpoints); add some with "
            f"result.extend({need - n_resamples}) or ask for a lower confidence_level"
        )
