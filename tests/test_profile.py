"""Profile-likelihood intervals and likelihood-ratio gap tests.

Checked against independent code (tests/bt_reference.py: one row per vote, the constraint
eliminated by substitution, scipy BFGS for every constrained maximum and brentq on the
profile deviance), on data where an item won every vote (one-sided infinite bounds), and
by simulation (coverage for the gap between a sparse item and a well-measured one).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import special, stats

import elosim
from elosim.inference import profile
from elosim.models.solvers import Likelihood

K = 5
ITEMS = [f"m{i}" for i in range(K)]


def _random_votes(seed: int, tie_rate: float, per_pair: int = 4) -> elosim.Votes:
    rng = np.random.default_rng(seed)
    lam = rng.normal(0, 0.8, K)
    a, b, o = [], [], []
    for i in range(K):
        for j in range(i + 1, K):
            p = special.expit(lam[i] - lam[j])
            for _ in range(per_pair):
                u = rng.random()
                out = 0.5 if u < tie_rate else float(rng.random() < p)
                a.append(ITEMS[i])
                b.append(ITEMS[j])
                o.append(out)
    return elosim.Votes.from_arrays(a, b, o, items=ITEMS)


def _rows(ref: Any, votes: elosim.Votes) -> tuple[Any, Any, Any]:
    c = votes.counts
    return ref.rows_from_table(c.pair_i, c.pair_j, c.table(power=0))


CASES = [("half", 0.0, 11), ("davidson", 0.3, 12), ("rao-kupper", 0.3, 13), ("half", 0.3, 14)]


def sparse():  # type: ignore[no-untyped-def]
    """These fits have items with fewer than 20 votes: every answer warns (issue 10)."""
    return pytest.warns(elosim.SparseDataWarning, match="fewer than 20 votes")


# ------------------------------------------------------------------ independent code
@pytest.mark.parametrize(("ties", "tie_rate", "seed"), CASES)
def test_gap_interval_and_pvalue_match_independent_profile(ties, tie_rate, seed, ref):
    votes = _random_votes(seed, tie_rate)
    fit = elosim.bradley_terry(votes, ties=ties)
    with sparse():
        res = fit.gap_test("m1", "m3", method="lr")
    ri, rj, ro = _rows(ref, votes)
    contrast = np.zeros(K)
    contrast[1], contrast[3] = 1.0, -1.0
    disp, df = 1.0, None
    if ties == "half" and tie_rate > 0:
        rm = ref.RowModel("half", ri, rj, ro, K)
        _, x = rm.maximum()
        lam, _ = rm.unpack(x)
        disp, df = ref.pearson_dispersion_rows(ri, rj, ro, K, lam), ro.size - (K - 1)
        assert f"Pearson dispersion {disp:.3g}" in res.method
    lo, hi, dev0, chat = ref.profile_interval(
        ties, ri, rj, ro, K, contrast, dispersion=disp, df=df
    )
    f = fit.elo_factor
    assert res.ci_low == pytest.approx(f * lo, abs=1e-5)
    assert res.ci_high == pytest.approx(f * hi, abs=1e-5)
    p = stats.chi2.sf(dev0, 1) if df is None else stats.f.sf(dev0, 1, df)
    assert res.pvalue == pytest.approx(p, rel=1e-6)
    assert res.statistic == pytest.approx(math.copysign(math.sqrt(dev0), chat), rel=1e-6)
    # the estimate is the MLE here, so it is where the deviance is 0
    assert res.gap == pytest.approx(f * chat, abs=1e-5)


@pytest.mark.parametrize(("ties", "tie_rate", "seed"), CASES[:2])
def test_rating_intervals_match_independent_profile_under_each_normalisation(
    ties, tie_rate, seed, ref
):
    votes = _random_votes(seed, tie_rate)
    ri, rj, ro = _rows(ref, votes)
    f_mean = elosim.bradley_terry(votes, ties=ties)
    with sparse():
        ci = f_mean.confidence_interval(method="profile")
    i = 2
    contrast = -np.full(K, 1.0 / K)
    contrast[i] += 1.0
    lo, hi, _, _ = ref.profile_interval(ties, ri, rj, ro, K, contrast)
    f = f_mean.elo_factor
    assert ci.low[i] == pytest.approx(1000.0 + f * lo, abs=1e-5)
    assert ci.high[i] == pytest.approx(1000.0 + f * hi, abs=1e-5)
    f_anchor = elosim.bradley_terry(votes, ties=ties, normalize="anchor", anchor="m0", offset=0)
    with sparse():
        ca = f_anchor.confidence_interval(method="profile")
    contrast = np.zeros(K)
    contrast[i], contrast[0] = 1.0, -1.0
    lo, hi, _, _ = ref.profile_interval(ties, ri, rj, ro, K, contrast)
    assert ca.low[i] == pytest.approx(f * lo, abs=1e-5)
    assert ca.high[i] == pytest.approx(f * hi, abs=1e-5)
    assert ca.low[0] == ca.high[0] == 0.0  # the anchor is fixed
    # the interval of a single rating depends on the normalisation (its meaning does)
    assert ca.high[i] - ca.low[i] != pytest.approx(ci.high[i] - ci.low[i], rel=1e-3)


def test_gap_interval_does_not_depend_on_normalisation_or_order():
    votes = _random_votes(11, 0.0)
    f1 = elosim.bradley_terry(votes)
    f2 = elosim.bradley_terry(votes, normalize="anchor", anchor="m4", offset=1500)
    with sparse():
        r1 = f1.gap_test("m1", "m3", method="lr")
    with sparse():
        r2 = f2.gap_test("m1", "m3", method="lr")
    with sparse():
        r3 = f1.gap_test("m3", "m1", method="lr")
    assert (r1.ci_low, r1.ci_high) == pytest.approx((r2.ci_low, r2.ci_high), abs=1e-6)
    assert (r3.ci_low, r3.ci_high) == pytest.approx((-r1.ci_high, -r1.ci_low), abs=1e-6)
    assert r3.pvalue == pytest.approx(r1.pvalue)
    assert r3.statistic == pytest.approx(-r1.statistic)


def test_pvalue_and_interval_agree_and_one_sided_tests():
    votes = _random_votes(12, 0.0, per_pair=6)
    fit = elosim.bradley_terry(votes)
    for a, b in [("m0", "m1"), ("m1", "m4"), ("m2", "m3")]:
        two = fit.gap_test(a, b, method="lr")
        assert (two.pvalue < 0.05) == (two.ci_low > 0 or two.ci_high < 0)
        g = fit.gap_test(a, b, method="lr", alternative="greater")
        le = fit.gap_test(a, b, method="lr", alternative="less")
        assert g.ci_high == math.inf
        assert le.ci_low == -math.inf
        assert g.pvalue + le.pvalue == pytest.approx(1.0)
        assert min(g.pvalue, le.pvalue) == pytest.approx(two.pvalue / 2)
        # one-sided 95% bound = end of the two-sided 90% interval
        ninety = fit.gap_test(a, b, method="lr", confidence_level=0.90)
        assert g.ci_low == pytest.approx(ninety.ci_low, abs=1e-6)


# ------------------------------------------------------------------ won every vote
UNBEATEN = [
    ("a", "b", 1), ("a", "b", 1), ("a", "c", 1), ("a", "d", 1), ("a", "c", 1),
    ("b", "c", 1), ("b", "c", 0), ("b", "d", 1), ("b", "d", 1), ("d", "b", 1),
    ("c", "d", 1), ("c", "d", 0), ("c", "d", 1), ("d", "c", 1),
]


@pytest.mark.parametrize("penalty", [{"bias_reduction": "firth"}, {"prior_strength": 1.0}])
def test_one_sided_infinite_where_an_item_won_everything(penalty, ref):
    a, b, o = zip(*UNBEATEN, strict=True)
    votes = elosim.Votes.from_arrays(list(a), list(b), list(o), items=list("abcd"))
    fit = elosim.bradley_terry(votes, **penalty)
    with sparse():
        res = fit.gap_test("a", "b", method="lr")
    assert res.ci_high == math.inf
    assert math.isfinite(res.ci_low)
    assert res.ci_low < res.gap
    with sparse():
        flipped = fit.gap_test("b", "a", method="lr")
    assert flipped.ci_low == -math.inf
    assert flipped.ci_high == pytest.approx(-res.ci_low)
    with sparse():
        ci = fit.confidence_interval(method="profile")
    assert ci.high[0] == math.inf
    assert np.all(np.isfinite(ci.high[1:]))
    # under mean normalisation a's divergence drags the mean, so no other rating is
    # bounded below; relative to an anchor the others are bounded
    assert math.isfinite(ci.low[0])
    assert np.all(ci.low[1:] == -math.inf)
    anchored = elosim.bradley_terry(votes, normalize="anchor", anchor="b", **penalty)
    with sparse():
        ca = anchored.confidence_interval(method="profile")
    assert ca.high[0] == math.inf
    assert np.all(np.isfinite(ca.high[1:]))
    assert np.all(np.isfinite(ca.low))
    assert ca.low[0] - 1000.0 == pytest.approx(res.ci_low)  # a relative to b: the gap
    # the lower bound is the likelihood's: independent check on the gap a - b
    ri, rj, ro = ref.rows_from_table(
        votes.counts.pair_i, votes.counts.pair_j, votes.counts.table(power=0)
    )
    sup = 0.0  # a's votes contribute 0 at the supremum; the rest form the b-c-d fit
    sub = [n for n in range(ri.size) if 0 not in (ri[n], rj[n])]
    rm = ref.RowModel("half", ri[sub] - 1, rj[sub] - 1, ro[sub], 3)
    sup, _ = rm.maximum()
    q = stats.chi2.ppf(0.95, 1)
    contrast = np.array([1.0, -1.0, 0.0, 0.0])
    lo_nat = res.ci_low / fit.elo_factor
    dev = 2 * (sup - ref.constrained_loglik("half", ri, rj, ro, 4, contrast, lo_nat))
    assert dev == pytest.approx(q, abs=1e-6)


def test_kind_with_profile_is_an_error():
    fit = elosim.bradley_terry(_random_votes(11, 0.0))
    with pytest.raises(ValueError, match="method='profile' uses the likelihood itself"):
        fit.confidence_interval(kind="model", method="profile")
    with pytest.raises(ValueError, match="method='lr' uses the likelihood itself"):
        fit.gap_test("m0", "m1", kind="model", method="lr")
    with pytest.raises(ValueError, match="method must be one of 'wald', 'profile'; got 'lr'"):
        fit.confidence_interval(method="lr")
    with pytest.raises(ValueError, match=r"confidence_level > 0\.5"):
        fit.gap_test("m0", "m1", method="lr", alternative="greater", confidence_level=0.4)


def test_quasi_profile_without_residual_information_is_a_named_error():
    # votes that are all ties are refused by the fit itself (no decisive vote: nothing to
    # profile), before any interval is asked for
    only_ties = elosim.Votes.from_counts(["x", "y"], [[0, 0], [0, 0]], ties=[[0, 4], [4, 0]])
    with pytest.raises(elosim.DegenerateDataError, match=r"every vote is a tie"):
        elosim.bradley_terry(only_ties)
    one_tie = elosim.Votes.from_counts(["x", "y"], [[0, 0], [0, 0]], ties=[[0, 1], [1, 0]])
    with pytest.raises(elosim.DegenerateDataError, match=r"\(1 ties\)"):
        elosim.bradley_terry(one_tie)


def test_profile_refuses_fits_beyond_the_dense_limit(monkeypatch):
    fit = elosim.bradley_terry(_random_votes(11, 0.0))
    monkeypatch.setattr(profile, "DENSE_MAX_ITEMS", 4)
    with pytest.raises(ValueError, match="5 items exceed its limit of 4; use the Wald"):
        fit.gap_test("m0", "m1", method="lr")


# ------------------------------------------------------------------ coverage
def _sparse_arena(rng, n_sparse, tie_rate, model, k=8, m=40):
    """Item 0 (true 0.3) with n_sparse votes against random others; items 1..k-1 spaced on
    [-1, 1] with m votes per pair. Half-win data keep E[score] = expit(d) exactly."""
    lam = np.concatenate([[0.3], np.linspace(-1, 1, k - 1)])
    pairs = [(0, j) for j in range(1, k)] + [(i, j) for i in range(1, k) for j in range(i + 1, k)]
    pi = np.array([p[0] for p in pairs])
    pj = np.array([p[1] for p in pairs])
    n = np.array([0] * (k - 1) + [m] * (len(pairs) - k + 1))
    n[: k - 1] = np.bincount(rng.integers(1, k, n_sparse) - 1, minlength=k - 1)
    d = lam[pi] - lam[pj]
    if model == "davidson":
        nu = 2 * tie_rate / (1 - tie_rate)
        w = np.stack([np.exp(d / 2), np.exp(-d / 2), np.full_like(d, nu)], -1)
        pr = w / w.sum(-1, keepdims=True)
    else:
        p = special.expit(d)
        pt = tie_rate * 4 * p * (1 - p)
        pr = np.stack([p - pt / 2, 1 - p - pt / 2, pt], -1)
    table = np.array([rng.multinomial(nn, q) for nn, q in zip(n, pr, strict=True)], float)
    keep = table.sum(1) > 0
    return pi[keep], pj[keep], table[keep], lam[0] - lam[1]


def _coverage(n_sparse, tie_rate, model, reps, seed):
    rng = np.random.default_rng(seed)
    k = 8
    contrast = np.zeros(k)
    contrast[0], contrast[1] = 1.0, -1.0
    hits = 0
    for _ in range(reps):
        pi, pj, table, truth = _sparse_arena(rng, n_sparse, tie_rate, model)
        th0 = np.zeros(k + int(model != "half"))
        prof = profile.contrast_profile(
            Likelihood(model, pi, pj, k, table), th0, contrast, n_votes=int(table.sum()),
            quasi=model == "half" and table[:, 2].sum() > 0,
        )
        hits += prof.bound(0.95, -1.0) <= truth <= prof.bound(0.95, 1.0)
    return hits / reps


@pytest.mark.slow
@pytest.mark.parametrize(
    ("n_sparse", "tie_rate", "model", "seed"),
    [(10, 0.0, "half", 1), (20, 0.3, "half", 3), (20, 0.3, "davidson", 4)],
)
def test_profile_gap_interval_coverage(n_sparse, tie_rate, model, seed):
    # 200 replicates per cell keep the suite fast (+/- 4.6 points at 3 MC SE); the full
    # table (1,000 replicates per cell, 5-100 votes) is in the closing note of issue 10
    reps = 200
    cov = _coverage(n_sparse, tie_rate, model, reps, seed)
    se = math.sqrt(0.95 * 0.05 / reps)
    assert abs(cov - 0.95) <= 3 * se, cov


@pytest.mark.slow
def test_profile_gap_interval_coverage_at_five_votes_is_at_least_ninety_percent():
    # documented: LR intervals under-cover a little at 5 votes (92.3 +/- 0.8% in 1,000
    # replicates of this design, notes/issue-10-firth-profile.md); the claim is >= 90%
    reps = 200
    cov = _coverage(5, 0.0, "half", reps, 5)
    assert cov >= 0.90 - 3 * math.sqrt(0.9 * 0.1 / reps), cov
