"""Every public result: one-line repr, summary() text, escaped HTML, Markdown, LaTeX, to_frame.

The protocol (STYLE.md, "Display and reports"): a one-line ``__repr__``, a fixed-width
``summary()``, an escaped and size-capped ``_repr_html_``, ``to_markdown()``, ``to_latex()``
(booktabs tabular) and ``to_frame()`` (pandas, imported lazily, with a clear error when
missing), all built from the same standard table (:func:`elosim.report.result_table`).
"""

from __future__ import annotations

import inspect
import math
import re
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import elosim
from elosim import report
from elosim._core.format import format_pvalue
from elosim._core.table import Bound, column_label

SCRIPT = "<script>alert(1)</script>"

# Every public result class, explicitly (the coverage test below checks this list against
# ``elosim.__all__``).
RESULT_CLASSES: tuple[type, ...] = (
    elosim.BradleyTerryResult,
    elosim.BootstrapResult,
    elosim.ContextualBradleyTerryResult,
    elosim.ContextualBootstrapResult,
    elosim.CoefficientsResult,
    elosim.SubsetComparisonResult,
    elosim.GapTestResult,
    elosim.PairwiseGapTests,
    elosim.ReportedGapTest,
    elosim.RankSetResult,
    elosim.QuasiVarianceResult,
    elosim.OnlineEloResult,
    elosim.EloBTComparison,
    elosim.SimulatedPower,
    elosim.VotesToFlipResult,
    elosim.TopRobustnessResult,
    elosim.CoverageStudyResult,
    elosim.GapPowerSimulation,
    elosim.TrueWinProbability,
    elosim.VotesSummary,
)

# Public names that match a result-like suffix but are not results, with the reason.
NOT_RESULTS: dict[type, str] = {
    # (low, high) value tuples returned by a result's method; shown through that result
    elosim.ConfidenceInterval: "value tuple of BradleyTerryResult/BootstrapResult intervals",
    elosim.OrderingInterval: "value tuple of OnlineEloResult.ordering_interval()",
    # one estimate and its Monte-Carlo SE; a cell of CoverageStudyResult's table
    elosim.MonteCarloEstimate: "value tuple of CoverageStudyResult.coverage()",
    # one row of VotesToFlipResult's table
    elosim.RemovedVotes: "row of VotesToFlipResult's table",
    # the input data (its summary() is the VotesSummary result)
    elosim.Votes: "input data; Votes.summary() returns the VotesSummary result",
}

RESULT_SUFFIXES = (
    "Result", "Tests", "Test", "Comparison", "Power", "Simulation", "Estimate", "Summary",
    "Probability", "Interval", "Votes",
)

# Results with a methods paragraph; the others raise TypeError.
WITH_METHODS_TEXT = {
    "BradleyTerryResult", "BootstrapResult", "GapTestResult", "PairwiseGapTests",
    "ContextualBradleyTerryResult", "ContextualBootstrapResult",
    "RankSetResult", "QuasiVarianceResult", "OnlineEloResult",
}


def _build(items: list[str]) -> dict[str, Any]:
    """One small instance of every result class, with ``items`` as labels where possible."""
    counts = [[0, 30, 25, 20], [20, 0, 28, 22], [15, 22, 0, 26], [12, 18, 20, 0]]
    votes = elosim.Votes.from_counts(items, counts)
    fit = elosim.bradley_terry(votes)
    boot = elosim.bootstrap(fit, n_resamples=60, rng=1)
    ratings = {items[0]: 1050.0, items[1]: 1000.0, items[2]: 990.0, items[3]: 960.0}
    n = votes.n_votes
    style = np.random.default_rng(0).standard_normal(n)
    home = np.where(np.arange(n) % 3 == 0, 1.0, np.where(np.arange(n) % 3 == 1, -1.0, 0.0))
    cfit = elosim.bradley_terry(votes, features={"home": home, "style": style})
    out: dict[str, Any] = {
        "ContextualBradleyTerryResult": cfit,
        "ContextualBootstrapResult": elosim.bootstrap(cfit, n_resamples=40, rng=1),
        "CoefficientsResult": cfit.coefficients,
        "SubsetComparisonResult": elosim.compare_subsets(
            votes, np.arange(n) % 2 == 0, gap=(items[0], items[1])
        ),
        "BradleyTerryResult": fit,
        "BootstrapResult": boot,
        "GapTestResult": fit.gap_test(items[0], items[1]),
        "PairwiseGapTests": fit.pairwise_gap_tests(),
        "ReportedGapTest": elosim.gap_test_from_reported(
            1541.0, (1533.0, 1549.0), 1530.0, (1521.0, 1538.0), correlation=0.3
        ),
        "RankSetResult": fit.rank_intervals(rng=2, n_draws=200),
        "QuasiVarianceResult": fit.quasi_variances(),
        "OnlineEloResult": elosim.online_elo(votes, n_orderings=3, rng=3),
        "EloBTComparison": elosim.compare_elo_bt(
            ratings, 400, k=(4.0, 16.0), n_orderings=2, rng=4
        ),
        "SimulatedPower": elosim.simulated_power(20.0, 2000, n_simulations=200, rng=5),
        "VotesToFlipResult": elosim.votes_to_flip(fit, items[0], items[1]),
        "TopRobustnessResult": elosim.top_robustness(fit, n_verify=1),
        "CoverageStudyResult": elosim.coverage_study(
            ratings, 400, n_simulations=3, methods=("wald-sandwich",), rank_sets=False, rng=6
        ),
        "GapPowerSimulation": elosim.simulated_gap_power(
            40.0, 300, n_simulations=5, rng=7
        ),
        "TrueWinProbability": elosim.true_win_probability(
            ratings, ties="symmetric", tie_rate=0.2
        ),
        "VotesSummary": votes.summary(),
    }
    return out


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return _build(["alpha", "beta", "gamma", "delta"])


