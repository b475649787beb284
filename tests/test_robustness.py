"""Tests of elosim.simulation.robustness (votes to remove to flip an order), against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import elosim
from elosim.simulation.robustness import top_robustness, vote_influence, votes_to_flip

ITEMS = ["a", "b", "c"]
# a slightly above b; all pairs go both ways
WINS = [[0, 9, 8], [7, 0, 9], [4, 5, 0]]


def _brute_force_min(votes: elosim.Votes, lead: str, trail: str, max_k: int) -> int:
    """Smallest number of removed votes that puts ``trail`` above ``lead`` (refits)."""
    c = votes.counts
    cells = list(range(c.n_cells))
    rows = [np.flatnonzero(votes.row_cell == cell) for cell in cells]
    for k in range(1, max_k + 1):
        for combo in itertools.combinations_with_replacement(cells, k):
            take = np.bincount(combo, minlength=len(cells))
            if np.any(take > c.cell_count):
                continue
            keep = np.ones(votes.n_votes, dtype=bool)
            for cell, n in enumerate(take):
                keep[rows[cell][:n]] = False
            try:
                fit = elosim.bradley_terry(votes.select(keep))
            except (elosim.NoFiniteEstimateError, elosim.DisconnectedGraphError):
                continue
            if lead in fit.items and trail in fit.items and (
                fit.ratings[fit.index(trail)] > fit.ratings[fit.index(lead)]
            ):
                return k
    raise AssertionError("no flip found")


def test_influence_is_first_order_effect_of_removing_one_vote():
    v = elosim.simulate_votes([1010.0, 1000.0, 990.0], 300, ties="davidson", tie_rate=0.2,
                              rng=3)
    for ties in ("half", "davidson"):
        fit = elosim.bradley_terry(v, ties=ties)
        psi = vote_influence(fit, "item0", "item1")
        gap = fit.ratings[0] - fit.ratings[1]
        for t in (0, 5, 17):
            keep = np.ones(v.n_votes, dtype=bool)
            keep[t] = False
            refit = elosim.bradley_terry(v.select(keep), ties=ties)
            change = gap - (refit.ratings[0] - refit.ratings[1])
            # second-order remainder O(psi^2 / n): within 2% here
            assert change == pytest.approx(psi[t], rel=0.02, abs=1e-3)


def test_two_items_exact():
    fit = elosim.bradley_terry(elosim.Votes.from_counts(["x", "y"], [[0, 12], [8, 0]]))
    res = votes_to_flip(fit, "y", "x")  # order of arguments does not matter
    assert (res.item_a, res.item_b) == ("x", "y")
    # brute force by hand: x must fall below 8 wins -> remove 5 of x's wins
    assert res.n_removed == 5
    assert res.flipped is True
    assert res.removed == (elosim.RemovedVotes("x", "y", "x", 5, res.removed[0][4]),)
    assert res.refit_gap < 0


def test_three_items_against_brute_force():
    votes = elosim.Votes.from_counts(ITEMS, WINS)
    fit = elosim.bradley_terry(votes)
    res = votes_to_flip(fit, "a", "b")
    truth = _brute_force_min(votes, "a", "b", max_k=res.n_removed)
    # the verified (refined and trimmed) answer is an upper bound that is exact here, and the
    # first-order prediction is within 1 vote of the true minimum
    assert res.flipped is True
    assert res.n_removed == truth
    assert res.n_removed_linear is not None
    assert abs(res.n_removed_linear - truth) <= 1
    # the verification refit is a plain refit of the kept votes
    refit = elosim.bradley_terry(votes.select(res.keep_mask))
    assert refit.ratings[refit.index("b")] - refit.ratings[refit.index("a")] == pytest.approx(
        -res.refit_gap
    )
    assert int((~res.keep_mask).sum()) == res.n_removed == sum(r.n_removed for r in res.removed)
    assert res.fraction_removed == pytest.approx(res.n_removed / votes.n_votes)
    assert "order flipped" in res.summary()
    assert list(res.to_frame().columns) == ["item_a", "item_b", "winner", "n_removed",
                                            "influence"]


def test_without_refinement_reports_linear_answer():
    fit = elosim.bradley_terry(elosim.Votes.from_counts(ITEMS, WINS))
    res = votes_to_flip(fit, "a", "b", refine=False, trim=False)
    assert res.n_removed == res.n_removed_linear
    assert res.n_refits == 1
    assert res.flipped is not None


def test_max_removed_limit():
    fit = elosim.bradley_terry(elosim.Votes.from_counts(ITEMS, WINS))
    res = votes_to_flip(fit, "a", "c", max_removed=1)
    assert res.n_removed is None
    assert res.flipped is None
    assert "not flippable" in res.summary()


def test_top_robustness():
    votes = elosim.Votes.from_counts(ITEMS, WINS)
    fit = elosim.bradley_terry(votes)
    top = top_robustness(fit)
    assert top.leader == "a"
    assert top.challenger == "b"
    assert top.n_removed == _brute_force_min(votes, "a", "b", max_k=top.n_removed)
    assert list(top.linear_counts) == ["b", "c"]
    assert "first-order votes to flip" in top.summary()
    assert repr(top).startswith("<TopRobustnessResult: removing")


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda f: votes_to_flip(f, "a", "a"), ValueError, "must be different items"),
        (lambda f: votes_to_flip(f, "a", "zz"), KeyError, "unknown item 'zz' \\(given as b\\)"),
        (lambda f: votes_to_flip(f, "a", "b", max_removed=0), ValueError, "max_removed"),
        (lambda f: votes_to_flip(f, "a", "b", refine=1), TypeError, "refine must be"),
        (lambda f: votes_to_flip(f.votes, "a", "b"), TypeError, "BradleyTerryResult"),
        (lambda f: top_robustness(f, n_verify=0), ValueError, "n_verify"),
    ],
)
def test_bad_arguments(call, exc, match):
    fit = elosim.bradley_terry(elosim.Votes.from_counts(ITEMS, WINS))
    with pytest.raises(exc, match=match):
        call(fit)
