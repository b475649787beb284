"""What the reader sees (issue 14): caveats in every output, tables, pairwise views, the
command line as a user runs it, progress bars, reproducible rank sets, first impressions,
citations and packaging metadata."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomllib

import elosim
from elosim import report
from elosim._core import progress
from elosim._core.table import LONGTABLE_ROWS, Bound, Table, to_latex, to_text

ROOT = Path(__file__).resolve().parents[1]
SPARSE_NOTE = "item(s) with fewer than 20 votes"

# the sparse-item caveat is what several tests here show; its warning is tested elsewhere
pytestmark = pytest.mark.filterwarnings("ignore::elosim.SparseDataWarning")


# ---------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def sparse_fit() -> Any:
    """Four well-measured items and one with 3 votes (a sparse item)."""
    items = ["alpha", "beta", "gamma", "delta", "a-model-name-that-is-much-longer-than-thirty"]
    wins = np.array(
        [
            [0, 60, 70, 80, 1],
            [40, 0, 55, 65, 0],
            [30, 45, 0, 60, 1],
            [20, 35, 40, 0, 0],
            [1, 0, 0, 0, 0],
        ]
    )
    return elosim.bradley_terry(elosim.Votes.from_counts(items, wins))


@pytest.fixture(scope="module")
def lmarena_fit() -> Any:
    return elosim.bradley_terry(elosim.datasets.load_lmarena_140k())


def _run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "elosim", *args], capture_output=True, text=True, env=env,
        cwd=cwd, timeout=600, check=False,
    )


# ---------------------------------------------------------------------------- 1. caveats
def test_caveats_reach_every_format(sparse_fit: Any) -> None:
    pytest.importorskip("pandas")
    caveats = sparse_fit.caveats()
    assert len(caveats) == 1
    assert SPARSE_NOTE in caveats[0]
    assert "a-model-name-that-is-much-longer-than-thirty" in caveats[0]
    outputs = {
        "summary": sparse_fit.summary(),
        "html": sparse_fit._repr_html_(),
        "markdown": sparse_fit.to_markdown(),
        "latex": sparse_fit.to_latex(),
    }
    for name, text in outputs.items():
        assert SPARSE_NOTE in text, name
        assert "95% Wald CI, max covariance" in text.replace("\\%", "%"), name
    # the row of the sparse item is flagged, not only the note
    assert "a-model-name-that-is-much-longer-than-thirty †" in outputs["summary"]
    assert "a-model-name-that-is-much-longer-than-thirty \\textdagger{}" in outputs["latex"]
    assert sparse_fit.to_frame().attrs["caveats"] == caveats


def test_bootstrap_caveats_include_redrawn_resamples(sparse_fit: Any) -> None:
    with pytest.warns(elosim.DegenerateBootstrapWarning):
        boot = elosim.bootstrap(sparse_fit, n_resamples=60, rng=3)
    assert boot.n_degenerate > 0
    notes = boot.caveats()
    assert any("degenerate resamples" in n for n in notes)
    for text in (boot.summary(), boot._repr_html_(), boot.to_markdown(), boot.to_latex()):
        assert f"{boot.n_degenerate} degenerate resamples" in text
        assert SPARSE_NOTE in text


def test_caveats_protocol_takes_a_results_own_notes() -> None:
    class Custom:
        items = ("a", "b")
        pvalue = 0.5
        method = "Wald"

        def _caveats(self) -> list[str]:
            return ["Custom caveat.", "Custom caveat."]

    assert report.caveats(Custom()) == ("Custom caveat.",)


def test_latex_caption_appends_and_labels_relabel(sparse_fit: Any) -> None:
    tex = sparse_fit.to_latex(caption="Arena ratings", label="tab:x")
    cap = next(line for line in tex.splitlines() if line.startswith(r"\caption"))
    assert cap.startswith(r"\caption{Arena ratings. 95\% Wald CI")
    assert "fewer than 20 votes" in cap
    md = sparse_fit.to_markdown(labels={"ci_low": "Lower", "ci_high": "Upper"})
    assert [c.strip() for c in md.splitlines()[0].split("|")[1:-1]] == [
        "Rank", "Item", "Rating", "SE", "Lower", "Upper", "Votes"
    ]
    default = sparse_fit.to_markdown().splitlines()[0]
    for code_name in ("ci_low", "standard_error", "n_votes"):
        assert code_name not in default


def test_longtable_option_and_automatic_switch() -> None:
    n = LONGTABLE_ROWS + 1
    table = Table({"item": [f"m{i}" for i in range(n)], "rating": list(range(n))},
                  title="Long", notes=("A note.",))
    long_tex = to_latex(table)
    assert long_tex.startswith(r"\begin{longtable}{lr}")
    assert r"\endhead" in long_tex
    assert r"\caption{Long. A note.} \\" in long_tex
    short = Table({k: v[:5] for k, v in table.columns.items()}, title="Short")
    assert to_latex(short).startswith(r"\begin{table}")
    assert to_latex(short, longtable=True).startswith(r"\begin{longtable}")
    assert to_latex(table, longtable=False).startswith(r"\begin{table}")


# ---------------------------------------------------------------------------- 2. one renderer
def test_every_text_table_goes_through_the_one_renderer(sparse_fit: Any) -> None:
    from elosim._core import format as fmt
    from elosim.present.cli import commands

    assert not hasattr(fmt, "leaderboard_text")
    assert not hasattr(commands, "_text_table")
    assert not hasattr(commands, "_report_table")
    table_text = to_text(report.result_table(sparse_fit))
    assert table_text in sparse_fit.summary()
    ranks = sparse_fit.rank_intervals(rng=0)
    assert to_text(report.result_table(ranks)) in ranks.summary()


def test_text_writer_keeps_full_names_or_marks_the_cut() -> None:
    long = "x" * 50
    text = to_text({"item": [long, "b"], "votes": [1200, 3]})
    assert long in text
    assert "1,200" in text
    cut = to_text({"item": [long]}, max_width=20)
    assert "x" * 19 + "…" in cut
    assert long not in cut


# ---------------------------------------------------------------------------- 3. pairwise
def test_pairwise_rating_order_full_names_and_bounds(lmarena_fit: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sparse-data warning of the 2-vote model
        tests = lmarena_fit.pairwise_gap_tests()
    text = tests.summary(max_rows=60)
    order = [lmarena_fit.items[i] for i in np.argsort(-lmarena_fit.ratings, kind="stable")]
    rows = [ln for ln in text.splitlines() if ln.startswith(tuple(order))]
    # neighbours first, better item first, in rating order
    for k, line in enumerate(rows[:10]):
        assert line.split()[:2] == [order[k], order[k + 1]]
    longest = max(lmarena_fit.items, key=len)
    assert len(longest) > 30
    assert longest in text  # never cut at 30 characters
    assert "< 0.001" in text  # underflowed and tiny p-values as bounds, never "0"
    assert re.search(r"\s0\s*$", text, re.M) is None


def test_adjacent_gaps_match_direct_gap_tests(lmarena_fit: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tests = lmarena_fit.pairwise_gap_tests()
        adj = tests.adjacent()
        order = np.argsort(-lmarena_fit.ratings, kind="stable")
        assert adj.n_pairs == len(order) - 1
        assert adj.n_family == tests.n_pairs
        for k in (0, 10, 30):
            a, b = lmarena_fit.items[order[k]], lmarena_fit.items[order[k + 1]]
            assert (adj.item_a[k], adj.item_b[k]) == (a, b)
            direct = lmarena_fit.gap_test(a, b)
            assert adj.gap[k] == pytest.approx(direct.gap)
            assert adj.ci_low[k] == pytest.approx(direct.ci_low)
            assert adj.pvalue[k] == pytest.approx(direct.pvalue)
    assert np.all(adj.gap >= 0)
    assert "adjusted over 1,378 pairs" in adj.summary()


def test_bootstrap_pvalue_floor_is_shown_as_a_bound() -> None:
    votes = elosim.Votes.from_counts(
        ["top", "mid", "low"], [[0, 900, 950], [100, 0, 800], [50, 200, 0]]
    )
    boot = elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=99, rng=1)
    tests = boot.pairwise_gap_tests(method="percentile")
    table = report.result_table(tests)
    cells = table.columns["pvalue"]
    assert any(isinstance(c, Bound) for c in cells)
    md = tests.to_markdown()
    assert "≤ 0.020 " in md  # two-sided floor 2 / (B + 1) = 0.02
    assert any("cannot go below 0.020 " in n for n in tests.caveats())
    wald = boot.pairwise_gap_tests(method="wald")
    assert not any(isinstance(c, Bound) for c in report.result_table(wald).columns["pvalue"])


# ---------------------------------------------------------------------------- 4. CLI
def test_cli_intermixed_options_and_positionals(tmp_path: Path) -> None:
    csv = tmp_path / "votes.csv"
    rows = ["model_a,model_b,winner"] + ["x,y,model_a"] * 30 + ["y,x,model_a"] * 20 + [
        "x,z,model_a"] * 25 + ["z,y,tie"] * 25 + ["x,x,tie"]
    csv.write_text("\n".join(rows) + "\n")
    run = _run_cli("compare", str(csv), "--drop-self", "x", "y")
    assert run.returncode == 0, run.stderr
    assert "Gap test" in run.stdout
    assert "seed" not in run.stdout.splitlines()[0]
    run2 = _run_cli("compare", "--drop-self", str(csv), "x", "--confidence-level", "0.9", "y")
    assert run2.returncode == 0, run2.stderr
    assert "90% CI" in run2.stdout


def test_cli_figures_are_sized_by_elosim_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    from matplotlib.image import imread

    from elosim.plot import plot_win_matrix

    out = tmp_path / "wm.png"
    run = _run_cli("plot", "--example", "lmarena-140k", "--kind", "win-matrix", "--top", "15",
                   "--out", str(out), "--dpi", "50")
    assert run.returncode == 0, run.stderr
    fit = elosim.bradley_terry(elosim.datasets.load_lmarena_140k())
    ax = plot_win_matrix(fit, top=15)
    try:
        w, h = ax.figure.get_size_inches()
    finally:
        plt.close(ax.figure)
    img = imread(out)
    assert img.shape[1] == pytest.approx(w * 50, abs=2)
    assert img.shape[0] == pytest.approx(h * 50, abs=2)


def test_cli_figure_uses_no_pyplot_state() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from elosim.present.plot.common import _axes, bare_figures

    before = plt.get_fignums()
    with bare_figures():
        ax = _axes(None, (3.0, 2.0))
    assert tuple(ax.figure.get_size_inches()) == (3.0, 2.0)
    assert plt.get_fignums() == before  # no pyplot figure was opened


# ---------------------------------------------------------------------------- 5. progress
class _FakeShell:
    pass


_FakeShell.__name__ = "ZMQInteractiveShell"


def _fake_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = type(sys)("IPython")
    fake.get_ipython = _FakeShell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)


def test_progress_bar_uses_tqdm_auto_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    _fake_notebook(monkeypatch)
    assert progress.in_notebook()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bar = progress.progress_bar(5, desc="bootstrap")
        with bar:
            bar.update(5)
    assert type(bar).__name__ == "_Tqdm"
    assert bar.n == 5


def test_progress_bar_fallback_draws_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_notebook(monkeypatch)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # tqdm not installed
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    with progress.progress_bar(4, desc="bootstrap") as bar:
        bar.update(4)
    assert isinstance(bar, progress.ProgressBar)
    assert "bootstrap 100%" in buf.getvalue()


def test_progress_bar_is_silent_in_logs_and_when_off(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    with progress.progress_bar(4, desc="x") as bar:
        bar.update(4)
    _fake_notebook(monkeypatch)
    with progress.progress_bar(4, desc="x", enabled=False) as bar:
        bar.update(4)
    assert buf.getvalue() == ""


# ---------------------------------------------------------------------------- 6. rank seed
def test_rank_sets_draw_record_and_show_their_seed(sparse_fit: Any) -> None:
    first = sparse_fit.rank_intervals(simultaneous=True)
    assert isinstance(first.seed, int)
    again = sparse_fit.rank_intervals(simultaneous=True, rng=first.seed)
    np.testing.assert_array_equal(first.rank_low, again.rank_low)
    np.testing.assert_array_equal(first.rank_high, again.rank_high)
    assert f"random seed {first.seed}" in first.methods_text()
    assert f"seed {first.seed}" in first.summary()
    assert sparse_fit.rank_intervals(rng=5).seed == 5


# ---------------------------------------------------------------------------- 7. first look
def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_docs_landing_example_runs_on_the_real_csv_without_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pandas")
    frame = elosim.datasets.load_lmarena_140k(as_frame=True)  # every row, self-battles too
    assert (frame["model_a"] == frame["model_b"]).sum() == 10
    frame[["model_a", "model_b", "winner"]].to_csv(tmp_path / "battles.csv", index=False)
    monkeypatch.chdir(tmp_path)
    (code,) = _python_blocks(ROOT / "docs" / "index.md")
    code = code.replace("n_resamples=1000", "n_resamples=100")
    exec(compile(code, "docs/index.md", "exec"), {})  # warnings are errors here
    out = capsys.readouterr().out
    assert "gemini-2.5-pro" in out
    assert "qwen3-coder-480b-a35b-instruct" not in out  # the 2-vote model is left out
    assert "Gaps between neighbours in the rating order" in out


def test_readme_quick_start_runs_without_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code = _python_blocks(ROOT / "README.md")[0].replace("n_resamples=1000", "n_resamples=100")
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "@software{elosim," in out
    assert SPARSE_NOTE not in out
    assert "--min-votes 20" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_votes_needed_claims() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "947,458" in text
    assert "686,905" in text
    assert elosim.votes_needed(1) == 947_458
    assert elosim.votes_needed(1, tie_rate=0.275) == 686_905
    votes = elosim.datasets.load_lmarena_140k()
    tie_rate = float(np.mean(np.asarray(votes.outcome) == 2))
    assert round(tie_rate, 3) == 0.275


# ---------------------------------------------------------------------------- 8. references
def test_no_unshipped_methods_citations() -> None:
    pattern = re.compile(r"METHODS [A-E]\d")
    for base in (ROOT / "src", ROOT / "docs"):
        for path in base.rglob("*"):
            if path.suffix in (".py", ".md", ".ipynb") and "_build" not in path.parts:
                assert not pattern.search(path.read_text(encoding="utf-8")), path
    refs = (ROOT / "docs" / "explanation" / "references.md").read_text(encoding="utf-8")
    for label in ("ref-gap-variance", "ref-power", "ref-rank-sets", "ref-elo-scale",
                  "ref-online-elo", "ref-ties", "ref-robustness", "ref-bootstrap-mc",
                  "ref-poissonisation", "ref-many-items"):
        assert f"({label})=" in refs


def test_cite_gives_bibtex_for_elosim_and_the_methods_used(sparse_fit: Any) -> None:
    own = elosim.cite()
    assert own.startswith("@software{elosim,")
    assert f"version = {{{elosim.__version__}}}" in own
    ranks = sparse_fit.rank_intervals(simultaneous=True, rng=0)
    bib = elosim.cite(ranks)
    assert "@article{mogstad2024," in bib
    fit_bib = elosim.cite(sparse_fit)
    for key in ("bradley1952", "huber1967", "white1982"):
        assert "{" + key + "," in fit_bib
    boot = elosim.bootstrap(elosim.bradley_terry(elosim.Votes.from_counts(
        ["a", "b", "c"], [[0, 60, 50], [40, 0, 60], [50, 40, 0]])), n_resamples=50, rng=0)
    assert "@article{efron1987," in elosim.cite(boot)
    assert bib.count("@") == bib.count("\n}")
    assert bib.count("{") == bib.count("}")


def test_methods_text_names_references_fully(sparse_fit: Any) -> None:
    text = sparse_fit.rank_intervals(rng=0).methods_text()
    assert "References:" in text
    assert "Review of Economic Studies 91(1), 476-518" in text
    plain = sparse_fit.methods_text(references=False)
    assert "References:" not in plain


def test_citation_cff_is_complete() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    for field in ("cff-version: 1.2.0", "title:", "authors:", "version: \"0.1.0\"",
                  "license: BSD-3-Clause"):
        assert field in text
    assert f'version: "{elosim.__version__}"' in text


# ---------------------------------------------------------------------------- 9. hygiene
def test_strategies_without_hypothesis_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import elosim.testing.strategies\n"
        "except ImportError as e:\n    print(e)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src")}, timeout=300, check=False)
    assert 'pip install "elosim[strategies]"' in run.stdout, run.stderr


def test_packaging_extras_urls_and_licences() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = meta["optional-dependencies"]
    test = " ".join(extras["test"])
    assert "ruff" not in test
    assert "mypy" not in test
    assert "nbmake" in test
    assert "ruff" in " ".join(extras["lint"])
    assert "mypy" in " ".join(extras["lint"])
    assert "hypothesis" in " ".join(extras["strategies"])
    assert "tqdm" in " ".join(extras["progress"])
    assert "nbmake" not in " ".join(extras["docs"])
    for url in ("Homepage", "Documentation", "Source", "Issues"):
        assert meta["urls"][url].startswith("https://")
    for licence in ("BSD-3-Clause", "CC-BY-4.0", "GPL-2.0-or-later", "CC0-1.0"):
        assert licence in meta["license"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '".[dev' in ci
    assert {"test", "lint", "docs"} <= set(re.findall(r"\w+", " ".join(extras["dev"])))


def _unqualified_names() -> dict[str, set[str]]:
    """Names a docstring example uses without defining or importing them."""
    import ast
    import builtins
    import doctest
    import importlib
    import pkgutil

    finder = doctest.DocTestFinder()
    bad: dict[str, set[str]] = {}
    names = [m.name for m in pkgutil.walk_packages(elosim.__path__, "elosim.")
             if "strategies" not in m.name]
    for name in ["elosim", *names]:
        mod = importlib.import_module(name)
        for test in finder.find(mod):
            if not test.examples or not test.name.startswith(name):
                continue
            defined = set(dir(builtins))
            trees = []
            for ex in test.examples:
                try:
                    trees.append(ast.parse(ex.source))
                except SyntaxError:
                    continue
            for tree in trees:
                for node in ast.walk(tree):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
                    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        defined.add(node.id)
                    elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                        defined.add(node.name)
                    elif isinstance(node, ast.arg):
                        defined.add(node.arg)
            for tree in trees:
                for node in ast.walk(tree):
                    if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                            and node.id not in defined):
                        bad.setdefault(test.name, set()).add(node.id)
    return bad


def test_docstring_examples_run_when_pasted_after_import_elosim() -> None:
    """Every example names what it uses (``elosim.x(...)`` or its own import), so it runs
    when pasted into a session that has only done ``import elosim``."""
    assert _unqualified_names() == {}


def test_file_errors_name_the_line_an_editor_shows(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("model_a,model_b,winner\nx,y,model_a\ny,z,tie\n,x,model_b\n")
    # the empty label is on line 4 of the file (header = line 1)
    with pytest.raises(elosim.VotesError, match=r"at row\(s\) 4 \(lines of the file; the "
                       r"header is line 1\)"):
        elosim.read_votes(path)
    # an in-memory table keeps 0-based row positions
    with pytest.raises(elosim.VotesError, match=r"at row\(s\) 2;"):
        elosim.Votes.from_frame({"model_a": ["x", "y", None], "model_b": ["y", "z", "x"],
                                 "winner": ["model_a", "tie", "model_b"]})


def test_unknown_item_errors_say_item(sparse_fit: Any) -> None:
    with pytest.raises(KeyError, match=r"unknown item 'gpt-5' \(given as a\)"):
        sparse_fit.gap_test("gpt-5", "alpha")
    with pytest.raises(KeyError, match=r"unknown item 'gpt-5' \(given as b\)"):
        sparse_fit.gap_test("alpha", "gpt-5")
