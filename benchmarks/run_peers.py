#!/usr/bin/env python
"""Benchmark elosim against its peers (arena-rank, evalica, choix, a numpy baseline).

Every (dataset, package) measurement runs in its own subprocess, so its peak
memory can be read from the kernel (``os.wait4`` rusage, the maximum resident set
of the worker or any of its reaped children) and one package cannot warm caches
for another.  All packages run in the same invocation, so compare them as ratios.

For each dataset and package it measures
  * prep:      raw vote columns -> the package's input structure,
  * fit:       one Bradley-Terry fit (ties = half a win),
  * sandwich:  the package's sandwich/CLT interval, where it has one (elosim, arena-rank, baseline),
  * bootstrap: B multinomial (vote-resampling) replicates + percentile 95% intervals,
               reported per 1,000 replicates (linear extrapolation when B < 1,000),
and compares each package's ratings and interval widths with a reference
(elosim when it runs, otherwise the baseline).

Run ``python benchmarks/run_peers.py --help`` for the options; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import math
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _data  # noqa: E402
import numpy as np  # noqa: E402

PACKAGES = ("elosim", "elosim-2t", "baseline", "arena-rank", "evalica", "evalica-own", "evalica-own-bca", "choix")
PEERS = ("arena-rank", "evalica", "evalica-own", "evalica-own-bca", "choix")
SIZES = ("small", "medium", "large", "lmarena")
DEFAULT_SIZES = "small,medium,lmarena"
DEFAULT_PEER_RESAMPLES = "arena-rank=20,evalica=100,evalica-own=20,evalica-own-bca=1000,choix=100"
#: evalica's BCa runs a per-vote jackknife (N fits of N-1 votes, all jackknife
#: resamples materialised at once): measured on these sizes only.
BCA_SIZES = ("small",)
#: rows of the Markdown table
LABELS = {
    "elosim": "elosim",
    "elosim-2t": "elosim, 2 threads",
    "baseline": "baseline (numpy)",
    "arena-rank": "arena-rank (own bootstrap)",
    "evalica": "evalica (our loop over its fit)",
    "evalica-own": "evalica (own bootstrap, percentile)",
    "evalica-own-bca": "evalica (own bootstrap, BCa)",
    "choix": "choix (our loop over its fit)",
}
Z95 = 1.959963984540054
NOT_AVAILABLE = "not available yet"
DIST = {
    "elosim": "elosim", "elosim-2t": "elosim", "baseline": None, "arena-rank": "arena-rank",
    "evalica": "evalica", "evalica-own": "evalica", "evalica-own-bca": "evalica", "choix": "choix",
}


# --------------------------------------------------------------------------- helpers
def _now() -> float:
    return time.perf_counter()


def _centre(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x - np.nanmean(x, axis=-1, keepdims=True) + 1000.0


def _percentile_ci(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95% interval of (B, K) replicate ratings (NaN = item absent in replicate)."""
    lo, hi = np.nanquantile(samples, [0.025, 0.975], axis=0)
    return lo, hi


def _version(dist: str | None) -> str | None:
    if dist is None:
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _multinomial_counts(rng: np.random.Generator, count: np.ndarray, size: int) -> np.ndarray:
    n = int(count.sum())
    return rng.multinomial(n, count / n, size=size).astype(np.float64)


