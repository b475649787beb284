"""Tests for elosim.inference.quasi (quasi-variances, Firth & de Menezes 2004)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import elosim
from elosim.inference.quasi import QuasiVarianceResult, fit_quasi_variances, quasi_variances

WIKI = [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]]


def test_exact_structure_gives_zero_error():
    # V = diag(q) + c 11' + u 1' + 1 u' has Var(R_i - R_j) = q_i + q_j exactly, whatever
    # c and u (they only move the level): the fit must recover q with zero relative error.
    q = np.array([4.0, 1.0, 9.0, 2.5, 6.0])
    u = np.array([0.3, -1.0, 2.0, 0.0, 0.7])
    v = np.diag(q) + 3.0 + u[:, None] + u[None, :]
    qv, rel, worst = fit_quasi_variances(v)
    np.testing.assert_allclose(qv, q, rtol=1e-9)
    assert np.max(np.abs(rel)) < 1e-9
    assert max(abs(worst[0]), abs(worst[1])) < 1e-7


def test_qvcalc_prestige_example_negative_quasi_variance():
    # qvcalc documentation (lm(prestige ~ type + education), car::Prestige): reference
    # level bc; SEs 4.258961 (prof) and 2.690667 (wc); quasi-variances 8.261952, 9.876793,
    # -1.022262. With 3 levels the approximation is exact; Cov(prof, wc) = q_bc.
    qbc, qprof, qwc = 8.261952, 9.876793, -1.022262
    v = np.zeros((3, 3))
    v[1, 1], v[2, 2] = 4.258961**2, 2.690667**2
    v[1, 2] = v[2, 1] = qbc
    qv, rel, _ = fit_quasi_variances(v)
    np.testing.assert_allclose(qv, [qbc, qprof, qwc], atol=2e-5)
    assert np.max(np.abs(rel)) < 1e-8


def test_normalisation_invariance_and_relative_errors():
    votes = elosim.Votes.from_counts(["A", "B", "C", "D"], WIKI)
    mean = elosim.bradley_terry(votes)
    anchor = elosim.bradley_terry(votes, normalize="anchor", anchor="B", offset=0.0)
    r1, r2 = quasi_variances(mean), quasi_variances(anchor)
    np.testing.assert_allclose(r1.quasi_se, r2.quasi_se, rtol=1e-8)
    assert not np.allclose(r1.standard_error, r2.standard_error)  # marginal SEs differ
    cov = mean.covariance()
    for n, (i, j) in enumerate(r1.pair_index):
        vij = cov[i, i] + cov[j, j] - 2 * cov[i, j]
        expect = math.sqrt((r1.quasi_variance[i] + r1.quasi_variance[j]) / vij) - 1
        assert r1.relative_error[n] == pytest.approx(expect)
    assert r1.worst_relative_error == (r1.relative_error.min(), r1.relative_error.max())
    lo, hi = r1.worst_relative_error_all_contrasts  # all contrasts include the pairs
    assert lo <= r1.worst_relative_error[0] + 1e-12
    assert hi >= r1.worst_relative_error[1] - 1e-12


def test_log_scale_least_squares_is_optimal():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 6))
    v = a @ a.T + np.eye(6)
    q, _, _ = fit_quasi_variances(v)
    ii, jj = np.triu_indices(6, 1)
    d = np.diag(v)
    logv = np.log(d[ii] + d[jj] - 2 * v[ii, jj])

    def loss(x):
        return float(np.sum((np.log(x[ii] + x[jj]) - logv) ** 2))

    base = loss(q)
    for _ in range(50):
        assert loss(q * (1 + 1e-3 * rng.normal(size=6))) >= base - 1e-12


def test_comparison_intervals_match_pairwise_tests_for_equal_qv():
    # equal quasi-variances q: non-overlap of rating +/- (z/sqrt 2) sqrt(q) <=> |gap| >
    # z sqrt(2q) <=> two-sided Wald p < 1 - level.
    assert QuasiVarianceResult.multiplier(0.95) == pytest.approx(1.96 / math.sqrt(2), abs=1e-4)
    assert QuasiVarianceResult.multiplier(0.95) == pytest.approx(1.38590, abs=1e-5)
    q = 25.0
    z = stats.norm.ppf(0.975)
    for gap in (13.0, 13.9, 14.0, 20.0):
        ratings = np.array([0.0, gap, 100.0])
        res = QuasiVarianceResult(
            items=("a", "b", "c"), ratings=ratings, quasi_variance=np.full(3, q),
            quasi_se=np.full(3, 5.0), standard_error=np.full(3, 5.0),
            pair_index=np.array([[0, 1], [0, 2], [1, 2]]), relative_error=np.zeros(3),
            worst_relative_error=(0.0, 0.0), worst_relative_error_all_contrasts=(0.0, 0.0),
            covariance_kind="test",
        )
        ci = res.comparison_interval()
        overlap = ci.high[0] >= ci.low[1]
        p = 2 * stats.norm.sf(gap / math.sqrt(2 * q))
        assert overlap == (p >= 0.05), gap
    assert z * math.sqrt(2 * q) == pytest.approx(13.859, abs=1e-3)


def test_display_and_frame():
    votes = elosim.Votes.from_counts(["A", "B", "C", "D"], WIKI)
    res = quasi_variances(elosim.bradley_terry(votes), kind="model")
    assert "model covariance" in repr(res)
    assert "\n" not in repr(res)
    assert "worst relative errors" in res.summary()
    df = res.to_frame()
    assert list(df.columns) == [
        "item", "rating", "standard_error", "quasi_se", "quasi_variance", "ci_low", "ci_high"
    ]


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least 3 items"):
        fit_quasi_variances(np.eye(2))
    with pytest.raises(ValueError, match="square matrix"):
        fit_quasi_variances(np.ones((3, 2)))
    with pytest.raises(ValueError, match="non-positive variance"):
        fit_quasi_variances(np.ones((3, 3)))
    votes = elosim.Votes.from_counts(["A", "B", "C", "D"], WIKI)
    with pytest.raises(ValueError, match="kind must be one of"):
        quasi_variances(elosim.bradley_terry(votes), kind="robust")
