"""Tests of elosim.online: the online Elo update, its bookkeeping and the Elo-vs-BT study."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from elosim import Votes
from elosim.simulation.arena import simulate_votes
from elosim.simulation.online import OnlineEloResult, compare_elo_bt, online_elo


def _votes(a, b, outcome, **kw):
    return Votes(
        items=["x", "y", "z"][: max(max(a), max(b)) + 1] if "items" not in kw else kw.pop("items"),
        a=np.array(a),
        b=np.array(b),
        outcome=np.array(outcome, dtype=np.int8),
        **kw,
    )


def _expected(ra, rb):
    return 1.0 / (1.0 + 10.0 ** ((rb - ra) / 400.0))


def test_hand_computed_three_votes():
    # x beats y; y (side A) ties z; z (side A) loses to x (side B wins), K = 16
    v = _votes([0, 1, 2], [1, 2, 0], [0, 2, 1])
    res = online_elo(v, k=16)
    r = {"x": 1000.0, "y": 1000.0, "z": 1000.0}
    d = 16 * (1.0 - _expected(r["x"], r["y"]))  # = 8
    r["x"] += d
    r["y"] -= d
    d = 16 * (0.5 - _expected(r["y"], r["z"]))
    r["y"] += d
    r["z"] -= d
    d = 16 * (0.0 - _expected(r["z"], r["x"]))
    r["z"] += d
    r["x"] -= d
    assert r["x"] == pytest.approx(1015.8116, abs=1e-4)  # worked on paper: 1008 + 7.8116
    np.testing.assert_allclose(res.ratings, [r["x"], r["y"], r["z"]], rtol=0, atol=1e-9)
    assert res.trajectory.shape == (4, 3)
    np.testing.assert_array_equal(res.checkpoints, [0, 1, 2, 3])
    np.testing.assert_allclose(res.trajectory[1], [1008.0, 992.0, 1000.0], atol=1e-12)


def test_rating_total_is_conserved():
    v = simulate_votes(np.linspace(900, 1100, 12), 50_000, ties="fixed", tie_rate=0.2, rng=0)
    for k in (4, 32):
        res = online_elo(v, k=k, initial=1500)
        assert res.ratings.sum() == pytest.approx(12 * 1500, abs=1e-9)
        assert np.allclose(res.trajectory.sum(axis=1), 12 * 1500, rtol=0, atol=1e-9)
    res = online_elo(v, k=8, n_orderings=4, rng=1)
    assert np.allclose(res.ordering_ratings.sum(axis=1), 12 * 1000, rtol=0, atol=1e-9)


def test_trajectory_checkpoints_default_and_custom():
    v = simulate_votes([1000.0, 1100.0, 1200.0], 10_000, rng=2)
    res = online_elo(v)
    assert res.trajectory.shape == (201, 3)
    assert res.checkpoints[0] == 0
    assert res.checkpoints[-1] == 10_000
    np.testing.assert_array_equal(res.checkpoints, np.arange(0, 10_001, 50))
    np.testing.assert_array_equal(res.trajectory[0], 1000.0)
    np.testing.assert_array_equal(res.trajectory[-1], res.ratings)
    res2 = online_elo(v, checkpoints=np.array([10, 5000, 9999]))
    np.testing.assert_array_equal(res2.checkpoints, [10, 5000, 9999])
    np.testing.assert_array_equal(res2.trajectory[1], res.trajectory[100])  # 5000 = 100 * 50
    small = online_elo(v.select(np.arange(10_000) < 7), checkpoints=200)
    np.testing.assert_array_equal(small.checkpoints, np.arange(8))  # duplicates dropped


def test_time_order_is_used_stably():
    a, b, o = [0, 1, 0, 2], [1, 2, 2, 1], [0, 1, 2, 0]
    ordered = online_elo(_votes(a, b, o), k=32)
    # same votes stored in reverse row order, with time stamps restoring the order
    rev = _votes(a[::-1], b[::-1], o[::-1], time=np.array([3, 2, 1, 0]))
    res = online_elo(rev, k=32)
    assert res.ordered_by == "time"
    np.testing.assert_allclose(res.ratings, ordered.ratings, rtol=0, atol=1e-12)
    # ties in time keep row order
    tied = online_elo(_votes(a, b, o, time=np.zeros(4, dtype=int)), k=32)
    np.testing.assert_allclose(tied.ratings, ordered.ratings, rtol=0, atol=1e-12)


def test_weight_multiplies_k():
    v1 = _votes([0, 1], [1, 0], [0, 0], weight=np.array([2.0, 0.5]))
    res = online_elo(v1, k=10)
    r0 = 1000 + 20 * 0.5
    r1 = 1000 - 20 * 0.5
    d = 5 * (1 - _expected(r1, r0))
    np.testing.assert_allclose(res.ratings, [r0 - d, r1 + d], atol=1e-9)


def test_multiple_orderings_reproducible_and_summarised():
    v = simulate_votes(np.linspace(950, 1050, 5), 3000, rng=3)
    r1 = online_elo(v, k=16, n_orderings=8, rng=4)
    r2 = online_elo(v, k=16, n_orderings=8, rng=4)
    np.testing.assert_array_equal(r1.ordering_ratings, r2.ordering_ratings)
    assert r1.ordering_ratings.shape == (8, 5)
    assert r1.ordered_by == "random"
    np.testing.assert_allclose(r1.ratings, r1.ordering_ratings.mean(axis=0))
    assert np.all(r1.ordering_sd > 0)
    lo, hi = r1.ordering_interval(0.9)
    assert np.all(lo <= r1.ratings)
    assert np.all(r1.ratings <= hi)
    assert "n_orderings=8" in repr(r1)
    assert "mean over orderings" in r1.summary()
    single = online_elo(v)
    assert np.all(np.isnan(single.ordering_sd))
    assert np.all(np.isnan(single.ordering_interval().low))


def test_result_is_frozen_and_input_untouched():
    v = simulate_votes([1000.0, 1100.0], 100, rng=5)
    a0, o0 = v.a.copy(), v.outcome.copy()
    res = online_elo(v)
    assert isinstance(res, OnlineEloResult)
    with pytest.raises(AttributeError):
        res.k = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        res.ratings[0] = 0.0
    np.testing.assert_array_equal(v.a, a0)
    np.testing.assert_array_equal(v.outcome, o0)
    assert repr(res).startswith("OnlineEloResult(2 items, 100 votes, k=4")


def test_to_frame_columns():
    pytest.importorskip("pandas")
    v = simulate_votes([1000.0, 1100.0, 1200.0], 300, rng=6)
    df = online_elo(v, n_orderings=3, rng=0).to_frame()
    assert list(df.columns) == ["item", "rating", "ordering_sd", "ci_low", "ci_high", "n_votes"]
    assert df["n_votes"].sum() == 600


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"k": 0}, ValueError, "k must be positive"),
        ({"k": float("inf")}, ValueError, "k must be finite"),
        ({"k": "4"}, TypeError, "k must be a real number"),
        ({"initial": float("nan")}, ValueError, "initial must be finite"),
        ({"scale": 0}, ValueError, "scale must be positive"),
        ({"base": 1.0}, ValueError, "base must be greater than 1"),
        ({"n_orderings": 0}, ValueError, "n_orderings must be an integer >= 1"),
        ({"checkpoints": 0}, ValueError, "checkpoints must be an integer >= 1"),
        ({"checkpoints": np.array([3, 2])}, ValueError, "strictly increasing"),
        ({"checkpoints": np.array([0, 500])}, ValueError, r"must lie in 0\.\.3"),
        ({"checkpoints": [0.5]}, ValueError, "checkpoints must be a positive int"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    v = _votes([0, 1, 0], [1, 0, 1], [0, 0, 1])
    with pytest.raises(exc, match=match):
        online_elo(v, **kwargs)


def test_votes_must_be_votes():
    with pytest.raises(TypeError, match=r"votes must be an elosim\.Votes"):
        online_elo([(0, 1, 0)])  # type: ignore[arg-type]


def test_overflow_is_reported():
    v = _votes([0, 1] * 5, [1, 0] * 5, [0, 0] * 5)  # the underdog is then on side A
    with pytest.raises(ValueError, match="ratings overflowed"):
        online_elo(v, k=1e300)


@pytest.mark.skipif(
    importlib.util.find_spec("elosim.models.fit") is None, reason="fit not available"
)
def test_compare_elo_bt():
    truth = np.linspace(900.0, 1100.0, 6)
    cmp = compare_elo_bt(truth, 30_000, k=(4, 32), n_orderings=5, rng=0)
    assert cmp.elo_ratings.shape == (2, 6)
    np.testing.assert_allclose(cmp.true_ratings, truth - truth.mean())
    assert cmp.bt_ratings.sum() == pytest.approx(0.0, abs=1e-8)
    m = cmp.metrics()
    assert m["method"] == ["bradley-terry", "online-elo", "online-elo"]
    # BT with 5,000 votes per item: SE of each centred rating ~ 347/sqrt(5000)*sqrt(5/6)... a
    # few Elo; the RMSE is far below the 40-point spacing of the truth (generous bound: 15).
    assert m["rmse"][0] < 15
    assert m["mean_ordering_sd"][0] == 0.0
    # a larger K makes the result depend more on the order of the votes
    assert m["mean_ordering_sd"][2] > m["mean_ordering_sd"][1] > 0
    assert "bradley-terry" in cmp.summary()
    again = compare_elo_bt(truth, 30_000, k=(4, 32), n_orderings=5, rng=0)
    np.testing.assert_array_equal(again.elo_ratings, cmp.elo_ratings)
