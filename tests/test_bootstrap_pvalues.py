"""Bootstrap p-values that keep their power, bounds at the resampling floor, the
studentized bootstrap with clusters, and per-item degenerate-resample rates (issue 10)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import expit

import elosim
from elosim.inference.pairwise import adjust_pvalues

F = 400.0 / math.log(10.0)


@pytest.fixture(scope="module")
def arena_boot() -> elosim.BootstrapResult:
    fit = elosim.bradley_terry(elosim.datasets.load_lmarena_140k())
    with warnings.catch_warnings():
        # the 2-vote model is redrawn in ~13.5% of draws (tested below on small data)
        warnings.simplefilter("ignore", elosim.DegenerateBootstrapWarning)
        return elosim.bootstrap(fit, n_resamples=1000, rng=20251130)


def test_pairwise_tables_find_the_clear_gaps_by_default(
    arena_boot: elosim.BootstrapResult,
) -> None:
    with pytest.warns(elosim.SparseDataWarning):
        tests = arena_boot.pairwise_gap_tests()
    assert "Wald with bootstrap standard error" in tests.method
    i = int(np.argmax(np.abs(tests.gap)))
    assert abs(tests.gap[i]) == pytest.approx(242.1, abs=0.1)
    assert tests.pvalue_adjusted[i] < 0.05
    assert np.sum(tests.pvalue_adjusted < 0.05) > 900  # of 1,378 pairs
    assert tests.pvalue_is_bound is not None
    assert not tests.pvalue_is_bound.any()
    assert tests.pvalue_floor == 0.0


def test_test_inversion_stays_available_and_reports_bounds(
    arena_boot: elosim.BootstrapResult,
) -> None:
    with pytest.warns(elosim.SparseDataWarning):
        tests = arena_boot.pairwise_gap_tests(method="percentile")
    # before: 0 of 1,378 pairs significant after Holm (p >= 2 / 1001 per pair)
    assert int(np.sum(tests.pvalue_adjusted < 0.05)) == 0
    floor = 2.0 / 1001.0
    assert tests.pvalue_floor == pytest.approx(floor)
    bound = tests.pvalue_is_bound
    assert bound is not None
    assert bound.sum() > 900
    np.testing.assert_allclose(tests.pvalue[bound], floor)
    assert np.all(tests.pvalue[~bound] > floor)
    # an adjusted p-value is a bound exactly when it would fall with the bounded p's at 0
    lowest = adjust_pvalues(np.where(bound, 0.0, tests.pvalue), method="holm")
    assert tests.pvalue_adjusted_is_bound is not None
    np.testing.assert_array_equal(tests.pvalue_adjusted_is_bound, tests.pvalue_adjusted > lowest)
    text = tests.summary(max_rows=5)
    assert "shown as ≤" in text  # bounds, not values
    assert "cannot go below 0.0020" in text
    pytest.importorskip("pandas")
    df = tests.to_frame()
    assert df["pvalue_is_bound"].sum() == bound.sum()
    assert df.attrs["pvalue_floor"] == pytest.approx(floor)


def test_one_gap_at_the_floor_prints_as_a_bound(arena_boot: elosim.BootstrapResult) -> None:
    res = arena_boot.gap_test("gemini-2.5-pro", "gpt-4o-mini-2024-07-18", method="percentile")
    assert res.pvalue_is_bound
    assert res.pvalue == pytest.approx(2.0 / 1001.0)
    assert res.pvalue_floor == pytest.approx(2.0 / 1001.0)
    assert "p < 0.0020" in repr(res)
    assert "p < 0.0020" in res.summary()
    assert res.significant
    wald = arena_boot.gap_test("gemini-2.5-pro", "gpt-4o-mini-2024-07-18", method="wald")
    assert not wald.pvalue_is_bound
    assert wald.pvalue < 1e-50
    one_sided = arena_boot.gap_test(
        "gemini-2.5-pro", "gpt-4o-mini-2024-07-18", method="basic", alternative="greater"
    )
    assert one_sided.pvalue_is_bound
    assert one_sided.pvalue_floor == pytest.approx(1.0 / 1001.0)


def test_fit_results_have_no_bounds() -> None:
    votes = elosim.Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    res = elosim.bradley_terry(votes).gap_test("a", "c")
    assert not res.pvalue_is_bound
    assert res.pvalue_floor == 0.0


# ---------------------------------------------------------------------------- degenerate rates
def test_degenerate_rates_per_item_and_unreliable_warning() -> None:
    wins = np.array([[0, 30, 30, 1], [30, 0, 30, 1], [30, 30, 0, 1], [1, 1, 1, 0]])
    fit = elosim.bradley_terry(elosim.Votes.from_counts(["a", "b", "c", "rare"], wins))
    with pytest.warns(elosim.DegenerateBootstrapWarning, match=r"'rare'.*unreliable"):
        boot = elosim.bootstrap(fit, n_resamples=300, rng=5)
    rates = boot.degenerate_rate
    assert list(rates) == ["rare"]
    total = boot.n_resamples + boot.n_degenerate
    assert rates["rare"] == pytest.approx(boot.degenerate_items["rare"] / total)
    # 'rare' has 3 wins and 3 losses among 186 votes: a resample misses all its wins (or
    # all its losses) with probability about 2 exp(-3) = 10%
    assert 0.05 < rates["rare"] < 0.2


def test_no_rate_warning_when_nothing_is_redrawn() -> None:
    votes = elosim.Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        boot = elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=100, rng=1)
    assert boot.degenerate_rate == {}


# ---------------------------------------------------------------------------- studentized + cluster
def _duplicated_votes(rng: np.random.Generator, n_clusters: int, m: int) -> elosim.Votes:
    """Clusters of ``m`` identical votes (one draw copied): design effect exactly ``m``,
    while the marginal model stays Bradley-Terry with the true ratings below."""
    true = np.array([0.0, 60.0, 120.0])
    names = ["x", "y", "z"]
    a_idx = rng.integers(0, 3, n_clusters)
    b_idx = (a_idx + rng.integers(1, 3, n_clusters)) % 3
    p = expit((true[a_idx] - true[b_idx]) / F)
    won = rng.random(n_clusters) < p
    a = np.repeat([names[i] for i in a_idx], m)
    b = np.repeat([names[i] for i in b_idx], m)
    outcome = np.repeat(np.where(won, 1.0, 0.0), m)
    cluster = np.repeat(np.arange(n_clusters), m)
    return elosim.Votes.from_arrays(a, b, outcome.tolist(), items=names, cluster=cluster)


@pytest.mark.slow
def test_studentized_cluster_bootstrap_counts_the_design_effect_once() -> None:
    rng = np.random.default_rng(11)
    reps, hits, ratio = 150, 0, []
    true_gap = -120.0  # x - z
    for r in range(reps):
        votes = _duplicated_votes(rng, 150, 4)
        fit = elosim.bradley_terry(votes, covariance="cluster")
        boot = elosim.bootstrap(fit, n_resamples=199, cluster=True, rng=r)
        cm = np.array([[1.0, 0.0, -1.0]])
        st = boot.contrast_interval(cm, method="studentized")
        pc = boot.contrast_interval(cm, method="percentile")
        hits += bool(st.low[0] <= true_gap <= st.high[0])
        ratio.append((st.high[0] - st.low[0]) / (pc.high[0] - pc.low[0]))
    cover = hits / reps
    se = math.sqrt(0.95 * 0.05 / reps)
    # counting the design effect twice made it sqrt(4) = 2 times too wide (coverage ~100%)
    assert abs(cover - 0.95) <= 3 * se
    assert 0.85 < float(np.median(ratio)) < 1.2


def test_report_tables_note_the_bounds(arena_boot: elosim.BootstrapResult) -> None:
    from elosim.present.report import result_table

    res = arena_boot.gap_test("gemini-2.5-pro", "gpt-4o-mini-2024-07-18", method="percentile")
    notes = result_table(res).notes
    assert any("cannot go below 0.0020" in n and "1 at that floor" in n for n in notes)
    wald = arena_boot.gap_test("gemini-2.5-pro", "gpt-4o-mini-2024-07-18", method="wald")
    assert not any("cannot go below" in n for n in result_table(wald).notes)