@pytest.fixture(scope="module")
def hostile() -> dict[str, Any]:
    """The same results with an item named like an HTML script tag (and Markdown/LaTeX
    specials)."""
    return _build([SCRIPT, "b|c", "d_e & f", "g%h"])


@pytest.fixture(scope="module")
def baseball() -> dict[str, Any]:
    votes = elosim.datasets.load_bradleyterry2("baseball")
    assert isinstance(votes, elosim.Votes)
    fit = elosim.bradley_terry(votes)
    return {
        "VotesSummary": votes.summary(),
        "BradleyTerryResult": fit,
        "VotesToFlipResult": elosim.votes_to_flip(fit, fit.items[0], fit.items[1]),
        "TopRobustnessResult": elosim.top_robustness(fit, n_verify=1),
        "PairwiseGapTests": fit.pairwise_gap_tests(),
    }


NAMES = [c.__name__ for c in RESULT_CLASSES]


# ---------------------------------------------------------------------------- coverage
def test_every_public_result_class_is_listed() -> None:
    public = {
        obj
        for name in elosim.__all__
        if inspect.isclass(obj := getattr(elosim, name))
        and name.endswith(RESULT_SUFFIXES)
        and not issubclass(obj, (Exception, Warning))
    }
    assert public == set(RESULT_CLASSES) | set(NOT_RESULTS)
    assert not set(RESULT_CLASSES) & set(NOT_RESULTS)


def test_every_listed_class_is_built(results: dict[str, Any]) -> None:
    assert set(results) == set(NAMES)
    for cls in RESULT_CLASSES:
        assert type(results[cls.__name__]) is cls


