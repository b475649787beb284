"""Votes: constructors, validation messages, immutability, readers (pandas and csv paths)."""

from __future__ import annotations

import copy
import csv
import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import elosim
from elosim import Votes, VotesError, read_votes
from elosim.data import parse as parse_mod
from elosim.data import votes as votes_mod

# --------------------------------------------------------------------------- constructors


def test_from_arrays_basic() -> None:
    v = Votes.from_arrays(["x", "x", "y", "z"], ["y", "z", "z", "x"], [1, 0.5, "model_b", "z"])
    assert v.items == ("x", "y", "z")
    np.testing.assert_array_equal(v.a, [0, 0, 1, 2])
    np.testing.assert_array_equal(v.b, [1, 2, 2, 0])
    np.testing.assert_array_equal(v.outcome, [0, 2, 1, 0])
    assert repr(v) == "<Votes: 4 votes, 3 items, 1 ties>"
    assert len(v) == 4
    assert v.n_items == 3


@pytest.mark.parametrize(
    ("outcome", "codes"),
    [
        (["model_a", "model_b", "tie"], [0, 1, 2]),
        (["tie (bothbad)", "both_bad", " Model_A "], [2, 2, 0]),
        ([1, 0, 0.5], [0, 1, 2]),
        (np.array([1.0, 0.0, 0.5]), [0, 1, 2]),
        (np.array([1, 0, 1]), [0, 1, 0]),
        (["1", "0", "0.5"], [0, 1, 2]),
        (np.array(["1", "0.0", "0.50"]), [0, 1, 2]),
        (["x", "z", "y"], [0, 1, 1]),  # the winning item's name
    ],
)
def test_outcome_forms(outcome: object, codes: list[int]) -> None:
    v = Votes.from_arrays(["x", "x", "z"], ["y", "z", "y"], outcome)
    np.testing.assert_array_equal(v.outcome, codes)


def test_outcome_strings_equal_numbers() -> None:
    a, b = ["p", "q", "r"], ["q", "r", "p"]
    v1 = Votes.from_arrays(a, b, ["1", "0", "0.5"])
    v2 = Votes.from_arrays(a, b, [1, 0, 0.5])
    assert v1.equals(v2)


def test_input_kinds_agree() -> None:
    a, b, o = ["u", "v", "w", "u"], ["v", "w", "u", "w"], ["model_a", "tie", "model_b", "w"]
    ref = Votes.from_arrays(a, b, o)
    for conv in (np.array, lambda x: np.array(x, dtype=object), pd.Series,
                 lambda x: pd.Series(x, dtype="category"), lambda x: pd.Series(x, dtype="string")):
        assert Votes.from_arrays(conv(a), conv(b), conv(o)).equals(ref)


def test_integer_labels() -> None:
    v = Votes.from_arrays(np.array([1, 2, 10]), [2, 10, 1], [1, 1, 0])
    assert v.items == ("1", "10", "2")  # labels are strings, sorted as text


def test_items_argument() -> None:
    v = Votes.from_arrays(["a"], ["b"], [1], items=["c", "b", "a"])
    assert v.items == ("c", "b", "a")
    np.testing.assert_array_equal(v.a, [2])
    assert v.votes_per_item.tolist() == [0, 1, 1]


def test_from_frame_and_optional_columns() -> None:
    df = pd.DataFrame({
        "model_a": ["x", "y", "z"], "model_b": ["y", "z", "x"],
        "winner": ["model_a", "tie", "model_b"], "w": [1.0, 2.0, 0.5],
        "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        "prompt": ["p1", "p1", "p2"], "lang": ["en", "de", "en"],
    })
    v = Votes.from_frame(df, weight="w", time="t", cluster="prompt", covariates=["lang"])
    np.testing.assert_array_equal(v.weight, [1.0, 2.0, 0.5])
    assert v.time.dtype.kind == "M"
    assert v.cluster.tolist() == ["p1", "p1", "p2"]
    assert v.covariates["lang"].tolist() == ["en", "de", "en"]
    assert "weighted, clustered" in repr(v)


