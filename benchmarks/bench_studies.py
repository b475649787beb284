"""Benchmark of elosim.simulation.studies (run: python benchmarks/bench_studies.py [--quick]).

1. Coverage study: 200 arenas x 50,000 votes x 200 bootstrap resamples, 10 items, all six
   interval methods and rank sets (the issue's requirement).
2. Simulated power of the real gap test at 947,450 head-to-head votes for a 1-point gap
   (closed form: 0.80).

Prints wall time and peak resident memory (resource.getrusage, Linux kilobytes).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import numpy as np

from elosim.simulation.studies import coverage_study, simulated_gap_power


def peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10x fewer arenas")
    ap.add_argument("--n-jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--power-sims", type=int, default=300)
    args = ap.parse_args()
    div = 10 if args.quick else 1
    print(f"cpus={os.cpu_count()} n_jobs={args.n_jobs}")

    ratings = np.linspace(950.0, 1050.0, 10)
    t0 = time.perf_counter()
    res = coverage_study(ratings, 50_000, n_simulations=200 // div, n_resamples=200,
                         rng=2024, n_jobs=args.n_jobs)
    t1 = time.perf_counter()
    print(f"coverage study: {res.n_simulations} arenas x 50,000 votes x 200 resamples, "
          f"10 items, 6 methods + rank sets: {t1 - t0:.1f} s "
          f"({(t1 - t0) / res.n_simulations:.2f} s/arena); peak RSS {peak_mb():.0f} MB")
    print(res.summary())

    t0 = time.perf_counter()
    pw = simulated_gap_power(1, 947_450, n_simulations=args.power_sims // div, rng=2025,
                             n_jobs=args.n_jobs)
    t1 = time.perf_counter()
    print(f"simulated power, gap 1 Elo, 947,450 votes, {pw.n_simulations} arenas: "
          f"{t1 - t0:.1f} s ({(t1 - t0) / pw.n_simulations:.2f} s/arena); "
          f"peak RSS {peak_mb():.0f} MB")
    print(pw.summary())


if __name__ == "__main__":
    main()
