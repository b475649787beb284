"""Plots: artists, labels and data (Agg backend; every figure closed after each test)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest

import elosim
from elosim import gap_test, pairwise_gap_tests
from elosim import plot as P
from elosim.inference.ranks import rank_intervals

ITEMS = ["A", "B", "C", "D", "E"]
COUNTS = [
    [0, 30, 25, 20, 35],
    [20, 0, 28, 22, 30],
    [15, 22, 0, 26, 24],
    [12, 18, 20, 0, 27],
    [8, 10, 16, 15, 0],
]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fit() -> elosim.BradleyTerryResult:
    return elosim.bradley_terry(elosim.Votes.from_counts(ITEMS, COUNTS))


@pytest.fixture(scope="module")
def boot(fit: elosim.BradleyTerryResult) -> elosim.BootstrapResult:
    return elosim.bootstrap(fit, n_resamples=300, rng=3)


def _by_gid(ax, gid):  # type: ignore[no-untyped-def]
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found


def _ticks(ax, axis="y"):  # type: ignore[no-untyped-def]
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


def test_import_elosim_does_not_import_matplotlib() -> None:
    code = "import sys, elosim, elosim.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("which", ["fit", "boot"])
def test_plot_ratings_artists_match_the_result(which, fit, boot) -> None:  # type: ignore[no-untyped-def]
    res = fit if which == "fit" else boot
    ax = P.plot_ratings(res, confidence_level=0.9)
    order = np.argsort(-fit.ratings)
    assert _ticks(ax) == [ITEMS[i] for i in order]
    (pts,) = _by_gid(ax, "ratings")
    np.testing.assert_allclose(pts.get_offsets()[:, 0], fit.ratings[order])
    np.testing.assert_allclose(pts.get_offsets()[:, 1], np.arange(len(ITEMS)))
    (bars,) = _by_gid(ax, "intervals")
    segs = bars.get_segments()
    assert len(segs) == len(ITEMS)
    ci = res.confidence_interval(0.9)
    np.testing.assert_allclose([s[0][0] for s in segs], np.asarray(ci.low)[order])
    np.testing.assert_allclose([s[1][0] for s in segs], np.asarray(ci.high)[order])
    label = ax.get_xlabel()
    assert "90%" in label
    if which == "fit":
        assert label == "Elo rating (90% Wald CI, max covariance)"  # the default covariance
    else:
        assert label == "Elo rating (90% percentile bootstrap CI, 300 resamples)"


def test_plot_ratings_method_kind_top_highlight_and_ax(fit, boot) -> None:  # type: ignore[no-untyped-def]
    _fig, ax = plt.subplots()
    out = P.plot_ratings(boot, method="basic", top=3, highlight=["B"], ax=ax)
    assert out is ax
    assert "basic bootstrap CI" in ax.get_xlabel()
    assert _ticks(ax) == ["A", "B", "C"]
    assert len(_by_gid(ax, "intervals")[0].get_segments()) == 3
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["B"]
    ax2 = P.plot_ratings(fit, kind="model", sort=False)
    assert "model covariance" in ax2.get_xlabel()
    assert _ticks(ax2) == ITEMS
    with pytest.raises(KeyError, match="highlight names unknown items"):
        P.plot_ratings(fit, highlight=["nope"])


def test_plot_ratings_rank_sets_shading(fit) -> None:  # type: ignore[no-untyped-def]
    sets = rank_intervals(fit, simultaneous=True, rng=0)
    ax = P.plot_ratings(fit, rank_sets=sets)
    shaded = [a for a in ax.patches if a.get_gid() == "tied-for-first"]
    assert len(shaded) == len(sets.tied_for_first())
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "rank-set"]
    assert len(texts) == len(ITEMS)


def test_plot_bootstrap_distribution(boot) -> None:  # type: ignore[no-untyped-def]
    ax = P.plot_bootstrap_distribution(boot, items=["C", "A"])
    assert _ticks(ax) == ["A", "C"]
    assert len([c for c in ax.collections if c.get_gid() == "violin"]) == 2
    assert "95%" in ax.get_xlabel()
    assert "percentile bootstrap CI" in ax.get_xlabel().replace("\n", " ")
    with pytest.raises(TypeError, match="needs a bootstrap result"):
        P.plot_bootstrap_distribution(boot.fit)


@pytest.mark.parametrize("which", ["fit", "boot"])
def test_plot_gap_interval_zero_and_pvalue(which, fit, boot) -> None:  # type: ignore[no-untyped-def]
    res = fit if which == "fit" else boot
    ax = P.plot_gap(res, "A", "E")
    t = gap_test(res, "A", "E")
    (est,) = _by_gid(ax, "estimate")
    assert est.get_xdata()[0] == pytest.approx(t.gap)
    (zero,) = _by_gid(ax, "zero")
    assert zero.get_xdata()[0] == 0
    (span,) = _by_gid(ax, "interval")
    xs = ax.transData.inverted().transform(span.get_verts())[:, 0]
    assert xs.min() == pytest.approx(t.ci_low)
    assert xs.max() == pytest.approx(t.ci_high)
    assert "p = " in ax.get_title()
    assert t.method in ax.get_title()
    if which == "boot":
        assert sum(p.get_height() > 0 for p in ax.patches) > 5  # histogram bars
    with pytest.raises(ValueError, match="two different items"):
        P.plot_gap(res, "A", "A")


@pytest.mark.parametrize("kind", ["observed", "predicted", "counts"])
def test_plot_win_matrix(kind, fit) -> None:  # type: ignore[no-untyped-def]
    ax = P.plot_win_matrix(fit, kind=kind)
    order = [ITEMS[i] for i in np.argsort(-fit.ratings)]
    assert _ticks(ax) == order
    assert _ticks(ax, "x") == order
    (im,) = _by_gid(ax, "matrix")
    mat = np.asarray(im.get_array().filled(np.nan))
    idx = np.argsort(-fit.ratings)
    if kind == "predicted":
        np.testing.assert_allclose(mat, fit.win_probability()[np.ix_(idx, idx)])
    elif kind == "observed":
        i, j = idx[0], idx[1]
        c = np.asarray(COUNTS, dtype=float)
        assert mat[0, 1] == pytest.approx(c[i, j] / (c[i, j] + c[j, i]))
    else:
        assert mat[0, 1] == pytest.approx(np.asarray(COUNTS)[idx[0], idx[1]]
                                          + np.asarray(COUNTS)[idx[1], idx[0]])
    assert len([t for t in ax.texts if t.get_gid() == "annotation"]) == 20  # K <= 15
    with pytest.raises(ValueError, match="kind must be one of"):
        P.plot_win_matrix(fit, kind="nope")


def test_plot_win_matrix_no_annotation_for_many_items() -> None:
    rng = np.random.default_rng(0)
    k = 20
    counts = rng.integers(3, 9, (k, k))
    np.fill_diagonal(counts, 0)
    votes = elosim.Votes.from_counts([f"m{i}" for i in range(k)], counts)
    ax = P.plot_win_matrix(elosim.bradley_terry(votes))
    assert not [t for t in ax.texts if t.get_gid() == "annotation"]


def test_plot_pvalues_from_result_and_tests(fit) -> None:  # type: ignore[no-untyped-def]
    tests = pairwise_gap_tests(fit, adjust="holm")
    ax1 = P.plot_pvalues(fit)
    ax2 = P.plot_pvalues(tests)
    assert _ticks(ax1) == _ticks(ax2) == [ITEMS[i] for i in np.argsort(-fit.ratings)]
    m1 = _by_gid(ax1, "matrix")[0].get_array()
    m2 = _by_gid(ax2, "matrix")[0].get_array()
    np.testing.assert_allclose(m1.filled(np.nan), m2.filled(np.nan))
    legend = ax1.get_legend()
    assert legend.get_title().get_text() == "Holm-adjusted p"
    assert [t.get_text() for t in legend.get_texts()][-1].startswith("p \u2265 0.05")


def test_plot_rank_intervals(fit) -> None:  # type: ignore[no-untyped-def]
    sets = rank_intervals(fit, rng=0)
    ax = P.plot_rank_intervals(sets)
    order = np.argsort(-fit.ratings, kind="stable")
    assert _ticks(ax) == [ITEMS[i] for i in order]
    segs = _by_gid(ax, "intervals")[0].get_segments()
    np.testing.assert_allclose([s[0][0] + 0.3 for s in segs], sets.rank_low[order])
    np.testing.assert_allclose([s[1][0] - 0.3 for s in segs], sets.rank_high[order])
    assert "95% marginal rank sets" in ax.get_xlabel()


def test_plot_trajectory() -> None:
    from elosim.simulation.online import online_elo

    votes = elosim.Votes.from_counts(ITEMS, COUNTS)
    res = online_elo(votes, checkpoints=20)
    ax = P.plot_trajectory(res, top=3)
    lines = ax.get_lines()
    assert len(lines) == 3
    best = int(np.argmax(res.ratings))
    np.testing.assert_allclose(lines[0].get_ydata(), res.trajectory[:, best])
    np.testing.assert_allclose(lines[0].get_xdata(), res.checkpoints)
    ax = P.plot_trajectory(res, items=["E", "A"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "E"]


def test_plot_power_modes() -> None:
    from elosim.simulation.planning import power, votes_needed

    ax = P.plot_power(gap=[20])
    line = ax.get_lines()[0]
    x, y = line.get_xdata(), line.get_ydata()
    assert y[len(y) // 2] == pytest.approx(power(20, x[len(x) // 2]))
    marks = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert marks[0].get_xdata()[0] == votes_needed(20)
    ax = P.plot_power(n_votes=[1000, 4000])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1,000 votes", "4,000 votes"]
    ax = P.plot_power(design=["head-to-head", "common-opponents"])
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[1].get_ydata() / lines[0].get_ydata(), 4.0, rtol=0.02)
    assert "votes needed" in ax.get_ylabel()
    with pytest.raises(ValueError, match="several designs"):
        P.plot_power(gap=10, design=["head-to-head", "common-opponents"])


def test_plot_coverage_mapping_and_array() -> None:
    cov = {"a": np.r_[np.ones(95), np.zeros(5)], "b": np.r_[np.ones(80), np.zeros(20)]}
    ax = P.plot_coverage(cov, nominal=0.95)
    assert _ticks(ax) == ["a", "b"]
    (nom,) = _by_gid(ax, "nominal")
    assert nom.get_xdata()[0] == 0.95
    assert "100 simulations" in ax.get_xlabel()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "undercovers" in texts  # b: 0.80 +/- 0.08 is below 0.95
    ax = P.plot_coverage(np.column_stack([cov["a"], cov["b"]]), labels=["x", "y"])
    assert _ticks(ax) == ["x", "y"]
    with pytest.raises(ValueError, match="labels has 1 names for 2 methods"):
        P.plot_coverage(np.column_stack([cov["a"], cov["b"]]), labels=["x"])


def test_plot_comparison_graph(fit) -> None:  # type: ignore[no-untyped-def]
    votes = fit.votes
    ax = P.plot_comparison_graph(votes)
    order = np.argsort(-votes.votes_per_item, kind="stable")
    assert _ticks(ax) == [ITEMS[i] for i in order]
    assert "10 of 10 pairs compared" in ax.get_title()
    ax = P.plot_comparison_graph(fit)
    assert _ticks(ax) == [ITEMS[i] for i in np.argsort(-fit.ratings)]


def test_many_items_scale_figure_and_fonts() -> None:
    rng = np.random.default_rng(1)
    k = 55
    names = [f"model-{i:02d}-with-a-long-name" for i in range(k)]
    counts = rng.integers(4, 12, (k, k))
    np.fill_diagonal(counts, 0)
    fit = elosim.bradley_terry(elosim.Votes.from_counts(names, counts))
    ax = P.plot_ratings(fit)
    _w, h = ax.figure.get_size_inches()
    assert h > 10
    assert all(t.get_fontsize() <= 8 for t in ax.get_yticklabels())
    ax.figure.canvas.draw()  # constrained layout runs without warnings
    boxes = [t.get_window_extent() for t in ax.get_yticklabels()]
    assert all(b1.y0 >= b2.y1 - 0.5 or b2.y0 >= b1.y1 - 0.5 for b1, b2 in itertools.pairwise(boxes))
    ax = P.plot_pvalues(fit)
    ax.figure.canvas.draw()


@pytest.mark.parametrize("k", [4, 20])
def test_win_matrix_marks_rates_resting_on_few_votes(k: int) -> None:
    # a pair with 1 vote shows a rate of 0 or 1: it is marked (dagger, or a dot when the
    # cells are not annotated) and the title says why; pairs with >= 20 votes are not
    rng = np.random.default_rng(1)
    counts = rng.integers(15, 30, (k, k))
    np.fill_diagonal(counts, 0)
    counts[0, 1], counts[1, 0] = 1, 0
    votes = elosim.Votes.from_counts([f"m{i}" for i in range(k)], counts)
    ax = P.plot_win_matrix(elosim.bradley_terry(votes), kind="observed")
    total = counts + counts.T
    n_few = int(np.sum((total > 0) & (total < 20))) // 2
    assert f"fewer than 20 votes between the pair ({n_few} pair(s))" in ax.get_title()
    if k <= 15:
        marked = [t for t in ax.texts if t.get_gid() == "annotation" and "\u2020" in t.get_text()]
        assert len(marked) == 2 * n_few
    else:
        (dots,) = _by_gid(ax, "few-votes")
        assert len(dots.get_offsets()) == 2 * n_few
    dense = elosim.Votes.from_counts([f"m{i}" for i in range(k)], counts + 20 * (counts > 0))
    ax = P.plot_win_matrix(elosim.bradley_terry(dense), kind="observed")
    assert "fewer than" not in ax.get_title()
