"""elosim.count_votes and elosim.VoteCounts: counts from every local source equal the
in-memory reduction of Votes exactly; fits and bootstraps from counts equal those from rows;
bad input gets Votes' errors, named with the file line."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import elosim

vote_frame = runpy.run_path(str(Path(__file__).with_name("_vote_frames.py")))["vote_frame"]

KW: dict[str, Any] = {"weight": "weight", "cluster": "prompt", "time": "day"}


def _reference(df: pd.DataFrame, **kw: Any) -> elosim.Votes:
    return elosim.Votes.from_frame(
        df, weight=kw.get("weight"), cluster=kw.get("cluster"), drop_self=kw.get("drop_self", False)
    )


def _same_as_rows(got: elosim.VoteCounts, ref: elosim.Votes) -> None:
    assert got.items == ref.items
    c = ref.counts
    for name in ("pair_i", "pair_j", "cell_pair", "cell_outcome", "cell_weight", "cell_count"):
        assert np.array_equal(getattr(got, name), getattr(c, name)), name
    assert got.weighted == c.weighted
    if ref.cluster is not None:
        assert np.array_equal(got.cluster, np.unique(ref.cluster))
        assert (got.cluster_counts != ref.cluster_matrix()).nnz == 0


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return vote_frame()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, df: pd.DataFrame) -> Path:
    d = tmp_path_factory.mktemp("votes")
    df.iloc[:1000].to_csv(d / "part-0.csv", index=False)
    df.iloc[1000:2000].to_csv(d / "part-1.csv.gz", index=False)
    df.iloc[2000:].to_parquet(d / "part-2.parquet", row_group_size=300)
    return d


def test_frame_counts_equal_votes_counts(df: pd.DataFrame) -> None:
    _same_as_rows(elosim.count_votes(df, **KW), _reference(df, **KW))
    _same_as_rows(elosim.count_votes(df), _reference(df))
    # small batches give the same counts (merging across batches is exact)
    assert elosim.count_votes(df, batch_rows=97, **KW).equals(elosim.count_votes(df, **KW))


@pytest.mark.parametrize("kind", ["object", "category", "arrow", "mapping", "pyarrow"])
def test_column_kinds(df: pd.DataFrame, kind: str) -> None:
    pa = pytest.importorskip("pyarrow")
    src: Any = df
    if kind == "object":
        src = df.astype(object)
    elif kind == "category":
        src = df.astype("category")
    elif kind == "arrow":
        src = df.astype(dict.fromkeys(("model_a", "model_b", "winner"), "string[pyarrow]"))
    elif kind == "mapping":
        src = {c: df[c].to_numpy() for c in df.columns}
    else:
        src = pa.Table.from_pandas(df, preserve_index=False)
    _same_as_rows(elosim.count_votes(src, **KW), _reference(df, **KW))


def test_iterator_of_frames(df: pd.DataFrame) -> None:
    chunks = (df.iloc[i : i + 700] for i in range(0, len(df), 700))
    _same_as_rows(elosim.count_votes(chunks, **KW), _reference(df, **KW))


def test_files_glob_and_directory(df: pd.DataFrame, files: Path) -> None:
    ref = _reference(df, **KW)
    whole = elosim.count_votes(files, **KW)
    _same_as_rows(whole, ref)
    assert elosim.count_votes(str(files / "part-*"), **KW).equals(whole)
    _same_as_rows(elosim.count_votes(files / "part-2.parquet", **KW),
                  _reference(df.iloc[2000:].reset_index(drop=True), **KW))
    _same_as_rows(elosim.count_votes(files / "part-1.csv.gz", **KW),
                  _reference(df.iloc[1000:2000].reset_index(drop=True), **KW))


def test_csv_reads_cells_as_text_like_read_votes(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("model_a,model_b,winner,w\n01,2,1,1.5\n2,01,0.5,1.5\n\n2,3,model_b,2\n"
                    '"a, ""quoted"" label",3,1,2\n')
    got = elosim.count_votes(path, weight="w")
    ref = elosim.read_votes(path, weight="w")
    _same_as_rows(got, ref)
    assert got.items == ("01", "2", "3", 'a, "quoted" label')


def test_count_column_and_from_matrix() -> None:
    table = pd.DataFrame({"model_a": ["x", "y", "x", "x"], "model_b": ["y", "x", "z", "y"],
                          "winner": ["model_a", "model_a", "tie", "model_a"], "n": [3, 2, 4, 1]})
    rows = table.loc[table.index.repeat(table["n"])].drop(columns="n")
    _same_as_rows(elosim.count_votes(table, count="n"), elosim.Votes.from_frame(rows))
    for bad in (-1, 1.5):
        with pytest.raises(elosim.VotesError, match=r"count column 'n' .* at row\(s\) 2"):
            elosim.count_votes(table.assign(n=[3, 2, bad, 1]), count="n")
    wins = [[0, 4, 0], [2, 0, 0], [0, 0, 0]]
    ties = [[0, 0, 4], [0, 0, 0], [4, 0, 0]]
    m = elosim.VoteCounts.from_matrix(["x", "y", "z"], wins, ties)
    assert m.equals(elosim.Votes.from_counts(["x", "y", "z"], wins, ties).counts)
    huge = elosim.VoteCounts.from_matrix(["a", "b"], [[0, 6 * 10**11], [4 * 10**11, 0]])
    assert huge.n_votes == 10**12  # never expanded into rows
    fit = elosim.bradley_terry(huge)
    assert fit.ratings[0] - fit.ratings[1] == pytest.approx(400 * np.log10(1.5))


def test_fits_and_bootstraps_from_counts_equal_those_from_rows(df: pd.DataFrame) -> None:
    votes = elosim.Votes.from_frame(df, cluster="prompt")
    counts = elosim.count_votes(df, cluster="prompt")
    for ties in ("half", "davidson"):
        f_rows = elosim.bradley_terry(votes, ties=ties, covariance="cluster")
        f_counts = elosim.bradley_terry(counts, ties=ties, covariance="cluster")
        assert np.array_equal(f_rows.ratings, f_counts.ratings)
        for kind in ("model", "sandwich", "cluster"):
            np.testing.assert_allclose(f_counts.covariance(kind), f_rows.covariance(kind),
                                       rtol=1e-12, atol=1e-12)
    f_rows = elosim.bradley_terry(votes)
    f_counts = elosim.bradley_terry(counts)
    for cluster in (None, True):
        b_rows = elosim.bootstrap(f_rows, n_resamples=40, rng=3, cluster=cluster)
        b_counts = elosim.bootstrap(f_counts, n_resamples=40, rng=3, cluster=cluster)
        assert np.array_equal(b_rows.bootstrap_distribution, b_counts.bootstrap_distribution)
    assert f_counts.summary()  # downstream displays work from counts
    assert counts.summary().n_votes == votes.summary().n_votes
    assert np.array_equal(counts.votes_per_item, votes.votes_per_item)


def test_counts_without_clusters_refuse_cluster_methods(df: pd.DataFrame) -> None:
    fit = elosim.bradley_terry(elosim.count_votes(df))
    with pytest.raises(ValueError, match="needs cluster ids"):
        elosim.bootstrap(fit, n_resamples=5, rng=0, cluster=True)
    with pytest.raises(ValueError, match="no vote rows"):
        fit.covariance("cluster", cluster=np.arange(len(df)))


BAD = [
    ("winner", {3: "foo", 40: "foo", 41: "bar"}, elosim.VotesError,
     r"2 unknown outcome label\(s\): 'foo' \(row\(s\) 3, 40\); 'bar' \(row\(s\) 41\)"),
    ("winner", {5: None}, elosim.VotesError, r"1 missing outcome\(s\) at row\(s\) 5"),
    ("model_a", {8: ""}, elosim.VotesError, r"1 missing item label\(s\) at row\(s\) 8"),
    ("weight", {9: -1.0}, elosim.VotesError, r"1 negative value\(s\) at row\(s\) 9"),
    ("prompt", {11: None}, elosim.VotesError, r"cluster has 1 missing value\(s\) at row\(s\) 11"),
]


@pytest.mark.parametrize(("column", "changes", "exc", "match"), BAD)
def test_errors_match_votes_errors(df: pd.DataFrame, column: str, changes: dict[int, Any],
                                   exc: type[Exception], match: str) -> None:
    bad = df.iloc[:200].copy()
    if column == "weight":
        bad[column] = bad[column].astype(float)
    for row, value in changes.items():
        bad.loc[row, column] = value
    with pytest.raises(exc, match=match) as from_rows:
        elosim.Votes.from_frame(bad, weight="weight", cluster="prompt")
    with pytest.raises(exc, match=match) as from_counts:
        elosim.count_votes(bad, weight="weight", cluster="prompt")
    assert str(from_counts.value) == str(from_rows.value)
    # counted over every batch (and rows numbered globally)
    with pytest.raises(exc, match=match):
        elosim.count_votes(bad, weight="weight", cluster="prompt", batch_rows=7)


def test_self_comparisons(df: pd.DataFrame) -> None:
    bad = df.iloc[:100].copy()
    bad.loc[[4, 60], "model_b"] = bad.loc[[4, 60], "model_a"].to_numpy()
    with pytest.raises(elosim.VotesError, match=r"2 self-comparison\(s\) .* at row\(s\) 4, 60"):
        elosim.count_votes(bad)
    _same_as_rows(elosim.count_votes(bad, drop_self=True),
                  elosim.Votes.from_frame(bad, drop_self=True))


def test_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("model_a,model_b,winner,note\nx,y,model_a,\n\nx,y,tie,\"multi\nline\"\n"
                    "x,y,foo,\ny,x,model_b,\n")
    with pytest.raises(elosim.VotesError, match=r"'foo' \(line\(s\) 6\)") as info:
        elosim.count_votes(path)
    assert str(path) in str(info.value)
    path.write_text("model_a,model_b,winner\nx,y,model_a\ny,x,tie\nz,z,tie\n")
    with pytest.raises(elosim.VotesError, match=r"self-comparison\(s\) .*at line\(s\) 4"):
        elosim.count_votes(path)
    path.write_text("model_a,model_b,winner\nx,y,model_a\ny,x\n")
    with pytest.raises(elosim.VotesError, match=r"line 3 has 2 field\(s\)"):
        elosim.count_votes(path)
    with pytest.raises(elosim.VotesError, match=r"'who' \(for side A\) not found"):
        elosim.count_votes(path, a="who")
    with pytest.raises(FileNotFoundError):
        elosim.count_votes(tmp_path / "missing.csv")
    with pytest.raises(FileNotFoundError):
        elosim.count_votes(str(tmp_path / "*.parquet"))
    with pytest.raises(TypeError, match="source must be"):
        elosim.count_votes(42)


def _label_frame(spellings: list[str]) -> pd.DataFrame:
    n = len(spellings)
    return pd.DataFrame({"model_a": spellings, "model_b": ["other"] * n,
                         "winner": ["model_a", "model_b", "tie"] * (n // 3) + ["tie"] * (n % 3)})


@pytest.mark.parametrize(
    ("spellings", "match"),
    [(["GPT-4", "gpt-4", "GPT-4"], "differ only by case"),
     (["gpt-4", "gpt-4 ", "gpt-4"], "several spellings.*'gpt-4' and 'gpt-4 '")],
    ids=["look-alike", "merged"],
)
def test_label_warnings_match_votes(spellings: list[str], match: str, tmp_path: Path) -> None:
    df = _label_frame(spellings)
    with pytest.warns(elosim.LabelWarning, match=match) as ref:
        votes = elosim.Votes.from_frame(df)
    path = tmp_path / "v.csv"
    df.to_csv(path, index=False)
    for source in (df, path, iter([df.iloc[:1], df.iloc[1:]])):
        with pytest.warns(elosim.LabelWarning, match=match) as got:
            counts = elosim.count_votes(source)
        assert [str(w.message) for w in got] == [str(w.message) for w in ref]
        assert counts.equals(votes.counts)




@pytest.mark.parametrize(
    "case", ["shared", "copies", "copies-all", "missing", "mixed-types", "strided"]
)
def test_object_columns_encode_by_address_like_by_value(case: str) -> None:
    # object columns whose rows share string objects are factorised by address, then by
    # value over the few distinct objects: the codes must mean exactly the rows' values
    from elosim.data import tally
    from elosim.data.tally import encode_column

    rng = np.random.default_rng(4)
    labels = [f"model-{i}" for i in range(30)]
    col = np.array(labels, dtype=object)[rng.integers(0, 30, 50_000)]
    if case == "copies":  # equal strings held by different objects
        col[::200] = ["".join(list(str(x))) for x in col[::200]]
    elif case == "copies-all":  # one object per row: values are hashed instead
        col[:] = ["".join(list(str(x))) for x in col]
    elif case == "missing":
        col[::11] = None
        col[5::13] = float("nan")
    elif case == "mixed-types":
        col[::17] = 3
        col[1::19] = "3"
    elif case == "strided":
        col = np.repeat(col, 2)[::2]
    series = pd.Series(col, dtype=object)
    assert (tally._shared_object_codes(series, pd.factorize) is None) == (case == "copies-all")
    codes, values = encode_column(series)
    got = [values[c] for c in codes.tolist()]
    want = col.tolist()
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if isinstance(w, float) and np.isnan(w):
            assert isinstance(g, float)
            assert np.isnan(g)
        else:
            assert type(g) is type(w)
            assert g == w
    # distinct values are distinct codes
    assert len(values) == len({(type(v).__name__, "nan" if v != v else v) for v in want})


def test_object_frames_count_and_fail_like_votes() -> None:
    rng = np.random.default_rng(5)
    labels = np.array([f"m{i}" for i in range(20)], dtype=object)
    a = rng.integers(0, 20, 30_000)
    b = (a + rng.integers(1, 20, a.size)) % 20
    df = pd.DataFrame({"model_a": labels[a], "model_b": labels[b],
                       "winner": np.array(["model_a", "model_b", "tie"], dtype=object)[
                           rng.integers(0, 3, a.size)]}, dtype=object)
    assert elosim.count_votes(df).equals(elosim.Votes.from_frame(df).counts)
    bad = df.copy()
    bad.loc[[10, 20_000], "model_b"] = None
    with pytest.raises(elosim.VotesError) as ref:
        elosim.Votes.from_frame(bad)
    with pytest.raises(elosim.VotesError) as got:
        elosim.count_votes(bad)
    assert "10" in str(got.value)
    assert "20000" in str(got.value).replace(",", "")
    assert "missing" in str(ref.value)
    assert "missing" in str(got.value)


@pytest.mark.parametrize(
    ("column", "changes", "match"),
    [("winner", {3: "foo", 70_000: "foo", 99_000: "bar"},
      r"2 unknown outcome label\(s\): 'foo' \(row\(s\) 3, 70000\); 'bar' \(row\(s\) 99000\)"),
     ("model_a", {90_001: ""}, r"1 missing item label\(s\) at row\(s\) 90001"),
     ("model_b", {5: "same", 80_000: "same"}, r"self-comparison\(s\) .* at row\(s\) 5, 80000")],
    ids=["outcome", "label", "self"],
)
def test_threaded_batches_locate_rows_like_votes(column: str, changes: dict[int, Any],
                                                 match: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # batches of Arrow strings larger than the threading threshold are encoded and grouped
    # in slices side by side: counts and the rows named in errors must not change
    from elosim.data import tally

    df = vote_frame(100_000)[["model_a", "model_b", "winner"]].astype("str")
    assert tally._THREADS == 1 or tally._is_arrow(df["winner"])  # the sliced path is taken
    made: list[str] = []
    get = tally._RowCodes.__getitem__
    monkeypatch.setattr(tally._RowCodes, "__getitem__",
                        lambda self, role: made.append(role) or get(self, role))
    assert elosim.count_votes(df).equals(elosim.Votes.from_frame(df).counts)
    assert made == []  # clean data: no per-row codes are made
    bad = df.copy()
    for row, value in changes.items():
        bad.loc[row, column] = value
        if column == "model_b":
            bad.loc[row, "model_a"] = value
    with pytest.raises(elosim.VotesError, match=match) as from_rows:
        elosim.Votes.from_frame(bad)
    with pytest.raises(elosim.VotesError, match=match) as from_counts:
        elosim.count_votes(bad, batch_rows=200_000)
    assert str(from_counts.value) == str(from_rows.value)
