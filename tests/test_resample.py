"""The fast multinomial sampler draws exactly Multinomial(N, n / N): checked in distribution."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from elosim.inference.resample import MultinomialSampler, poisson_counts


def _joint_chisquare(draws: np.ndarray, counts: np.ndarray) -> float:
    """p-value of a chi-square test of the joint law of the draws against the multinomial."""
    n = int(counts.sum())
    p = counts / n
    outcomes = [c for c in itertools.product(range(n + 1), repeat=p.size - 1) if sum(c) <= n]
    keys = {c: i for i, c in enumerate(outcomes)}
    idx = np.array([keys[tuple(row[:-1])] for row in draws.tolist()])
    observed = np.bincount(idx, minlength=len(outcomes))
    full = [np.array([*c, n - sum(c)]) for c in outcomes]
    expected = draws.shape[0] * np.array([stats.multinomial.pmf(x, n, p) for x in full])
    # pool the rare outcomes (expected < 5) into one bin
    rare = expected < 5
    obs = np.append(observed[~rare], observed[rare].sum())
    exp = np.append(expected[~rare], expected[rare].sum())
    return float(stats.chisquare(obs, exp).pvalue)


@pytest.mark.parametrize(("budget", "topup"), [(1 << 20, math.inf), (0, math.inf), (1 << 20, 1.0)])
def test_joint_law_equals_the_multinomial(budget: int, topup: float) -> None:
    # N = 20 votes in 3 cells: the Poisson tables (budget) or numpy's Poisson (budget 0),
    # the rejection of totals above N and the top-up draws (one by one, or as one
    # multinomial per replicate) are all exercised
    counts = np.array([2, 5, 13])
    s = MultinomialSampler(counts, table_budget=budget, topup_ratio=topup)
    assert not s.exact_numpy
    draws = s.draw(np.random.default_rng(1), 100_000)
    assert np.all(draws.sum(axis=1) == 20)
    assert _joint_chisquare(draws, counts) > 1e-3


def test_totals_are_exact_and_draws_reproducible() -> None:
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 500, 300)
    s = MultinomialSampler(counts)
    a = s.draw(np.random.default_rng(5), 200)
    b = s.draw(np.random.default_rng(5), 200)
    np.testing.assert_array_equal(a, b)
    assert np.all(a.sum(axis=1) == counts.sum())
    assert np.all(a >= 0)


def test_cell_marginals_are_binomial() -> None:
    # every cell's count is Binomial(N, p_c): chi-square goodness of fit per cell, and the
    # per-cell p-values must look uniform (KS) with none below a Bonferroni bound
    counts = np.array([1, 1, 2, 3, 7, 20, 55, 150, 400, 1200, 5000])
    n = int(counts.sum())
    s = MultinomialSampler(counts)
    r = 40_000
    draws = s.draw(np.random.default_rng(3), r)
    pvals = []
    for c, x in zip(counts, draws.T, strict=True):
        dist = stats.binom(n, c / n)
        lo, hi = int(dist.ppf(1e-4)), int(dist.isf(1e-4))
        support = np.arange(lo, hi + 1)
        obs = np.array([np.sum(x <= lo), *[np.sum(x == v) for v in support[1:-1]],
                        np.sum(x >= hi)])
        exp = r * np.array([dist.cdf(lo), *dist.pmf(support[1:-1]), dist.sf(hi - 1)])
        keep = exp >= 5
        obs = np.append(obs[keep], obs[~keep].sum())
        exp = np.append(exp[keep], exp[~keep].sum())
        if exp[-1] == 0:
            obs, exp = obs[:-1], exp[:-1]
        pvals.append(stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue)
    assert min(pvals) > 1e-3 / len(counts)
    assert stats.kstest(pvals, "uniform").pvalue > 1e-3


@pytest.mark.parametrize("counts", [np.array([30, 70, 100, 800]),
                                    np.array([3, 7, 10, 80]) * 10**9])
def test_covariances_match_the_multinomial(counts: np.ndarray) -> None:
    # the second case (N = 10^11) tops up by a multinomial per replicate
    n = int(counts.sum())
    p = counts / n
    r = 50_000
    draws = MultinomialSampler(counts).draw(np.random.default_rng(9), r).astype(float)
    cov = np.cov(draws.T)
    exact = n * (np.diag(p) - np.outer(p, p))
    # Monte-Carlo SE of a sample covariance ~ sqrt((s_ii s_jj + s_ij^2) / r)
    se = np.sqrt((np.outer(np.diag(exact), np.diag(exact)) + exact**2) / r)
    assert np.all(np.abs(cov - exact) < 4.5 * se)
    np.testing.assert_allclose(draws.mean(axis=0), n * p, atol=4.5 * math.sqrt(n) / math.sqrt(r))


def test_small_totals_use_numpy_multinomial() -> None:
    s = MultinomialSampler(np.array([1, 2, 3]))
    assert s.exact_numpy
    draws = s.draw(np.random.default_rng(0), 50)
    assert np.all(draws.sum(axis=1) == 6)


def test_poisson_counts_are_independent_poisson() -> None:
    counts = np.array([4, 40, 400])
    draws = poisson_counts(counts, np.random.default_rng(2), 20_000)
    np.testing.assert_allclose(draws.mean(axis=0), counts, rtol=0.02)
    np.testing.assert_allclose(draws.var(axis=0), counts, rtol=0.06)


def test_estimability_certificate_is_exact_and_settles_leaf_items() -> None:
    # The bootstrap's cheap check (a spanning tree of two-way pairs, with cut-off leaf items
    # rejoining through other pairs) must never pass a resample whose win graph is not
    # strongly connected: checked against scipy's strong components on random small designs.
    import warnings

    import elosim
    from elosim.inference import bootstrap as bs
    from elosim.inference import estimability as est

    rng = np.random.default_rng(2)
    passed = false_pass = by_leaf = 0
    for _ in range(150):
        k = int(rng.integers(3, 12))
        n = int(rng.integers(3 * k, 80))
        a = rng.integers(0, k, n)
        b = (a + rng.integers(1, k, n)) % k
        votes = elosim.Votes(items=tuple(f"i{i}" for i in range(k)), a=a, b=b,
                             outcome=rng.integers(0, 3, n))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fit = elosim.bradley_terry(votes)
            except elosim.NoFiniteEstimateError:
                continue
        problem = bs._problem(fit)
        c = votes.counts
        cert = est.certificate(problem, c.table())
        if cert is None:
            continue
        tables = c.table(rng.multinomial(c.n_votes, c.cell_count / c.n_votes, size=100))
        sub = tables[:, cert.pairs, :]
        plain = np.all((sub[..., 0] + sub[..., 2] > 0) & (sub[..., 1] + sub[..., 2] > 0), axis=1)
        holds = cert.holds(tables)
        ok, _ = est.estimable(problem, tables)
        false_pass += int(np.sum(holds & ~ok))
        passed += int(holds.sum())
        by_leaf += int(np.sum(holds & ~plain))
        assert np.all(holds[plain])
    assert false_pass == 0
    assert passed > 1000  # both rules were exercised
    assert by_leaf > 100
