"""Coverage of 95% intervals on simulated arenas with known true ratings.

Design (fixed seed): 300 arenas, 8 items with true ratings N(1000, 100^2), 4,000 votes
each over uniformly drawn pairs, 20% ties taking probability equally from both sides (so
the expected score of A is the Elo win probability, the half-win model's target is the true
rating, but its binomial variance is wrong and the sandwich is needed). Per arena we record the
fraction of the 8 ratings (and of the 28 differences) inside their intervals. Arenas are
independent, so the Monte-Carlo standard error of the mean coverage is the SD of the
per-arena fractions over sqrt(300) (about 0.6 points for ratings); the test band is
3 MC SE around 0.95. Percentile intervals use 400 resamples, whose endpoint noise costs
about 0.3 points of coverage (METHODS D4), still inside the band.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import elosim

N_SIM = 300
K = 8
N_VOTES = 4000
LEVEL = 0.95


def simulate(rng: np.random.Generator) -> tuple[elosim.Votes, np.ndarray]:
    true = rng.normal(1000, 100, K)
    a = rng.integers(0, K, N_VOTES)
    b = (a + rng.integers(1, K, N_VOTES)) % K
    p = 1 / (1 + 10 ** (-(true[a] - true[b]) / 400))
    # ties take probability t/2 from each side, so E[score of A] = p: the half-win model's
    # mean is right (its target is the true rating) while its variance is not
    t = np.minimum(0.2, 2 * np.minimum(p, 1 - p))
    u = rng.random(N_VOTES)
    out = np.where(u < p - t / 2, 0, np.where(u < p + t / 2, 2, 1))
    items = tuple(f"m{i}" for i in range(K))
    return elosim.Votes(items=items, a=a, b=b, outcome=out.astype(np.int8)), true


@pytest.fixture(scope="module")
def coverage() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20261129)
    iu, ju = np.triu_indices(K, 1)
    contrasts = np.zeros((iu.size, K))
    contrasts[np.arange(iu.size), iu] = 1
    contrasts[np.arange(iu.size), ju] = -1
    z = 1.959963984540054
    res: dict[str, list[float]] = {k: [] for k in ("pct", "wald", "pct_d", "wald_d", "model")}
    for _ in range(N_SIM):
        votes, true = simulate(rng)
        target = true - true.mean() + 1000
        fit = elosim.bradley_terry(votes)
        boot = elosim.bootstrap(fit, n_resamples=400, rng=rng)
        ci = boot.confidence_interval(LEVEL)
        res["pct"].append(np.mean((ci.low <= target) & (target <= ci.high)))
        w = fit.confidence_interval(LEVEL, kind="sandwich")
        res["wald"].append(np.mean((w.low <= target) & (target <= w.high)))
        m = fit.confidence_interval(LEVEL, kind="model")
        res["model"].append(np.mean((m.low <= target) & (target <= m.high)))
        gap_true = contrasts @ target
        gap_hat = contrasts @ fit.ratings
        cd = boot.contrast_interval(contrasts)
        res["pct_d"].append(np.mean((cd.low <= gap_true) & (gap_true <= cd.high)))
        cov = fit.covariance("sandwich")
        se = np.sqrt(np.einsum("ci,ij,cj->c", contrasts, cov, contrasts))
        res["wald_d"].append(np.mean(np.abs(gap_hat - gap_true) <= z * se))
    return {k: np.asarray(v) for k, v in res.items()}


@pytest.mark.slow
@pytest.mark.parametrize("key", ["pct", "wald", "pct_d", "wald_d"])
def test_coverage_within_monte_carlo_error(coverage: dict[str, np.ndarray], key: str) -> None:
    frac = coverage[key]
    mean = float(frac.mean())
    mc_se = float(frac.std(ddof=1)) / math.sqrt(N_SIM)
    assert abs(mean - LEVEL) <= 3 * mc_se, (key, mean, mc_se)


@pytest.mark.slow
def test_model_based_intervals_overcover_with_half_win_ties(
    coverage: dict[str, np.ndarray],
) -> None:
    # with 20% ties the half-win "model" variance is too large by about 1 / (1 - 0.2):
    # its intervals are about 12% too wide, so they cover more than 95% (about 97.2%)
    frac = coverage["model"]
    mc_se = float(frac.std(ddof=1)) / math.sqrt(N_SIM)
    assert frac.mean() > LEVEL + 3 * mc_se
