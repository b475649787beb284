"""Up-front estimates of memory for large requests, refused before any work starts.

A request such as ``bootstrap(fit, n_resamples=10**9)`` would otherwise start silently and
fail hours later with a bare ``MemoryError`` (or swap the machine to a halt). Functions
estimate the bytes they will hold and call :func:`check_memory` first.
"""

from __future__ import annotations

import os

from .errors import InsufficientMemoryError

__all__ = ["available_memory", "check_memory"]

#: Fraction of the machine's physical memory one request may plan to use.
MEMORY_FRACTION = 0.5


def available_memory() -> int:
    """Physical memory of the machine in bytes (16 GB when it cannot be determined)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX systems
        return 16 * 10**9


def check_memory(nbytes: float, what: str, remedy: str) -> None:
    """Raise :class:`~elosim.InsufficientMemoryError` if ``what`` needs more than
    ``MEMORY_FRACTION`` of the machine's memory; the message gives the estimate."""
    limit = MEMORY_FRACTION * available_memory()
    if nbytes > limit:
        raise InsufficientMemoryError(
            f"{what} would need about {nbytes / 1e9:,.3g} GB of memory, more than "
            f"{limit / 1e9:,.3g} GB ({100 * MEMORY_FRACTION:g}% of this machine's memory); "
            f"refused before starting. Remedy: {remedy}"
        )
