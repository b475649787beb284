"""Tests for elosim.inference.gaps (gap tests, multiplicity, reported intervals, overlap level)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

import elosim
from elosim import (
    adjust_pvalues,
    gap_test,
    gap_test_from_reported,
    overlap_test_level,
    pairwise_gap_tests,
)

WIKI = [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]]


def sparse():
    """The Wikipedia example has 9-13 votes per item: every answer warns (issue 10)."""
    return pytest.warns(elosim.SparseDataWarning, match="fewer than 20 votes")


@pytest.fixture(scope="module")
def wiki_votes() -> elosim.Votes:
    return elosim.Votes.from_counts(["A", "B", "C", "D"], WIKI)


@pytest.fixture(scope="module")
def wiki_fit(wiki_votes: elosim.Votes) -> elosim.BradleyTerryResult:
    return elosim.bradley_terry(wiki_votes, covariance="model")


def _z_p(x: float) -> float:
    return math.erfc(abs(x) / math.sqrt(2.0))


# ---------------------------------------------------------------- Wald formula
def test_wikipedia_gap_matches_methods_d5_and_direct_formula(wiki_fit):
    with sparse():
        res = gap_test(wiki_fit, "D", "A", kind="model")
    v = wiki_fit.covariance("model")
    d, a = 3, 0
    se = math.sqrt(v[d, d] + v[a, a] - 2 * v[d, a])
    assert res.gap == pytest.approx(wiki_fit.ratings[d] - wiki_fit.ratings[a])
    assert res.gap == pytest.approx(220.0, abs=0.05)  # METHODS D5
    assert res.standard_error == pytest.approx(se, rel=1e-12)
    assert res.standard_error == pytest.approx(157.7, abs=0.05)  # METHODS D5
    assert res.statistic == pytest.approx(res.gap / se)
    assert res.pvalue == pytest.approx(_z_p(res.gap / se), rel=1e-12)
    z = stats.norm.ppf(0.975)
    assert (res.ci_low, res.ci_high) == pytest.approx((res.gap - z * se, res.gap + z * se))
    assert res.method == "Wald, model covariance"
    # the covariance term matters: ignoring V_ad changes the SE
    assert abs(math.sqrt(v[d, d] + v[a, a]) - se) > 1.0


@pytest.mark.parametrize("kind", ["model", "sandwich"])
def test_gap_is_normalisation_invariant(wiki_votes, kind):
    mean = elosim.bradley_terry(wiki_votes)
    anchor = elosim.bradley_terry(wiki_votes, normalize="anchor", anchor="C", offset=0.0)
    with sparse():
        r1 = gap_test(mean, "B", "D", kind=kind)
    with sparse():
        r2 = gap_test(anchor, "B", "D", kind=kind)
    for f in ("gap", "standard_error", "statistic", "pvalue", "ci_low", "ci_high"):
        assert getattr(r1, f) == pytest.approx(getattr(r2, f), rel=1e-9, abs=1e-9)


def test_one_sided_alternatives(wiki_fit):
    with sparse():
        two = gap_test(wiki_fit, "D", "A")
    with sparse():
        gt = gap_test(wiki_fit, "D", "A", alternative="greater")
    with sparse():
        lt = gap_test(wiki_fit, "D", "A", alternative="less")
    assert gt.pvalue == pytest.approx(stats.norm.sf(two.statistic))
    assert gt.pvalue + lt.pvalue == pytest.approx(1.0)
    assert two.pvalue == pytest.approx(2 * min(gt.pvalue, lt.pvalue))
    assert gt.ci_high == math.inf
    assert lt.ci_low == -math.inf
    z = stats.norm.ppf(0.95)
    assert gt.ci_low == pytest.approx(gt.gap - z * gt.standard_error)
    # reversing the items flips the one-sided test
    with sparse():
        assert gap_test(wiki_fit, "A", "D", alternative="less").pvalue == pytest.approx(gt.pvalue)


def test_summary_and_repr_words(wiki_fit):
    with sparse():
        res = gap_test(wiki_fit, "D", "A")
    assert "the data cannot tell D from A at the 5% level" in res.summary()
    assert repr(res).count("\n") == 0
    assert "'D' - 'A'" in repr(res)
    with sparse():
        sig = gap_test(wiki_fit, "D", "A", confidence_level=0.5)
    assert sig.conclusion() == "D is above A at the 50% level"
    with sparse():
        one = gap_test(wiki_fit, "A", "D", alternative="greater")
    assert one.conclusion() == "the data do not show that A is above D at the 5% level"


# ---------------------------------------------------------------- calibration
def test_wald_pvalues_uniform_under_null():
    # 1,000 simulated 4-item round robins, 201 votes per pair, equal strengths; gap test of
    # A vs B with the default (sandwich) covariance. Under H0 p ~ U(0, 1) asymptotically.
    # KS assumes a continuous law: with few votes per pair the win counts put atoms on the
    # p-values (30 votes per pair: only ~510 distinct p-values in 1,000 fits, and KS rejects
    # the lattice, not the calibration), so use many votes, an odd number (no exact 0 gap).
    # KS: if calibrated, the KS p-value is itself ~U(0,1); failing at < 0.001 has a 0.1%
    # false-alarm rate. Rejection rate at 5%: MC SE = sqrt(.05 * .95 / 1000) = 0.0069,
    # allowed 3 SE (0.021).
    rng = np.random.default_rng(20240611)
    k, m, n_sim = 4, 201, 1000
    iu, ju = np.triu_indices(k, 1)
    pv = np.empty(n_sim)
    for s in range(n_sim):
        x = rng.binomial(m, 0.5, size=iu.size)
        w = np.zeros((k, k), dtype=int)
        w[iu, ju] = x
        w[ju, iu] = m - x
        fit = elosim.bradley_terry(elosim.Votes.from_counts(list("ABCD"), w))
        pv[s] = gap_test(fit, "A", "B").pvalue
    ks = stats.kstest(pv, "uniform")
    assert ks.pvalue > 1e-3, ks
    assert abs(np.mean(pv < 0.05) - 0.05) < 3 * math.sqrt(0.05 * 0.95 / n_sim)


def _fake_bootstrap(est, draws, method):
    return SimpleNamespace(
        items=("A", "B", "C"), ratings=np.asarray(est), bootstrap_distribution=draws,
        method=method,
    )


@pytest.mark.parametrize("method", ["percentile", "basic"])
def test_bootstrap_pvalues_uniform_under_null(method):
    # Known-truth parametric bootstrap: theta_hat ~ N(0, S), replicates theta_hat + N(0, S)
    # (B = 399), three items with correlated errors. 2,000 null gap tests of A vs B.
    # p-values live on the grid k/(B+1); KS against U(0,1) is then slightly conservative.
    # Tolerances as in the Wald test (0.1% KS false alarm; rejection rate within 3 MC SE).
    rng = np.random.default_rng(7)
    cov = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    chol = np.linalg.cholesky(cov)
    n_sim, b = 2000, 399
    pv = np.empty(n_sim)
    for s in range(n_sim):
        est = chol @ rng.standard_normal(3)
        draws = est[:, None] + chol @ rng.standard_normal((3, b))
        pv[s] = gap_test(_fake_bootstrap(est, draws, method), "A", "B").pvalue
    assert stats.kstest(pv, "uniform").pvalue > 1e-3
    assert abs(np.mean(pv < 0.05) - 0.05) < 3 * math.sqrt(0.05 * 0.95 / n_sim)


def test_bootstrap_pvalue_agrees_with_interval():
    rng = np.random.default_rng(3)
    est = np.array([3.0, 0.0, 1.0])
    draws = est[:, None] + rng.standard_normal((3, 999))
    fake = _fake_bootstrap(est, draws, "percentile")
    res = gap_test(fake, "A", "B")
    assert res.method == "bootstrap percentile, 999 resamples"
    assert res.pvalue < 0.05
    assert res.ci_low > 0
    q = np.quantile(draws[0] - draws[1], [0.025, 0.975])
    assert (res.ci_low, res.ci_high) == pytest.approx(tuple(q))
    basic = gap_test(fake, "A", "B", method="basic")
    assert (basic.ci_low, basic.ci_high) == pytest.approx((6.0 - q[1], 6.0 - q[0]))
    # p equals (1 + #{g* <= 0}) / (B + 1), doubled
    g = draws[0] - draws[1]
    assert res.pvalue == pytest.approx(min(1, 2 * (1 + np.sum(g <= 0)) / 1000))


def test_real_bootstrap_all_methods_consistent(wiki_votes):
    from elosim.inference.bootstrap import bootstrap

    fit = elosim.bradley_terry(wiki_votes, prior_strength=1.0, covariance="model")
    boot = bootstrap(fit, n_resamples=200, rng=5)
    for meth in ("percentile", "basic", "bca", "studentized"):
        with sparse():
            res = gap_test(boot, "D", "A", method=meth)
        ci = boot.contrast_interval([[-1, 0, 0, 1]], confidence_level=0.95, method=meth)
        assert (res.ci_low, res.ci_high) == pytest.approx((ci.low[0], ci.high[0]))
        excludes = res.ci_low > 0 or res.ci_high < 0
        # inversion: p < .05 iff the interval excludes 0 (up to the 1/B grid)
        if abs(res.pvalue - 0.05) > 2 / 200:
            assert excludes == (res.pvalue < 0.05), meth
    with sparse():
        assert gap_test(boot, "D", "A").method.startswith("bootstrap percentile")


# ---------------------------------------------------------------- all pairs
def test_adjustments_against_hand_and_scipy():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.5])
    # Holm by hand: sorted .005 .01 .03 .04 .5 times 5,4,3,2,1 -> .025 .04 .09 .08 .5,
    # running max -> .025 .04 .09 .09 .5
    np.testing.assert_allclose(
        adjust_pvalues(p, method="holm"), [0.04, 0.09, 0.09, 0.025, 0.5]
    )
    np.testing.assert_allclose(adjust_pvalues(p, method="bonferroni"), np.minimum(1, 5 * p))
    np.testing.assert_allclose(
        adjust_pvalues(p, method="fdr_bh"), stats.false_discovery_control(p, method="bh")
    )
    q = np.random.default_rng(1).uniform(size=50) ** 3
    np.testing.assert_allclose(
        adjust_pvalues(q, method="fdr_bh"), stats.false_discovery_control(q, method="bh")
    )
    np.testing.assert_array_equal(adjust_pvalues(q, method=None), q)


def test_pairwise_matches_single_tests_and_table(wiki_fit):
    with sparse():
        pw = pairwise_gap_tests(wiki_fit, adjust="bonferroni")
    assert pw.n_pairs == 6
    for n in range(pw.n_pairs):
        with sparse():
            one = gap_test(wiki_fit, pw.item_a[n], pw.item_b[n])
        assert pw.pvalue[n] == pytest.approx(one.pvalue)
        assert pw.gap[n] == pytest.approx(one.gap)
    np.testing.assert_allclose(pw.pvalue_adjusted, np.minimum(1, 6 * pw.pvalue))
    mat = pw.pvalue_matrix()
    assert np.all(np.isnan(np.diag(mat)))
    np.testing.assert_allclose(mat, mat.T)
    df = pw.to_frame()
    assert list(df.columns[:3]) == ["item_a", "item_b", "gap"]
    for col in ("ci_low", "ci_high", "statistic", "pvalue", "pvalue_adjusted"):
        assert col in df.columns
    assert df.attrs["adjust"] == "bonferroni"
    assert df.attrs["confidence_level"] == 0.95
    assert "6 pairs" in repr(pw)


# ---------------------------------------------------------------- reported intervals
def test_gap_from_reported_by_hand():
    res = gap_test_from_reported(1541, (1533, 1549), 1542, (1534, 1550))
    z = stats.norm.ppf(0.975)
    s = 8 / z  # 4.0817
    se0 = math.sqrt(2) * s  # 5.7724
    assert res.standard_error_a == pytest.approx(s)
    assert res.standard_error == pytest.approx(se0)
    assert res.statistic == pytest.approx(-1 / se0)
    assert res.pvalue == pytest.approx(_z_p(1 / se0))  # 0.8625
    assert res.pvalue == pytest.approx(0.8625, abs=1e-4)
    assert res.pvalue_max == pytest.approx(_z_p(1 / (2 * s)))  # rho = -1
    assert res.correlation_at_max == -1.0
    assert res.correlation_at_min == 1.0
    assert res.pvalue_min == 0.0  # equal SEs, rho = 1: the difference is known exactly
    # needed rho: 2 s^2 (1 - rho) = (1 / z)^2
    assert res.correlation_needed == pytest.approx(1 - (1 / z) ** 2 / (2 * s * s))
    assert "0.992" in res.explanation
    at = gap_test_from_reported(
        1541, (1533, 1549), 1542, (1534, 1550), correlation=0.5
    )
    assert at.pvalue_at_correlation == pytest.approx(_z_p(1 / s))


def test_gap_from_reported_unequal_and_asymmetric():
    res = gap_test_from_reported(1541, (1533, 1549), 1542, (1532, 1552))
    z = stats.norm.ppf(0.975)
    sa, sb = 8 / z, 10 / z
    assert res.pvalue_min == pytest.approx(_z_p(1 / (sb - sa)))
    assert math.isinf(res.correlation_needed)
    assert res.correlation_needed > 0
    assert "Even if the estimates were perfectly correlated" in res.explanation
    asym = gap_test_from_reported(100, (90, 106), 50, (45, 55))
    assert asym.asymmetric
    assert "asymmetric" in asym.explanation
    assert asym.standard_error_a == pytest.approx(8 / z)
    big = gap_test_from_reported(100, (98, 102), 50, (48, 52))
    assert big.correlation_needed == -math.inf
    assert "whatever the correlation" in big.explanation


def test_overlap_level():
    assert overlap_test_level() == pytest.approx(0.00557, abs=5e-6)  # METHODS D3
    assert overlap_test_level(0.95, se_ratio=1e-9) == pytest.approx(0.05, abs=1e-6)
    assert overlap_test_level(0.95, se_ratio=3.0) > overlap_test_level(0.95)


# ---------------------------------------------------------------- errors
def test_bad_inputs(wiki_fit):
    with pytest.raises(KeyError, match=r"unknown item 'Z' \(given as a\)"):
        gap_test(wiki_fit, "Z", "A")
    with pytest.raises(ValueError, match="two different items; got 'A' for both"):
        gap_test(wiki_fit, "A", " A")
    with pytest.raises(ValueError, match="confidence_level must lie strictly between 0 and 1"):
        gap_test(wiki_fit, "A", "B", confidence_level=1.5)
    with pytest.raises(ValueError, match="alternative must be one of"):
        gap_test(wiki_fit, "A", "B", alternative="bigger")
    with pytest.raises(ValueError, match="adjust must be one of"):
        pairwise_gap_tests(wiki_fit, adjust="sidak")
    with pytest.raises(ValueError, match="kind must be one of"):
        gap_test(wiki_fit, "A", "B", kind="robust")
    with pytest.raises(ValueError, match="method='basic' applies to bootstrap results only"):
        gap_test(wiki_fit, "A", "B", method="basic")
    fake = _fake_bootstrap(np.zeros(3), np.zeros((3, 10)), "percentile")
    with pytest.raises(ValueError, match="kind='model' applies to analytic fits only"):
        gap_test(fake, "A", "B", kind="model")
    with pytest.raises(ValueError, match="does not contain its rating"):
        gap_test_from_reported(1541, (1545, 1549), 1542, (1534, 1550))
    with pytest.raises(ValueError, match="positive width"):
        gap_test_from_reported(1541, (1541, 1541), 1542, (1534, 1550))
    with pytest.raises(ValueError, match=r"must be a \(low, high\) pair"):
        gap_test_from_reported(1541, 8, 1542, (1534, 1550))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"correlation must lie in \[-1, 1\]"):
        gap_test_from_reported(1541, (1533, 1549), 1542, (1534, 1550), correlation=1.5)
    with pytest.raises(ValueError, match="pvalues must be finite numbers between 0 and 1"):
        adjust_pvalues([0.5, 1.2])
    with pytest.raises(ValueError, match="se_ratio must be positive"):
        overlap_test_level(se_ratio=0.0)


# --------------------------------------------------------------------------- input types
@pytest.mark.parametrize(
    ("obj", "name"),
    [
        (None, "NoneType"),
        ({"A": 1.0}, "dict"),
        (np.zeros(3), "ndarray"),
    ],
)
def test_results_are_type_checked(obj, name):
    from elosim import quasi_variances, rank_intervals
    from elosim.inference.ranks import lmarena_rank, marginal_rank_intervals_bootstrap

    msg = (
        r"result must be a BradleyTerryResult or a BootstrapResult \(from "
        rf"elosim\.bradley_terry or elosim\.bootstrap\); got {name}"
    )
    for call in (
        lambda: gap_test(obj, "A", "B"),
        lambda: pairwise_gap_tests(obj),
        lambda: rank_intervals(obj),
        lambda: lmarena_rank(obj),
        lambda: marginal_rank_intervals_bootstrap(obj),
        lambda: quasi_variances(obj),
    ):
        with pytest.raises(TypeError, match=msg):
            call()


def test_result_type_errors_hint_at_the_fix(wiki_votes):
    import pandas as pd

    with pytest.raises(TypeError, match=r"got Votes \(fit the votes first: elosim\.bradley_terry"):
        gap_test(wiki_votes, "A", "B")
    df = pd.DataFrame({"items": [1], "ratings": [2.0]})  # columns that look like attributes
    with pytest.raises(TypeError, match=r"got DataFrame \(build Votes with"):
        pairwise_gap_tests(df)


def test_stand_in_results_are_accepted():
    # objects exposing items and ratings (test doubles, studies) pass the type check
    fake = _fake_bootstrap(np.array([1.0, 0.0, -1.0]), np.zeros((3, 40)), "percentile")
    assert gap_test(fake, "A", "C").item_a == "A"


@pytest.mark.parametrize(
    ("value", "kwargs", "exc", "match"),
    [
        (None, {"minimum": 0}, TypeError, r"x must be a finite number >= 0; got None"),
        ("1", {"minimum": 0}, TypeError, r"x must be a finite number >= 0; got '1'"),
        (True, {}, TypeError, r"x must be a finite number; got True"),
        (np.bool_(False), {}, TypeError, r"x must be a finite number; got "),
        ([1.0], {}, TypeError, r"x must be a finite number; got \[1\.0\]"),
        (math.inf, {}, ValueError, r"x must be a finite number; got inf"),
        (math.nan, {"minimum": 0}, ValueError, r"x must be a finite number >= 0; got nan"),
        (-1.0, {"minimum": 0}, ValueError, r"x must be a finite number >= 0; got -1\.0"),
        (0, {"minimum": 0, "exclusive": True}, ValueError, r"x must be a positive number; got 0"),
        ("400", {"minimum": 0, "exclusive": True}, TypeError,
         r"x must be a positive number; got '400'"),
        (1, {"minimum": 1, "exclusive": True}, ValueError, r"x must be a finite number > 1; got 1"),
    ],
)
def test_check_real_rejects(value, kwargs, exc, match):
    from elosim._core.validation import check_real

    with pytest.raises(exc, match=match):
        check_real(value, "x", **kwargs)


def test_check_real_accepts_numbers():
    from elosim._core.validation import check_real

    assert check_real(np.int64(3), "x", minimum=0) == 3.0
    assert isinstance(check_real(np.float32(0.5), "x"), float)
    assert check_real(0, "x", minimum=0) == 0.0
    assert check_real(-2.5, "x") == -2.5


def test_bootstrap_wald_gap_uses_bootstrap_standard_error() -> None:
    votes = elosim.datasets.load_bradleyterry2("baseball")
    boot = elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=300, rng=4)
    res = boot.gap_test("Milwaukee", "Cleveland", method="wald")
    d = boot.bootstrap_distribution
    ia, ib = boot.index("Milwaukee"), boot.index("Cleveland")
    se = float(np.std(d[ia] - d[ib], ddof=1))
    gap = float(boot.ratings[ia] - boot.ratings[ib])
    assert res.standard_error == pytest.approx(se)
    assert res.statistic == pytest.approx(gap / se)
    assert res.pvalue == pytest.approx(math.erfc(abs(gap / se) / math.sqrt(2)))
    assert res.ci_low == pytest.approx(gap - 1.959963984540054 * se)
    assert "bootstrap standard error" in res.method
    # continuous p-values: below the 1 / (B + 1) floor of test inversion when the gap is large
    tests = boot.pairwise_gap_tests(method="wald")
    assert np.min(tests.pvalue) < 1 / 301