def _absent_items(k: int, cell_i: np.ndarray, cell_j: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Boolean mask of items with no vote in one replicate's cell counts ``c``."""
    seen = np.bincount(cell_i, weights=c, minlength=k) + np.bincount(cell_j, weights=c, minlength=k)
    return seen == 0


# --------------------------------------------------------------------------- runners
# Each runner takes the Battles and the worker arguments and returns a dict with
# items, ratings (centred Elo), timings, and (when measured) bootstrap lo/hi/sd and
# sandwich standard errors, all on the Elo scale.


def run_elosim(d: _data.Battles, args, n_jobs: int | None = None) -> dict:
    n_jobs = args.n_jobs if n_jobs is None else n_jobs
    try:
        import elosim
    except ImportError as exc:
        return {"status": f"{NOT_AVAILABLE} (import failed: {exc})"}
    out: dict = {"status": "ok"}
    if not (hasattr(elosim, "Votes") and hasattr(elosim, "bradley_terry")):
        return {"status": NOT_AVAILABLE + " (no elosim.bradley_terry)"}
    try:
        t = _now()
        votes = elosim.Votes.from_arrays(d.model_a, d.model_b, d.winner)
        out["prep_s"] = _now() - t
        t = _now()
        fit = elosim.bradley_terry(votes, ties="half")
        out["fit_s"] = _now() - t
        out["items"] = [str(x) for x in fit.items]
        out["ratings"] = _centre(np.asarray(fit.ratings, dtype=float)).tolist()
    except (AttributeError, TypeError, NotImplementedError) as exc:
        return {"status": f"{NOT_AVAILABLE} ({type(exc).__name__}: {exc})"}
    try:
        t = _now()
        fit.covariance(kind="sandwich")
        se = np.asarray(fit.standard_error, dtype=float)
        out["sandwich_s"] = _now() - t
        out["sandwich_se"] = se.tolist()
    except (AttributeError, TypeError, NotImplementedError) as exc:
        out["sandwich_status"] = f"{NOT_AVAILABLE} ({type(exc).__name__}: {exc})"
    if not hasattr(elosim, "bootstrap"):
        out["boot_status"] = NOT_AVAILABLE + " (no elosim.bootstrap)"
        return out
    try:
        b = args.resamples
        t = _now()
        boot = elosim.bootstrap(fit, n_resamples=b, rng=args.seed, n_jobs=n_jobs)
        lo, hi = boot.confidence_interval(confidence_level=0.95, method="percentile")
        out["boot_s"] = _now() - t
        out["boot_B"] = b
        out["n_jobs"] = n_jobs
        dist = np.asarray(boot.bootstrap_distribution, dtype=float)  # items x resamples
        out["boot_lo"], out["boot_hi"] = np.asarray(lo, float).tolist(), np.asarray(hi, float).tolist()
        out["boot_sd"] = np.nanstd(dist, axis=1).tolist()
    except (AttributeError, TypeError, NotImplementedError) as exc:
        out["boot_status"] = f"{NOT_AVAILABLE} ({type(exc).__name__}: {exc})"
    return out


def run_baseline(d: _data.Battles, args) -> dict:
    import _baseline as bl

    out: dict = {"status": "ok"}
    t = _now()
    items, ci, cj, co, count = bl.aggregate(d.model_a, d.model_b, d.winner)
    out["prep_s"] = _now() - t
    k = items.size
    t = _now()
    elo = bl.mm_fit(k, ci, cj, co, count[None, :])[0]
    out["fit_s"] = _now() - t
    out["items"] = items.tolist()
    out["ratings"] = elo.tolist()
    # sandwich H^+ B H^+ on the cells (x = e_i - e_j, y = 1 / 0 / 0.5 for i)
    t = _now()
    theta = (elo - 1000.0) / _data.ELO_SCALE
    p = 1.0 / (1.0 + np.exp(theta[cj] - theta[ci]))
    y = np.where(co == 0, 1.0, np.where(co == 2, 0.5, 0.0))
    h = np.zeros((k, k))
    g = np.zeros((k, k))
    for mat, v in ((h, count * p * (1 - p)), (g, count * (y - p) ** 2)):
        np.add.at(mat, (ci, ci), v)
        np.add.at(mat, (cj, cj), v)
        np.add.at(mat, (ci, cj), -v)
        np.add.at(mat, (cj, ci), -v)
    hinv = np.linalg.pinv(h)
    cov = hinv @ g @ hinv
    out["sandwich_se"] = (_data.ELO_SCALE * np.sqrt(np.diag(cov))).tolist()
    out["sandwich_s"] = _now() - t
    b = args.resamples
    t = _now()
    samples = bl.bootstrap(k, ci, cj, co, count, b, seed=args.seed)
    lo, hi = _percentile_ci(samples)
    out["boot_s"] = _now() - t
    out["boot_B"] = b
    out["boot_lo"], out["boot_hi"] = lo.tolist(), hi.tolist()
    out["boot_sd"] = np.nanstd(samples, axis=0).tolist()
    out["boot_absent"] = int(np.isnan(samples).sum())
    return out


def run_arena_rank(d: _data.Battles, args) -> dict:
    try:
        import pandas as pd
        from arena_rank.models.bradley_terry import BradleyTerry
        from arena_rank.utils.data_utils import PairDataset
    except ImportError as exc:
        return {"status": f"not installed ({exc})"}
    out: dict = {"status": "ok"}
    t = _now()
    df = pd.DataFrame({"model_a": d.model_a, "model_b": d.model_b, "winner": d.winner})
    ds = PairDataset.from_pandas(df)
    out["prep_s"] = _now() - t
    t = _now()
    model = BradleyTerry(n_competitors=len(ds.competitors))
    model.fit(ds)
    ratings = np.asarray(model.params["ratings"]) * model.alpha + model.init_rating
    out["fit_s"] = _now() - t
    shift = float(np.mean(ratings)) - 1000.0
    out["items"] = [str(x) for x in ds.competitors]
    out["ratings"] = (ratings - shift).tolist()
    t = _now()  # model is fitted, so this times the sandwich only
    res = model.compute_ratings_and_cis(ds, ci_method="sandwich")
    out["sandwich_s"] = _now() - t
    out["sandwich_se"] = np.sqrt(np.asarray(res["variances"], dtype=float)).tolist()
    b = args.peer_resamples["arena-rank"]
    t = _now()
    res = model.compute_ratings_and_cis(
        ds, ci_method="bootstrap", num_bootstrap=b, seed=args.seed, n_jobs=args.n_jobs
    )
    out["boot_s"] = _now() - t
    out["boot_B"] = b
    out["boot_lo"] = (np.asarray(res["rating_lower"], dtype=float) - shift).tolist()
    out["boot_hi"] = (np.asarray(res["rating_upper"], dtype=float) - shift).tolist()
    out["boot_sd"] = np.sqrt(np.asarray(res["variances"], dtype=float)).tolist()
    return out


def run_evalica(d: _data.Battles, args) -> dict:
    try:
        import evalica
        import pandas as pd
    except ImportError as exc:
        return {"status": f"not installed ({exc})"}
    import _baseline as bl

    out: dict = {"status": "ok"}
    t = _now()
    items, ci, cj, co, count = bl.aggregate(d.model_a, d.model_b, d.winner)
    index = pd.Index(items.tolist())
    xs, ys = items[ci].tolist(), items[cj].tolist()
    code = {0: evalica.Winner.X, 1: evalica.Winner.Y, 2: evalica.Winner.Draw}
    winners = [code[int(o)] for o in co]
    out["prep_s"] = _now() - t
    k = items.size

    xs_arr, ys_arr, win_arr = np.array(xs, dtype=object), np.array(ys, dtype=object), np.array(winners, dtype=object)

    def fit(weights: np.ndarray, absent: np.ndarray | None = None) -> np.ndarray:
        if absent is None or not absent.any():
            r = evalica.bradley_terry(xs, ys, winners, index=index, weights=weights.tolist())
            return _data.ELO_SCALE * np.log(r.scores.reindex(index).to_numpy(dtype=float))
        # PITFALL: an item with zero total weight makes evalica stop after 2 sweeps and
        # return every rating ~100+ Elo off, silently.  Drop its cells and index entry.
        keep = weights > 0
        sub = pd.Index([x for x, a in zip(items.tolist(), absent, strict=True) if not a])
        r = evalica.bradley_terry(
            xs_arr[keep].tolist(), ys_arr[keep].tolist(), win_arr[keep].tolist(),
            index=sub, weights=weights[keep].tolist(),
        )
        return _data.ELO_SCALE * np.log(r.scores.reindex(index).to_numpy(dtype=float))

    t = _now()
    elo = fit(count)
    out["fit_s"] = _now() - t
    out["items"] = items.tolist()
    out["ratings"] = _centre(elo).tolist()
    b = args.peer_resamples["evalica"]
    rng = np.random.default_rng(args.seed)
    t = _now()
    samples = np.empty((b, k))
    for r in range(b):
        c = _multinomial_counts(rng, count, 1)[0]
        absent = _absent_items(k, ci, cj, c)
        e = fit(c, absent)
        e[absent] = np.nan
        samples[r] = _centre(e)
    lo, hi = _percentile_ci(samples)
    out["boot_s"] = _now() - t
    out["boot_B"] = b
    out["boot_lo"], out["boot_hi"] = lo.tolist(), hi.tolist()
    out["boot_sd"] = np.nanstd(samples, axis=0).tolist()
    return out


def run_elosim_2t(d: _data.Battles, args) -> dict:
    """elosim with a 2-thread bootstrap (the machine has 2 cores), whatever --n-jobs says."""
    return run_elosim(d, args, n_jobs=2)


def run_evalica_own(d: _data.Battles, args, method: str = "percentile") -> dict:
    """evalica's own ``evalica.bootstrap`` (scipy.stats.bootstrap over the individual votes).

    It resamples votes (paired rows xs, ys, winners), which is the same vote bootstrap
    as the multinomial-cell one of the other rows.  scipy draws all B x N resample
    indices at once, so memory grows with B x N; BCa adds a jackknife of N fits.
    """
    try:
        import evalica
    except ImportError as exc:
        return {"status": f"not installed ({exc})"}
    out: dict = {"status": "ok", "boot_method": method}
    t = _now()
    code = {"model_a": evalica.Winner.X, "model_b": evalica.Winner.Y, "tie": evalica.Winner.Draw}
    xs, ys = d.model_a.tolist(), d.model_b.tolist()
    winners = [code[w] for w in d.winner.tolist()]
    out["prep_s"] = _now() - t
    t = _now()
    r = evalica.bradley_terry(xs, ys, winners)  # ties count 0.5 (tie_weight default)
    out["fit_s"] = _now() - t
    index = r.scores.index
    out["items"] = [str(x) for x in index]
    out["ratings"] = _centre(_data.ELO_SCALE * np.log(r.scores.to_numpy(dtype=float))).tolist()
    b = args.peer_resamples["evalica-own-bca" if method == "BCa" else "evalica-own"]
    t = _now()
    res = evalica.bootstrap(
        evalica.bradley_terry, xs, ys, winners,
        n_resamples=b, confidence_level=0.95, bootstrap_method=method, random_state=args.seed,
    )
    out["boot_s"] = _now() - t
    out["boot_B"] = b
    # evalica scores have geometric mean 1 in every fit, so ELO_SCALE*log(score) is
    # already centred; +1000 puts them on the scale of the other rows.
    to_elo = lambda s: (_data.ELO_SCALE * np.log(s.reindex(index).to_numpy(dtype=float)) + 1000.0)  # noqa: E731
    out["boot_lo"], out["boot_hi"] = to_elo(res.low).tolist(), to_elo(res.high).tolist()
    dist = _data.ELO_SCALE * np.log(res.distribution.reindex(columns=index).to_numpy(dtype=float))
    out["boot_sd"] = np.nanstd(dist, axis=0).tolist()
    # how many replicates missed an item (evalica then returns biased ratings, silently)
    out["boot_replicates_with_nonfinite"] = int((~np.isfinite(dist)).any(axis=1).sum())
    return out


def run_evalica_own_bca(d: _data.Battles, args) -> dict:
    return run_evalica_own(d, args, method="BCa")


def run_choix(d: _data.Battles, args) -> dict:
    try:
        import choix
    except ImportError as exc:
        return {"status": f"not installed ({exc})"}
    import _baseline as bl

    out: dict = {"status": "ok"}
    t = _now()
    items, ci, cj, co, count = bl.aggregate(d.model_a, d.model_b, d.winner)
    k = items.size
    # half-win coding: comp[i, j] = wins of i over j + ties / 2
    wij = np.where(co == 0, 1.0, np.where(co == 2, 0.5, 0.0))
    wji = 1.0 - wij
    flat_ij, flat_ji = ci * k + cj, cj * k + ci

    def comp_matrix(c: np.ndarray) -> np.ndarray:
        return (
            np.bincount(flat_ij, weights=c * wij, minlength=k * k)
            + np.bincount(flat_ji, weights=c * wji, minlength=k * k)
        ).reshape(k, k)

    comp = comp_matrix(count)
    out["prep_s"] = _now() - t
    t = _now()
    params = choix.ilsr_pairwise_dense(comp)
    out["fit_s"] = _now() - t
    out["items"] = items.tolist()
    out["ratings"] = _centre(_data.ELO_SCALE * params).tolist()
    b = args.peer_resamples["choix"]
    rng = np.random.default_rng(args.seed)
    t = _now()
    samples = np.empty((b, k))
    failed = 0
    for r in range(b):
        c = _multinomial_counts(rng, count, 1)[0]
        absent = _absent_items(k, ci, cj, c)
        keep = ~absent
        e = np.full(k, np.nan)
        try:  # choix cannot fit an item without comparisons: fit the others
            e[keep] = _data.ELO_SCALE * choix.ilsr_pairwise_dense(comp_matrix(c)[np.ix_(keep, keep)])
        except (RuntimeError, ValueError):
            failed += 1
        samples[r] = _centre(e)
    lo, hi = _percentile_ci(samples)
    out["boot_s"] = _now() - t
    out["boot_B"] = b
    out["boot_failed"] = failed
    out["boot_lo"], out["boot_hi"] = lo.tolist(), hi.tolist()
    out["boot_sd"] = np.nanstd(samples, axis=0).tolist()
    return out


RUNNERS = {
    "elosim": run_elosim,
    "elosim-2t": run_elosim_2t,
    "baseline": run_baseline,
    "arena-rank": run_arena_rank,
    "evalica": run_evalica,
    "evalica-own": run_evalica_own,
    "evalica-own-bca": run_evalica_own_bca,
    "choix": run_choix,
}


# --------------------------------------------------------------------------- worker
def worker_main(args) -> int:
    package, size = args.worker.split(":", 1)
    if args.mem_limit_gb > 0:
        # out-of-memory becomes a MemoryError / failed allocation here instead of
        # the kernel OOM-killer taking the machine down
        lim = int(args.mem_limit_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    if package == "arena-rank":
        # arena-rank's bootstrap opens a multiprocessing.Pool after JAX has started
        # threads; with Linux's default "fork" that deadlocks.  Never fork here.
        import multiprocessing as mp

        mp.set_start_method(args.start_method, force=True)
    t = _now()
    d = _data.load(size, args.data)
    load_s = _now() - t
    rss_data_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with np.errstate(all="ignore"):
            out = RUNNERS[package](d, args)
    except MemoryError:
        out = {"status": f"failed: out of memory (RLIMIT_AS {args.mem_limit_gb:g} GB)"}
    out.update(
        package=package,
        size=size,
        dataset=d.name,
        dataset_meta=d.meta,
        n_votes=d.n_votes,
        load_s=load_s,
        rss_after_data_mb=rss_data_kb / 1024,
        rss_self_peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        version=_version(DIST[package]),
    )
    if package == "arena-rank":
        out["start_method"] = args.start_method
        out["jax_version"] = _version("jax")
    Path(args.worker_out).write_text(json.dumps(out))
    return 0


def launch(package: str, size: str, args) -> dict:
    """Run one measurement in a subprocess; return its results plus peak RSS and wall time."""
    with tempfile.TemporaryDirectory(prefix="elosim-bench-") as tmp:
        result_path = Path(tmp) / "result.json"
        log_path = Path(tmp) / "log.txt"
        cmd = [
            sys.executable, str(Path(__file__).resolve()),
            "--worker", f"{package}:{size}", "--worker-out", str(result_path),
            "--resamples", str(args.resamples),
            "--peer-resamples", ",".join(f"{k}={v}" for k, v in args.peer_resamples.items()),
            "--seed", str(args.seed), "--n-jobs", str(args.n_jobs),
            "--start-method", args.start_method,
            "--mem-limit-gb", str(args.mem_limit_gb),
        ]
        if args.data:
            cmd += ["--data", str(args.data)]
        env = dict(os.environ, JAX_PLATFORMS=os.environ.get("JAX_PLATFORMS", "cpu"))
        t = _now()
        with open(log_path, "w") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
            timed_out = threading.Event()

            def _kill() -> None:
                timed_out.set()
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)

            timeout = args.timeout
            if package == "evalica-own-bca":
                timeout = min(timeout, args.bca_timeout)
            timer = threading.Timer(timeout, _kill)
            timer.start()
            _, status, ru = os.wait4(proc.pid, 0)
            timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        wall = _now() - t
        if result_path.exists():
            res = json.loads(result_path.read_text())
        else:
            tail = log_path.read_text()[-2000:]
            oom = any(m in tail for m in ("MemoryError", "memory allocation of", "Unable to allocate", "std::bad_alloc"))
            if timed_out.is_set():
                status = f"timeout ({timeout:g} s)"
            elif oom:
                status = f"failed: out of memory (RLIMIT_AS {args.mem_limit_gb:g} GB)"
            else:
                status = f"failed (exit {proc.returncode})"
            res = {"status": status, "log_tail": tail}
            res.update(package=package, size=size)
    res["peak_rss_mb"] = ru.ru_maxrss / 1024
    res["wall_s"] = wall
    return res


# --------------------------------------------------------------------------- comparison
def _aligned(a: dict, b: dict, key: str):
    ia = {x: i for i, x in enumerate(a["items"])}
    common = [x for x in b["items"] if x in ia]
    ib = {x: i for i, x in enumerate(b["items"])}
    va = np.array([a[key][ia[x]] for x in common], dtype=float)
    vb = np.array([b[key][ib[x]] for x in common], dtype=float)
    return va, vb


def _widths(r: dict, kind: str) -> np.ndarray | None:
    if kind == "boot" and "boot_lo" in r:
        return np.asarray(r["boot_hi"], float) - np.asarray(r["boot_lo"], float)
    if kind == "sandwich" and "sandwich_se" in r:
        return 2 * Z95 * np.asarray(r["sandwich_se"], float)
    return None


def _median_rel_diff(r: dict, ref: dict, kind: str) -> float | None:
    wr, wf = _widths(r, kind), _widths(ref, kind)
    if wr is None or wf is None:
        return None
    x, y = _aligned({"items": r["items"], "w": wr.tolist()}, {"items": ref["items"], "w": wf.tolist()}, "w")
    ok = np.isfinite(x) & np.isfinite(y) & (y > 0)
    return float(np.median(np.abs(x[ok] - y[ok]) / y[ok])) if ok.any() else None


def compare(results: list[dict], resamples: int) -> None:
    """Add per-1000 bootstrap time, ratios and agreement with the reference, per dataset."""
    for r in results:
        if "boot_s" in r:
            r["boot_per_1000_s"] = r["boot_s"] * 1000 / r["boot_B"]
            r["boot_extrapolated"] = r["boot_B"] != 1000
            if r["package"].startswith("evalica-own") and "peak_rss_mb" in r:
                # scipy.stats.bootstrap materialises a B x N int64 index array at once
                r["peak_rss_at_1000_estimate_mb"] = r["peak_rss_mb"] + (1000 - r["boot_B"]) * r["n_votes"] * 8 / 2**20
        if "fit_s" in r:
            r["prep_fit_s"] = r.get("prep_s", 0.0) + r["fit_s"]
    for size in dict.fromkeys(r["size"] for r in results):
        group = [r for r in results if r["size"] == size and r.get("status") == "ok" and "ratings" in r]
        ref = next((r for r in group if r["package"] == "elosim"), None)
        ref = ref or next((r for r in group if r["package"] == "baseline"), None)
        if ref is None:
            continue
        # bootstrap reference: elosim when its bootstrap ran, else the baseline
        bref = next((r for r in group if r["package"] == "elosim" and "boot_s" in r), None)
        bref = bref or next((r for r in group if r["package"] == "baseline" and "boot_s" in r), None)
        for r in group:
            r["reference"] = ref["package"]
            r["boot_reference"] = bref["package"] if bref else None
            x, y = _aligned(r, ref, "ratings")
            r["max_abs_delta_elo"] = float(np.max(np.abs((x - x.mean()) - (y - y.mean()))))
            r["fit_ratio"] = r["prep_fit_s"] / ref["prep_fit_s"]
            if bref is not None and "boot_per_1000_s" in r:
                r["boot_ratio"] = r["boot_per_1000_s"] / bref["boot_per_1000_s"]
                r["boot_width_rel_diff"] = _median_rel_diff(r, bref, "boot")
            r["sandwich_width_rel_diff"] = _median_rel_diff(r, ref, "sandwich")
            # sandwich vs the package's own bootstrap (a self-consistency check)
            wb, ws = _widths(r, "boot"), _widths(r, "sandwich")
            if wb is not None and ws is not None:
                ok = np.isfinite(wb) & np.isfinite(ws) & (wb > 0)
                r["sandwich_vs_own_boot"] = float(np.median(np.abs(ws[ok] - wb[ok]) / wb[ok]))


def _fmt(x, spec=".3g", suffix="") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:{spec}}{suffix}"


