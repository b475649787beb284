"""Tests of elosim.planning: closed-form sample sizes (METHODS A12, D2) and their simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from elosim.simulation.planning import min_detectable_gap, power, simulated_power, votes_needed

F = 400.0 / math.log(10.0)
Z80 = norm.ppf(0.975) + norm.ppf(0.8)

# METHODS D2: "n for 80% power (alpha = .05 two-sided)". The table rounds the real-valued n
# to the nearest vote while votes_needed rounds up, so the two agree within 1.
D2_TABLE = {1: 947_450, 2: 236_862, 5: 37_898, 10: 9_474, 20: 2_369, 30: 1_053, 50: 379}


def test_votes_needed_one_elo_point():
    assert votes_needed(1, variance="parity") == 947_450
    assert isinstance(votes_needed(1, variance="parity"), int)


@pytest.mark.parametrize(("gap", "expected"), sorted(D2_TABLE.items()))
def test_votes_needed_matches_methods_d2_table(gap, expected):
    assert abs(votes_needed(gap, variance="parity") - expected) <= 1


def test_votes_needed_formula_and_rounding_up():
    for gap in (3.0, 7.5, 40.0):
        exact = (Z80 * 2 * F / gap) ** 2
        assert votes_needed(gap, variance="parity") == math.ceil(exact)


def test_tie_rate_multiplies_votes_by_one_minus_t():
    # half-win coding at parity: Var(y) = (1 - t)/4 (METHODS D8)
    n0 = (Z80 * 2 * F / 10.0) ** 2
    assert votes_needed(10, tie_rate=0.2, variance="parity") == math.ceil(0.8 * n0)


def test_designs():
    n0 = (Z80 * 2 * F / 10.0) ** 2
    assert votes_needed(10, design="common-opponents", variance="parity") == math.ceil(4 * n0)
    # round-robin: Var(gap) = 4 f^2 (n_items - 1) / n; two items is head-to-head
    assert votes_needed(10, design="round-robin", n_items=2, variance="parity") == votes_needed(
        10, variance="parity"
    )
    assert votes_needed(10, design="round-robin", n_items=10, variance="parity") == math.ceil(
        9 * n0
    )


def test_round_robin_variance_matches_laplacian_pseudo_inverse():
    # Direct check of the closed form: information (m/4) L for the complete graph.
    k, n = 7, 21_000
    m = n / (k * (k - 1) / 2)
    lap = k * np.eye(k) - np.ones((k, k))
    cov = np.linalg.pinv(m / 4.0 * lap)
    var_gap = F**2 * (cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    se = math.sqrt(var_gap)
    expected = norm.cdf(10 / se - norm.ppf(0.975)) + norm.cdf(-10 / se - norm.ppf(0.975))
    assert power(10, n, design="round-robin", n_items=k, variance="parity") == pytest.approx(
        expected, rel=1e-12
    )


def test_variance_at_the_alternative():
    p = 1 / (1 + 10 ** (-1 / 400))
    exact = (Z80 * F / math.sqrt(p * (1 - p))) ** 2
    assert votes_needed(1, variance="alternative") == math.ceil(exact)
    assert votes_needed(1, variance="alternative") == 947_458


def test_one_sided():
    exact = (((norm.ppf(0.95) + norm.ppf(0.8)) * 2 * F) / 10.0) ** 2
    assert votes_needed(10, alternative="greater", variance="parity") == math.ceil(exact)
    assert power(10, exact, alternative="greater", variance="parity") == pytest.approx(
        0.8, abs=1e-12
    )


@pytest.mark.parametrize("gap", [5.0, 20.0, 50.0])
def test_power_at_votes_needed_is_at_least_target(gap):
    n = votes_needed(gap, variance="parity")
    assert power(gap, n, variance="parity") >= 0.8
    assert power(gap, n - 1, variance="parity") < 0.8


def test_power_small_and_large():
    # power at a tiny n is close to the size of the test (alpha/2 + tiny)
    assert power(1, 10, variance="parity") == pytest.approx(0.05, abs=1e-3)
    assert power(400, 10_000, variance="parity") == pytest.approx(1.0)


def test_min_detectable_gap_inverts_votes_needed():
    assert min_detectable_gap(947_449.9368548141, variance="parity") == pytest.approx(1.0, rel=1e-9)
    for gap in (2.0, 10.0, 30.0):
        n = (Z80 * 2 * F / gap) ** 2
        assert min_detectable_gap(n, variance="parity") == pytest.approx(gap, rel=1e-9)
    # METHODS D2: 95% half-width 6.81 Elo at n = 10k is z_.975 * SE
    assert 2 * F / math.sqrt(10_000) * norm.ppf(0.975) == pytest.approx(6.81, abs=0.005)
    g = min_detectable_gap(5000, variance="alternative")
    assert power(g, 5000, variance="alternative") == pytest.approx(
        0.8 + norm.cdf(-g / (F * 2 / math.sqrt(5000)) - norm.ppf(0.975)), abs=1e-4
    )
    assert g > min_detectable_gap(5000, variance="parity")


def test_min_detectable_gap_with_ties_and_designs():
    base = min_detectable_gap(10_000, variance="parity")
    assert min_detectable_gap(10_000, tie_rate=0.36, variance="parity") == pytest.approx(0.8 * base)
    assert min_detectable_gap(
        10_000, design="common-opponents", variance="parity"
    ) == pytest.approx(2 * base)


# --------------------------------------------------------------------------- simulation
# Tolerance: the simulated rejection rate is a binomial proportion over n_simulations studies,
# so its Monte-Carlo SD is sqrt(0.8 * 0.2 / n_simulations) (0.0028 for 20,000). We accept
# |rate - 0.80| < 3 SD (a 0.27% false-alarm rate for a correct implementation). The normal
# approximation behind votes_needed itself is off by about 0.0013 at gap 20 (the variance at
# p(20) instead of 1/2), under half an SD, so it does not need extra room.
N_SIM = 20_000
MC_SD = math.sqrt(0.8 * 0.2 / N_SIM)


@pytest.mark.parametrize(
    ("gap", "kwargs", "seed"),
    [
        (20.0, {}, 1),
        (1.0, {}, 2),
        (20.0, {"tie_rate": 0.2}, 3),
        (20.0, {"design": "common-opponents"}, 4),
        (10.0, {"alternative": "greater"}, 5),
    ],
)
def test_simulated_power_matches_closed_form(gap, kwargs, seed):
    # (the default variance, at the alternative; for these gaps parity differs by < 1 SD)
    n = votes_needed(gap, **kwargs)
    res = simulated_power(gap, n, n_simulations=N_SIM, rng=seed, **kwargs)
    assert res.n_simulations == N_SIM
    assert abs(res.power - 0.8) < 3 * MC_SD
    assert res.standard_error == pytest.approx(math.sqrt(res.power * (1 - res.power) / N_SIM))


def test_simulated_power_size_under_the_null_like_gap():
    # a gap far below detectability: rejection rate close to alpha = 0.05 (+ tiny power);
    # SD sqrt(.05*.95/20000) = 0.0015, tolerance 3 SD plus the true excess (~1e-4).
    res = simulated_power(0.01, 1000, n_simulations=N_SIM, rng=7)
    assert abs(res.power - 0.05) < 3 * math.sqrt(0.05 * 0.95 / N_SIM) + 1e-3


def test_simulated_power_reproducible():
    a = simulated_power(10, 500, n_simulations=100, rng=3)
    b = simulated_power(10, 500, n_simulations=100, rng=3)
    np.testing.assert_array_equal(a.statistic, b.statistic)
    assert "SimulatedPower(power=" in repr(a)


def test_simulated_power_degenerate_counts_are_rejections():
    # a 1000-point gap with 5 votes: the better item usually wins all 5 -> infinite estimate
    res = simulated_power(1000, 5, n_simulations=200, rng=0)
    assert np.isinf(res.statistic).any()
    assert res.power > 0.9


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"gap": 0}, ValueError, "gap must be a positive"),
        ({"gap": -3}, ValueError, "gap must be a positive"),
        ({"gap": float("nan")}, ValueError, "gap must be finite"),
        ({"gap": "5"}, TypeError, "gap must be a real number"),
        ({"gap": 5, "power": 1.0}, ValueError, "power must lie strictly between 0 and 1"),
        ({"gap": 5, "power": 0}, ValueError, "power must lie strictly between 0 and 1"),
        ({"gap": 5, "confidence_level": 95}, ValueError, "confidence_level must lie"),
        ({"gap": 5, "tie_rate": 1.0}, ValueError, r"tie_rate must lie in \[0, 1\)"),
        ({"gap": 5, "tie_rate": -0.1}, ValueError, r"tie_rate must lie in \[0, 1\)"),
        ({"gap": 5, "design": "league"}, ValueError, "design must be one of"),
        ({"gap": 5, "design": "round-robin"}, ValueError, "needs n_items"),
        ({"gap": 5, "n_items": 4}, ValueError, "n_items is used only with"),
        ({"gap": 5, "design": "round-robin", "n_items": 1}, ValueError, "n_items must be"),
        ({"gap": 5, "alternative": "less"}, ValueError, "alternative must be one of"),
        ({"gap": 5, "variance": "exact"}, ValueError, "variance must be one of"),
        ({"gap": 5, "scale": -400}, ValueError, "scale must be positive"),
        ({"gap": 5, "base": 1}, ValueError, "base must be greater than 1"),
    ],
)
def test_votes_needed_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        votes_needed(**kwargs)


def test_power_and_mdg_bad_n_votes():
    with pytest.raises(ValueError, match="n_votes must be a positive"):
        power(5, 0)
    with pytest.raises(ValueError, match="n_votes must be a positive"):
        min_detectable_gap(-10)
    with pytest.raises(TypeError, match="n_votes must be a positive number"):
        power(5, "100")


def test_simulated_power_bad_arguments():
    with pytest.raises(ValueError, match="n_votes must be an integer >= 1"):
        simulated_power(5, 0)
    with pytest.raises(ValueError, match="n_simulations must be an integer >= 1"):
        simulated_power(5, 10, n_simulations=0)
    with pytest.raises(ValueError, match="supports design='head-to-head'"):
        simulated_power(5, 10, design="round-robin")
    with pytest.raises(ValueError, match=r"tie_rate=0\.5 is impossible at gap=800"):
        simulated_power(800, 10, tie_rate=0.5)
    with pytest.raises(ValueError, match="needs n_votes >= 2"):
        simulated_power(5, 1, design="common-opponents")


def test_default_variance_predicts_the_tests_power_for_large_gaps():
    # issue 10: at parity, 95 votes for a 100-point gap predict 80.1% but the Wald test has
    # about 76.5%; the default (variance at the alternative) predicts 76.8%
    assert votes_needed(100, variance="parity") == 95
    assert power(100, 95, variance="parity") == pytest.approx(0.801, abs=1e-3)
    predicted = power(100, 95)
    assert predicted == pytest.approx(0.768, abs=1e-3)
    res = simulated_power(100, 95, n_simulations=N_SIM, rng=11)
    se = math.sqrt(predicted * (1 - predicted) / N_SIM)
    assert abs(res.power - predicted) < 3 * se + 0.005  # + normal-approximation error
    assert res.power < power(100, 95, variance="parity") - 3 * se
