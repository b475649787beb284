"""Display helpers: cited intervals, methods text, Markdown/LaTeX/HTML tables."""

from __future__ import annotations

import re

import numpy as np
import pytest

import elosim
from elosim import gap_test, pairwise_gap_tests, report
from elosim._core.format import escape_latex, format_number, format_pvalue, level_text
from elosim._core.table import column_label
from elosim.inference.ranks import rank_intervals

ITEMS = ["A_1", "B&co", "50% C", "#D"]
COUNTS = [[0, 30, 25, 20], [20, 0, 28, 22], [15, 22, 0, 26], [12, 18, 20, 0]]


@pytest.fixture(scope="module")
def fit() -> elosim.BradleyTerryResult:
    return elosim.bradley_terry(elosim.Votes.from_counts(ITEMS, COUNTS))


@pytest.fixture(scope="module")
def boot(fit: elosim.BradleyTerryResult) -> elosim.BootstrapResult:
    return elosim.bootstrap(fit, n_resamples=200, rng=5)


# ---------------------------------------------------------------------------- intervals
def test_format_interval_styles() -> None:
    assert report.format_interval(1541.3, 1533.2, 1549.4) == "1541 (95% CI 1533 to 1549)"
    assert report.format_interval(1541.3, 1533.2, 1549.4, style="pm") == "1541 +8/\u22128"
    assert report.format_interval(1541.3, 1533.2, 1549.4, style="pm", ascii=True) == "1541 +8/-8"
    assert (
        report.format_interval(-2.46, -5.0, 0.5, digits=1, confidence_level=0.9)
        == "\u22122.5 (90% CI \u22125.0 to 0.5)"
    )
    # an interval that does not contain the estimate keeps the right signs
    assert report.format_interval(10, 11, 15, style="pm", ascii=True) == "10 +5/+1"


def test_format_interval_errors() -> None:
    with pytest.raises(ValueError, match="style must be one of"):
        report.format_interval(1, 0, 2, style="x")
    with pytest.raises(ValueError, match="digits must be a non-negative integer; got -1"):
        report.format_interval(1, 0, 2, digits=-1)
    with pytest.raises(ValueError, match="confidence_level"):
        report.format_interval(1, 0, 2, confidence_level=95)


def test_small_formatters() -> None:
    assert level_text(0.95) == "95%"
    assert format_number(-0.01, 1) == "0.0"
    assert format_number(float("inf"), 1) == "inf"
    assert format_pvalue(0.0) == "<1e-300"
    assert format_pvalue(3e-6) == "3.0e-06"
    assert escape_latex(r"a_b&c%d$e#f{g}h~i^j\k") == (
        r"a\_b\&c\%d\$e\#f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k"
    )


def test_interval_description(fit, boot) -> None:  # type: ignore[no-untyped-def]
    assert report.interval_description(fit) == "95% Wald CI, max covariance"  # the default
    assert report.interval_description(fit, kind="sandwich") == "95% Wald CI, sandwich covariance"
    assert report.interval_description(fit, 0.9, kind="model") == "90% Wald CI, model covariance"
    assert report.interval_description(boot) == "95% percentile bootstrap CI, 200 resamples"
    assert report.interval_description(boot, method="bca").startswith("95% BCa bootstrap")


# ---------------------------------------------------------------------------- methods
def test_methods_text_fit(fit) -> None:  # type: ignore[no-untyped-def]
    text = report.methods_text(fit)
    for part in ("maximum likelihood", "Bradley-Terry", "258 pairwise votes", "4 items",
                 "half a win", "mean rating fixed at 1000", "95% Wald",
                 "sandwich", f"elosim {elosim.__version__}"):
        assert part in text
    assert "model-based" in report.methods_text(fit, kind="model", confidence_level=0.9)


def test_methods_text_bootstrap_and_others(fit, boot) -> None:  # type: ignore[no-untyped-def]
    text = report.methods_text(boot, method="bca")
    for part in ("200 resamples", "resampling votes with replacement", f"seed {boot.seed}",
                 "bias-corrected and accelerated", "95%", "258 pairwise votes"):
        assert part in text
    assert "Holm" in report.methods_text(pairwise_gap_tests(fit))
    assert "tested" in report.methods_text(gap_test(fit, fit.items[0], fit.items[1]))
    assert "Mogstad" in report.methods_text(rank_intervals(fit, rng=0))
    wrapped = report.methods_text(fit, width=60)
    assert max(len(line) for line in wrapped.splitlines()) <= 60
    with pytest.raises(TypeError, match="methods_text needs an elosim result"):
        report.methods_text(42)


# ---------------------------------------------------------------------------- tables
def _parse_markdown(text: str) -> tuple[list[str], list[list[str]]]:
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    split = re.compile(r"(?<!\\)\|")

    def cells(line: str) -> list[str]:
        parts = split.split(line)[1:-1]
        return [p.strip().replace("\\|", "|").replace("\\\\", "\\") for p in parts]

    return cells(lines[0]), [cells(ln) for ln in lines[2:]]


def _parse_latex(text: str) -> tuple[list[str], list[list[str]]]:
    body = text.split("\\midrule\n")[1].split("\n\\bottomrule")[0]
    head = text.split("\\toprule\n")[1].split("\n\\midrule")[0]

    def cells(line: str) -> list[str]:
        line = line.removesuffix(r" \\")
        parts = re.split(r"(?<!\\)&", line)
        return [p.strip() for p in parts]

    return cells(head), [cells(ln) for ln in body.splitlines()]


