"""Contextual Bradley-Terry at LMArena size: fit and 1,000-replicate bootstrap with 4 style
features (issue 13), and, when arena-rank is importable, its contextual model on the same
data with the penalty switched off.

The bundled LMArena votes carry no per-vote style measurements, so the four style features
(length, headers, lists, bold; LMArena's normalised relative differences) are simulated per
model and per vote, and the outcomes are re-drawn from the contextual model with known
coefficients on the real 135k comparison pattern (53 models). Timings are wall-clock seconds
in one run; on a shared machine quote them as ratios.

Run: ``python benchmarks/bench_contextual.py [--resamples 1000] [--arena-rank]``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

import elosim

BETA = {"length": 0.25, "header": 0.03, "list": 0.02, "bold": 0.02}


def styled_lmarena(seed: int = 0) -> tuple[elosim.Votes, dict[str, np.ndarray]]:
    arena = elosim.datasets.load_lmarena_140k().min_votes(20)
    truth = elosim.bradley_terry(arena)
    rng = np.random.default_rng(seed)
    k, n = arena.n_items, arena.n_votes
    side_a, side_b = {}, {}
    for name in BETA:
        level = rng.normal(0, 0.5, k)
        side_a[name] = np.exp(3 + level[arena.a] + rng.normal(0, 0.5, n))
        side_b[name] = np.exp(3 + level[arena.b] + rng.normal(0, 0.5, n))
    feats = elosim.style_features(side_a, side_b, normalize="lmarena")
    d = truth.log_strength[arena.a] - truth.log_strength[arena.b]
    d = d + sum(BETA[f] * feats[f] for f in BETA)
    p = 1 / (1 + np.exp(-d))
    tie = np.minimum(0.2, 2 * np.minimum(p, 1 - p))
    u = rng.random(n)
    outcome = np.where(u < p - tie / 2, 0, np.where(u < p + tie / 2, 2, 1))
    votes = elosim.Votes(items=arena.items, a=arena.a, b=arena.b, outcome=outcome, covariates=feats)
    return votes, feats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--arena-rank", action="store_true", help="also time arena-rank (needs it)")
    ap.add_argument("--no-bootstrap", action="store_true", help="skip the bootstraps")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "contextual.json"))
    args = ap.parse_args()
    warnings.simplefilter("ignore", elosim.ElosimWarning)
    votes, feats = styled_lmarena()
    out: dict[str, object] = {"n_votes": votes.n_votes, "n_items": votes.n_items,
                              "features": list(BETA), "true_beta": list(BETA.values())}
    t0 = time.perf_counter()
    fit = elosim.bradley_terry(votes, features=list(BETA))
    out["fit_seconds"] = time.perf_counter() - t0
    out["design_rows"] = fit.design.n_rows
    out["beta_hat"] = fit.coefficients.estimate.tolist()
    out["beta_se_sandwich"] = fit.coefficients.standard_error.tolist()
    if args.arena_rank:
        out["arena_rank"] = run_arena_rank(votes, feats, fit)
    if args.no_bootstrap:
        print(json.dumps(out, indent=1))
        Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
        return
    t0 = time.perf_counter()
    boot = elosim.bootstrap(fit, n_resamples=args.resamples, rng=0)
    out["bootstrap_seconds"] = time.perf_counter() - t0
    out["bootstrap_resamples"] = args.resamples
    out["beta_se_bootstrap"] = boot.coefficient_standard_error.tolist()
    out["not_converged"] = boot.n_not_converged
    se_boot = boot.standard_error
    se_sand = fit.standard_error
    out["rating_se_ratio_boot_over_sandwich_median"] = float(np.median(se_boot / se_sand))
    t0 = time.perf_counter()
    plain = elosim.bradley_terry(votes)
    out["plain_fit_seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    elosim.bootstrap(plain, n_resamples=args.resamples, rng=0)
    out["plain_bootstrap_seconds"] = time.perf_counter() - t0
    print(json.dumps(out, indent=1))
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


def run_arena_rank(votes: elosim.Votes, feats: dict[str, np.ndarray], fit) -> dict[str, object]:
    """arena-rank's ContextualBradleyTerry with reg=0 on the same votes (ties as 0.5)."""
    import pandas as pd
    from arena_rank.models.contextual_bradley_terry import ContextualBradleyTerry
    from arena_rank.utils.data_utils import ContextualPairDataset

    names = list(BETA)
    df = pd.DataFrame({
        "model_a": [votes.items[i] for i in votes.a],
        "model_b": [votes.items[i] for i in votes.b],
        "winner": np.array(["model_a", "model_b", "tie"])[votes.outcome],
    })
    for f in names:  # the oriented differences, exactly as elosim uses them
        df[f] = feats[f]
    res: dict[str, object] = {}
    t0 = time.perf_counter()
    ds = ContextualPairDataset.from_pandas(
        df, feature_cols=names, reweighted=False, normalize_features=False
    )
    model = ContextualBradleyTerry(
        n_competitors=len(ds.competitors), n_features=len(names), reg=0.0
    )
    out = model.compute_ratings_and_cis(ds, significance_level=0.05)
    res["fit_and_sandwich_seconds"] = time.perf_counter() - t0
    theirs = dict(zip(list(out["competitors"]), np.asarray(out["ratings"]), strict=True))
    ours = dict(zip(fit.items, fit.ratings, strict=True))
    diff = np.array([theirs[x] - ours[x] for x in fit.items])
    res["max_abs_rating_difference"] = float(np.max(np.abs(diff - diff.mean())))
    res["coefficients"] = np.asarray(out["coeffs"]).tolist()
    res["max_abs_coefficient_difference"] = float(
        np.max(np.abs(np.asarray(out["coeffs"]) - fit.coefficients.estimate))
    )
    se_theirs = np.sqrt(np.asarray(out["variances"]))
    se_ours = dict(zip(fit.items, fit.standard_error, strict=True))
    ratio = np.array([se_theirs[list(out["competitors"]).index(x)] / se_ours[x] for x in fit.items])
    res["rating_se_ratio_median"] = float(np.median(ratio))
    return res


if __name__ == "__main__":
    main()
