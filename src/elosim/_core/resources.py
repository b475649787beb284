"""Up-front estimates of memory for large requests, refused before any work starts.

A request such as ``bootstrap(fit, n_resamples=10**9)`` would otherwise start silently and
fail hours later with a bare ``MemoryError`` (or swap the machine to a halt). Functions
estimate the bytes they will hold and call :func:`check_memory` first.
"""

from __future__ import annotations

import os

from .errors import InsufficientMemoryError

__all__ = ["available_memory", "check_memory", "free_memory"]

#: Fraction of the machine's physical memory one request may plan to use.
MEMORY_FRACTION = 0.5


def available_memory() -> int:
    """Physical memory of the machine in bytes (16 GB when it cannot be determined)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX systems
        return 16 * 10**9


def free_memory() -> int | None:
    """Bytes this process may still allocate: ``MemAvailable`` and the address-space limit.

    ``None`` when neither is known (then callers make no check). Unlike
    :func:`available_memory` (the machine's size, for refusing plans that could never fit),
    this is what is free now (for refusing work that would run out of memory here).
    """
    avail: int | None = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    try:
        import resource  # POSIX only
    except ImportError:  # pragma: no cover - Windows
        return avail
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        used = 0
        try:
            with open(f"/proc/{os.getpid()}/statm") as fh:
                used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            pass
        room = max(0, soft - used)
        avail = room if avail is None else min(avail, room)
    return avail


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
