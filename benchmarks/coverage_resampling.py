"""Coverage of 95% percentile intervals of all pairwise gaps: multinomial vs Poisson bootstrap.

Run: ``python benchmarks/coverage_resampling.py [n_arenas]`` (default 200). Simulated
arenas of 8 items (true ratings 900..1100) and 1,500 uniform-pair votes, half-win model,
400 resamples each; both schemes on the same arenas.
"""

from __future__ import annotations

import itertools
import sys
import warnings

import numpy as np

import elosim

warnings.simplefilter("ignore", elosim.ElosimWarning)
n_sim = int(sys.argv[1]) if len(sys.argv) > 1 else 200
k, n, B = 8, 1500, 400
true = np.linspace(900, 1100, k)
pairs = list(itertools.combinations(range(k), 2))
C = np.zeros((len(pairs), k))
for r, (a, b) in enumerate(pairs):
    C[r, a], C[r, b] = 1, -1
target = C @ true
hits = {"multinomial": [], "poisson": []}
for s in range(n_sim):
    votes = elosim.simulate_votes(true, n, rng=s)
    fit = elosim.bradley_terry(votes)
    for res in hits:
        boot = elosim.bootstrap(fit, n_resamples=B, rng=10_000 + s, resampling=res)
        ci = boot.contrast_interval(C, confidence_level=0.95, method="percentile")
        hits[res].append((ci.low <= target) & (target <= ci.high))
for res, h in hits.items():
    h = np.array(h)
    cov = h.mean()
    # MC SE treating simulations as independent (pairs within a simulation are correlated)
    per_sim = h.mean(axis=1)
    se = per_sim.std(ddof=1) / np.sqrt(len(per_sim))
    print(f"{res:12s} coverage {cov:.4f} +/- {se:.4f} (MC SE), {n_sim} arenas x "
          f"{len(pairs)} gaps, B={B}")
