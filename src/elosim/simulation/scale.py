"""The Elo scale arguments (``scale``, ``base``) shared by online Elo and power planning."""

from __future__ import annotations

from typing import Any

from .._core.validation import check_finite_real

__all__ = ["check_scale_base"]


def check_scale_base(scale: Any, base: Any) -> tuple[float, float]:
    """Return ``(scale, base)`` as floats: finite, ``scale > 0`` and ``base > 1``.

    Raises
    ------
    TypeError
        A non-number (see :func:`elosim._core.validation.check_finite_real`).
    ValueError
        NaN or infinity, ``scale <= 0`` or ``base <= 1``, naming the argument.
    """
    sc = check_finite_real(scale, "scale")
    bs = check_finite_real(base, "base")
    if sc <= 0:
        raise ValueError(f"scale must be positive; got {scale!r}")
    if bs <= 1:
        raise ValueError(f"base must be greater than 1; got {base!r}")
    return sc, bs
