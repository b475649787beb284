"""Subset fits and the test of a rating (or gap) difference between two subsets."""

from __future__ import annotations

import math

import numpy as np
import pytest

import elosim

RATINGS = {"x": 1060.0, "y": 1000.0, "z": 980.0, "w": 950.0}


def test_identical_subsets_differ_by_exactly_zero():
    votes = elosim.simulate_votes(RATINGS, 3000, rng=1)
    every = np.ones(votes.n_votes, bool)
    res = elosim.compare_subsets(votes, every, every, gap=("x", "y"))
    assert res.difference == 0.0
    assert res.standard_error == pytest.approx(0.0, abs=1e-9)
    assert res.correlation == pytest.approx(1.0)


@pytest.mark.parametrize("ties", ["half", "davidson"])
def test_disjoint_subsets_are_independent(ties):
    votes = elosim.simulate_votes(RATINGS, 4000, ties="davidson", tie_rate=0.2, rng=2)
    first = np.arange(votes.n_votes) < 1500
    res = elosim.compare_subsets(votes, first, gap=("x", "w"), ties=ties)
    ga = res.fits[0].gap_test("x", "w", kind="sandwich")
    gb = res.fits[1].gap_test("x", "w", kind="sandwich")
    assert res.n_shared == 0
    assert res.correlation == 0.0
    assert res.difference == pytest.approx(ga.gap - gb.gap)
    assert res.standard_error == pytest.approx(math.hypot(ga.standard_error, gb.standard_error))


def test_item_rating_and_features_and_labels():
    votes = elosim.simulate_votes(
        RATINGS, 4000, features={"home": 0.3}, feature_distribution={"home": "sign"}, rng=3
    )
    votes = elosim.Votes(
        items=votes.items,
        a=votes.a,
        b=votes.b,
        outcome=votes.outcome,
        covariates={**votes.covariates, "hard": (np.arange(votes.n_votes) % 4 == 0).astype(int)},
    )
    res = elosim.compare_subsets(votes, "hard", item="x", features="home")
    assert res.subsets == ("hard", "not hard")
    assert res.quantity == "rating of 'x'"
    assert isinstance(res.fits[0], elosim.ContextualBradleyTerryResult)
    assert "Subset comparison" in res.to_markdown()
    fits = elosim.subset_fits(votes, ["hard"], features="home")
    assert fits["hard"].ratings == pytest.approx(res.fits[0].ratings)


def test_bad_arguments_are_named():
    votes = elosim.simulate_votes(RATINGS, 500, rng=4)
    with pytest.raises(ValueError, match="exactly one of item="):
        elosim.compare_subsets(votes, np.ones(500, bool), item="x", gap=("x", "y"))
    with pytest.raises(KeyError, match="'nope' is not a covariate"):
        elosim.compare_subsets(votes, "nope", item="x")
    with pytest.raises(ValueError, match="boolean array with one value per vote"):
        elosim.compare_subsets(votes, [1, 0], item="x")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sandwich", "cluster"])
def test_overlapping_subsets_null_calibration(kind):
    """No real difference, overlapping subsets (about 36% of votes in both): the test's
    rejection rate at 5% and the SE against the spread of the differences over arenas."""
    n_sim = 300
    pvals, diffs, ses = [], [], []
    for s in range(n_sim):
        rng = np.random.default_rng(1000 + s)
        base = elosim.simulate_votes(RATINGS, 2000, rng=rng)
        # clusters: each vote recorded twice (dependent copies) when kind="cluster"
        idx = np.repeat(np.arange(base.n_votes), 2) if kind == "cluster" else np.arange(2000)
        votes = elosim.Votes(
            items=base.items, a=base.a[idx], b=base.b[idx], outcome=base.outcome[idx], cluster=idx
        )
        in_a = rng.random(2000) < 0.6
        in_b = rng.random(2000) < 0.6
        res = elosim.compare_subsets(votes, in_a[idx], in_b[idx], gap=("x", "z"), kind=kind)
        pvals.append(res.pvalue)
        diffs.append(res.difference)
        ses.append(res.standard_error)
    rate = np.mean(np.array(pvals) < 0.05)
    assert abs(rate - 0.05) <= 3 * math.sqrt(0.05 * 0.95 / n_sim)
    # mean SE vs SD of the differences (relative MC SE of an SD: about 1/sqrt(2 n))
    assert abs(np.mean(ses) / np.std(diffs, ddof=1) - 1) <= 3 / math.sqrt(2 * n_sim)
