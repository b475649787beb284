"""Core timings: read + reduce + fit, bootstrap, memory (issue 2 and 3 targets).

Run: ``python benchmarks/bench_core.py [--resamples 1000] [--jobs 1]``. Each case runs in a
fresh subprocess so that peak memory (ru_maxrss) belongs to that case alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT.parent / "shared" / "data" / "lmarena_140k" / "battles.csv"

CASE = r"""
import json, resource, sys, time, warnings
import numpy as np
import elosim
warnings.simplefilter("ignore", elosim.ElosimWarning)
case, resamples, jobs, csv = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = {"case": case}
def synth(k, n, seed=0):
    rng = np.random.default_rng(seed)
    true = rng.normal(0, 100, k)
    a = rng.integers(0, k, n); b = (a + rng.integers(1, k, n)) % k
    p = 1 / (1 + 10 ** (-(true[a] - true[b]) / 400)); u = rng.random(n)
    o = np.where(u < 0.1, 2, np.where(rng.random(n) < p, 0, 1)).astype(np.int8)
    return tuple(f"m{i}" for i in range(k)), a, b, o
t0 = time.perf_counter()
if case == "lmarena-csv":
    votes = elosim.read_votes(csv, drop_self=True)
elif case == "lmarena-bundled":
    votes = elosim.datasets.load_lmarena_140k()
else:
    k, n = {"synthetic-100x1M": (100, 10**6), "synthetic-200x3M": (200, 3 * 10**6),
            "synthetic-20x10k": (20, 10**4)}[case]
    items, a, b, o = synth(k, n)
    t0 = time.perf_counter()
    votes = elosim.Votes(items=items, a=a, b=b, outcome=o)
    del a, b, o
out["read_s"] = time.perf_counter() - t0
t = time.perf_counter(); c = votes.counts; out["reduce_s"] = time.perf_counter() - t
out["counts_bytes"] = c.nbytes()
t = time.perf_counter(); fit = elosim.bradley_terry(votes); out["fit_s"] = time.perf_counter() - t
out["read_reduce_fit_s"] = out["read_s"] + out["reduce_s"] + out["fit_s"]
t = time.perf_counter(); fit.covariance("sandwich"); out["sandwich_s"] = time.perf_counter() - t
if resamples:
    t = time.perf_counter()
    boot = elosim.bootstrap(fit, n_resamples=resamples, rng=0, n_jobs=jobs)
    out["bootstrap_s"] = time.perf_counter() - t
    out["fit_plus_bootstrap_s"] = out["fit_s"] + out["bootstrap_s"]
    out["n_degenerate"] = boot.n_degenerate
out["n_votes"], out["n_items"] = votes.n_votes, votes.n_items
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument(
        "--cases",
        default="lmarena-csv,lmarena-bundled,synthetic-20x10k,synthetic-100x1M,synthetic-200x3M",
    )
    ap.add_argument("--csv", default=str(CSV))
    args = ap.parse_args()
    rows = []
    for case in args.cases.split(","):
        res = subprocess.run(
            [sys.executable, "-c", CASE, case, str(args.resamples), str(args.jobs), args.csv],
            capture_output=True, text=True, check=True,
        )
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(
            f"{case:<20} votes {r['n_votes']:>9,} items {r['n_items']:>4}  "
            f"read {r['read_s']:.2f}s reduce {r['reduce_s']:.2f}s fit {r['fit_s']:.2f}s "
            f"(total {r['read_reduce_fit_s']:.2f}s)  "
            + (f"bootstrap x{args.resamples} {r['bootstrap_s']:.2f}s  " if args.resamples else "")
            + f"counts {r['counts_bytes'] / 1e6:.2f} MB  peak RSS {r['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "core.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
