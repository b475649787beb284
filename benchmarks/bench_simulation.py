"""Time and peak memory of vote simulation and online Elo.

Run: ``python benchmarks/bench_simulation.py``. Each task runs in a fresh subprocess so that its
peak resident memory (``ru_maxrss``) is its own; the baseline (Python + numpy + elosim imported,
inputs built) is reported separately and subtracted. Times exclude building the inputs.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np

TASKS = {
    "sim10M": "simulate_votes: 10M uniform votes, 100 items",
    "adaptive1M": "simulate_votes: 1M adaptive votes (batch 1000), 100 items",
    "ties_drift1M": "simulate_votes: 1M votes, Davidson ties + random-walk drift",
    "elo1M": "online_elo: 1M votes, 100 items, 1 ordering",
    "elo10M": "online_elo: 10M votes, 100 items, 1 ordering",
    "elo100k_x20": "online_elo: 100k votes, 20 random orderings",
}


def run_task(name: str) -> None:
    from elosim.simulation.arena import simulate_votes
    from elosim.simulation.online import online_elo

    ratings = np.linspace(800.0, 1200.0, 100)
    votes = None
    if name.startswith("elo"):
        n = {"elo1M": 1_000_000, "elo10M": 10_000_000, "elo100k_x20": 100_000}[name]
        votes = simulate_votes(ratings, n, rng=1)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    if name == "sim10M":
        simulate_votes(ratings, 10_000_000, rng=0)
    elif name == "adaptive1M":
        simulate_votes(ratings, 1_000_000, pairing="adaptive", rng=0)
    elif name == "ties_drift1M":
        simulate_votes(ratings, 1_000_000, ties="davidson", tie_rate=0.2, drift=0.05, rng=0)
    elif name == "elo100k_x20":
        online_elo(votes, n_orderings=20, rng=0)
    else:
        online_elo(votes)
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{TASKS[name]:<62} {dt:7.2f} s   peak RSS +{(peak - base) / 1024:6.0f} MiB "
          f"(total {peak / 1024:.0f} MiB)")


def main() -> None:
    if len(sys.argv) > 1:
        run_task(sys.argv[1])
        return
    for name in TASKS:
        subprocess.run([sys.executable, __file__, name], check=True)


if __name__ == "__main__":
    main()
