"""Tests of elosim.studies: coverage studies and simulated power of the real gap test.

Tolerances come from Monte-Carlo error. Simulations are independent, so the MC SE of a
mean coverage is SD(per-simulation fraction) / sqrt(n_simulations) (reported by the
result), and the MC SE of a rejection rate is sqrt(p (1 - p) / n). Bands are 3 MC SE around
the nominal value (two-sided false-alarm rate 0.27% per check for a correct method).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import elosim
from elosim.simulation.studies import coverage_study, simulated_gap_power

RATINGS = [1000.0, 1010.0, 1020.0, 1035.0, 1060.0]


@pytest.fixture(scope="module")
def study() -> elosim.CoverageStudyResult:
    # 120 arenas x 2,000 votes, 5 close items, 20% symmetric ties (half-win target = truth,
    # but the binomial variance is wrong, so the sandwich matters); B = 200 resamples.
    return coverage_study(
        RATINGS, 2000, n_simulations=120, methods=("wald-sandwich", "percentile"),
        n_resamples=200, ties="symmetric", tie_rate=0.2, rng=20240601,
    )


@pytest.mark.parametrize("method", ["wald-sandwich", "percentile"])
@pytest.mark.parametrize("what", ["ratings", "pairs"])
def test_coverage_near_nominal(study, method, what):
    est, se = study.coverage(method, what)
    # MC SE is about 0.008-0.009 here; percentile with B = 200 is slightly narrow (METHODS
    # D4: about 0.5 points of coverage), well inside the 3 SE band
    assert 0.003 < se < 0.02
    assert abs(est - 0.95) < 3 * se


@pytest.mark.parametrize("method", ["wald-sandwich", "percentile"])
def test_rank_sets_cover_at_least_nominal(study, method):
    for what in ("simultaneous_ranks", "marginal_ranks"):
        est, se = study.coverage(method, what)
        # a coverage of 1.0 in all arenas has SE 0; allow the binomial SE at the nominal level
        band = 3 * max(se, math.sqrt(0.95 * 0.05 / study.n_simulations))
        assert est >= 0.95 - band


def test_result_display_and_table(study):
    assert study.per_simulation.shape == (120, 2, 8)
    assert not study.per_simulation.flags.writeable
    assert study.estimand_shift < 1e-6  # symmetric ties + half-win: the truth is the estimand
    assert repr(study).startswith("<CoverageStudyResult: 120 arenas x 2,000 votes")
    text = study.summary()
    assert "wald-sandwich" in text
    assert "percentile" in text
    df = study.to_frame()
    assert list(df["method"]) == ["wald-sandwich", "percentile"]
    assert {"rating_coverage", "rating_coverage_se", "pair_width",
            "simultaneous_rank_coverage"} <= set(df.columns)
    assert df.attrs["confidence_level"] == 0.95
    np.testing.assert_allclose(df["rating_coverage"],
                               study.per_simulation[:, :, 0].mean(axis=0))
    np.testing.assert_allclose(study.true_ratings.mean(), 1000.0)


def test_identical_for_any_n_jobs():
    kw = {"n_simulations": 6, "methods": ("wald-model", "basic", "bca", "studentized"),
              "n_resamples": 40, "rng": 7}
    one = coverage_study(RATINGS[:3], 600, n_jobs=1, **kw)
    two = coverage_study(RATINGS[:3], 600, n_jobs=2, **kw)
    np.testing.assert_array_equal(one.per_simulation, two.per_simulation)
    three = coverage_study(RATINGS[:3], 600, n_jobs=1, **{**kw, "rng": 8})
    assert not np.array_equal(one.per_simulation, three.per_simulation)


def test_fixed_ties_shift_the_half_win_estimand():
    # simulate_votes's "fixed" ties take probability proportionally, so the half-win target
    # shrinks every gap by the factor ~(1 - t): with t = 0.3 and a 60-point spread the shift
    # is several Elo points; coverage of the truth then collapses
    kw = {"n_simulations": 8, "methods": ("wald-sandwich",), "rank_sets": False, "ties": "fixed",
              "tie_rate": 0.3, "rng": 1}
    est = coverage_study([970.0, 1000.0, 1030.0], 20_000, **kw)
    assert est.estimand_shift > 5
    truth = coverage_study([970.0, 1000.0, 1030.0], 20_000, target="truth", **kw)
    assert truth.coverage("wald-sandwich").estimate < 0.6
    assert math.isnan(est.coverage("wald-sandwich", "marginal_ranks").estimate)


def test_matching_davidson_fit_has_no_shift():
    res = coverage_study([970.0, 1000.0, 1030.0], 1500, n_simulations=3,
                         methods=("wald-model",), ties="davidson", tie_rate=0.3, rng=2)
    assert res.fit_ties == "davidson"
    assert res.estimand_shift == 0.0


def test_estimand_equals_truth_when_models_match():
    # the pseudo-true computation itself returns the truth for a matching model
    from elosim.simulation.studies import _estimand, _make_generator

    g = _make_generator([970.0, 1000.0, 1040.0], 500, "davidson", "uniform",
                        {"tie_rate": 0.25})
    fit = elosim.bradley_terry(g.draw(np.random.default_rng(0)), ties="davidson")
    target = _estimand(fit, g, "davidson")
    truth = np.array([970.0, 1000.0, 1040.0])
    np.testing.assert_allclose(target, truth - truth.mean() + 1000.0, atol=1e-6)


def test_gap_power_matches_closed_form():
    # n = votes_needed(20) = 2,369 head-to-head -> power 0.80; 600 arenas: MC SE ~0.016
    res = simulated_gap_power(20, elosim.votes_needed(20), n_simulations=600, rng=11)
    assert res.closed_form_power == pytest.approx(0.80, abs=1e-3)
    assert abs(res.power - res.closed_form_power) < 3 * res.standard_error
    assert abs(res.z_score) < 3
    assert "closed form" in res.summary()


def test_gap_power_null_size():
    # gap 0: rejection rate = 0.05; 600 arenas, MC SE sqrt(.05 * .95 / 600) = 0.0089
    res = simulated_gap_power(0, 2000, n_simulations=600, rng=12, n_jobs=2)
    se0 = math.sqrt(0.05 * 0.95 / 600)
    assert abs(res.power - 0.05) < 3 * se0
    assert res.closed_form_power == pytest.approx(0.05)
    assert res.pvalues.shape == (600,)


def test_gap_power_round_robin_and_bootstrap_run():
    rr = simulated_gap_power(30, 3000, n_items=4, design="round-robin", n_simulations=5,
                             rng=1)
    assert rr.n_items == 4
    assert 0 <= rr.power <= 1
    bs = simulated_gap_power(30, 1000, method="percentile", n_resamples=50, n_simulations=3,
                             tie_rate=0.2, rng=1)
    assert bs.n_resamples == 50
    assert repr(bs).startswith("<GapPowerSimulation")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"methods": ("wald",)}, ValueError, "methods must be one of"),
        ({"methods": ()}, ValueError, "at least one method"),
        ({"methods": ("bca", "bca")}, ValueError, "duplicates"),
        ({"ties": "sometimes"}, ValueError, "ties must be None or one of"),
        ({"ties": "symmetric"}, ValueError, "needs tie_rate"),
        ({"ties": "symmetric", "tie_rate": 1.5}, ValueError, r"tie_rate must lie in \[0, 1\)"),
        ({"fit_ties": "draws"}, ValueError, "fit_ties must be one of"),
        ({"target": "both"}, ValueError, "target must be one of"),
        ({"drift": 1.0}, ValueError, "drift= is not accepted"),
        ({"n_simulations": 0}, ValueError, "n_simulations must be an integer >= 1"),
        ({"confidence_level": 95}, ValueError, "confidence_level must lie strictly"),
        ({"rank_sets": "yes"}, TypeError, "rank_sets must be True or False"),
        ({"n_jobs": 1.5}, TypeError, "n_jobs must be an integer"),
    ],
)
def test_coverage_study_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        coverage_study(RATINGS, 100, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((-1, 100), {}, ValueError, "gap must be a finite number >= 0"),
        (("big", 100), {}, TypeError, "gap must be a number"),
        ((5, 0), {}, ValueError, "n_votes must be an integer >= 1"),
        ((5, 100), {"design": "pool"}, ValueError, "design must be one of"),
        ((5, 100), {"n_items": 3}, ValueError, "head-to-head' needs n_items=2"),
        ((5, 100), {"design": "round-robin"}, ValueError, "needs n_items >= 3"),
        ((5, 100), {"method": "wald"}, ValueError, "method must be one of"),
    ],
)
def test_gap_power_bad_arguments(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        simulated_gap_power(*args, n_simulations=2, **kwargs)


def test_study_result_bad_lookup(study):
    with pytest.raises(ValueError, match="method must be one of"):
        study.coverage("bca")
    with pytest.raises(ValueError, match="what must be one of"):
        study.coverage("percentile", "items")