def test_import_is_lazy() -> None:
    code = (
        "import sys, elosim; "
        "bad = [m for m in ('pandas', 'matplotlib', 'IPython', 'hypothesis') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------------- protocol
@pytest.mark.parametrize("name", NAMES)
def test_repr_is_one_short_line(results: dict[str, Any], baseball: dict[str, Any],
                                name: str) -> None:
    for res in (results[name], baseball.get(name)):
        if res is None:
            continue
        text = repr(res)
        assert "\n" not in text
        assert 0 < len(text) < 300


@pytest.mark.parametrize("name", NAMES)
def test_summary_is_text(results: dict[str, Any], hostile: dict[str, Any], name: str) -> None:
    for res in (results[name], hostile[name]):
        text = res.summary()
        assert isinstance(text, str)
        assert text.strip()


@pytest.mark.parametrize("name", NAMES)
def test_html_is_escaped(hostile: dict[str, Any], name: str) -> None:
    html = hostile[name]._repr_html_()
    assert isinstance(html, str)
    assert "<script" not in html.lower()
    assert "<table" in html  # every result has a standard table


def test_html_escapes_item_names(hostile: dict[str, Any]) -> None:
    # results whose table shows item labels show the escaped script tag
    for name in ("BradleyTerryResult", "PairwiseGapTests", "VotesToFlipResult",
                 "TopRobustnessResult", "TrueWinProbability", "VotesSummary",
                 "GapTestResult", "RankSetResult", "OnlineEloResult"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile[name]._repr_html_(), name


def test_html_is_size_capped() -> None:
    items = [f"item{i:02d}" for i in range(40)]
    ratings = dict(zip(items, [1000.0 + 5 * i for i in range(40)], strict=True))
    twp = elosim.true_win_probability(ratings)  # 780 pairs
    html = twp._repr_html_()
    assert html.count("<tr>") <= 62
    assert "more rows" in html


@pytest.mark.parametrize("name", NAMES)
def test_latex_is_a_booktabs_tabular(hostile: dict[str, Any], name: str) -> None:
    tex = hostile[name].to_latex()
    # every result table has notes (the interval, the caveats), so it is a captioned float
    assert tex.startswith((r"\begin{table}", r"\begin{longtable}"))
    assert r"\toprule" in tex
    assert r"\bottomrule" in tex
    assert tex.endswith((r"\end{table}", r"\end{longtable}"))
    assert "<script>" not in tex
    wrapped = hostile[name].to_latex(caption="A caption", label="tab:x")
    assert r"\begin{table}" in wrapped
    assert r"\label{tab:x}" in wrapped
    # a caption of one's own keeps the notes (which interval, caveats) after it
    table = report.result_table(hostile[name])
    assert r"\caption{A caption. " in wrapped or not table.notes


@pytest.mark.parametrize("name", NAMES)
def test_to_frame_has_the_table_columns(results: dict[str, Any], name: str) -> None:
    pytest.importorskip("pandas")
    res = results[name]
    table = report.result_table(res)
    frame = res.to_frame()
    assert set(table.columns) <= set(frame.columns)
    assert len(frame) == table.n_rows


@pytest.mark.parametrize("name", NAMES)
def test_to_frame_without_pandas_is_a_clear_error(
    results: dict[str, Any], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes ``import pandas`` fail
    with pytest.raises(ImportError, match="needs pandas"):
        results[name].to_frame()


@pytest.mark.parametrize("name", NAMES)
def test_methods_text(results: dict[str, Any], name: str) -> None:
    res = results[name]
    if name in WITH_METHODS_TEXT:
        assert isinstance(res.methods_text(), str)
    else:
        with pytest.raises(TypeError, match=type(res).__name__):
            res.methods_text()


# ---------------------------------------------------------------------------- markdown
def _parse_markdown(text: str) -> tuple[list[str], list[list[str]]]:
    lines = [x for x in text.splitlines() if x.startswith("|")]
    split = [[c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", x)[1:-1]]
             for x in lines]
    split = [r for r in split if not r[0].startswith("…")]
    return split[0], split[2:]


def _decimals(spec: str | None) -> int | None:
    if spec and spec.startswith(".") and spec.endswith("f"):
        return int(spec[1:-1])
    return None


def _check_cell(cell: str, value: Any, spec: str | None) -> None:
    if value is None:
        assert cell == ""
        return
    if isinstance(value, str):
        assert cell == value
        return
    v = float(value)
    if math.isnan(v):
        assert cell == "nan"
        return
    if isinstance(value, Bound):  # a p-value at a resampling floor: "≤ 0.0099"
        assert cell.startswith("≤ ")
        assert float(cell[2:]) == float(format_pvalue(v))
        return
    if cell.startswith("<"):  # "< 0.001" in tables
        assert v < 1e-3 if spec == "p" else v < 1e-300
        return
    parsed = float(cell)
    if math.isinf(v):
        assert parsed == v
        return
    d = _decimals(spec)
    if d is not None:
        assert abs(parsed - v) <= 0.5 * 10.0 ** (-d) + 1e-9 * max(1.0, abs(v))
    elif spec == "p":
        assert parsed == float(format_pvalue(v))  # 3 decimals, 4 below 0.01, then 1e-5 style
    elif isinstance(value, int):
        assert parsed == v
    else:
        assert parsed == pytest.approx(v, rel=1e-2, abs=5e-3)


@pytest.mark.parametrize("name", NAMES)
def test_markdown_parses_back(results: dict[str, Any], hostile: dict[str, Any],
                              name: str) -> None:
    for res in (results[name], hostile[name]):
        table = report.result_table(res)
        header, rows = _parse_markdown(res.to_markdown())
        assert header == [column_label(c) for c in table.columns]
        assert len(rows) == table.n_rows
        for i, row in enumerate(rows):
            for col, cell in zip(table.columns, row, strict=True):
                _check_cell(cell, table.columns[col][i], table.formats.get(col))
        if table.title:
            assert "Table: " + table.title in res.to_markdown()


# ---------------------------------------------------------------------------- specific
def test_new_tables_carry_settings(results: dict[str, Any]) -> None:
    sp = report.result_table(results["SimulatedPower"])
    assert list(sp.columns) == ["gap", "n_votes", "power", "standard_error", "n_simulations"]
    assert "head-to-head" in sp.notes[0]
    assert "0.05" in sp.notes[0]
    gp = report.result_table(results["GapPowerSimulation"])
    assert "wald-sandwich" in gp.notes[0]
    rg = report.result_table(results["ReportedGapTest"])
    assert rg.columns["correlation"] == [0.3]
    assert "95%" in rg.notes[0]
    vs = report.result_table(results["VotesSummary"])
    assert list(vs.columns) == ["item", "n_votes", "fraction_of_votes"]
    assert sum(vs.columns["n_votes"]) == 2 * results["VotesSummary"].n_votes
    tw = report.result_table(results["TrueWinProbability"])
    assert tw.n_rows == 6
    for a, b, t in zip(tw.columns["p_win_a"], tw.columns["p_win_b"], tw.columns["p_tie"],
                       strict=True):
        assert a + b + t == pytest.approx(1.0)
    cmp_ = report.result_table(results["EloBTComparison"])
    assert cmp_.columns["method"][0] == "bradley-terry"
    assert cmp_.columns["k"][0] is None


def test_pairwise_summary_is_capped(baseball: dict[str, Any]) -> None:
    pw = baseball["PairwiseGapTests"]
    text = pw.summary(max_rows=5)
    assert "16 more pairs" in text  # 21 pairs of 7 teams
    assert text.count("\n") < 15


def test_votes_summary_text_is_str(results: dict[str, Any]) -> None:
    s = results["VotesSummary"]
    assert s.summary() == str(s)
    assert repr(s).startswith("<VotesSummary: 258 votes, 4 items, 0 ties")
