"""Coverage of feature coefficients and of adjusted gaps, by simulation.

Fixed seeds; tolerances are 3 Monte-Carlo standard errors of a proportion at the nominal
level, ``3 sqrt(0.95 * 0.05 / n_simulations)`` (never tuned to the observed values).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import elosim

LEVEL = 0.95
RATINGS = {"a": 1040.0, "b": 1000.0, "c": 980.0, "d": 950.0}
BETA = {"home": 0.3, "length": 0.2}


def _tol(n: int) -> float:
    return 3.0 * math.sqrt(LEVEL * (1 - LEVEL) / n)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("ties", "fit_ties"), [(None, "half"), ("davidson", "davidson"), ("rao-kupper", "rao-kupper")]
)
def test_wald_coverage_of_coefficients_and_adjusted_gaps(ties, fit_ties):
    n_sim = 150
    kw = {} if ties is None else {"tie_rate": 0.2}
    res = elosim.coverage_study(
        RATINGS, 1500, n_simulations=n_sim, methods=("wald-sandwich", "wald-model"),
        ties=ties, fit_ties=fit_ties, rank_sets=False, rng=2026, features=BETA,
        feature_distribution={"home": "home-neutral"}, **kw,
    )
    assert res.features == ("home", "length")
    for method in ("wald-sandwich", "wald-model"):
        for what in ("home", "length", "pairs"):
            cov = res.coverage(method, what).estimate
            assert abs(cov - LEVEL) <= _tol(n_sim), (method, what, cov)


@pytest.mark.slow
def test_bootstrap_coverage_of_coefficients():
    n_sim = 80
    res = elosim.coverage_study(
        RATINGS, 1500, n_simulations=n_sim, methods=("percentile", "basic"), n_resamples=200,
        rank_sets=False, rng=7, features=BETA, feature_distribution={"home": "home-neutral"},
    )
    for method in ("percentile", "basic"):
        for what in ("home", "length", "pairs"):
            cov = res.coverage(method, what).estimate
            assert abs(cov - LEVEL) <= _tol(n_sim), (method, what, cov)


def _clustered_arena(seed: int, n_clusters: int = 500):
    """Each cluster is one vote copied 1 to 4 times (perfectly dependent copies): every
    vote still follows the model, but votes within a cluster are not independent."""
    base = elosim.simulate_votes(
        RATINGS, n_clusters, features=BETA, feature_distribution={"home": "home-neutral"},
        rng=seed,
    )
    size = np.random.default_rng(seed + 10_000).integers(1, 5, n_clusters)
    idx = np.repeat(np.arange(n_clusters), size)
    return elosim.Votes(
        items=base.items, a=base.a[idx], b=base.b[idx], outcome=base.outcome[idx],
        cluster=idx, covariates={k: v[idx] for k, v in base.covariates.items()},
    )


@pytest.mark.slow
def test_cluster_covariance_covers_and_iid_sandwich_does_not():
    n_sim = 150
    beta = np.array(list(BETA.values()))
    truth = np.array(list(RATINGS.values()))
    gap_true = truth[0] - truth[3]
    covered = {"cluster": [], "sandwich": []}
    gaps = []
    for s in range(n_sim):
        votes = _clustered_arena(s)
        fit = elosim.bradley_terry(votes, features=list(BETA), covariance="cluster")
        for kind in covered:
            tab = fit.coefficient_table(LEVEL, kind=kind)
            covered[kind].append(np.mean((tab.ci_low <= beta) & (beta <= tab.ci_high)))
        g = fit.gap_test("a", "d", kind="cluster")
        gaps.append(g.ci_low <= gap_true <= g.ci_high)
    assert abs(np.mean(covered["cluster"]) - LEVEL) <= _tol(n_sim)
    assert abs(np.mean(gaps) - LEVEL) <= _tol(n_sim)
    # copies counted as independent votes: intervals too narrow by about sqrt(2.5)
    assert np.mean(covered["sandwich"]) < LEVEL - _tol(n_sim)


@pytest.mark.slow
def test_cluster_bootstrap_coverage_of_coefficients():
    n_sim = 60
    beta = np.array(list(BETA.values()))
    covered = []
    for s in range(n_sim):
        fit = elosim.bradley_terry(_clustered_arena(100 + s), features=list(BETA))
        boot = elosim.bootstrap(fit, n_resamples=200, cluster=True, rng=s)
        ci = boot.coefficient_interval(LEVEL)
        covered.append(np.mean((ci.low <= beta) & (beta <= ci.high)))
    assert abs(np.mean(covered) - LEVEL) <= _tol(n_sim)
