"""Bootstrap speed: elosim against the plain-numpy baseline, and the sampler alone (issue 12).

Run: ``python benchmarks/bench_bootstrap.py [--resamples 1000] [--sizes lmarena,medium,large]``.

For each dataset, in one process and one run (so ratios compare like with like): numpy's
``Generator.multinomial`` for ``--resamples`` draws over the cells, elosim's exact
sampler for the same draws, the baseline bootstrap (multinomial on counts + warm-started
batched MM, ``benchmarks/_baseline.py``), elosim's fit + bootstrap (exact multinomial),
and elosim with ``resampling="poisson"``. One thread for BLAS (set below) so that "one
core" means one core. Prints a Markdown table and writes ``results/bootstrap.json``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import time
import warnings
from pathlib import Path

import _baseline
import numpy as np
from _data import load

import elosim
from elosim.inference.resample import MultinomialSampler

ROOT = Path(__file__).resolve().parents[1]


def _time(f, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = f(*args, **kwargs)
    return time.perf_counter() - t, out


def run(size: str, resamples: int, data: str | None = None, repeats: int = 1) -> dict[str, object]:
    battles = load(size, data)
    items, ci, cj, co, count = _baseline.aggregate(battles.model_a, battles.model_b,
                                                  battles.winner)
    votes = elosim.Votes(items=tuple(items), a=np.searchsorted(items, battles.model_a),
                         b=np.searchsorted(items, battles.model_b),
                         outcome=np.where(battles.winner == "model_a", 0,
                                          np.where(battles.winner == "model_b", 1, 2)))
    c = votes.counts
    n = c.n_votes
    p = c.cell_count / n
    gen = np.random.default_rng(0)
    out: dict[str, object] = {"size": size, "n_votes": n, "n_items": votes.n_items,
                              "n_cells": c.n_cells}
    block = 64
    out["numpy_multinomial_s"], _ = _time(
        lambda: [gen.multinomial(n, p, size=min(block, resamples - s))
                 for s in range(0, resamples, block)]
    )
    sampler = MultinomialSampler(c.cell_count)
    out["elosim_sampler_s"], _ = _time(
        lambda: [sampler.draw(gen, min(block, resamples - s)) for s in range(0, resamples, block)]
    )
    out["baseline_s"], _ = _time(_baseline.bootstrap, len(items), ci, cj, co, count, resamples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", elosim.ElosimWarning)
        # the median of ``repeats`` runs (seeds 0, 1, ...) of fit and bootstrap
        fits, boots = [], []
        for r in range(repeats):
            t_fit, fit = _time(elosim.bradley_terry, votes)
            t_boot, _ = _time(elosim.bootstrap, fit, n_resamples=resamples, rng=r)
            fits.append(t_fit)
            boots.append(t_boot)
        total = np.add(fits, boots)
        mid = int(np.argsort(total)[len(total) // 2])
        out["elosim_fit_s"], out["elosim_bootstrap_s"] = fits[mid], boots[mid]
        out["elosim_fit_plus_bootstrap_runs_s"] = total.tolist()
        out["elosim_poisson_s"], _ = _time(elosim.bootstrap, fit, n_resamples=resamples, rng=0,
                                           resampling="poisson")
    fb = float(out["elosim_fit_s"]) + float(out["elosim_bootstrap_s"])  # type: ignore[arg-type]
    out["elosim_fit_plus_bootstrap_s"] = fb
    out["speedup_vs_baseline"] = float(out["baseline_s"]) / fb  # type: ignore[arg-type]
    out["sampler_speedup"] = (
        float(out["numpy_multinomial_s"]) / float(out["elosim_sampler_s"])  # type: ignore[arg-type]
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--sizes", default="lmarena,medium,large")
    ap.add_argument("--data", default=None, help="LMArena CSV (default: ../shared/data/...)")
    ap.add_argument("--repeats", type=int, default=5,
                    help="runs of elosim's fit + bootstrap per size (the median is reported)")
    args = ap.parse_args()
    rows = []
    print("| data | votes | items | cells | numpy multinomial | elosim sampler | baseline "
          "bootstrap | elosim fit + bootstrap (median) | speed-up | poisson bootstrap |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        r = run(size, args.resamples, args.data, args.repeats)
        rows.append(r)
        print(f"| {size} | {r['n_votes']:,} | {r['n_items']} | {r['n_cells']:,} | "
              f"{r['numpy_multinomial_s']:.2f} s | {r['elosim_sampler_s']:.2f} s "
              f"({r['sampler_speedup']:.1f}x) | {r['baseline_s']:.2f} s | "
              f"{r['elosim_fit_plus_bootstrap_s']:.2f} s | {r['speedup_vs_baseline']:.1f}x | "
              f"{r['elosim_poisson_s']:.2f} s |", flush=True)
    res = ROOT / "benchmarks" / "results"
    res.mkdir(exist_ok=True)
    (res / "bootstrap.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
