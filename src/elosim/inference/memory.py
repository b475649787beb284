"""Memory of the bootstrap, estimated before any work, and the block size it implies.

A bootstrap holds, at once: the replicates of one block per worker (cell counts, pair
tables and per-pair terms: O(block x (cells + pairs))), the fixed parts of the fit
(O(pairs + K) for sparse fits; ``K x K`` matrices for small dense ones) and the output,
one rating per item and replicate (O(K x n_resamples)). Nothing grows with the number of
votes, nor with ``K**2`` for fits with many items.
"""

from __future__ import annotations

from typing import Any

from .._core.errors import InsufficientMemoryError
from .._core.resources import free_memory as available_memory
from ..models.batch import DENSE_NEWTON_BUDGET

__all__ = ["available_memory", "block_size", "bootstrap_memory", "check_bootstrap_memory"]

#: Replicates fitted together (and drawn from one random stream) at most.
MAX_BLOCK = 64
#: Memory allowed for the arrays of one block of replicates.
BLOCK_BUDGET = 256 * 2**20


def _per_replicate(n_items: int, n_pairs: int, n_cells: int) -> int:
    """Bytes held per replicate of a block: draws, tables, per-pair terms, parameters."""
    return 8 * (4 * n_cells + 14 * n_pairs + 8 * (n_items + 1))


def block_size(n_items: int, n_pairs: int, n_cells: int) -> int:
    """Replicates per block: 64, or fewer so that one block stays within ``BLOCK_BUDGET``.

    A function of the data's size only, so the same seed always gives the same replicates.
    """
    per = _per_replicate(n_items, n_pairs, n_cells)
    return int(max(1, min(MAX_BLOCK, BLOCK_BUDGET // max(per, 1))))


def bootstrap_memory(fit: Any, n_resamples: int, *, n_jobs: int = 1) -> int:
    """Estimated peak bytes of :func:`elosim.bootstrap` on ``fit`` (beyond the fit itself).

    Parameters
    ----------
    fit : BradleyTerryResult
    n_resamples : int
    n_jobs : int
        Workers, each holding one block.
    """
    c = fit.votes.counts
    k, p, cells = fit.n_items, c.n_pairs, c.n_cells
    m = k + int(fit.ties != "half")
    block = block_size(k, p, cells)
    per_block = block * _per_replicate(k, p, cells)
    info = fit._info
    if hasattr(info, "nnz"):  # sparse fit: information, its factor or CG vectors
        lu = fit._information_solver()._lu
        factor = 0 if lu is None else 12 * int(lu.L.nnz + lu.U.nnz)
        fixed = 8 * (6 * int(info.nnz) + 8 * m) + factor
        # replicates finishing with their own sparse Newton fit: one at a time per worker
        per_block += 8 * (6 * int(info.nnz) + 10 * p)
    else:  # dense: inverse information, and per-replicate information in Newton steps
        fixed = 8 * 4 * m * m
        per_block += min(block * 8 * 3 * m * m, DENSE_NEWTON_BUDGET)
    output = 8 * 3 * k * n_resamples
    return int(fixed + n_jobs * per_block + output)



def _gb(x: float) -> str:
    return f"{x / 2**30:.2f} GB"


def check_bootstrap_memory(fit: Any, n_resamples: int, *, block: int, n_jobs: int) -> None:
    """Raise :class:`InsufficientMemoryError` when the bootstrap cannot fit in memory."""
    need = bootstrap_memory(fit, n_resamples, n_jobs=n_jobs)
    avail = available_memory()
    if avail is None or need <= avail:
        return
    output = 8 * 3 * fit.n_items * n_resamples
    raise InsufficientMemoryError(
        f"the bootstrap needs about {_gb(need)} of memory but about {_gb(avail)} is "
        f"available ({fit.n_items:,} items x {n_resamples:,} resamples of output: "
        f"{_gb(output)}; blocks of {block} replicates over {fit.votes.counts.n_cells:,} "
        f"cells x {n_jobs} worker(s)). Remedy: fewer resamples (n_resamples=...), "
        "n_jobs=1, or fewer items (votes.min_votes(n))."
    )
