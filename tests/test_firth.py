"""Firth bias reduction (``bradley_terry(..., bias_reduction="firth")``).

Checked against an independent implementation (tests/bt_reference.py: one row per vote,
Firth's adjusted score ``U + 1/2 tr(I^-1 dI/dtheta)`` with the expected information from
complex-step derivatives of closed-form outcome probabilities, solved by scipy's root
finder), against the binomial closed form, and on data without a finite MLE.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import elosim
from elosim.models import firth
from elosim.models.solvers import Likelihood

ITEMS = ["a", "b", "c", "d"]
# (a, b, outcome) per vote: "a" wins every vote, so the MLE does not exist
UNBEATEN = [
    ("a", "b", 1), ("a", "b", 1), ("a", "c", 1), ("a", "d", 1), ("a", "c", 1),
    ("b", "c", 1), ("b", "c", 0), ("b", "c", 0.5), ("b", "d", 1), ("b", "d", 1),
    ("d", "b", 1), ("c", "d", 1), ("c", "d", 0), ("c", "d", 0.5), ("c", "d", 1),
    ("d", "c", 1), ("b", "d", 0.5),
]


def _votes(rows: list[tuple[str, str, float]]) -> elosim.Votes:
    a, b, o = zip(*rows, strict=True)
    return elosim.Votes.from_arrays(list(a), list(b), list(o), items=ITEMS)


def _rows(ref: Any, votes: elosim.Votes) -> tuple[Any, Any, Any]:
    c = votes.counts
    return ref.rows_from_table(c.pair_i, c.pair_j, c.table(power=0))


# ------------------------------------------------------------------ closed form
@pytest.mark.parametrize(("wins", "n"), [(3, 5), (5, 5), (0, 4), (7, 10), (12, 12)])
def test_two_items_match_the_binomial_closed_form(wins, n):
    # Firth on a binomial: p = (y + 1/2) / (n + 1) (Firth 1993, section 3)
    votes = elosim.Votes.from_counts(["x", "y"], [[0, wins], [n - wins, 0]])
    fit = elosim.bradley_terry(votes, bias_reduction="firth", tol=1e-14)
    assert fit.win_probability("x", "y") == pytest.approx((wins + 0.5) / (n + 1), abs=1e-12)
    assert fit.converged
    assert fit.bias_reduction == "firth"


def test_solver_doctest_case_reaches_the_adjusted_score_zero():
    two = Likelihood("half", np.array([0]), np.array([1]), 2, np.array([[4.0, 1.0, 0.0]]))
    out = firth.firth_newton(two, np.zeros(2))
    assert out.converged
    assert np.max(np.abs(out.grad)) < 1e-9


# ------------------------------------------------------------------ independent code
@pytest.mark.parametrize("ties", ["half", "davidson", "rao-kupper"])
def test_matches_independent_adjusted_score_root(ties, ref):
    votes = _votes(UNBEATEN)
    fit = elosim.bradley_terry(votes, ties=ties, bias_reduction="firth", tol=1e-13)
    ri, rj, ro = _rows(ref, votes)
    rm = ref.RowModel(ties, ri, rj, ro, 4)
    x = rm.firth()
    lam, t = rm.unpack(x)
    np.testing.assert_allclose(fit.log_strength, lam - lam.mean(), atol=2e-7)
    if ties == "davidson" or ties == "rao-kupper":
        assert fit.tie_parameter == pytest.approx(math.exp(t), rel=2e-7)
    # covariance: the inverse expected information at the estimate (brglm's vcov)
    info = rm.info(x)
    cov_ref = np.linalg.inv(info)[:3, :3]  # log-strengths of b, c, d relative to a
    lm = np.zeros((3, 4))
    lm[:, 1:] = np.eye(3)
    lm[:, 0] = -1.0
    cov_fit = fit.covariance("model") / fit.elo_factor**2
    np.testing.assert_allclose(lm @ cov_fit @ lm.T, cov_ref, rtol=1e-6, atol=1e-9)


def test_matches_independent_code_on_a_larger_random_design(ref):
    rng = np.random.default_rng(20261130)
    k = 6
    lam = rng.normal(0, 1, k)
    a, b, o = [], [], []
    for i in range(k):
        for j in range(i + 1, k):
            for _ in range(3):
                p = 1 / (1 + math.exp(-(lam[i] - lam[j])))
                a.append(f"i{i}")
                b.append(f"i{j}")
                o.append(float(rng.random() < p))
    votes = elosim.Votes.from_arrays(a, b, o, items=[f"i{i}" for i in range(k)])
    fit = elosim.bradley_terry(votes, bias_reduction="firth", tol=1e-13)
    c = votes.counts
    ri, rj, ro = ref.rows_from_table(c.pair_i, c.pair_j, c.table(power=0))
    rm = ref.RowModel("half", ri, rj, ro, k)
    lam_r, _ = rm.unpack(rm.firth())
    np.testing.assert_allclose(fit.log_strength, lam_r - lam_r.mean(), atol=2e-7)


# ------------------------------------------------------------------ no finite MLE
def test_mle_error_offers_firth_and_firth_is_finite():
    votes = _votes(UNBEATEN)
    with pytest.raises(elosim.NoFiniteEstimateError, match='bias_reduction="firth"'):
        elosim.bradley_terry(votes)
    fit = elosim.bradley_terry(votes, bias_reduction="firth")
    assert np.all(np.isfinite(fit.ratings))
    assert fit.converged
    assert fit.ratings[0] == fit.ratings.max()
    assert np.all(np.isfinite(fit.covariance("model")))
    assert np.all(np.isfinite(fit.standard_error))


def test_item_that_lost_everything_gets_a_finite_low_rating():
    rows = [(x, y, 1 - o) if "a" in (x, y) else (x, y, o) for x, y, o in UNBEATEN]
    rows = [(x, y, 1.0 - o if "a" in (x, y) else o) for x, y, o in UNBEATEN]
    fit = elosim.bradley_terry(_votes(rows), bias_reduction="firth")
    assert np.isfinite(fit.ratings[0])
    assert fit.ratings[0] == fit.ratings.min()


def test_tie_model_error_offers_firth():
    # every decisive vote won by the stronger of a chain, ties only between neighbours
    rows = [("a", "b", 0.5), ("b", "c", 0.5), ("a", "c", 1), ("c", "d", 0.5), ("b", "d", 1)]
    votes = _votes(rows)
    with pytest.raises(elosim.NoFiniteEstimateError, match="bias_reduction='firth'"):
        elosim.bradley_terry(votes, ties="davidson")
    fit = elosim.bradley_terry(votes, ties="davidson", bias_reduction="firth")
    assert np.all(np.isfinite(fit.ratings))
    assert np.isfinite(fit.tie_parameter)


def test_firth_shrinks_towards_equal_strengths():
    # Kosmidis & Firth (2021): the Jeffreys penalty shrinks towards equiprobability
    wins = [[0, 5, 3, 4], [2, 0, 4, 3], [1, 2, 0, 5], [1, 2, 1, 0]]
    votes = elosim.Votes.from_counts(ITEMS, wins)
    mle = elosim.bradley_terry(votes)
    br = elosim.bradley_terry(votes, bias_reduction="firth")
    assert np.ptp(br.log_strength) < np.ptp(mle.log_strength)
    assert np.sum(br.log_strength**2) < np.sum(mle.log_strength**2)


def test_weights_act_as_frequency_weights():
    a, b, o = zip(*UNBEATEN, strict=True)
    w = np.array([1, 2] * 8 + [1], dtype=float)
    weighted = elosim.Votes.from_arrays(list(a), list(b), list(o), items=ITEMS, weight=w)
    rep = np.repeat(np.arange(len(a)), w.astype(int))
    dup = elosim.Votes.from_arrays(
        [a[i] for i in rep], [b[i] for i in rep], [o[i] for i in rep], items=ITEMS
    )
    f1 = elosim.bradley_terry(weighted, bias_reduction="firth")
    f2 = elosim.bradley_terry(dup, bias_reduction="firth")
    np.testing.assert_allclose(f1.ratings, f2.ratings, atol=1e-8)


def test_intervals_and_gap_tests_work_on_a_firth_fit():
    fit = elosim.bradley_terry(_votes(UNBEATEN), bias_reduction="firth", covariance="model")
    sparse = elosim.SparseDataWarning  # 5 to 7 votes per item (issue 10)
    with pytest.warns(sparse):
        ci = fit.confidence_interval()
    assert np.all(np.isfinite(ci.low))
    assert np.all(ci.low < fit.ratings)
    with pytest.warns(sparse):
        res = fit.gap_test("a", "d")
    assert math.isfinite(res.pvalue)
    assert res.gap > 0
    with pytest.warns(sparse):
        table = fit.pairwise_gap_tests()
    assert len(table.to_frame()) == 6
    with pytest.warns(sparse):
        assert "Firth" in fit.summary()
    assert "Firth" in fit.methods_text()


# ------------------------------------------------------------------ errors
def test_bad_bias_reduction_is_named():
    votes = _votes(UNBEATEN)
    with pytest.raises(ValueError, match="bias_reduction must be one of 'firth'; got 'br'"):
        elosim.bradley_terry(votes, bias_reduction="br")
    with pytest.raises(ValueError, match="two different penalties"):
        elosim.bradley_terry(votes, bias_reduction="firth", prior_strength=1.0)
    with pytest.raises(ValueError, match="solver='mm' computes the maximum-likelihood"):
        elosim.bradley_terry(votes, bias_reduction="firth", solver="mm")


def test_firth_refuses_more_items_than_its_dense_limit(monkeypatch):
    monkeypatch.setattr(firth, "FIRTH_MAX_ITEMS", 3)
    with pytest.raises(ValueError, match=r"4 items exceed its limit of 3\. Use prior_strength"):
        elosim.bradley_terry(_votes(UNBEATEN), bias_reduction="firth")


def test_bootstrap_refuses_a_firth_fit():
    fit = elosim.bradley_terry(_votes(UNBEATEN), bias_reduction="firth")
    with pytest.raises(ValueError, match="does not reproduce bias_reduction='firth'"):
        elosim.bootstrap(fit, n_resamples=10, rng=0)


def test_input_votes_are_not_mutated():
    votes = _votes(UNBEATEN)
    before = votes.counts.table().copy()
    elosim.bradley_terry(votes, bias_reduction="firth")
    np.testing.assert_array_equal(votes.counts.table(), before)