def _unlatex(s: str) -> str:
    return s.replace("$-$", "-").replace(r"\_", "_").replace(r"\&", "&").replace(
        r"\%", "%").replace(r"\#", "#")


@pytest.mark.parametrize("which", ["fit", "boot"])
def test_markdown_and_latex_parse_back(which, fit, boot) -> None:  # type: ignore[no-untyped-def]
    res = fit if which == "fit" else boot
    table = report.result_table(res, digits=2)
    cols = table.columns
    md_head, md_rows = _parse_markdown(report.to_markdown(table))
    tex_head, tex_rows = _parse_latex(report.to_latex(table))
    assert md_head == [column_label(c) for c in cols]
    assert [_unlatex(h) for h in tex_head] == [column_label(c) for c in cols]
    for rows, fix in ((md_rows, str), (tex_rows, _unlatex)):
        assert len(rows) == len(ITEMS)
        for r, row in enumerate(rows):
            got = dict(zip(cols, (fix(c) for c in row), strict=True))
            assert got["item"] == cols["item"][r]
            assert int(got["rank"]) == cols["rank"][r]
            assert int(got["n_votes"]) == cols["n_votes"][r]
            for c in ("rating", "standard_error", "ci_low", "ci_high"):
                assert float(got[c]) == pytest.approx(round(cols[c][r], 2), abs=1e-9)


def test_pairwise_table_parses_back_with_negative_numbers() -> None:
    reverse = elosim.Votes.from_counts(ITEMS, np.asarray(COUNTS).T)
    tests = pairwise_gap_tests(elosim.bradley_terry(reverse))
    table = report.result_table(tests)
    head, rows = _parse_markdown(report.to_markdown(table))
    assert head[:3] == ["Item A", "Item B", "Gap"]
    gaps = [float(r[2]) for r in rows]
    np.testing.assert_allclose(gaps, np.round(table.columns["gap"], 1))
    # two-sided tests are shown better item first, whatever the stored orientation
    assert any(g < 0 for g in tests.gap)
    assert all(g >= 0 for g in gaps)
    _, trows = _parse_latex(report.to_latex(table))
    np.testing.assert_allclose([float(_unlatex(r[2])) for r in trows],
                               np.round(table.columns["gap"], 1))


def test_latex_booktabs_escaping_and_float(fit) -> None:  # type: ignore[no-untyped-def]
    tex = report.result_latex(fit, label="tab:elo")
    for part in (r"\toprule", r"\midrule", r"\bottomrule", r"\begin{table}", r"\label{tab:elo}",
                 r"A\_1", r"B\&co", r"50\% C", r"\#D", r"SE", r"95\% Wald"):
        assert part in tex


def test_html_escapes_script_and_caps_rows() -> None:
    evil = "<script>alert(1)</script>"
    out = report.html_table({"item": [evil, "b"], "rating": [1.0, 2.0]})
    assert evil not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    n = 150
    big = {"item": [f"m{i}" for i in range(n)], "rating": list(np.linspace(0, 1, n))}
    capped = report.html_table(big, max_rows=60)
    assert capped.count("<tr>") == 1 + 60 + 1  # header, rows, the "more rows" line
    assert "… 90 more rows" in capped
    assert "m0<" in capped
    assert f"m{n - 1}<" in capped
    assert "m75<" not in capped
    assert report.html_table(big, max_rows=None).count("<tr>") == n + 1


def test_result_html_escapes_item_names() -> None:
    evil = "<script>alert(1)</script>"
    votes = elosim.Votes.from_counts([evil, "b", "c"], [[0, 5, 4], [3, 0, 5], [2, 4, 0]])
    fit = elosim.bradley_terry(votes)
    out = report.result_html(fit)  # no warning: the display carries the caveat itself
    assert "fewer than 20 votes" in out
    assert evil not in out
    assert "&lt;script&gt;" in out
    assert "95% Wald CI" in out


def test_markdown_caps_and_escapes_pipes() -> None:
    md = report.to_markdown({"item": ["a|b", *[f"x{i}" for i in range(9)]], "n": list(range(10))},
                            max_rows=4)
    assert "a\\|b" in md
    assert "… 6 more rows" in md
    assert len([ln for ln in md.splitlines() if ln.startswith("|")]) == 2 + 4 + 1


def test_table_errors() -> None:
    with pytest.raises(ValueError, match="same number of values"):
        report.Table({"a": [1, 2], "b": [1]})
    with pytest.raises(TypeError, match="a table must be"):
        report.to_markdown([1, 2, 3])
    with pytest.raises(TypeError, match="no standard table"):
        report.result_table(object())


def test_repr_line() -> None:
    assert report.repr_line("X", "1 item", "", "2 votes") == "<X: 1 item, 2 votes>"
    long = report.repr_line("X", "y" * 300)
    assert len(long) == 160
    assert long.endswith("…>")


def test_dataframe_input() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"item": ["a", "b"], "rating": [1.25, -2.5]})
    md = report.to_markdown(df, formats={"rating": ".1f"})
    assert "|   -2.5 |" in md or "-2.5" in md
