"""Tests of elosim.simulate: simulated votes reproduce their generating probabilities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from elosim import Votes
from elosim.simulation.arena import simulate_votes, true_win_probability

# Statistical tests: with a fixed seed each test is deterministic; the thresholds are chosen so
# that a *correct* generator would fail with probability <= 0.001 per test (Bonferroni over the
# pairs where several p-values are checked). A failure therefore indicates a real mismatch,
# not Monte-Carlo noise; nothing here was tuned to pass.
ALPHA = 1e-3
RATINGS = {"a": 1000.0, "b": 1100.0, "c": 1250.0, "d": 900.0}


def _pair_outcomes(votes: Votes, i: int, j: int) -> np.ndarray:
    """Counts of (i wins, j wins, tie) over the votes between i and j."""
    a, b, o = votes.a, votes.b, votes.outcome
    m1 = (a == i) & (b == j)
    m2 = (a == j) & (b == i)
    i_wins = np.sum(m1 & (o == 0)) + np.sum(m2 & (o == 1))
    j_wins = np.sum(m1 & (o == 1)) + np.sum(m2 & (o == 0))
    ties = np.sum((m1 | m2) & (o == 2))
    return np.array([i_wins, j_wins, ties])


def test_returns_votes_with_time_index():
    v = simulate_votes(RATINGS, 1000, rng=0)
    assert isinstance(v, Votes)
    assert v.items == ("a", "b", "c", "d")
    np.testing.assert_array_equal(v.time, np.arange(1000))
    assert v.a.size == 1000
    assert not np.any(v.a == v.b)
    assert set(np.unique(v.outcome)) <= {0, 1}


def test_array_ratings_default_and_given_labels():
    v = simulate_votes([1000.0, 1010.0, 990.0], 50, rng=0)
    assert v.items == ("item0", "item1", "item2")
    v = simulate_votes(np.array([1000.0, 1010.0]), 50, items=["x", "y"], rng=0)
    assert v.items == ("x", "y")


def test_same_seed_same_votes_and_different_seed_differs():
    kw = {"ties": "davidson", "tie_parameter": 0.5, "drift": 0.5}
    v1 = simulate_votes(RATINGS, 2000, rng=42, **kw)
    v2 = simulate_votes(RATINGS, 2000, rng=np.random.default_rng(42), **kw)
    v3 = simulate_votes(RATINGS, 2000, rng=43, **kw)
    for name in ("a", "b", "outcome"):
        np.testing.assert_array_equal(getattr(v1, name), getattr(v2, name))
    assert not np.array_equal(v1.outcome, v3.outcome) or not np.array_equal(v1.a, v3.a)
    np.testing.assert_array_equal(
        v1.covariates["true_rating_a"], v2.covariates["true_rating_a"]
    )


def test_inputs_not_mutated():
    ratings = dict(RATINGS)
    arr = np.array([1000.0, 1100.0, 1200.0])
    w = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=float)
    arr0, w0 = arr.copy(), w.copy()
    simulate_votes(ratings, 100, rng=0)
    simulate_votes(arr, 100, pairing=w, rng=0)
    assert ratings == RATINGS
    np.testing.assert_array_equal(arr, arr0)
    np.testing.assert_array_equal(w, w0)


def test_uniform_pairing_frequencies_and_sides():
    v = simulate_votes(RATINGS, 60_000, rng=1)
    lo, hi = np.minimum(v.a, v.b), np.maximum(v.a, v.b)
    counts = np.bincount(lo * 4 + hi, minlength=16)[[1, 2, 3, 6, 7, 11]]
    assert stats.chisquare(counts).pvalue > ALPHA
    # side A is the lower-index item half of the time
    assert stats.binomtest(int(np.sum(v.a < v.b)), v.a.size, 0.5).pvalue > ALPHA


def test_matrix_pairing_frequencies():
    w = np.array([[0, 1, 0, 3], [0, 0, 2, 0], [0, 0, 0, 0], [0, 0, 4, 0]], dtype=float)
    v = simulate_votes(RATINGS, 40_000, pairing=w, rng=2)
    lo, hi = np.minimum(v.a, v.b), np.maximum(v.a, v.b)
    code = lo * 4 + hi
    # unordered pair weights w[i, j] + w[j, i]: (0,1)=1, (0,3)=3, (1,2)=2, (2,3)=4
    expected = {1: 1, 3: 3, 6: 2, 11: 4}
    assert set(np.unique(code)) == set(expected)
    obs = np.array([np.sum(code == c) for c in expected])
    exp = np.array(list(expected.values()), dtype=float)
    assert stats.chisquare(obs, exp / exp.sum() * obs.sum()).pvalue > ALPHA


def test_win_probabilities_reproduced_without_ties():
    v = simulate_votes(RATINGS, 120_000, rng=3)
    truth = true_win_probability(RATINGS)
    pairs = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    for i, j in pairs:
        wins_i, wins_j, ties = _pair_outcomes(v, i, j)
        assert ties == 0
        p = stats.binomtest(int(wins_i), int(wins_i + wins_j), truth.win[i, j]).pvalue
        assert p > ALPHA / len(pairs), (i, j)


@pytest.mark.parametrize(
    ("ties", "kw"),
    [
        ("davidson", {"tie_parameter": 0.6}),
        ("rao-kupper", {"tie_parameter": 1.5}),
        ("fixed", {"tie_rate": 0.25}),
        ("symmetric", {"tie_rate": 0.25}),
        ("davidson", {"tie_rate": 0.3}),
        ("rao-kupper", {"tie_rate": 0.3}),
    ],
)
def test_outcome_probabilities_reproduced_with_ties(ties, kw):
    v = simulate_votes(RATINGS, 120_000, ties=ties, rng=4, **kw)
    truth = true_win_probability(RATINGS, ties=ties, **kw)
    pairs = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    for i, j in pairs:
        obs = _pair_outcomes(v, i, j)
        probs = np.array([truth.win[i, j], truth.win[j, i], truth.tie[i, j]])
        assert probs.sum() == pytest.approx(1.0)
        # an outcome of probability 0 (a capped symmetric-tie pair) must never occur
        assert np.all(obs[probs == 0] == 0), (i, j, obs, probs)
        obs, probs = obs[probs > 0], probs[probs > 0]
        p = stats.chisquare(obs, probs * obs.sum()).pvalue
        assert p > ALPHA / len(pairs), (i, j, obs, probs)


@pytest.mark.parametrize(
    ("ties", "kw", "expected"),
    [
        ("davidson", {"tie_parameter": 1.0}, 1.0 / 3.0),  # nu / (2 + nu)
        ("davidson", {"tie_parameter": 0.5}, 0.5 / 2.5),
        ("rao-kupper", {"tie_parameter": 2.0}, 1.0 / 3.0),  # (theta - 1) / (theta + 1)
        ("rao-kupper", {"tie_parameter": 1.2}, 0.2 / 2.2),
        ("fixed", {"tie_rate": 0.2}, 0.2),
        ("symmetric", {"tie_rate": 0.2}, 0.2),
        ("davidson", {"tie_rate": 0.2}, 0.2),
        ("rao-kupper", {"tie_rate": 0.2}, 0.2),
    ],
)
def test_tie_rate_at_parity(ties, kw, expected):
    truth = true_win_probability([1000.0, 1000.0], ties=ties, **kw)
    assert truth.tie[0, 1] == pytest.approx(expected, rel=1e-12)
    assert truth.win[0, 1] == pytest.approx((1 - expected) / 2, rel=1e-12)
    v = simulate_votes([1000.0, 1000.0], 50_000, ties=ties, rng=5, **kw)
    n_ties = int(np.sum(v.outcome == 2))
    assert stats.binomtest(n_ties, 50_000, expected).pvalue > ALPHA


def test_true_win_probability_values():
    p = true_win_probability({"x": 1100.0, "y": 1000.0})
    assert p.win[0, 1] == pytest.approx(0.6400649998028851, rel=1e-12)  # METHODS D1
    assert p.win[1, 0] == pytest.approx(1 - 0.6400649998028851, rel=1e-12)
    assert np.isnan(p.win[0, 0])
    assert p.expected_score[0, 1] == pytest.approx(p.win[0, 1])
    rk = true_win_probability([1100.0, 1000.0], ties="rao-kupper", tie_parameter=2.0)
    pi, pj = 10 ** (1100 / 400), 10 ** (1000 / 400)
    assert rk.win[0, 1] == pytest.approx(pi / (pi + 2 * pj), rel=1e-12)
    dv = true_win_probability([1100.0, 1000.0], ties="davidson", tie_parameter=0.7)
    den = pi + pj + 0.7 * math.sqrt(pi * pj)
    assert dv.win[0, 1] == pytest.approx(pi / den, rel=1e-12)
    assert dv.tie[0, 1] == pytest.approx(0.7 * math.sqrt(pi * pj) / den, rel=1e-12)


# --------------------------------------------------------------------------- symmetric ties
def test_symmetric_ties_probabilities_and_cap():
    # P(i) = σ - t/2, P(tie) = t, P(j) = 1 - σ - t/2; E[score] = σ exactly
    r = {"a": 1100.0, "b": 1000.0, "c": 300.0}
    elo = true_win_probability(r)
    sym = true_win_probability(r, ties="symmetric", tie_rate=0.3)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(sym.expected_score[off], elo.win[off], rtol=0, atol=1e-15)
    assert sym.win[0, 1] == pytest.approx(elo.win[0, 1] - 0.15, rel=1e-12)
    assert sym.tie[0, 1] == pytest.approx(0.3, rel=1e-12)
    # a vs c: 800 points, σ(-δ) = 1/101 < t/2: the tie rate is capped at 2 min(σ, 1 - σ)
    # and the weaker side never wins outright
    assert sym.tie[0, 2] == pytest.approx(2.0 / 101.0, rel=1e-12)
    assert sym.win[2, 0] == 0.0
    assert sym.win[0, 2] + sym.win[2, 0] + sym.tie[0, 2] == pytest.approx(1.0)
    # "fixed" shrinks the expected score towards 1/2 instead
    fixed = true_win_probability(r, ties="fixed", tie_rate=0.3)
    assert fixed.expected_score[0, 1] == pytest.approx(0.5 + 0.7 * (elo.win[0, 1] - 0.5))


def test_symmetric_ties_expected_score_is_the_elo_probability():
    # Counting each tie as a win with a fair coin turns the score into a Bernoulli variable
    # with mean E[score]; under symmetric ties that mean is the Elo win probability σ(δ),
    # checked by an exact binomial test per pair (Bonferroni over the pairs).
    r = {**RATINGS, "e": 1700.0}  # e vs d (800 points) exercises the cap
    v = simulate_votes(r, 150_000, ties="symmetric", tie_rate=0.3, rng=21)
    elo = true_win_probability(r)
    coin = np.random.default_rng(22)
    pairs = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    assert np.mean(v.outcome == 2) > 0.15
    for i, j in pairs:
        wins_i, wins_j, ties = _pair_outcomes(v, i, j)
        half = int(coin.binomial(ties, 0.5)) if ties else 0
        n = int(wins_i + wins_j + ties)
        p = stats.binomtest(int(wins_i) + half, n, elo.win[i, j]).pvalue
        assert p > ALPHA / len(pairs), (i, j, wins_i, wins_j, ties)


def test_half_win_fit_recovers_true_ratings_under_symmetric_ties():
    # The half-win BT fit targets the true ratings when ties are symmetric: every item's
    # (mean-centred) estimate lies within 4 standard errors of the truth. Under ties="fixed"
    # the same fit is biased (gaps shrink by about 1 - t), far beyond 4 SE at this size.
    import elosim

    r = np.array([1000.0, 1100.0, 1250.0, 900.0, 1400.0, 1050.0])
    truth = r - r.mean()
    n = 200_000
    sym = simulate_votes(r, n, ties="symmetric", tie_rate=0.3, rng=23)
    fit = elosim.bradley_terry(sym, ties="half", covariance="model")
    est = fit.ratings - fit.ratings.mean()
    z = (est - truth) / fit.standard_error
    assert np.all(np.abs(z) < 4.0), z
    fixed = simulate_votes(r, n, ties="fixed", tie_rate=0.3, rng=23)
    fit_f = elosim.bradley_terry(fixed, ties="half", covariance="model")
    z_f = (fit_f.ratings - fit_f.ratings.mean() - truth) / fit_f.standard_error
    assert np.max(np.abs(z_f)) > 10.0, z_f


def test_entries_item_only_paired_after_entry():
    v = simulate_votes(RATINGS, 5000, entries={"c": 1000, "d": 3000}, rng=6)
    t = v.time
    involves = lambda k: (v.a == k) | (v.b == k)  # noqa: E731
    assert not np.any(involves(2) & (t < 1000))
    assert not np.any(involves(3) & (t < 3000))
    assert np.any(involves(2) & (t >= 1000))
    assert np.any(involves(3) & (t >= 3000))


def test_adaptive_pairing_prefers_new_pairs_and_reproduces_probabilities():
    v = simulate_votes(
        RATINGS, 20_000, pairing="adaptive", entries={"d": 10_000}, batch_size=100, rng=7
    )
    t = v.time
    nxt = (t >= 10_000) & (t < 10_100)
    # right after 'd' enters its three pairs are the only never-compared pairs: the whole
    # next batch goes to them
    assert np.all((v.a[nxt] == 3) | (v.b[nxt] == 3))
    # every pair is eventually compared, and outcomes still follow the model
    truth = true_win_probability(RATINGS)
    for i, j in [(0, 1), (1, 2), (0, 3)]:
        wins_i, wins_j, _ = _pair_outcomes(v, i, j)
        assert wins_i + wins_j > 100
        p = stats.binomtest(int(wins_i), int(wins_i + wins_j), truth.win[i, j]).pvalue
        assert p > ALPHA / 3


def test_callable_pairing_signature():
    calls = []

    def only_first_pair(counts, rng):
        assert isinstance(rng, np.random.Generator)
        assert not counts.flags.writeable
        calls.append(float(np.sum(counts)))
        w = np.zeros((4, 4))
        w[0, 1] = 1.0
        return w

    v = simulate_votes(RATINGS, 1050, pairing=only_first_pair, batch_size=100, rng=8)
    assert len(calls) == 11  # ceil(1050 / 100) batches
    assert calls[:3] == [0.0, 100.0, 200.0]  # counts + counts.T = votes per pair so far
    assert set(np.unique(np.minimum(v.a, v.b) * 4 + np.maximum(v.a, v.b))) == {1}


def test_random_walk_drift_variance():
    # 300 items at rating 0, per-vote SD 1: the true rating of an item at its last
    # appearance t is N(0, t) and independent across items, so sum(z^2) ~ chi2(300).
    k = 300
    v = simulate_votes(np.zeros(k), 30_000, drift=1.0, rng=9)
    z = []
    for item in range(k):
        ta = np.flatnonzero(v.a == item)
        tb = np.flatnonzero(v.b == item)
        last_a = ta[-1] if ta.size else -1
        last_b = tb[-1] if tb.size else -1
        if last_a > last_b:
            val, t = v.covariates["true_rating_a"][last_a], last_a
        else:
            val, t = v.covariates["true_rating_b"][last_b], last_b
        z.append(val / math.sqrt(t))
    q = float(np.sum(np.square(z)))
    cdf = stats.chi2.cdf(q, df=k)
    assert ALPHA / 2 < cdf < 1 - ALPHA / 2


def test_callable_drift_and_truth_in_covariates():
    def trend(time, item):
        return np.where(item == 0, 0.01 * time, 0.0)

    v = simulate_votes(RATINGS, 500, drift=trend, rng=10)
    r0 = np.array(list(RATINGS.values()))
    exp_a = r0[v.a] + np.where(v.a == 0, 0.01 * v.time, 0.0)
    np.testing.assert_allclose(v.covariates["true_rating_a"], exp_a)
    assert "true_rating_a" not in simulate_votes(RATINGS, 10, rng=0).covariates


def test_large_simulation_is_vectorised():
    # a million votes over 100 items: checks the chunked path (> 2**20 votes) works
    v = simulate_votes(np.linspace(800, 1200, 100), 1_100_000, rng=11)
    assert v.a.size == 1_100_000
    assert np.bincount(v.a, minlength=100).min() > 0


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((RATINGS, -5), {}, ValueError, "n_votes must be an integer >= 1"),
        ((RATINGS, 0), {}, ValueError, "n_votes must be an integer >= 1"),
        ((RATINGS, 2.5), {}, TypeError, "n_votes must be an integer"),
        (([1000.0, np.nan], 10), {}, ValueError, "true_ratings must be finite"),
        (([1000.0, np.inf], 10), {}, ValueError, "true_ratings must be finite"),
        (([1000.0], 10), {}, ValueError, "at least 2 items"),
        (({"a": 1.0}, 10), {}, ValueError, "at least 2 items"),
        ((np.zeros((2, 2)), 10), {}, ValueError, "one-dimensional"),
        (([1.0, 2.0], 10), {"items": ["x"]}, ValueError, "items has 1 labels"),
        (([1.0, 2.0], 10), {"items": ["x", "x"]}, ValueError, "must be unique"),
        ((RATINGS, 10), {"items": list("abcd")}, ValueError, "items is only used when"),
        ((RATINGS, 10), {"pairing": "random"}, ValueError, "pairing must be 'uniform'"),
        ((RATINGS, 10), {"pairing": np.ones((3, 3))}, ValueError, r"shape \(4, 4\)"),
        ((RATINGS, 10), {"pairing": -np.eye(4)[::-1]}, ValueError, "non-negative"),
        ((RATINGS, 10), {"pairing": np.ones((4, 4))}, ValueError, "zero diagonal"),
        ((RATINGS, 10), {"pairing": np.zeros((4, 4))}, ValueError, "no positive pair weight"),
        ((RATINGS, 10), {"ties": "fixed", "tie_rate": 1.0}, ValueError, r"in \[0, 1\)"),
        ((RATINGS, 10), {"ties": "fixed", "tie_rate": -0.1}, ValueError, ">= 0"),
        ((RATINGS, 10), {"ties": "fixed"}, ValueError, "needs tie_rate"),
        ((RATINGS, 10), {"ties": "symmetric"}, ValueError, "ties='symmetric' needs tie_rate"),
        ((RATINGS, 10), {"ties": "symmetric", "tie_rate": 1.0}, ValueError, r"in \[0, 1\)"),
        (
            (RATINGS, 10),
            {"ties": "symmetric", "tie_parameter": 1.0},
            ValueError,
            "ties='symmetric' takes tie_rate, not tie_parameter",
        ),
        (
            (RATINGS, 10),
            {"ties": "symmetric", "tie_rate": "0.2"},
            TypeError,
            "tie_rate must be a real number; got '0.2'",
        ),
        ((RATINGS, 10), {"tie_rate": 0.1}, ValueError, "need a tie mechanism"),
        ((RATINGS, 10), {"ties": "glicko"}, ValueError, "ties must be None"),
        ((RATINGS, 10), {"ties": "davidson"}, ValueError, "exactly one of"),
        (
            (RATINGS, 10),
            {"ties": "rao-kupper", "tie_parameter": 0.5},
            ValueError,
            "must be >= 1",
        ),
        ((RATINGS, 10), {"drift": -1.0}, ValueError, "drift must be a finite number >= 0"),
        ((RATINGS, 10), {"entries": {"zz": 3}}, ValueError, "unknown item 'zz'"),
        ((RATINGS, 10), {"entries": {"a": -1}}, ValueError, "must be a vote index"),
        (
            (RATINGS, 10),
            {"entries": {"a": 5, "b": 5, "c": 5}},
            ValueError,
            "at least two items must have entered",
        ),
        ((RATINGS, 10), {"rng": "seed"}, TypeError, "rng must be None"),
        ((RATINGS, 10), {"batch_size": 0}, ValueError, "batch_size must be"),
    ],
)
def test_bad_arguments(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        simulate_votes(*args, **kwargs)


def test_no_eligible_pair_and_bad_callable():
    w = np.zeros((4, 4))
    w[2, 3] = 1.0
    with pytest.raises(ValueError, match="no eligible pair at vote 0"):
        simulate_votes(RATINGS, 10, pairing=w, entries={"c": 5})
    with pytest.raises(ValueError, match="weights returned by the pairing callable"):
        simulate_votes(RATINGS, 10, pairing=lambda counts, rng: np.ones(3))
    with pytest.raises(ValueError, match=r"drift\(time, item\) must return 10 finite"):
        simulate_votes(RATINGS, 10, drift=lambda t, i: np.zeros(3))
