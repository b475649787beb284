"""The ``elosim`` command line: every command end to end, every format, every expected error.

Commands are run in-process through :func:`elosim.present.cli.main` (fast, captured with
``capsys``); one subprocess test checks the installed console script and ``python -m``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import elosim
from elosim._core.progress import ProgressBar
from elosim._core.table import column_label
from elosim.present import cli

EX = ["--example", "lmarena-140k"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def small_csv(tmp_path: Path) -> str:
    """A connected, estimable file of 3 items (each pair decided both ways)."""
    rows = ["model_a,model_b,winner"]
    rows += ["x,y,model_a"] * 6 + ["x,y,model_b"] * 3 + ["y,z,model_a"] * 5
    rows += ["y,z,model_b"] * 2 + ["x,z,model_a"] * 4 + ["z,x,model_a", "x,z,tie"]
    return write(tmp_path / "small.csv", "\n".join(rows) + "\n")


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("elosim: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------------------- entry points
def test_console_script_and_python_m() -> None:
    script = Path(sys.executable).parent / "elosim"
    if not script.exists():  # pragma: no cover - depends on the installation
        pytest.skip("the elosim console script is not installed next to this python")
    for cmd in ([str(script), "--version"], [sys.executable, "-m", "elosim", "--version"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"elosim {elosim.__version__}"


def test_help_and_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"elosim {elosim.__version__}"
    for argv in (["--help"], ["fit", "--help"], ["compare", "--help"], ["power", "--help"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert "usage:" in out


# ---------------------------------------------------------------------------- fit
def test_fit_example_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "fit", *EX)
    assert code == 0, err
    # the 2-vote model: one SparseDataWarning line naming it (issue 10)
    (warn,) = err.splitlines()
    assert warn.startswith("elosim: warning: confidence_interval involves 1 item(s) with fewer")
    assert "'qwen3-coder-480b-a35b-instruct' (2 votes)" in warn
    assert "--min-votes 20" in warn
    lines = out.splitlines()
    settings = lines[0]
    for part in ("135,624 votes", "53 items", "ties: half"):
        assert part in settings
    assert "seed" not in settings  # nothing random in a Wald fit: no "seed: n/a" noise
    assert lines[1] == "Bradley-Terry ratings (Elo scale)"
    assert lines[2].split()[:3] == ["Rank", "Item", "Rating"]
    for head in ("CI low", "CI high", "SE", "Votes"):
        assert head in lines[2]
    first = lines[4].split()
    assert first[:2] == ["1", "gemini-2.5-pro"]
    notes = "\n".join(lines[4 + 53:])
    assert notes.startswith("95% Wald CI, max covariance.")
    assert "† 1 item(s) with fewer than 20 votes" in notes
    assert "--min-votes 20" in notes
    assert "qwen3-coder-480b-a35b-instruct †" in out  # the row itself is flagged


def test_fit_example_bootstrap_warns_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "fit", *EX, "--bootstrap", "50", "--seed", "1", "--top", "3")
    assert code == 0
    settings = out.splitlines()[0]
    assert "95% percentile bootstrap CI, 50 resamples" in out
    assert "seed 1" in settings
    assert out.splitlines()[4].split()[1] == "gemini-2.5-pro"
    assert "… 50 more rows" in out
    assert "† 1 item(s) with fewer than 20 votes" in out  # the sparse-item caveat
    assert "degenerate resamples" in out  # and the redrawn resamples
    # the 2-vote model makes some resamples degenerate: one warning line, in CLI terms
    warns = [ln for ln in err.splitlines() if ln]
    assert len(warns) == 2
    assert warns[0].startswith("elosim: warning: ")
    assert "qwen3-coder-480b-a35b-instruct" in warns[0]
    assert "--min-votes N" in warns[0]
    assert "unreliable" in warns[0]
    assert "fewer than 20 votes: 'qwen3-coder-480b-a35b-instruct'" in warns[1]
    code, _, err = run(capsys, "--quiet", "fit", *EX, "--bootstrap", "50", "--seed", "1")
    assert code == 0
    assert err == ""


def test_fit_bootstrap_is_reproducible_and_method_changes_intervals(
    capsys: pytest.CaptureFixture[str], small_csv: str
) -> None:
    argv = ["fit", small_csv, "--bootstrap", "50", "--seed", "3", "--format", "csv"]
    _, a, _ = run(capsys, *argv)
    _, b, _ = run(capsys, *argv, "--jobs", "2")
    _, c, _ = run(capsys, *argv, "--method", "basic")
    assert a == b
    assert a != c


def test_fit_unseeded_bootstrap_prints_its_seed(
    capsys: pytest.CaptureFixture[str], small_csv: str
) -> None:
    code, out, _ = run(capsys, "fit", small_csv, "--bootstrap", "40", "--format", "json")
    assert code == 0
    seed = json.loads(out)["settings"]["seed"]
    assert isinstance(seed, int)
    _, again, _ = run(
        capsys, "fit", small_csv, "--bootstrap", "40", "--seed", str(seed), "--format", "json"
    )
    assert json.loads(again)["ratings"] == json.loads(out)["ratings"]


def test_fit_csv_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "fit", *EX, "--format", "csv")
    assert code == 0
    assert err.count("elosim: warning: ") == 1  # the 2-vote model
    assert "qwen3-coder-480b-a35b-instruct" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(cli.RATING_COLUMNS)
    assert len(rows) == 53
    assert rows[0]["item"] == "gemini-2.5-pro"
    assert float(rows[0]["ci_low"]) < float(rows[0]["rating"]) < float(rows[0]["ci_high"])
    assert sum(int(r["n_votes"]) for r in rows) == 2 * 135_624
    mean = sum(float(r["rating"]) for r in rows) / len(rows)
    assert mean == pytest.approx(1000.0)


def test_fit_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fit", *EX, "--format", "json", "--top", "5",
                       "--confidence-level", "0.9")
    assert code == 0
    data = json.loads(out)
    assert data["settings"]["n_votes"] == 135_624
    assert data["settings"]["n_items"] == 53
    assert data["settings"]["confidence_level"] == 0.9
    assert data["settings"]["method"] == "wald-max"  # the default covariance (issue 10)
    assert data["settings"]["seed"] is None
    assert [r["rank"] for r in data["ratings"]] == [1, 2, 3, 4, 5]
    assert data["ratings"][0]["item"] == "gemini-2.5-pro"
    assert set(data["ratings"][0]) == set(cli.RATING_COLUMNS)


def test_fit_markdown_and_latex(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fit", *EX, "--format", "markdown", "--top", "3")
    assert code == 0
    lines = out.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == [column_label(c) for c in cli.RATING_COLUMNS]
    assert set(lines[1]) <= set("|-: ")
    assert "gemini-2.5-pro" in lines[2]
    assert "95% Wald CI" in out
    code, out, _ = run(capsys, "fit", *EX, "--format", "latex", "--top", "3")
    assert code == 0
    assert r"\begin{table}" in out
    assert r"\end{tabular}" in out
    assert "Votes" in out


def test_fit_options_anchor_offset_min_votes_ties(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "fit", *EX, "--anchor", "o3-2025-04-16=1500", "--format", "json")
    rows = {r["item"]: r for r in json.loads(out)["ratings"]}
    assert rows["o3-2025-04-16"]["rating"] == pytest.approx(1500.0)
    assert json.loads(out)["settings"]["normalization"] == "'o3-2025-04-16' anchored at 1500"
    _, out, _ = run(capsys, "fit", *EX, "--offset", "1500", "--format", "csv")
    rows2 = list(csv.DictReader(io.StringIO(out)))
    assert sum(float(r["rating"]) for r in rows2) / len(rows2) == pytest.approx(1500.0)
    _, out, _ = run(capsys, "fit", *EX, "--min-votes", "100", "--format", "json")
    items = [r["item"] for r in json.loads(out)["ratings"]]
    assert len(items) == 52
    assert "qwen3-coder-480b-a35b-instruct" not in items
    code, out, _ = run(capsys, "fit", *EX, "--ties", "davidson", "--top", "1")
    assert code == 0
    assert "ties: davidson" in out.splitlines()[0]


# ---------------------------------------------------------------------------- compare
def test_compare_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "compare", *EX, "gemini-2.5-pro", "o3-2025-04-16")
    assert code == 0, err
    assert out.startswith("# 135,624 votes")
    assert out.splitlines()[1] == "Gap test"
    assert out.splitlines()[4].split()[:2] == ["gemini-2.5-pro", "o3-2025-04-16"]
    for part in ("95% CI", "Statistic", "< 0.001"):
        assert part in out
    assert "Wald, max covariance" in out
    assert "Conclusion: gemini-2.5-pro is above o3-2025-04-16 at the 5% level" in out


def test_compare_formats_alternative_and_bootstrap(
    capsys: pytest.CaptureFixture[str], small_csv: str
) -> None:
    code, out, _ = run(capsys, "compare", small_csv, "x", "z", "--format", "json",
                       "--alternative", "greater")
    assert code == 0
    res = json.loads(out)["gap_test"]
    assert res["item_a"] == "x"
    assert res["alternative"] == "greater"
    assert res["ci_high"] is None  # one-sided: infinite upper end
    assert 0 < res["pvalue"] < 1
    assert "conclusion" in res
    code, out, _ = run(capsys, "compare", small_csv, "x", "z", "--format", "csv",
                       "--bootstrap", "40", "--seed", "0", "--method", "basic")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["method"].startswith("bootstrap basic")
    code, out, _ = run(capsys, "compare", small_csv, "x", "z", "--format", "markdown")
    assert code == 0
    assert out.startswith("| Item A")


# ---------------------------------------------------------------------------- power
def test_power_votes_needed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "power", "--gap", "1", "--variance", "parity")
    assert code == 0
    assert out.splitlines()[0] == "votes needed: 947,450"
    code, out, _ = run(capsys, "power", "--gap", "1")  # default: variance at the gap
    assert out.splitlines()[0] == "votes needed: 947,458"
    code, out, _ = run(capsys, "power", "--gap", "20", "--design", "common-opponents",
                       "--variance", "parity", "--format", "json")
    assert json.loads(out)["n_votes"] == 9475
    code, out, _ = run(capsys, "power", "--gap", "20", "--tie-rate", "0.2", "--variance", "parity")
    assert "1,895" in out


def test_power_power_and_detectable_gap(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "power", "--gap", "10", "--votes", "1000", "--format", "json")
    assert json.loads(out)["power"] == pytest.approx(elosim.power(10, 1000))
    _, out, _ = run(capsys, "power", "--votes", "10000")
    assert out.startswith("minimum detectable gap: 9.74 Elo points")  # variance at the gap
    code, out, _ = run(capsys, "power", "--gap", "5", "--design", "round-robin",
                       "--n-items", "10")
    assert code == 0
    assert "round-robin (10 items)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["power"], "give --gap G"),
        (["power", "--gap", "1", "--design", "round-robin"], "needs --n-items"),
        (["power", "--gap", "1", "--n-items", "4"], "only used with --design round-robin"),
        (["power", "--gap", "1", "--votes", "9", "--power", "0.9"], "drop --power"),
        (["power", "--gap", "-1"], "expected a number > 0"),
        (["power", "--gap", "1", "--power", "1.5"], "strictly between 0 and 1"),
        (["power", "--gap", "1", "--tie-rate", "1"], "tie rate in [0, 1)"),
    ],
)
def test_power_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == cli.EXIT_USAGE
    assert message in one_error_line(err)


# ---------------------------------------------------------------------------- simulate
def test_simulate_then_fit_round_trip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "votes.csv")
    code, out, _ = run(capsys, "simulate", "--ratings", "a=1000,b=1100,c=1200",
                       "--votes", "3000", "--seed", "0", "--out", path)
    assert code == 0
    assert out.startswith("wrote 3,000 votes (0 ties) on 3 items")
    votes = elosim.read_votes(path)
    assert votes.n_votes == 3000
    _, out, _ = run(capsys, "fit", path, "--format", "json", "--anchor", "a=1000")
    rows = json.loads(out)["ratings"]
    assert [r["item"] for r in rows] == ["c", "b", "a"]
    assert rows[0]["ci_low"] < 1200 < rows[0]["ci_high"]
    # the same seed gives the same file; ties are written as "tie"
    _, first, _ = run(capsys, "simulate", "--ratings", "a=0,b=10", "--votes", "50",
                      "--seed", "4", "--ties", "fixed", "--tie-rate", "0.3")
    _, second, _ = run(capsys, "simulate", "--ratings", "a=0,b=10", "--votes", "50",
                       "--seed", "4", "--ties", "fixed", "--tie-rate", "0.3")
    assert first == second
    rows2 = list(csv.DictReader(io.StringIO(first)))
    assert len(rows2) == 50
    assert {r["winner"] for r in rows2} <= {"model_a", "model_b", "tie"}
    assert any(r["winner"] == "tie" for r in rows2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ratings", "a=1", "--votes", "5"], "at least two items"),
        (["--ratings", "a=1,b", "--votes", "5"], "bad entry 'b'"),
        (["--ratings", "a=1,a=2", "--votes", "5"], "given twice"),
        (["--ratings", "a=1,b=2", "--votes", "0"], "positive integer"),
        (["--ratings", "a=1,b=2", "--votes", "5", "--tie-rate", "0.1"], "tie mechanism"),
    ],
)
def test_simulate_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "simulate", *argv)
    assert code == cli.EXIT_USAGE
    assert message in one_error_line(err)


# ---------------------------------------------------------------------------- plot
def test_plot_ratings_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "fig.png"
    code, out, err = run(capsys, "plot", *EX, "--out", str(path), "--top", "10", "--dpi", "50")
    assert code == 0, err
    assert out.strip() == f"wrote {path}"
    assert path.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize("kind", ["pvalues", "win-matrix"])
def test_plot_matrices(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_csv: str, kind: str
) -> None:
    path = tmp_path / f"{kind}.png"
    code, _, err = run(capsys, "plot", small_csv, "--kind", kind, "--out", str(path),
                       "--dpi", "40")
    assert code == 0, err
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_plot_bootstrap_svg(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                            small_csv: str) -> None:
    path = tmp_path / "fig.svg"
    code, out, _ = run(capsys, "plot", small_csv, "--out", str(path), "--bootstrap", "40",
                       "--seed", "2")
    assert code == 0
    assert "(seed 2)" in out
    assert b"<svg" in path.read_bytes()[:500]


def test_plot_unknown_extension(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                small_csv: str) -> None:
    code, _, err = run(capsys, "plot", small_csv, "--out", str(tmp_path / "fig.xyz"))
    assert code == cli.EXIT_USAGE
    assert "unknown image format 'xyz'" in one_error_line(err)


# ---------------------------------------------------------------------------- data errors
def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "fit", str(tmp_path / "nope.csv"))
    assert code == cli.EXIT_DATA
    assert out == ""
    assert "no such file" in one_error_line(err)
    assert "nope.csv" in err


def test_directory_instead_of_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "fit", str(tmp_path))
    assert code == cli.EXIT_DATA
    assert "is a directory" in one_error_line(err)


def test_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "fit", write(tmp_path / "empty.csv", ""))
    assert code == cli.EXIT_DATA
    assert "is empty" in one_error_line(err)


def test_header_only_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "fit", write(tmp_path / "h.csv", "model_a,model_b,winner\n"))
    assert code == cli.EXIT_DATA
    assert "no votes" in one_error_line(err)


def test_unknown_outcome_labels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "labels.csv",
                 "model_a,model_b,winner\nx,y,model_a\ny,x,banana\nx,y,model_b\n")
    code, _, err = run(capsys, "fit", path)
    assert code == cli.EXIT_DATA
    line = one_error_line(err)
    assert "'banana'" in line
    assert "row(s) 3 (lines of the file" in line


def test_malformed_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "model_a,model_b,winner\nx,y,model_a\ny,x\n")
    code, _, err = run(capsys, "fit", path)
    assert code == cli.EXIT_DATA
    assert "different number of fields" in one_error_line(err)


def test_missing_columns_and_columns_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = "p,q,result\n" + "x,y,model_a\ny,x,model_a\nx,y,model_b\ny,x,tie\n"
    path = write(tmp_path / "cols.csv", text)
    code, _, err = run(capsys, "fit", path)
    assert code == cli.EXIT_DATA
    line = one_error_line(err)
    assert "'model_a'" in line
    assert "--columns A,B,WINNER" in line
    code, out, _ = run(capsys, "fit", path, "--columns", "p,q,result", "--format", "csv")
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == 2
    code, _, err = run(capsys, "fit", path, "--columns", "p,q")
    assert code == cli.EXIT_USAGE
    assert "three column names" in one_error_line(err)


def test_self_comparisons_need_drop_self(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    text = "model_a,model_b,winner\nx,y,model_a\nx,x,tie\ny,x,model_a\nx,y,tie\n"
    path = write(tmp_path / "self.csv", text)
    code, _, err = run(capsys, "fit", path)
    assert code == cli.EXIT_DATA
    assert "pass --drop-self" in one_error_line(err)
    code, out, _ = run(capsys, "fit", path, "--drop-self", "--format", "json")
    assert code == 0
    assert json.loads(out)["settings"]["n_votes"] == 3


def test_unknown_item_in_compare(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "compare", *EX, "gemini-2.5-pro", "gemini-2.5-prp")
    assert code == cli.EXIT_DATA
    assert out == ""
    line = one_error_line(err)
    assert "unknown item 'gemini-2.5-prp'" in line
    assert "did you mean 'gemini-2.5-pro'" in line


def test_compare_operand_errors(capsys: pytest.CaptureFixture[str], small_csv: str) -> None:
    code, _, err = run(capsys, "compare", small_csv, "x")
    assert code == cli.EXIT_USAGE
    assert "compare needs FILE A B" in one_error_line(err)
    code, _, err = run(capsys, "compare", *EX, "a", "b", "c")
    assert code == cli.EXIT_USAGE
    assert "A B (with --example)" in one_error_line(err)
    code, _, err = run(capsys, "compare", small_csv, "x", "x")
    assert code == cli.EXIT_USAGE
    assert "two different items" in one_error_line(err)


@pytest.mark.parametrize("anchor", ["gpt-4o", "gpt-4o=", "=1000", "gpt-4o=high", "a=inf"])
def test_bad_anchor_syntax(capsys: pytest.CaptureFixture[str], anchor: str) -> None:
    code, _, err = run(capsys, "fit", *EX, "--anchor", anchor)
    assert code == cli.EXIT_USAGE
    line = one_error_line(err)
    assert "argument --anchor" in line
    assert "ITEM=R" in line or "finite" in line


def test_anchor_unknown_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fit", *EX, "--anchor", "gpt-5=1000")
    assert code == cli.EXIT_DATA
    assert "--anchor: unknown item 'gpt-5'" in one_error_line(err)


def test_disconnected_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = "model_a,model_b,winner\n" + "a,b,model_a\nb,a,model_a\na,b,tie\n" * 2
    text += "c,d,model_a\nd,c,model_a\nc,d,model_b\n" + "e,f,model_a\nf,e,model_a\n" * 3
    path = write(tmp_path / "disc.csv", text)
    code, out, err = run(capsys, "fit", path)
    assert code == cli.EXIT_DATA
    assert out == ""
    line = one_error_line(err)
    assert "disconnected into 3 components" in line
    assert "--largest-component" in line
    assert "votes.restrict" not in line
    code, out, _ = run(capsys, "fit", path, "--largest-component", "--format", "json")
    assert code == 0
    assert json.loads(out)["settings"]["n_items"] == 2


def test_item_that_never_lost(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = "model_a,model_b,winner\n" + "a,b,model_a\nb,a,model_b\n" * 3
    text += "b,c,model_a\nc,b,model_a\nb,c,tie\n"
    path = write(tmp_path / "never_lost.csv", text)
    code, out, err = run(capsys, "fit", path)
    assert code == cli.EXIT_DATA
    assert out == ""
    line = one_error_line(err)
    assert "no finite maximum-likelihood estimate" in line
    assert "['a']" in line
    assert "--prior-strength 1" in line
    assert "prior_strength=" not in line
    code, out, _ = run(capsys, "fit", path, "--prior-strength", "1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["ratings"][0]["item"] == "a"
    assert data["settings"]["prior_strength"] == 1.0


def test_min_votes_removing_everything(capsys: pytest.CaptureFixture[str],
                                       small_csv: str) -> None:
    code, _, err = run(capsys, "fit", small_csv, "--min-votes", "1000")
    assert code == cli.EXIT_DATA
    assert "--min-votes 1000 leaves no votes" in one_error_line(err)


def test_tie_model_without_ties_is_a_data_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "noties.csv",
                 "model_a,model_b,winner\nx,y,model_a\ny,x,model_a\nx,y,model_b\n")
    code, _, err = run(capsys, "fit", path, "--ties", "davidson")
    assert code == cli.EXIT_DATA
    assert "needs at least one tie" in one_error_line(err)


# ---------------------------------------------------------------------------- usage errors
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["fit"], "give exactly one of FILE or --example NAME"),
        (["fit", "votes.csv", *EX], "(not both)"),
        (["fit", *EX, "--columns", "a,b,c"], "--columns applies to FILE"),
        (["fit", *EX, "--method", "bca"], "add --bootstrap N"),
        (["fit", *EX, "--seed", "3"], "--seed only affects the bootstrap"),
        (["fit", *EX, "--anchor", "x=1", "--offset", "3"], "--offset sets the mean rating"),
        (["fit", *EX, "--bootstrap", "0"], "expected a positive integer"),
        (["fit", *EX, "--confidence-level", "95"], "strictly between 0 and 1"),
        (["fit", *EX, "--prior-strength", "-1"], "expected a number >= 0"),
        (["fit", *EX, "--format", "xml"], "invalid choice: 'xml'"),
        (["fit", "--example", "nope"], "invalid choice: 'nope'"),
        (["fit", *EX, "--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == cli.EXIT_USAGE
    assert out == ""
    assert message in one_error_line(err)


def test_unexpected_error_is_one_line_unless_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(args: object, out: object) -> int:
        raise RuntimeError("something broke\nbadly")

    from elosim.present.cli import entry as cli_main

    monkeypatch.setattr(cli_main, "_cmd_power", boom)
    code, _, err = run(capsys, "power", "--gap", "1")
    assert code == cli.EXIT_DATA
    line = one_error_line(err)
    assert "unexpected RuntimeError: something broke badly" in line
    assert "(run with --debug for the traceback)" in line
    with pytest.raises(RuntimeError, match="something broke"):
        cli.main(["power", "--gap", "1", "--debug"])
    with pytest.raises(RuntimeError, match="something broke"):
        cli.main(["--debug", "power", "--gap", "1"])


def test_debug_reraises_expected_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        cli.main(["fit", str(tmp_path / "missing.csv"), "--debug"])


# ---------------------------------------------------------------------------- progress bar
class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_only_on_a_terminal() -> None:
    tty = _FakeTerminal()
    with ProgressBar(10, desc="bootstrap", stream=tty, min_interval=0.0) as bar:
        for _ in range(10):
            bar.update()
    text = tty.getvalue()
    assert text.startswith("\rbootstrap ")
    assert text.endswith("100% |" + "#" * 30 + "| 10/10 [" + text.split("10/10 [")[-1])
    assert text.endswith("\n")
    plain = io.StringIO()
    with ProgressBar(10, stream=plain) as bar:
        bar.update(10)
    assert plain.getvalue() == ""
    assert bar.n == 10
    off = _FakeTerminal()
    with ProgressBar(10, stream=off, enabled=False) as bar:
        bar.update(5)
    assert off.getvalue() == ""


def test_progress_bar_render_and_throttle() -> None:
    tty = _FakeTerminal()
    bar = ProgressBar(4, stream=tty, width=4, min_interval=3600.0)
    bar.update()  # first draw
    bar.update()  # throttled
    assert tty.getvalue().count("\r") == 1
    assert bar.render().startswith(" 50% |##  | 2/4 [")
    bar.close()
    bar.close()  # idempotent
    assert tty.getvalue().count("\n") == 1


# ---------------------------------------------------------------------------- issue 10
def test_compare_two_vote_model_is_not_significant(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = "qwen3-coder-480b-a35b-instruct", "gemini-2.5-pro"
    code, out, err = run(capsys, "compare", *EX, a, b, "--format", "json")
    assert code == 0
    res = json.loads(out)["gap_test"]
    assert res["pvalue"] > 0.05
    assert res["method"] == "Wald, max covariance"
    assert f"gap_test('{a}', '{b}') involves 1 item(s)" in err
    code, out, _ = run(capsys, "compare", *EX, a, b, "--covariance", "sandwich", "--format",
                       "json")
    assert json.loads(out)["gap_test"]["pvalue"] < 1e-40


def test_compare_offers_every_bootstrap_method(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = "gemini-2.5-pro", "gpt-4o-mini-2024-07-18"
    from elosim.present.cli.options import BOOTSTRAP_INTERVALS, METHODS

    assert "wald" in METHODS
    for method in (*BOOTSTRAP_INTERVALS, "wald"):
        code, out, err = run(capsys, "compare", *EX, a, b, "--bootstrap", "100", "--seed", "1",
                             "--method", method, "--format", "json")
        assert code == 0, err
        res = json.loads(out)["gap_test"]
        assert res["pvalue"] < 0.05
        assert ("bootstrap standard error" in res["method"]) == (method == "wald")
    _, out, _ = run(capsys, "compare", *EX, a, b, "--bootstrap", "100", "--seed", "1")
    assert "≤ 0.020" in out  # at the floor 2 / 101: printed as a bound


def test_cli_covariance_reference_and_method_checks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fit", *EX, "--reference", "well-measured", "--format", "json")
    assert code == 0
    assert "52 reference item(s)" in json.loads(out)["settings"]["normalization"]
    code, _, err = run(capsys, "fit", *EX, "--reference", "nope")
    assert code == 1
    assert "--reference: unknown item 'nope'" in err
    code, _, err = run(capsys, "fit", *EX, "--bootstrap", "20", "--method", "wald")
    assert code == 2
    assert "--method wald applies to gap tests" in err
    code, _, err = run(capsys, "fit", *EX, "--bootstrap", "20", "--covariance", "model")
    assert code == 2
    assert "--covariance chooses the Wald covariance" in err
    code, out, _ = run(capsys, "fit", *EX, "--covariance", "model", "--format", "json")
    assert json.loads(out)["settings"]["method"] == "wald-model"


def test_cli_offers_profile_lr_and_firth(
    capsys: pytest.CaptureFixture[str], small_csv: str
) -> None:
    a, b = "qwen3-coder-480b-a35b-instruct", "gemini-2.5-pro"
    code, out, _ = run(capsys, "compare", *EX, a, b, "--method", "lr", "--format", "json")
    assert code == 0
    res = json.loads(out)["gap_test"]
    assert "likelihood" in res["method"].lower()
    assert res["pvalue"] > 0.05
    code, out, _ = run(capsys, "fit", small_csv, "--method", "profile", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["settings"]["method"] == "profile"
    assert "profile-likelihood" in data["settings"]["description"]
    fit = elosim.bradley_terry(elosim.read_votes(small_csv))
    with pytest.warns(elosim.SparseDataWarning):
        ci = fit.confidence_interval(method="profile")
    for row in data["ratings"]:
        i = fit.index(row["item"])
        assert row["ci_low"] == pytest.approx(ci.low[i])
        assert row["ci_high"] == pytest.approx(ci.high[i])
    code, out, _ = run(capsys, "fit", small_csv, "--bias-reduction", "firth", "--format",
                       "json")
    assert code == 0
    assert json.loads(out)["settings"]["method"] == "wald-model"
    code, _, err = run(capsys, "fit", small_csv, "--method", "lr")
    assert code == 2
    assert "--method lr" in err
    code, _, err = run(capsys, "compare", small_csv, "x", "y", "--method", "profile",
                       "--bootstrap", "10")
    assert code == 2
    assert "likelihood method of the fit" in err
