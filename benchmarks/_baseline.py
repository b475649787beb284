"""Plain-numpy Bradley-Terry baseline: vote counts + batched Zermelo/Hunter MM.

This is the bar elosim has to clear: a few dozen lines of numpy that anybody
could write.  Ties count as half a win for each side.  The bootstrap draws
Multinomial(N, counts/N) over the (pair, outcome) cells, which is the same as
resampling votes with replacement, and fits a batch of replicates at once on
dense K x K count matrices.
"""

from __future__ import annotations

import numpy as np
from _data import ELO_SCALE


def aggregate(model_a: np.ndarray, model_b: np.ndarray, winner: np.ndarray):
    """Collapse raw votes to cells (pair i<j, outcome 0=i wins / 1=j wins / 2=tie) with counts."""
    n = model_a.size
    items, inv = np.unique(np.concatenate([model_a, model_b]), return_inverse=True)
    ia, ib = inv[:n], inv[n:]
    code = np.where(winner == "model_a", 0, np.where(winner == "model_b", 1, 2))
    swap = ia > ib
    code = np.where(swap & (code < 2), 1 - code, code)
    i, j = np.minimum(ia, ib), np.maximum(ia, ib)
    k = items.size
    key = (i.astype(np.int64) * k + j) * 3 + code
    ukey, count = np.unique(key, return_counts=True)
    cell_o = ukey % 3
    cell_j = (ukey // 3) % k
    cell_i = ukey // 3 // k
    return items, cell_i, cell_j, cell_o, count.astype(np.float64)


def _tables(k, cell_i, cell_j, cell_o, counts):
    """Per-replicate wins W (R, K) and symmetric comparison counts N (R, K, K)."""
    r = counts.shape[0]
    wi = np.where(cell_o == 0, 1.0, np.where(cell_o == 2, 0.5, 0.0))
    wj = 1.0 - wi
    w = np.zeros((r, k))
    np.add.at(w.T, cell_i, (counts * wi).T)
    np.add.at(w.T, cell_j, (counts * wj).T)
    nmat = np.zeros((r, k, k))
    flat = cell_i * k + cell_j
    nflat = nmat.reshape(r, k * k)
    np.add.at(nflat.T, flat, counts.T)
    nmat += nmat.transpose(0, 2, 1)
    return w, nmat


def mm_fit(k, cell_i, cell_j, cell_o, counts, *, tol=1e-10, max_iter=100_000):
    """Batched MM.  ``counts`` is (R, n_cells); returns centred Elo ratings (R, K).

    Items without any comparison in a replicate are returned as NaN.
    """
    counts = np.atleast_2d(counts)
    w, nmat = _tables(k, cell_i, cell_j, cell_o, counts)
    present = nmat.sum(axis=2) > 0
    logg = np.zeros_like(w)
    active = np.arange(w.shape[0])
    for _ in range(max_iter):
        g = np.exp(logg[active])
        denom = (nmat[active] / (g[:, :, None] + g[:, None, :])).sum(axis=2)
        pa = present[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            new = np.where(pa, np.log(w[active]) - np.log(denom), 0.0)
        new -= (new * pa).sum(axis=1, keepdims=True) / pa.sum(axis=1, keepdims=True)
        delta = np.abs(new - logg[active]).max(axis=1)
        logg[active] = new
        active = active[delta > tol]
        if active.size == 0:
            break
    elo = ELO_SCALE * logg
    elo[~present] = np.nan
    elo -= np.nanmean(elo, axis=1, keepdims=True)
    return elo + 1000.0


def bootstrap(k, cell_i, cell_j, cell_o, count, n_resamples, *, seed=0, batch=None):
    """Multinomial bootstrap over cells, fitted in batches; returns (n_resamples, K) Elo."""
    rng = np.random.default_rng(seed)
    n = int(count.sum())
    p = count / n
    if batch is None:  # keep the (batch, K, K) float64 tables near 64 MB
        batch = int(max(1, min(n_resamples, 8_000_000 // (k * k))))
    out = np.empty((n_resamples, k))
    for start in range(0, n_resamples, batch):
        stop = min(start + batch, n_resamples)
        c = rng.multinomial(n, p, size=stop - start).astype(np.float64)
        out[start:stop] = mm_fit(k, cell_i, cell_j, cell_o, c)
    return out