def test_from_frame_dict_of_columns() -> None:
    v = Votes.from_frame({"model_a": ["x"], "model_b": ["y"], "winner": ["tie"]})
    assert v.outcome.tolist() == [2]


def test_from_counts() -> None:
    v = Votes.from_counts(["a", "b", "c"], [[0, 2, 0], [1, 0, 3], [0, 0, 0]],
                          ties=[[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(v.counts.win_matrix(), [[0, 2, 0], [1, 0, 3], [0, 0, 0]])
    np.testing.assert_array_equal(v.counts.tie_matrix(), [[0, 1, 0], [1, 0, 0], [0, 0, 0]])


@pytest.mark.parametrize(
    ("wins", "ties", "match"),
    [
        ([[0, 1]], None, r"wins must have shape \(2, 2\)"),
        ([[0, -1], [0, 0]], None, "non-negative integer counts"),
        ([[0, 1.5], [0, 0]], None, "non-negative integer counts"),
        ([[0, np.nan], [0, 0]], None, "wins has missing or non-finite"),
        ([[1, 0], [0, 0]], None, "non-zero diagonal"),
        ([[0, 1], [0, 0]], [[0, 1], [0, 0]], "ties must be symmetric"),
    ],
)
def test_from_counts_errors(wins: object, ties: object, match: str) -> None:
    with pytest.raises(VotesError, match=match):
        Votes.from_counts(["a", "b"], wins, ties=ties)


def test_direct_constructor_and_errors() -> None:
    v = Votes(items=["a", "b"], a=[0, 1], b=[1, 0], outcome=[0, 2])
    assert v.n_votes == 2
    with pytest.raises(VotesError, match=r"a has item indices outside 0\.\.1 at row\(s\) 1"):
        Votes(items=["a", "b"], a=[0, 2], b=[1, 0], outcome=[0, 0])
    with pytest.raises(VotesError, match=r"outcome codes must be 0.*got \[3\] at row\(s\) 0"):
        Votes(items=["a", "b"], a=[0], b=[1], outcome=[3])
    with pytest.raises(TypeError, match="a must hold integer item indices; got dtype float64"):
        Votes(items=["a", "b"], a=[0.0], b=[1], outcome=[0])
    with pytest.raises(VotesError, match=r"items has duplicated labels: \['a'\]"):
        Votes(items=["a", "a"], a=[0], b=[1], outcome=[0])
    with pytest.raises(VotesError, match="length mismatch: a has 2 votes, b has 1"):
        Votes(items=["a", "b"], a=[0, 1], b=[1], outcome=[0, 0])
    with pytest.raises(VotesError, match="length mismatch: time has 1 values for 2 votes"):
        Votes(items=["a", "b"], a=[0, 1], b=[1, 0], outcome=[0, 0], time=[1])
    with pytest.raises(VotesError, match=r"cluster has 1 missing value\(s\) at row\(s\) 1"):
        Votes(items=["a", "b"], a=[0, 1], b=[1, 0], outcome=[0, 0], cluster=["u", None])
    with pytest.raises(VotesError, match=r"time has 1 missing value\(s\) at row\(s\) 0"):
        Votes(items=["a", "b"], a=[0, 1], b=[1, 0], outcome=[0, 0], time=[np.nan, 1.0])
    with pytest.raises(VotesError, match="covariate 'c' has"):
        Votes(items=["a", "b"], a=[0, 1], b=[1, 0], outcome=[0, 0], covariates={"c": [1]})


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kw", "exc", "match"),
    [
        ({"outcome": ["model_a", "win", "tie", "win"]}, VotesError,
         r"column 'outcome' has 1 unknown outcome label\(s\): 'win' \(row\(s\) 1, 3\)"),
        ({"outcome": ["model_a", "x", "tie", "draw"]}, VotesError,
         r"2 unknown outcome label\(s\): 'x' \(row\(s\) 1\); 'draw' \(row\(s\) 3\)"),
        ({"outcome": [1, 2, 0, 0]}, VotesError, r"unknown outcome label\(s\): 2 \(row\(s\) 1\)"),
        ({"outcome": [True, 1, 0, 0]}, VotesError, r"True \(row\(s\) 0\)"),
        ({"outcome": ["model_a", None, "tie", ""]}, VotesError,
         r"column 'outcome' has 2 missing outcome\(s\) at row\(s\) 1, 3"),
        ({"outcome": [1.0, np.nan, 0, 0]}, VotesError, r"1 missing outcome\(s\) at row\(s\) 1"),
        ({"a": ["p", None, "r", "s"]}, VotesError,
         r"column 'a' has 1 missing item label\(s\) at row\(s\) 1"),
        ({"b": ["q", "r", " ", "p"]}, VotesError,
         r"column 'b' has 1 missing item label\(s\) at row\(s\) 2"),
        ({"a": ["p", 1, "r", "s"]}, TypeError, "column 'a' mixes string and integer"),
        ({"a": ["p", 1.5, "r", "s"]}, TypeError, r"item label of type float \(1\.5\)"),
        ({"a": [1, 2, 3, 4]}, TypeError, "columns 'a' and 'b' hold different kinds"),
        ({"a": ["p", "x" * 1001, "r", "s"]}, VotesError,
         r"column 'a' has item labels longer than 1000 characters at row\(s\) 1"),
        ({"a": ["p", "q"]}, VotesError, "length mismatch: 'a' has 2 values, 'b' has 4"),
        ({"b": ["q", "q", "s", "p"]}, VotesError,
         r"1 self-comparison\(s\) .* at row\(s\) 1, e.g. 'q'; pass drop_self=True"),
        ({"weight": [1, -1, 1, 1]}, VotesError, r"weight has 1 negative value\(s\) at row\(s\) 1"),
        ({"weight": [1, np.inf, 1, 1]}, VotesError, r"1 missing or non-finite value\(s\) at row"),
        ({"weight": [1, np.nan, 1, None]}, VotesError,
         r"weight column 'weight' has 2 missing value\(s\) at row\(s\) 1, 3"),
        ({"weight": ["1", "", "2", "3"]}, VotesError,
         r"weight column 'weight' has 1 missing value\(s\) at row\(s\) 1"),
        ({"weight": ["1", "heavy", "2", "3"]}, VotesError,
         r"non-numeric value\(s\) \['heavy'\] at row\(s\) 1"),
        ({"weight": [0, 0, 0, 0]}, VotesError, "all weights are zero"),
        ({"weight": [1, 1]}, VotesError, "length mismatch: weight has 2 values for 4 votes"),
        ({"items": ["p", "q", "r"]}, VotesError,
         r"column 'a' has labels not in items: \['s'\] \(first at row\(s\) 3\)"),
        ({"items": ["p", "q", "r", "s", "p"]}, VotesError, r"duplicated labels: \['p'\]"),
    ],
)
def test_validation_errors(kw: dict, exc: type[Exception], match: str) -> None:
    args = {"a": ["p", "q", "r", "s"], "b": ["q", "r", "s", "p"],
            "outcome": ["model_a", "model_b", "tie", 1]}
    args.update(kw)
    with pytest.raises(exc, match=match):
        Votes.from_arrays(args.pop("a"), args.pop("b"), args.pop("outcome"), **args)


def test_unknown_labels_never_ties() -> None:
    with pytest.raises(VotesError, match="Unknown labels are never read as ties"):
        Votes.from_arrays(["a"], ["b"], ["tied"])
    with pytest.raises(VotesError, match=r"'nan' \(row"):
        Votes.from_arrays(["a"], ["b"], ["nan"])


def test_many_unknown_labels_are_summarised() -> None:
    n = 50
    with pytest.raises(VotesError, match=r"50 unknown outcome label\(s\)") as info:
        Votes.from_arrays(["a"] * n, ["b"] * n, [f"w{i}" for i in range(n)])
    assert "'w9'" in str(info.value)
    assert "'w10'" not in str(info.value)


def test_empty_and_too_few() -> None:
    with pytest.raises(VotesError, match="no votes: the input is empty"):
        Votes.from_arrays([], [], [])
    with pytest.raises(VotesError, match=r"need at least two items to compare; got 1"):
        Votes(items=["a"], a=[0], b=[0], outcome=[0])
    with pytest.raises(VotesError, match="no votes left after dropping self-comparisons"):
        Votes.from_arrays(["a"], ["a"], [1], drop_self=True)
    with pytest.raises(VotesError, match="must be one-dimensional"):
        Votes.from_arrays([["a"]], [["b"]], [[1]])


def test_drop_self() -> None:
    v = Votes.from_arrays(["a", "c", "a"], ["b", "c", "c"], [1, 1, 0], drop_self=True,
                          covariates={"k": [10, 20, 30]})
    assert v.n_votes == 2
    assert v.covariates["k"].tolist() == [10, 30]
    v = Votes.from_arrays(["a", "c"], ["b", "c"], [1, 1], drop_self=True)
    assert v.items == ("a", "b")  # an item seen only in self-comparisons is not kept


def test_from_frame_errors() -> None:
    df = pd.DataFrame({"model_a": ["x"], "model_b": ["y"], "winner": ["tie"]})
    with pytest.raises(VotesError, match=r"column 'w' \(for weight\) not found"):
        Votes.from_frame(df, weight="w")
    dup = pd.DataFrame([["x", "y", "tie"]], columns=["model_a", "model_a", "winner"])
    with pytest.raises(VotesError, match=r"duplicated column names: \['model_a'\]"):
        Votes.from_frame(dup)


# --------------------------------------------------------------------------- no mutation


def test_inputs_not_mutated_and_arrays_readonly() -> None:
    df = pd.DataFrame({"model_a": ["x", "y", "x"], "model_b": ["y", "y", "z"],
                       "winner": [1.0, 0.0, 0.5], "w": [1.0, 2.0, 3.0], "c": [1, 2, 3]})
    before = df.copy(deep=True)
    v = Votes.from_frame(df, weight="w", covariates=["c"], drop_self=True)
    pd.testing.assert_frame_equal(df, before)
    a, b, o, w = ["x", "y"], ["y", "z"], np.array([1.0, 0.0]), np.array([1.0, 2.0])
    saved = copy.deepcopy((a, b, o, w))
    v2 = Votes.from_arrays(a, b, o, weight=w)
    assert (a, b) == saved[:2]
    np.testing.assert_array_equal(o, saved[2])
    assert o.flags.writeable
    assert w.flags.writeable
    for vv in (v, v2):
        for arr in (vv.a, vv.b, vv.outcome, vv.weight, *vv.covariates.values()):
            with pytest.raises(ValueError, match="read-only"):
                arr[0] = 0
        with pytest.raises(AttributeError):
            vv.items = ("q",)  # type: ignore[misc]
    ia = np.array([0, 1])
    Votes(items=["a", "b"], a=ia, b=[1, 0], outcome=[0, 0])
    assert ia.flags.writeable


# --------------------------------------------------------------------------- subsets, export


def _small() -> Votes:
    return Votes.from_arrays(
        ["a", "a", "b", "c", "d", "a"], ["b", "c", "c", "d", "e", "e"],
        [1, 0, 0.5, 1, 1, 0], weight=[1, 2, 1, 1, 1, 1], cluster=["p", "p", "q", "q", "r", "r"],
    )


def test_select_restrict_drop_min_votes() -> None:
    v = _small()
    s = v.select(v.outcome == 0)
    assert s.n_votes == 3
    assert set(s.items) == {"a", "b", "c", "d", "e"}
    r = v.restrict(["a", "b", "c"])
    assert r.items == ("a", "b", "c")
    assert r.n_votes == 3
    np.testing.assert_array_equal(r.weight, [1, 2, 1])
    d = v.drop_items(["e"])
    assert d.n_votes == 4
    assert "e" not in d.items
    m = d.min_votes(2)  # drops d (1 vote), leaving a, b, c with 2 votes each
    assert m.items == ("a", "b", "c")
    assert m.n_votes == 3
    assert v.min_votes(1).equals(v)
    with pytest.raises(VotesError, match="the selection is empty"):
        v.min_votes(3)  # dropping items cascades until nothing is left
    with pytest.raises(VotesError, match="unknown item"):
        v.restrict(["zz"])
    with pytest.raises(VotesError, match="unknown item"):
        v.drop_items(["zz"])
    with pytest.raises(VotesError, match="mask must be a boolean array of length 6"):
        v.select([True])
    with pytest.raises(VotesError, match="the selection is empty"):
        v.select(np.zeros(6, bool))


def test_round_trip_frame() -> None:
    v = _small()
    df = v.to_frame()
    assert list(df.columns) == ["model_a", "model_b", "winner", "weight", "cluster"]
    back = Votes.from_frame(df, weight="weight", cluster="cluster")
    assert back.equals(v)
    assert not back.equals(v.select(np.arange(6) < 5))


def test_summary() -> None:
    s = _small().summary()
    assert (s.n_votes, s.n_items, s.n_ties, s.n_pairs_compared, s.n_pairs_possible) == (
        6, 5, 1, 6, 10)
    assert s.votes_per_item == {"a": 3, "b": 2, "c": 3, "d": 2, "e": 2}
    assert s.weighted
    assert "Pairwise votes" in str(s)


# --------------------------------------------------------------------------- readers


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.fixture(params=["pandas", "csv"])
def reader_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a reader test with pandas, and again with pandas hidden (csv-module fallback)."""
    if request.param == "csv":
        monkeypatch.setitem(sys.modules, "pandas", None)
    return str(request.param)


GOOD = (
    "model_a,model_b,winner,w,t,k,note\n"
    'x,y,model_a,1.5,2024-01-02,1,"a, b"\n'
    "y,z,0.5,2,2024-01-03,2,\n"
    "z,x,0,1,2024-01-04,3,NA\n"
    "\n"
    "x,x,tie,1,2024-01-05,4,self\n"
)


def test_read_csv(tmp_path: Path, reader_path: str) -> None:
    p = _write(tmp_path / "v.csv", GOOD)
    v = read_votes(p, weight="w", time="t", covariates=["k", "note"], drop_self=True)
    assert v.items == ("x", "y", "z")
    np.testing.assert_array_equal(v.outcome, [0, 2, 1])
    np.testing.assert_array_equal(v.weight, [1.5, 2, 1])
    assert v.time.dtype == np.dtype("datetime64[D]")
    assert v.covariates["k"].dtype == np.int64
    assert v.covariates["note"].tolist() == ["a, b", "", "NA"]
    gz = tmp_path / "v.csv.gz"
    gz.write_bytes(gzip.compress(GOOD.encode()))
    assert read_votes(gz, weight="w", drop_self=True).equals(read_votes(p, weight="w",
                                                                        drop_self=True))


BAD_FILES = [
    ("empty", "", "is empty"),
    ("truncated", "model_a,model_b,winner\nx,y,tie\nx,y\n",
     r"line\(s\) 3 have a different number of fields than the header \(3\)"),
    ("extra", "model_a,model_b,winner\nx,y,tie,1\n", r"line\(s\) 2 have a different number"),
    ("quote", 'model_a,model_b,winner\nx,y,"tie\n', "could not parse .* unexpected end of data"),
    ("dupcol", "model_a,model_a,winner\nx,y,tie\n", r"duplicated column names: \['model_a'\]"),
    ("missing", "model_a,model_b,winner\nx,,tie\n", r"column 'model_b' has 1 missing item"),
    ("unknown", "model_a,model_b,winner\nx,y,tie\nx,y,draw\n",
     r"'draw' \(row\(s\) 3 \(lines of the file; the header is line 1\)\)"),
    ("noweight", "model_a,model_b,winner,w\nx,y,tie,1\nx,y,tie,\n",
     r"weight column 'w' has 1 missing value\(s\) at row\(s\) 3 \(lines of the file"),
    ("self", "model_a,model_b,winner\nx,x,tie\nx,y,tie\n",
     r"self-comparison\(s\).*row\(s\) 2 \(lines of the file"),
    ("nocol", "a,b,c\nx,y,tie\n", r"column 'model_a' \(for side A\) not found"),
    ("header", "model_a,model_b,winner\n", "no votes: the input is empty"),
]


@pytest.mark.parametrize(("name", "text", "match"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_read_csv_errors(tmp_path: Path, reader_path: str, name: str, text: str,
                         match: str) -> None:
    p = _write(tmp_path / f"{name}.csv", text)
    with pytest.raises(VotesError, match=match):
        read_votes(p, weight="w" if name == "noweight" else None)


def test_read_csv_errors_identical_between_paths(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text, _ in BAD_FILES:
        p = _write(tmp_path / f"{name}.csv", text)
        msgs = []
        for hide in (False, True):
            with monkeypatch.context() as m:
                if hide:
                    m.setitem(sys.modules, "pandas", None)
                with pytest.raises(VotesError) as info:
                    read_votes(p, weight="w" if name == "noweight" else None)
                msgs.append(str(info.value))
        assert msgs[0] == msgs[1], name


def test_read_non_utf8(tmp_path: Path, reader_path: str) -> None:
    p = _write(tmp_path / "l1.csv", "model_a,model_b,winner\nJürgen,y,tie\n".encode("latin-1"))
    with pytest.raises(VotesError, match=r"could not decode .* as utf-8 \(byte \d+\)"):
        read_votes(p)
    assert read_votes(p, encoding="latin-1").items == ("Jürgen", "y")


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_votes(tmp_path / "nope.csv")


def test_read_bom_and_crlf(tmp_path: Path, reader_path: str) -> None:
    p = _write(tmp_path / "bom.csv", b"\xef\xbb\xbfmodel_a,model_b,winner\r\nx,y,tie\r\n")
    assert read_votes(p).outcome.tolist() == [2]


def test_parquet_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    v = _small()
    p = tmp_path / "v.parquet"
    v.to_frame().to_parquet(p)
    assert read_votes(p, weight="weight", cluster="cluster").equals(v)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(VotesError, match="could not read Parquet file"):
        read_votes(bad)


# --------------------------------------------------------------------------- real data


def _expected_lmarena(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    self_rows = [i for i, r in enumerate(rows) if r["model_a"] == r["model_b"]]
    kept = [r for r in rows if r["model_a"] != r["model_b"]]
    return {
        "n_rows": len(rows), "self_rows": self_rows,
        "self_ties": sum(rows[i]["winner"] == "tie" for i in self_rows),
        "ties": sum(r["winner"] == "tie" for r in rows),
        "kept": len(kept), "kept_ties": sum(r["winner"] == "tie" for r in kept),
        "items": sorted({r["model_a"] for r in kept} | {r["model_b"] for r in kept}),
        "a_wins": sum(r["winner"] == "model_a" for r in kept),
    }


def test_lmarena_file(lmarena_csv: Path) -> None:
    exp = _expected_lmarena(lmarena_csv)
    assert exp["n_rows"] == 135_634
    assert exp["ties"] == 37_286
    assert exp["self_rows"] == [4878, 20312, 30195, 30646, 55214, 55620, 61586, 75052, 85530,
                                93794]
    with pytest.raises(VotesError, match=r"10 self-comparison\(s\).*row\(s\) 4880, 20314"):
        read_votes(lmarena_csv)
    v = read_votes(lmarena_csv, drop_self=True)
    s = v.summary()
    assert s.n_votes == exp["kept"] == 135_624
    assert s.n_ties == exp["kept_ties"] == exp["ties"] - exp["self_ties"]
    assert list(v.items) == exp["items"]
    assert s.n_items == 53
    assert int(np.count_nonzero(v.outcome == 0)) == exp["a_wins"]
    assert s.n_components == 1
    assert s.votes_per_item["qwen3-coder-480b-a35b-instruct"] == 2


def test_lmarena_both_paths_identical(lmarena_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kw = {"drop_self": True, "covariates": ["both_bad", "criteria_count"]}
    fast = read_votes(lmarena_csv, **kw)
    monkeypatch.setitem(sys.modules, "pandas", None)
    assert read_votes(lmarena_csv, **kw).equals(fast)


def test_football_both_paths_identical(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = shared_data / "international_football" / "matches.csv"
    kw = {"time": "timestamp", "covariates": ["neutral", "tournament", "shootout_winner"]}
    fast = read_votes(p, **kw)
    monkeypatch.setitem(sys.modules, "pandas", None)
    slow = read_votes(p, **kw)
    assert slow.equals(fast)
    assert fast.time.dtype.kind == "M"


def test_large_synthetic() -> None:
    rng = np.random.default_rng(0)
    n, k = 200_000, 100
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    o = rng.integers(0, 3, n)
    items = [f"m{i:03d}" for i in range(k)]
    v1 = Votes(items=items, a=a, b=b, outcome=o)
    lab = np.array(items)
    v2 = Votes.from_arrays(lab[a], lab[b], np.array([1.0, 0.0, 0.5])[o])
    assert v1.equals(v2)
    assert v1.counts.n_cells <= 3 * k * (k - 1) // 2


def test_public_names() -> None:
    assert elosim.Votes is votes_mod.Votes
    assert (votes_mod.A_WINS, votes_mod.B_WINS, votes_mod.TIE) == (0, 1, 2)


# --------------------------------------------------------------------------- bad inputs (details)
def test_pandas_na_is_missing_everywhere() -> None:
    df = pd.DataFrame({
        "model_a": pd.array(["x", "y", pd.NA], dtype="string"),
        "model_b": ["y", "z", "x"],
        "winner": ["model_a", "tie", "model_b"],
    })
    msg = r"column 'model_a' has 1 missing item label\(s\) at row\(s\) 2"
    with pytest.raises(VotesError, match=msg):
        Votes.from_frame(df)
    w = pd.array([1.0, pd.NA], dtype="Float64")
    df2 = pd.DataFrame({"model_a": ["x", "y"], "model_b": ["y", "z"], "winner": [1, 0], "w": w})
    msg = r"weight column 'w' has 1 missing value\(s\) at row\(s\) 1"
    with pytest.raises(VotesError, match=msg):
        Votes.from_frame(df2, weight="w")
    o = pd.array([pd.NA, "tie"], dtype=object)
    msg = r"column 'outcome' has 1 missing outcome\(s\) at row\(s\) 0"
    with pytest.raises(VotesError, match=msg):
        Votes.from_arrays(["x", "y"], ["y", "z"], o)
    assert parse_mod._is_missing(pd.NA)
    assert not parse_mod._is_missing("NA")


def test_frame_weight_errors_name_the_column() -> None:
    df = pd.DataFrame({"model_a": ["x", "y", "x"], "model_b": ["y", "z", "z"],
                       "winner": [1, 0, 1], "wt": [1.0, -0.5, -3.0]})
    with pytest.raises(VotesError, match=r"weight column 'wt' has 2 negative value\(s\) at "
                       r"row\(s\) 1, 2; weights must be >= 0 \(got -0\.5 at row 1\)"):
        Votes.from_frame(df, weight="wt")
    df["wt"] = [1.0, 2.0, -np.inf]
    with pytest.raises(VotesError, match=r"weight column 'wt' has 1 missing or non-finite "
                       r"value\(s\) at row\(s\) 2 \(e\.g\. -inf\)"):
        Votes.from_frame(df, weight="wt")
    # rows are those of the input, also when self-comparisons are dropped afterwards
    df = pd.DataFrame({"model_a": ["x", "x", "y"], "model_b": ["x", "y", "z"],
                       "winner": [1, 0, 1], "wt": [1.0, 1.0, -1.0]})
    with pytest.raises(VotesError, match=r"at row\(s\) 2;"):
        Votes.from_frame(df, weight="wt", drop_self=True)


@pytest.mark.parametrize("df", [None, [{"model_a": "x"}], ("a", "b"), 3, "votes.csv"])
def test_from_frame_rejects_non_frames(df: object) -> None:
    with pytest.raises(TypeError, match=rf"df must be a DataFrame .*; got {type(df).__name__}"):
        Votes.from_frame(df)


def test_from_frame_list_hint() -> None:
    with pytest.raises(TypeError, match=r"use pandas\.DataFrame\(rows\) first"):
        Votes.from_frame([{"model_a": "x", "model_b": "y", "winner": "tie"}])


@pytest.mark.parametrize(
    ("wins", "ties", "match"),
    [
        ([[0, 1, -2], [0, 0, 1], [1, 1, 0]], None,
         r"wins must hold non-negative integer counts; got -2 at \(0, 2\) \(row 'a', column 'c'\)"),
        (np.array([[0, 1.5, 2.5], [0, 0, 1], [1, 1, 0]]), None,
         r"wins must hold non-negative integer counts; got 1\.5 at \(0, 1\) \(row 'a', "
         r"column 'b'\) \(and 1 more\)"),
        ([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [[0, 1, 0], [1, 0, 0], [0, 0, -1]],
         r"ties must hold non-negative integer counts; got -1 at \(2, 2\) \(row 'c', column 'c'\)"),
        ([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [[0, 1], [1, 0]],
         r"ties must have shape \(3, 3\) for 3 items; got \(2, 2\)"),
        ([[0, 1, 1], [1, 0, 1], [1, None, 0]], None,
         r"wins must hold numbers \(non-negative integer counts\); got None \(type NoneType\) "
         r"at \(2, 1\) \(row 'c', column 'b'\)"),
        ([[0, 1, 1], [1, 0, 1], [1, True, 0]], None,
         r"wins must hold numbers .*got True \(type bool\) at \(2, 1\)"),
        (np.array([["0", "1", "1"], ["1", "0", "1"], ["1", "1", "0"]]), None,
         r"wins must hold numbers .*got '0' \(type str\) at \(0, 0\)"),
        ([[0, 1, 1], [1, 0, 1], [1, 1, np.inf]], None,
         r"wins has missing or non-finite entries \(1\), e\.g\. inf at \(2, 2\)"),
        ([[0, 1, 1], [1, 3, 1], [1, 1, 0]], None,
         r"wins has non-zero diagonal entries \(self-comparisons\), e\.g\. 3 at \(1, 1\) "
         r"\(row 'b', column 'b'\)"),
        ([[0, 1, 1], [1, 0], [1, 1, 0]], None,
         r"wins must have shape \(3, 3\) for 3 items; got a ragged matrix with rows of lengths "
         r"\[3, 2, 3\]"),
    ],
)
def test_from_counts_errors_name_the_entry(wins: object, ties: object, match: str) -> None:
    with pytest.raises(VotesError, match=match):
        Votes.from_counts(["a", "b", "c"], wins, ties)  # type: ignore[arg-type]


def test_from_counts_accepts_numeric_inputs() -> None:
    v = Votes.from_counts(["a", "b"], np.array([[0, 2], [1, 0]], dtype=np.uint8))
    assert v.n_votes == 3
    v = Votes.from_counts(["a", "b"], [[0, np.int64(2)], [1.0, 0]], ties=[[0, 1], [1, 0]])
    assert v.n_votes == 4
    with pytest.raises(VotesError, match=r"need at least two items to compare; got 0"):
        Votes.from_counts([], np.zeros((0, 0)))


def test_read_votes_checks_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("model_a,model_b,winner\nx,y,model_a\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"encoding 'utf-9' is not a known text encoding; "
                       r"use e\.g\. 'utf-8'"):
        read_votes(path, encoding="utf-9")
    with pytest.raises(ValueError, match=r"encoding 'rot13' is not a text encoding"):
        read_votes(path, encoding="rot13")
    with pytest.raises(TypeError, match=r"encoding must be the name of a text encoding .*got None"):
        read_votes(path, encoding=None)  # type: ignore[arg-type]
    # checked before the file is looked at
    with pytest.raises(ValueError, match="'utf-9'"):
        read_votes(tmp_path / "missing.csv", encoding="utf-9")
    assert read_votes(path, encoding="latin-1").n_votes == 1
