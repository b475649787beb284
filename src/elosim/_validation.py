"""Shared validators for public arguments (one place, one wording)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_choice",
    "check_confidence_level",
    "check_item",
    "check_positive_int",
    "check_rng",
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


def check_item(items: Sequence[str], item: Any, name: str = "item") -> int:
    """Index of ``item`` (a label, or an int position) in ``items``."""
    if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
        if not 0 <= int(item) < len(items):
            raise IndexError(f"{name} index {item} is out of range for {len(items)} items")
        return int(item)
    try:
        return list(items).index(item)
    except ValueError:
        close = [x for x in items if isinstance(item, str) and item.lower() in x.lower()][:5]
        hint = f"; did you mean one of {close}?" if close else ""
        raise KeyError(f"unknown {name} {item!r}: not among the {len(items)} items{hint}") from None
