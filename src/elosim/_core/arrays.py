"""Array helpers shared by every layer."""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

__all__ = ["readonly"]


def readonly(x: NDArray[Any]) -> NDArray[Any]:
    """Mark ``x`` read-only in place and return it."""
    x.flags.writeable = False
    return x
