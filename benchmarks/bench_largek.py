"""Many items (issue 12): fits, gap tests and bootstraps with 10^3 to 10^5 items.

Run: ``python benchmarks/bench_largek.py [--cases chain-1501,chain-5000,arena-10k,arena-100k]
[--resamples 100]``. Each case runs in a fresh subprocess so its peak memory (ru_maxrss) is
its own. Chains (item i meets only item i + 1) are the hard case for MM/Newman sweeps and
for conjugate gradients; the arenas are sparse random graphs (each item meets its ring
neighbour and ten random opponents, one tie and 1-3 decisive votes per pair). Chains are
not bootstrapped (their resamples nearly always have no finite estimate); the 10^5-item
arena gets at most 10 replicates.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASE = r"""
import json, math, resource, sys, time, warnings
import numpy as np
import elosim
from elosim.inference import memory
warnings.simplefilter("ignore", elosim.ElosimWarning)
case, resamples = sys.argv[1], int(sys.argv[2])
kind, size = case.split("-")
k = int(size.replace("k", "000"))
rng = np.random.default_rng(0)
if kind == "chain":
    a = np.repeat(np.arange(k - 1), 6); b = a + 1
    out = np.tile(np.array([0, 0, 0, 1, 2, 2], dtype=np.int8), k - 1)
else:
    true = rng.normal(0, 1.0, k)
    a0 = np.concatenate([np.arange(k), np.repeat(np.arange(k), 10)])
    b0 = np.concatenate([(np.arange(k) + 1) % k, rng.integers(0, k, 10 * k)])
    keep = a0 != b0; a0, b0 = a0[keep], b0[keep]
    nd = rng.integers(1, 4, a0.size)
    a = np.repeat(a0, nd + 1); b = np.repeat(b0, nd + 1)
    first = np.zeros(a.size, bool); first[np.concatenate([[0], np.cumsum(nd + 1)[:-1]])] = True
    p = 1 / (1 + np.exp(-(true[a] - true[b])))
    out = np.where(first, 2, np.where(rng.random(a.size) < p, 0, 1)).astype(np.int8)
votes = elosim.Votes(items=tuple(f"p{i}" for i in range(k)), a=a, b=b, outcome=out)
res = {"case": case, "n_items": k, "n_votes": votes.n_votes, "n_pairs": votes.counts.n_pairs}
t = time.perf_counter(); fit = elosim.bradley_terry(votes); res["fit_s"] = time.perf_counter() - t
res["solver"] = fit.solver; res["n_iter"] = fit.n_iter; res["converged"] = fit.converged
d = fit.expected_wins() - fit.observed_wins(); res["max_score_error"] = float(np.max(np.abs(d)))
t = time.perf_counter(); g = fit.gap_test(fit.items[0], fit.items[k - 1]); res["gap_test_s"] = time.perf_counter() - t
res["gap_se"] = g.standard_error
if resamples:
    res["bootstrap_memory_estimate_mb"] = memory.bootstrap_memory(fit, resamples) / 2**20
    t = time.perf_counter()
    boot = elosim.bootstrap(fit, n_resamples=resamples, rng=0)
    res["bootstrap_s"] = time.perf_counter() - t
    res["block"] = boot._plan.block
res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(res))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", default="chain-1501,chain-5000,chain-100k,arena-10k,arena-100k")
    ap.add_argument("--resamples", type=int, default=100)
    args = ap.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    rows = []
    for case in args.cases.split(","):
        # a chain's resamples almost always lose some edge's win or loss (no finite MLE):
        # chains are timed for the fit and gap test only
        n_boot = 0 if case.startswith("chain") else args.resamples
        if case.endswith("100k"):
            n_boot = min(n_boot, 10)
        proc = subprocess.run([sys.executable, "-c", CASE, case, str(n_boot)],
                              capture_output=True, text=True, check=True, env=env)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(
            f"{case:<12} items {r['n_items']:>7,} pairs {r['n_pairs']:>9,} votes "
            f"{r['n_votes']:>10,}  fit {r['fit_s']:.2f}s ({r['solver']}, {r['n_iter']} it, "
            f"max score error {r['max_score_error']:.1e})  gap test {r['gap_test_s']:.2f}s"
            + (f"  bootstrap x{n_boot} {r['bootstrap_s']:.1f}s (block {r['block']}, "
               f"estimate {r['bootstrap_memory_estimate_mb']:.0f} MB)" if n_boot else "")
            + f"  peak RSS {r['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "largek.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
