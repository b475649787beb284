"""Tests for elosim.inference.ranks (rank confidence sets)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

import elosim
from elosim.inference.ranks import (
    lmarena_rank,
    marginal_rank_intervals_bootstrap,
    point_ranks,
    rank_confidence_sets,
    rank_intervals,
)


def _analytic(est, cov, items=None):
    """A stand-in for a fit: ratings + covariance(kind) (cheap, no fitting)."""
    k = len(est)
    return SimpleNamespace(
        items=tuple(items or [f"i{n}" for n in range(k)]),
        ratings=np.asarray(est, dtype=float),
        covariance=lambda kind=None: np.asarray(cov, dtype=float),
        default_covariance="model",
    )


def _bt_like_cov(k, scale=1.0):
    # covariance of a balanced round robin, sum-to-zero: scale * (I - J/K)
    return scale * (np.eye(k) - 1.0 / k)


@pytest.mark.parametrize("simultaneous", [False, True])
def test_huge_separation_gives_exact_ranks(simultaneous):
    est = np.array([10.0, 50.0, 30.0, -20.0, 0.0])
    res = rank_intervals(_analytic(est, _bt_like_cov(5, 0.01)), simultaneous=simultaneous, rng=0)
    np.testing.assert_array_equal(res.rank, [3, 1, 2, 5, 4])
    np.testing.assert_array_equal(res.rank_low, res.rank)
    np.testing.assert_array_equal(res.rank_high, res.rank)
    assert res.tied_for_first() == ("i1",)


def test_all_equal_items_cover_everything():
    res = rank_intervals(_analytic(np.zeros(6), _bt_like_cov(6, 100.0)), simultaneous=True,
                         rng=1)
    assert res.rank_low.tolist() == [1] * 6
    assert res.rank_high.tolist() == [6] * 6
    assert len(res.tied_for_first()) == 6


def test_simultaneous_contains_marginal_and_stepdown_narrower():
    rng = np.random.default_rng(2)
    est = np.sort(rng.normal(scale=3.0, size=10))[::-1]
    fit = _analytic(est, _bt_like_cov(10, 1.0))
    marg = rank_intervals(fit, simultaneous=False, rng=5)
    simul = rank_intervals(fit, simultaneous=True, rng=5)
    single = rank_intervals(fit, simultaneous=True, stepdown=False, rng=5)
    assert np.all(simul.rank_low <= marg.rank_low)
    assert np.all(simul.rank_high >= marg.rank_high)
    assert np.all(single.rank_low <= simul.rank_low)
    assert np.all(single.rank_high >= simul.rank_high)
    assert np.all((simul.rank_low <= simul.rank) & (simul.rank <= simul.rank_high))


def test_simultaneous_coverage_by_simulation():
    # Known truth: theta with ties; estimates drawn directly from N(theta, S). Coverage of
    # the true (min-tie) ranks by all six sets jointly must be >= 0.95 - 3 MC SE with
    # MC SE = sqrt(.95 * .05 / 600) = 0.0089 (allowed 0.027). Marginal coverage of item 0
    # likewise. (Sets are conservative with ties, so the realised value is usually above.)
    k, n_sim = 6, 600
    theta = np.array([0.0, 0.0, 1.0, 2.0, 2.0, 4.0])
    cov = _bt_like_cov(k, 0.5) + 0.2 * np.diag(np.linspace(0.0, 1.0, k))
    true_rank = point_ranks(theta)
    chol = np.linalg.cholesky(cov + 1e-12 * np.eye(k))
    rng = np.random.default_rng(11)
    hit_s = hit_m = 0
    for _ in range(n_sim):
        fit = _analytic(theta + chol @ rng.standard_normal(k), cov)
        s = rank_intervals(fit, simultaneous=True, n_draws=1000, rng=rng)
        hit_s += s.covers(true_rank)
        lo, hi = rank_confidence_sets(
            fit.ratings, rng.multivariate_normal(np.zeros(k), cov, size=1000),
            simultaneous=False,
        )
        hit_m += bool(lo[0] <= true_rank[0] <= hi[0])
    tol = 3 * math.sqrt(0.95 * 0.05 / n_sim)
    assert hit_s / n_sim >= 0.95 - tol
    assert hit_m / n_sim >= 0.95 - tol


def test_pisa_point_ranks_match_csranks_irank():
    # csranks README: irank(math_score) for the 37 OECD countries (PISA 2018).
    math_score = [
        491.3600252, 498.9423138, 508.0703063, 512.0169429, 417.4065563, 390.9322732,
        499.4676508, 509.3983746, 523.4145802, 507.3013618, 495.4075794, 500.0437805,
        451.3703438, 481.0826364, 495.1873762, 499.632894, 463.0345488, 486.5898573,
        526.9732502, 525.933002, 496.1263306, 481.1911884, 483.421485, 408.8014734,
        519.2309824, 494.489676, 500.9637885, 515.6478747, 492.4874062, 486.1648542,
        508.8975441, 481.3926126, 502.3877022, 515.3147131, 453.5077774, 501.7698992,
        478.2447174,
    ]
    expected = [24, 18, 10, 7, 35, 37, 17, 8, 3, 11, 20, 15, 34, 30, 21, 16, 32, 25, 1, 2,
                19, 29, 27, 36, 4, 22, 14, 5, 23, 26, 9, 28, 12, 6, 33, 13, 31]
    assert point_ranks(math_score).tolist() == expected


def test_bootstrap_paths_and_labels():
    votes = elosim.Votes.from_counts(
        ["A", "B", "C", "D"], [[0, 20, 30, 40], [10, 0, 20, 30], [5, 10, 0, 20], [2, 5, 10, 0]]
    )
    from elosim.inference.bootstrap import bootstrap

    fit = elosim.bradley_terry(votes)
    boot = bootstrap(fit, n_resamples=300, rng=3)
    res = rank_intervals(boot, simultaneous=True)
    assert "bootstrap max-t over 300 resamples" in res.method
    assert np.all((res.rank_low <= res.rank) & (res.rank <= res.rank_high))
    naive = marginal_rank_intervals_bootstrap(boot)
    assert "naive" in naive.method
    assert "no coverage guarantee" in naive.method
    lm = lmarena_rank(fit)
    assert "LMArena 'Rank (UB)' heuristic" in lm.method
    assert lm.simultaneous is None


def test_lmarena_rank_by_hand():
    ci = elosim.ConfidenceInterval(np.array([90.0, 85.0, 60.0]), np.array([110.0, 95.0, 80.0]))
    fake = SimpleNamespace(
        items=("a", "b", "c"), ratings=np.array([100.0, 90.0, 70.0]),
        confidence_interval=lambda level, kind=None: ci, default_covariance="model",
    )
    res = lmarena_rank(fake)
    # a: nobody's lower bound above 110 -> 1; b: nobody above 95 -> 1; c: a (90) and b (85)
    # above 80 -> 3
    assert res.rank_low.tolist() == [1, 1, 3]
    assert res.rank_high.tolist() == [2, 2, 3]


def test_display():
    res = rank_intervals(_analytic([3.0, 2.0, 1.0], _bt_like_cov(3, 0.5)), rng=0)
    assert "\n" not in repr(res)
    assert "may be #1" in res.summary()
    assert list(res.to_frame().columns) == ["item", "rating", "rank", "rank_low", "rank_high"]
    assert res.top_set(2) == tuple(res.items[i] for i in np.flatnonzero(res.rank_low <= 2))


def test_bad_inputs():
    fit = _analytic([3.0, 2.0, 1.0], _bt_like_cov(3, 0.5))
    with pytest.raises(ValueError, match="n_draws must be an integer >= 100"):
        rank_intervals(fit, n_draws=10)
    with pytest.raises(ValueError, match="confidence_level must lie strictly between 0 and 1"):
        rank_intervals(fit, confidence_level=0.0)
    with pytest.raises(ValueError, match="tau must be an integer >= 1"):
        rank_intervals(fit, rng=0).top_set(0)
    with pytest.raises(ValueError, match="every pairwise difference needs a positive"):
        rank_confidence_sets([1.0, 2.0], np.zeros((10, 2)))
    with pytest.raises(TypeError, match="needs a bootstrap result"):
        marginal_rank_intervals_bootstrap(fit)


def test_rank_intervals_from_estimates_matches_fit_and_validates() -> None:
    votes = elosim.datasets.load_bradleyterry2("icehockey")
    fit = elosim.bradley_terry(votes)
    for simultaneous in (False, True):
        a = fit.rank_intervals(simultaneous=simultaneous, rng=3)
        b = elosim.rank_intervals_from_estimates(
            fit.ratings, fit.covariance(), items=fit.items, simultaneous=simultaneous, rng=3
        )
        np.testing.assert_array_equal(a.rank_low, b.rank_low)
        np.testing.assert_array_equal(a.rank_high, b.rank_high)
        assert b.items == fit.items
    with pytest.raises(ValueError, match=r"covariance must be a finite \(3, 3\) matrix"):
        elosim.rank_intervals_from_estimates([1.0, 2.0, 3.0], np.eye(2))
    with pytest.raises(ValueError, match="covariance must be symmetric"):
        elosim.rank_intervals_from_estimates([1.0, 2.0], [[1.0, 0.5], [0.0, 1.0]])
