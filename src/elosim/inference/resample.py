"""Fast exact multinomial resampling of vote counts (the count bootstrap's random draw).

Resampling ``N`` votes with replacement gives cell counts ``Multinomial(N, n_c / N)``.
numpy's ``Generator.multinomial`` draws one binomial per cell and replicate, which is
the bootstrap's floor. :class:`MultinomialSampler` draws the same distribution faster by
Poissonisation (references: ref-poissonisation):

1. ``X_c ~ Poisson(mu * n_c / N)`` independently, with ``mu = N - 3 sqrt(N)`` (slightly
   below ``N``). Then ``T = sum X_c ~ Poisson(mu)`` and, given ``T = t``,
   ``X ~ Multinomial(t, n_c / N)`` exactly.
2. A replicate with ``T > N`` (probability about 0.13%) is drawn again: conditioning on
   ``T <= N`` leaves the conditional law of ``X`` given ``T`` unchanged.
3. The remaining ``N - T`` votes are drawn one by one, each a uniform random vote among
   the ``N`` observed ones (an exact integer draw mapped through the cumulative counts),
   so ``X + extra ~ Multinomial(N, n_c / N)``: the total is always exactly ``N``. When
   these top-up votes outnumber the cells (``N`` of billions), they are drawn as one
   ``Multinomial(N - T, n_c / N)`` per replicate instead: the same law, at O(cells).

The Poisson variates come from inversion of float64 cumulative tables (one per distinct
count value, shared by all cells with that count) with a guide table, so a draw costs a
uniform, two table look-ups and a comparison; the tables cover each Poisson law up to
tails below ``1e-20`` (beneath the ``2**-53`` resolution of the uniforms). Cells whose
tables would exceed the memory budget use numpy's Poisson generator. Every step only
uses the generator passed in, so the same generator state gives the same counts.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

__all__ = ["MultinomialSampler", "poisson_counts"]

IntArray = NDArray[np.int64]
#: Largest number of Poisson table entries kept (16 bytes each).
TABLE_BUDGET = 1 << 20
#: ``mu = N - SLACK * sqrt(N)``: the chance of a redraw is about ``Phi(-SLACK)``.
SLACK = 3.0


def _walk(
    cdf: NDArray[np.float64] | IntArray,
    x: IntArray,
    u: NDArray[np.float64] | IntArray,
    last: IntArray,
) -> None:
    """In place: ``x <- min{y >= x : cdf[y] > u}`` (given ``cdf[last] > u``).

    Two linear steps from the guide, then bisection for the few draws still short.
    ``last`` holds one entry per column of a flattened ``(rows, columns)`` draw (or one
    entry for all).
    """
    todo = np.flatnonzero(cdf[x] <= u)
    for _ in range(2):
        if not todo.size:
            return
        x[todo] += 1
        todo = todo[cdf[x[todo]] <= u[todo]]
    if not todo.size:
        return
    lo = x[todo] + 1
    hi = last[todo % last.size]
    ut = u[todo]
    act = np.flatnonzero(lo < hi)
    while act.size:
        mid = (lo[act] + hi[act]) >> 1
        right = cdf[mid] <= ut[act]
        lo[act[right]] = mid[right] + 1
        hi[act[~right]] = mid[~right]
        act = act[lo[act] < hi[act]]
    x[todo] = lo


class MultinomialSampler:
    """Exact draws of ``Multinomial(N, counts / N)`` (a resample of ``N`` votes).

    Parameters
    ----------
    counts : array of int, shape (n_cells,)
        Observed votes per cell (all positive).
    table_budget : int
        Maximum number of Poisson table entries to precompute.
    topup_ratio : float
        The top-up votes (``N - T`` per replicate) are drawn as one multinomial per
        replicate when they outnumber ``topup_ratio`` times the cells, else one by one
        (both exact; ``inf`` always draws them one by one).

    Examples
    --------
    >>> import numpy as np
    >>> from elosim.inference.resample import MultinomialSampler
    >>> s = MultinomialSampler(np.array([5, 1, 30, 64]))
    >>> x = s.draw(np.random.default_rng(0), 3)
    >>> x.shape, x.sum(axis=1).tolist()
    ((3, 4), [100, 100, 100])
    """

    def __init__(
        self,
        counts: NDArray[np.integer],
        *,
        table_budget: int = TABLE_BUDGET,
        topup_ratio: float = 1.0,
    ) -> None:
        cnt = np.asarray(counts, dtype=np.int64)
        self.topup_ratio = topup_ratio
        self.counts = cnt
        self.n = n = int(cnt.sum())
        self.n_cells = c = int(cnt.size)
        self.cum = np.cumsum(cnt)
        self.width = max(1, -(-n // max(c, 1)))
        self.vguide = np.searchsorted(self.cum, np.arange(0, n, self.width), side="right")
        self.mu = n - SLACK * math.sqrt(n) - 1.0
        self.exact_numpy = self.mu < 1.0 or c < 2
        if self.exact_numpy:
            return
        vals, tab = np.unique(cnt, return_inverse=True)
        lam = vals * (self.mu / n)
        sd = np.sqrt(lam)
        lo = np.maximum(0, np.floor(lam - 10.0 * sd - 10.0)).astype(np.int64)
        hi = np.ceil(lam + 12.0 * sd + 30.0).astype(np.int64)
        length = hi - lo + 1
        order = np.argsort(length, kind="stable")
        fits = np.zeros(vals.size, dtype=bool)
        fits[order[np.cumsum(length[order]) <= table_budget]] = True
        self.cell_lambda = cnt * (self.mu / n)
        tab_cells = fits[tab.ravel()]
        self.tab_cells = np.flatnonzero(tab_cells)
        self.big_cells = np.flatnonzero(~tab_cells)
        self.all_tabled = self.big_cells.size == 0
        kept = np.flatnonzero(fits)
        new_id = np.full(vals.size, -1)
        new_id[kept] = np.arange(kept.size)
        lam_t, lo_t, len_t = lam[kept], lo[kept], length[kept]
        starts = np.concatenate([[0], np.cumsum(len_t)[:-1]]).astype(np.int64)
        total = int(len_t.sum())
        tid = np.repeat(np.arange(kept.size), len_t)
        pos = np.arange(total) - starts[tid]
        xval = (pos + lo_t[tid]).astype(np.float64)
        logp = xval * np.log(lam_t[tid]) - lam_t[tid] - gammaln(xval + 1.0)
        pmf = np.exp(logp)
        # per-table cumulative sums (a global cumsum minus each table's offset would lose
        # precision); tables share a padded 2-D layout when few, else one pass each
        cdf = np.empty(total)
        for t in range(kept.size):
            s, e = starts[t], starts[t] + len_t[t]
            seg = np.cumsum(pmf[s:e])
            seg[-1] = 1.0  # the mass beyond the table (< 1e-20) goes to its last value
            cdf[s:e] = seg
        # the left tail (< 1e-20) is lumped into the first value: cdf already starts at
        # P(X = lo) + (mass below lo is dropped); inversion returns lo for u < cdf[lo]
        self.cdf = cdf
        guide = np.empty(total, dtype=np.int64)
        q = pos / len_t[tid]
        for t in range(kept.size):
            s, e = starts[t], starts[t] + len_t[t]
            guide[s:e] = s + np.searchsorted(cdf[s:e], q[s:e], side="right")
        np.minimum(guide, np.repeat(starts + len_t - 1, len_t), out=guide)
        self.guide = guide
        t_c = new_id[tab.ravel()[self.tab_cells]]
        self.cell_start = starts[t_c]
        self.cell_len = len_t[t_c].astype(np.float64)
        self.cell_last = starts[t_c] + len_t[t_c] - 1
        self.cell_shift = starts[t_c] - lo_t[t_c]

    def _poisson(self, gen: np.random.Generator, size: int) -> IntArray:
        if self.all_tabled:
            return self._tabled(gen, size)
        out = np.empty((size, self.n_cells), dtype=np.int64)
        if self.tab_cells.size:
            out[:, self.tab_cells] = self._tabled(gen, size)
        out[:, self.big_cells] = gen.poisson(
            self.cell_lambda[self.big_cells], (size, self.big_cells.size)
        )
        return out

    def _tabled(self, gen: np.random.Generator, size: int) -> IntArray:
        u = gen.random((size, self.tab_cells.size))
        j = (u * self.cell_len).astype(np.int64)
        j += self.cell_start
        x = self.guide[j].ravel()
        _walk(self.cdf, x, u.ravel(), self.cell_last)
        out: IntArray = x.reshape(size, -1)
        out -= self.cell_shift
        return out

    def draw(self, gen: np.random.Generator, size: int) -> IntArray:
        """``size`` independent draws, shape ``(size, n_cells)``; each row sums to ``N``."""
        if self.exact_numpy:
            p = self.counts / self.n
            return np.asarray(gen.multinomial(self.n, p, size=size), dtype=np.int64)
        x = self._poisson(gen, size)
        tot = x.sum(axis=1)
        over = np.flatnonzero(tot > self.n)
        while over.size:
            x[over] = self._poisson(gen, over.size)
            tot[over] = x[over].sum(axis=1)
            over = over[tot[over] > self.n]
        extra = self.n - tot
        if extra.sum() > self.topup_ratio * size * self.n_cells:
            # many votes to top up (N in the millions per cell): one multinomial per row
            # costs O(cells) instead of O(votes), and is the same law
            x += gen.multinomial(extra, self.counts / self.n)
            return x
        v = gen.integers(0, self.n, int(extra.sum()))
        cell = self.vguide[v // self.width]
        _walk(self.cum, cell, v, np.array([self.n_cells - 1]))
        rows = np.repeat(np.arange(size) * self.n_cells, extra)
        x += np.bincount(rows + cell, minlength=size * self.n_cells).reshape(size, -1)
        return x


def poisson_counts(
    counts: NDArray[np.integer], gen: np.random.Generator, size: int
) -> IntArray:
    """Plain Poisson bootstrap: ``Poisson(n_c)`` per cell, the total not fixed (approximate)."""
    lam = np.asarray(counts, dtype=np.float64)
    return np.asarray(gen.poisson(lam, (size, lam.size)), dtype=np.int64)