def markdown_table(results: list[dict]) -> str:
    head = (
        "| dataset | package | prep+fit s | sandwich s | bootstrap s / 1,000 (B run) | peak RSS MB "
        "| fit ratio | boot ratio | max abs ΔElo | 95% width diff (boot) | width diff (sandwich) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in results:
        label = _data.describe(r["size"])
        if r.get("status") != "ok":
            lines.append(f"| {label} | {LABELS[r['package']]} | {r.get('status')} |  |  | {_fmt(r.get('peak_rss_mb'), '.0f')} |  |  |  |  |  |")
            continue
        boot = "—"
        if "boot_per_1000_s" in r:
            boot = f"{r['boot_per_1000_s']:.3g}" + (f" (extrapolated, B={r['boot_B']})" if r["boot_extrapolated"] else f" (B={r['boot_B']})")
        elif "boot_status" in r:
            boot = r["boot_status"].split(" (")[0]
        ref = r.get("reference", "?")
        lines.append(
            f"| {label} | {LABELS[r['package']]} | {_fmt(r.get('prep_fit_s'))} ({_fmt(r.get('fit_s'))} fit) "
            f"| {_fmt(r.get('sandwich_s'))} | {boot} | {_fmt(r.get('peak_rss_mb'), '.0f')} "
            f"| {_fmt(r.get('fit_ratio'), '.2f')}{'' if r['package'] != ref else ' (ref)'} "
            f"| {_fmt(r.get('boot_ratio'), '.2f')}{' (ref)' if r['package'] == r.get('boot_reference') else ''} "
            f"| {_fmt(r.get('max_abs_delta_elo'), '.2g')} "
            f"| {_fmt(None if r.get('boot_width_rel_diff') is None else 100 * r['boot_width_rel_diff'], '.1f', '%')} "
            f"| {_fmt(None if r.get('sandwich_width_rel_diff') is None else 100 * r['sandwich_width_rel_diff'], '.1f', '%')} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI
def _peer_resamples(text: str) -> dict[str, int]:
    """``20`` (all peers) or ``arena-rank=20,evalica=100,choix=100``."""
    out = dict.fromkeys(PEERS, 20)
    for part in filter(None, (s.strip() for s in text.split(","))):
        if "=" in part:
            k, v = part.split("=", 1)
            if k not in out:
                raise argparse.ArgumentTypeError(f"unknown peer {k!r} in --peer-resamples")
            out[k] = int(v)
        else:
            out = {p: int(part) for p in out}
    if min(out.values()) < 2:
        raise argparse.ArgumentTypeError("--peer-resamples must be at least 2")
    return out


def _csv_choice(choices):
    def parse(text: str) -> list[str]:
        vals = [s.strip() for s in text.split(",") if s.strip()]
        bad = [v for v in vals if v not in choices]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {bad}; choose from {', '.join(choices)}")
        return vals

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=(
            "Time elosim against arena-rank, evalica, choix and a plain-numpy baseline "
            "(Bradley-Terry fit, sandwich and bootstrap percentile intervals, peak memory) "
            "in one run, and check that the ratings and interval widths agree."
        ),
        epilog=(
            "Sizes: small = 20 items x 10k votes, medium = 100 x 1M, large = 200 x 3M (synthetic, "
            "uniform pairs, 10%% ties, true ratings N(1000, 100^2), fixed seed); lmarena = the "
            "LMArena 140k vote table. Peers bootstrap only --peer-resamples replicates; their "
            "time per 1,000 is extrapolated linearly and labelled so. Heavier run: "
            "--peer-resamples 100 --n-jobs -1 (see benchmarks/README.md)."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--sizes", type=_csv_choice(SIZES), default=DEFAULT_SIZES, help="datasets to run, comma separated")
    p.add_argument("--packages", type=_csv_choice(PACKAGES), default=",".join(PACKAGES), help="packages to run, comma separated")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap replicates for elosim and the baseline")
    p.add_argument(
        "--peer-resamples", type=_peer_resamples, default=DEFAULT_PEER_RESAMPLES,
        help="bootstrap replicates for the peers: one number, or per peer as name=B,...",
    )
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes for elosim and arena-rank bootstraps (-1 = all cores)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (datasets use their own fixed seed)")
    p.add_argument("--data", default=None, help=f"LMArena battles CSV (default: {_data.DEFAULT_LMARENA_CSV})")
    p.add_argument("--timeout", type=float, default=1800, help="seconds allowed per (dataset, package) measurement")
    p.add_argument(
        "--start-method", choices=("forkserver", "spawn"), default="forkserver",
        help="multiprocessing start method for arena-rank (fork deadlocks after JAX starts)",
    )
    p.add_argument(
        "--out", default=None,
        help="JSON output path (default: benchmarks/results/peers-<date>.json); '-' to skip",
    )
    p.add_argument(
        "--mem-limit-gb", type=float, default=12,
        help="RLIMIT_AS (address-space) limit per measurement subprocess in GB, so that running out "
        "of memory gives a 'failed: out of memory' row; 0 = no limit",
    )
    p.add_argument(
        "--bca-timeout", type=float, default=900,
        help="seconds allowed for evalica's own BCa bootstrap (run on the small dataset only)",
    )
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--worker-out", default=None, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if isinstance(args.sizes, str):
        args.sizes = _csv_choice(SIZES)(args.sizes)
    if isinstance(args.packages, str):
        args.packages = _csv_choice(PACKAGES)(args.packages)
    if isinstance(args.peer_resamples, str):
        args.peer_resamples = _peer_resamples(args.peer_resamples)
    if args.worker:
        return worker_main(args)

    results = []
    for size in args.sizes:
        for package in args.packages:
            if package == "evalica-own-bca" and size not in BCA_SIZES:
                continue  # per-vote jackknife: N fits of N votes, infeasible beyond the small set
            print(f"[{_data.describe(size)}] {package} ...", file=sys.stderr, flush=True)
            r = launch(package, size, args)
            if r.get("status") != "ok":
                print(f"{package}: {r.get('status')}", file=sys.stderr, flush=True)
            elif "boot_status" in r:
                print(f"{package}: bootstrap {r['boot_status']}", file=sys.stderr, flush=True)
            print(f"    done in {r['wall_s']:.1f} s, peak {r['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
            results.append(r)
    compare(results, args.resamples)

    print(markdown_table(results))
    print()
    print(
        "Times in seconds, one run each (runs on a 2-core machine vary by tens of per cent, "
        "so quote ratios from one run). Ratios and agreement are against the `(ref)` row of each "
        "dataset: elosim when it runs, else the baseline (separately for fit and bootstrap). ΔElo: ratings centred at 1000. Width diff: "
        "median over items of |width − ref width| / ref width."
    )
    est = [r for r in results if "peak_rss_at_1000_estimate_mb" in r and r.get("boot_extrapolated")]
    if est:
        print(
            "\nevalica (own bootstrap) draws all B × N resample indices at once (scipy.stats.bootstrap), so its "
            "memory grows with B: estimated peak at B = 1,000 (measured peak + (1,000 − B) × N × 8 bytes): "
            + "; ".join(f"{_data.describe(r['size'])} ≈ {r['peak_rss_at_1000_estimate_mb'] / 1024:.1f} GB" for r in est)
            + "."
        )

    if args.out != "-":
        out = Path(args.out) if args.out else HERE / "results" / f"peers-{_dt.date.today().isoformat()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "date": _dt.datetime.now().isoformat(timespec="seconds"),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "argv": sys.argv[1:],
            "resamples": args.resamples,
            "peer_resamples": args.peer_resamples,
            "n_jobs": args.n_jobs,
            "seed": args.seed,
            "versions": {p: _version(DIST[p]) for p in PACKAGES if DIST[p]}
            | {"numpy": _version("numpy"), "scipy": _version("scipy"), "pandas": _version("pandas"), "jax": _version("jax")},
        }
        out.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
        print(f"\nJSON written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
