"""The count-based bootstrap, checked against direct refits, row resampling and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

import elosim
from elosim.inference.bootstrap import _draw_tables, _problem

FACTOR = 400 / math.log(10)


def arena(seed: int, k: int = 6, n: int = 3000, tie_rate: float = 0.2, spread: float = 80.0):
    """Votes from known Elo ratings (uniform pairs, fixed tie rate, half-win model)."""
    rng = np.random.default_rng(seed)
    true = rng.normal(0, spread, k)
    true -= true.mean()
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    p = 1 / (1 + 10 ** (-(true[a] - true[b]) / 400))
    out = np.where(rng.random(n) < tie_rate, 2, np.where(rng.random(n) < p, 0, 1))
    items = tuple(f"m{i}" for i in range(k))
    return elosim.Votes(items=items, a=a, b=b, outcome=out.astype(np.int8)), true + 1000


def test_same_seed_same_numbers_for_any_n_jobs_and_extend() -> None:
    votes, _ = arena(1)
    fit = elosim.bradley_terry(votes)
    b1 = elosim.bootstrap(fit, n_resamples=150, rng=7, n_jobs=1)
    b2 = elosim.bootstrap(fit, n_resamples=150, rng=7, n_jobs=2)
    np.testing.assert_array_equal(b1.bootstrap_distribution, b2.bootstrap_distribution)
    b3 = elosim.bootstrap(fit, n_resamples=100, rng=7).extend(50)
    np.testing.assert_array_equal(b1.bootstrap_distribution, b3.bootstrap_distribution)
    b5 = elosim.bootstrap(fit, n_resamples=30, rng=7).extend(90).extend(30)
    np.testing.assert_array_equal(b1.bootstrap_distribution, b5.bootstrap_distribution)
    b4 = elosim.bootstrap(fit, n_resamples=150, rng=8)
    assert not np.array_equal(b1.bootstrap_distribution, b4.bootstrap_distribution)


@pytest.mark.parametrize("ties", ["half", "davidson", "rao-kupper"])
def test_each_replicate_equals_a_direct_fit_of_its_counts(ties: str) -> None:
    votes, _ = arena(2, n=800)
    fit = elosim.bradley_terry(votes, ties=ties)
    boot = elosim.bootstrap(fit, n_resamples=5, rng=3)
    c = votes.counts
    for r in range(5):
        cells = _draw_tables(fit, boot._plan, _problem(fit), range(r, r + 1))[0][0].astype(int)
        rows = np.repeat(np.arange(c.n_cells), cells)
        pi, pj = c.pair_i[c.cell_pair[rows]], c.pair_j[c.cell_pair[rows]]
        rv = elosim.Votes(items=votes.items, a=pi, b=pj, outcome=c.cell_outcome[rows])
        direct = elosim.bradley_terry(rv, ties=ties)
        np.testing.assert_allclose(boot.bootstrap_distribution[:, r], direct.ratings, atol=1e-6)


def test_cell_multinomial_matches_row_resampling_in_distribution() -> None:
    votes, _ = arena(3, k=4, n=400)
    fit = elosim.bradley_terry(votes)
    b = 2000
    boot = elosim.bootstrap(fit, n_resamples=b, rng=1)
    rng = np.random.default_rng(2)
    rows = []
    for _ in range(b):
        idx = rng.integers(0, votes.n_votes, votes.n_votes)
        rv = elosim.Votes(items=votes.items, a=votes.a[idx], b=votes.b[idx],
                          outcome=votes.outcome[idx])
        rows.append(elosim.bradley_terry(rv).ratings)
    sd_rows = np.std(rows, axis=0, ddof=1)
    # relative MC error of an SD from B draws is about 1/sqrt(2B) = 1.6%; the difference
    # of two independent estimates has about 2.2%; allow 4 of those
    np.testing.assert_allclose(boot.standard_error, sd_rows, rtol=0.09)
    np.testing.assert_allclose(
        boot.bootstrap_distribution.mean(axis=1), np.mean(rows, axis=0),
        atol=4 * np.max(sd_rows) / math.sqrt(b) * math.sqrt(2),
    )


def test_head_to_head_difference_se_matches_closed_form() -> None:
    # two items, n decisive votes with w wins: SE(Elo gap) = FACTOR / sqrt(n p (1 - p))
    n, w = 2000, 1160
    votes = elosim.Votes.from_counts(["a", "b"], [[0, w], [n - w, 0]])
    fit = elosim.bradley_terry(votes)
    b = 4000
    boot = elosim.bootstrap(fit, n_resamples=b, rng=5)
    gap = boot.bootstrap_distribution[0] - boot.bootstrap_distribution[1]
    p = w / n
    closed = FACTOR / math.sqrt(n * p * (1 - p))
    # SD relative MC error 1/sqrt(2B) = 1.1%; allow 3.5% (about 3 MC SE)
    assert np.std(gap, ddof=1) == pytest.approx(closed, rel=0.035)
    cov = fit.covariance("model")
    assert math.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]) == pytest.approx(closed, rel=1e-9)


def test_bootstrap_se_agrees_with_sandwich_at_100k_votes() -> None:
    votes, _ = arena(4, k=10, n=100_000, tie_rate=0.25)
    fit = elosim.bradley_terry(votes)
    boot = elosim.bootstrap(fit, n_resamples=1000, rng=11)
    ratio = boot.standard_error / fit.standard_error
    # per-item MC error 2.2% at B=1000: each within 4 MC SE; the median over items within 3%
    assert np.all(np.abs(ratio - 1) < 0.09)
    assert abs(float(np.median(ratio)) - 1) < 0.03


def test_interval_methods_without_resampling_again() -> None:
    votes, _ = arena(5)
    fit = elosim.bradley_terry(votes)
    boot = elosim.bootstrap(fit, n_resamples=400, rng=1)
    d = boot.bootstrap_distribution
    pct = boot.confidence_interval(0.9, method="percentile")
    np.testing.assert_allclose(pct.low, np.quantile(d, 0.05, axis=1))
    np.testing.assert_allclose(pct.high, np.quantile(d, 0.95, axis=1))
    basic = boot.confidence_interval(0.9, method="basic")
    np.testing.assert_allclose(basic.low, 2 * fit.ratings - pct.high)
    for method in ("bca", "studentized"):
        ci = boot.confidence_interval(method=method)
        assert np.all(ci.low < fit.ratings)
        assert np.all(fit.ratings < ci.high)
        width = ci.high - ci.low
        ref = boot.confidence_interval(method="percentile")
        np.testing.assert_allclose(width, ref.high - ref.low, rtol=0.25)
    before = boot.bootstrap_distribution.copy()
    boot.confidence_interval(0.5, method="bca")
    np.testing.assert_array_equal(before, boot.bootstrap_distribution)


def test_bca_acceleration_matches_jackknife() -> None:
    # leave-one-vote-out jackknife on a small data set is the textbook acceleration
    votes, _ = arena(6, k=3, n=150, spread=150)
    fit = elosim.bradley_terry(votes)
    boot = elosim.bootstrap(fit, n_resamples=10, rng=1)
    acc = boot.acceleration(np.eye(3))
    jack = []
    for t in range(votes.n_votes):
        jack.append(elosim.bradley_terry(votes.select(np.arange(votes.n_votes) != t)).ratings)
    jack = np.array(jack)
    u = jack.mean(axis=0) - jack
    a_jack = np.sum(u**3, axis=0) / (6 * np.sum(u**2, axis=0) ** 1.5)
    np.testing.assert_allclose(acc, a_jack, rtol=0.1, atol=2e-4)


def test_cluster_bootstrap_accounts_for_duplicated_votes() -> None:
    votes, _ = arena(7, k=5, n=2000)
    dup = elosim.Votes(
        items=votes.items, a=np.repeat(votes.a, 2), b=np.repeat(votes.b, 2),
        outcome=np.repeat(votes.outcome, 2), cluster=np.repeat(np.arange(votes.n_votes), 2),
    )
    fit1 = elosim.bradley_terry(votes)
    fit2 = elosim.bradley_terry(dup)
    b1 = elosim.bootstrap(fit1, n_resamples=1000, rng=1)
    naive = elosim.bootstrap(fit2, n_resamples=1000, rng=2)
    clus = elosim.bootstrap(fit2, n_resamples=1000, rng=3, cluster=True)
    assert clus.cluster
    assert not naive.cluster
    # clustering by the duplicated pairs recovers the original SEs; naive ones are 1/sqrt(2)
    np.testing.assert_allclose(clus.standard_error, b1.standard_error, rtol=0.1)
    np.testing.assert_allclose(naive.standard_error * math.sqrt(2), b1.standard_error, rtol=0.1)
    # analytic counterpart: the cluster-robust sandwich equals twice... the single-data sandwich
    np.testing.assert_allclose(
        fit2.covariance("cluster"), fit1.covariance("sandwich") * 2000 / 1999, rtol=1e-8
    )
    # BCa with cluster influence values works too
    ci = clus.confidence_interval(method="bca")
    assert np.all(ci.low < fit2.ratings)


def test_degenerate_resamples_are_redrawn_counted_and_warned() -> None:
    votes, _ = arena(8, k=4, n=2000)
    frame_a = [*list(np.array(votes.items)[votes.a]), "rare", "m0"]
    frame_b = [*list(np.array(votes.items)[votes.b]), "m1", "rare"]
    out = [*votes.outcome.tolist(), 0, 0]  # rare: one win, one loss
    codes = {0: "model_a", 1: "model_b", 2: "tie"}
    v2 = elosim.Votes.from_arrays(frame_a, frame_b, [codes[int(o)] for o in out])
    fit = elosim.bradley_terry(v2)
    with pytest.warns(elosim.DegenerateBootstrapWarning, match=r"'rare'.*redrawn, keeping 200"):
        boot = elosim.bootstrap(fit, n_resamples=200, rng=1)
    # P(a resample keeps both of rare's votes) is about (1 - e^-1)^2 = 0.40
    assert boot.n_degenerate > 100
    assert set(boot.degenerate_items) == {"rare"}
    assert np.all(np.isfinite(boot.bootstrap_distribution))
    assert np.all(np.abs(boot.bootstrap_distribution - 1000) < 2000)
    # with a prior every resample is finite: nothing is redrawn
    fitp = elosim.bradley_terry(v2, prior_strength=0.5)
    bootp = elosim.bootstrap(fitp, n_resamples=50, rng=1)
    assert bootp.n_degenerate == 0


def test_bad_arguments() -> None:
    votes, _ = arena(9, n=300)
    fit = elosim.bradley_terry(votes)
    with pytest.raises(ValueError, match="n_resamples must be an integer >= 2"):
        elosim.bootstrap(fit, n_resamples=0)
    with pytest.raises(ValueError, match="confidence_level must lie strictly between 0 and 1"):
        elosim.bootstrap(fit, confidence_level=95)
    with pytest.raises(ValueError, match="method must be one of"):
        elosim.bootstrap(fit, method="normal")
    with pytest.raises(TypeError, match="fit must be a BradleyTerryResult"):
        elosim.bootstrap(votes)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cluster bootstrap needs cluster ids"):
        elosim.bootstrap(fit, cluster=True)
    with pytest.raises(ValueError, match="one id per vote"):
        elosim.bootstrap(fit, cluster=[1, 2, 3])
    with pytest.raises(TypeError, match="rng must be"):
        elosim.bootstrap(fit, rng="seed")  # type: ignore[arg-type]
    boot = elosim.bootstrap(fit, n_resamples=20, rng=0)
    with pytest.raises(ValueError, match="confidence_level must lie strictly"):
        boot.confidence_interval(1.5)
    with pytest.raises(ValueError, match="n_more must be an integer >= 1"):
        boot.extend(0)


def test_result_display_and_tables() -> None:
    votes, _ = arena(10, n=500)
    boot = elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=50, rng=0)
    assert repr(boot).startswith("<BootstrapResult: 6 items, 50 resamples")
    df = boot.to_frame()
    assert list(df.columns)[:5] == ["item", "rating", "standard_error", "ci_low", "ci_high"]
    assert df.attrs["n_resamples"] == 50
    assert "resamples: 50" in boot.summary()
    with pytest.raises(ValueError, match="read-only"):
        boot.bootstrap_distribution[0, 0] = 1.0
