"""Bundled data sets: offline loading, credits, and equality with the shared CSV files."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from elosim import Votes
from elosim.data import datasets
from elosim.datasets import load_bradleyterry2, load_international_football, load_lmarena_140k

PKG = Path(datasets.__file__).parent
CSV = {
    "lmarena_140k": ("lmarena_140k/battles.csv", lambda **k: load_lmarena_140k(**k)),
    "international_football": ("international_football/matches.csv",
                               lambda **k: load_international_football(**k)),
    "baseball": ("bradleyterry2/baseball.csv", lambda **k: load_bradleyterry2("baseball", **k)),
    "icehockey": ("bradleyterry2/icehockey.csv",
                  lambda **k: load_bradleyterry2("icehockey", **k)),
    "epl_football": ("bradleyterry2/epl_football.csv",
                     lambda **k: load_bradleyterry2("epl_football", **k)),
}


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    cols = []
    for c in frame.columns:
        v = frame[c]
        if v.dtype.kind == "M":
            cols.append(v.dt.strftime("%Y-%m-%d").tolist())
        else:
            cols.append([str(x) for x in v.tolist()])
    return [list(r) for r in zip(*cols, strict=True)]


@pytest.mark.parametrize("name", list(CSV))
def test_bundled_equals_shared_csv(shared_data: Path, name: str) -> None:
    rel, load = CSV[name]
    with open(shared_data / rel, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    frame = load(as_frame=True)
    assert list(frame.columns) == rows[0]
    assert _cells(frame) == rows[1:]


@pytest.mark.parametrize("name", list(CSV))
def test_votes_match_frame(name: str) -> None:
    _, load = CSV[name]
    frame = load(as_frame=True)
    frame = frame[frame["model_a"] != frame["model_b"]].reset_index(drop=True)
    v = load()
    assert isinstance(v, Votes)
    ref = Votes.from_frame(frame)
    assert (v.items, v.a.tolist(), v.b.tolist(), v.outcome.tolist()) == (
        ref.items, ref.a.tolist(), ref.b.tolist(), ref.outcome.tolist())
    for key, col in v.covariates.items():
        assert col.tolist() == frame[key].tolist()


def test_lmarena_numbers() -> None:
    v = load_lmarena_140k()
    assert (v.n_votes, v.n_items) == (135_624, 53)
    assert sorted(v.covariates) == ["both_bad", "criteria_count", "is_creative_writing",
                                    "is_instruction_following", "is_math"]
    assert v.covariates["both_bad"].dtype == np.int64
    frame = load_lmarena_140k(as_frame=True)
    assert len(frame) == 135_634
    self_rows = np.flatnonzero((frame["model_a"] == frame["model_b"]).to_numpy()).tolist()
    assert self_rows == [4878, 20312, 30195, 30646, 55214, 55620, 61586, 75052, 85530, 93794]
    ties = int((frame["winner"] == "tie").sum())
    self_ties = int((frame["winner"].to_numpy()[self_rows] == "tie").sum())
    assert ties == 37_286
    assert v.summary().n_ties == ties - self_ties
    assert int(frame["both_bad"].sum()) == 15_754


def test_football_and_bt2() -> None:
    v = load_international_football()
    assert v.time.dtype == np.dtype("datetime64[D]")
    assert bool(np.all(np.diff(v.time.astype(np.int64)) >= 0))
    assert [len(c) for c in v.components()] == [334, 3]
    assert v.components()[1] == ["Aymara", "Mapuche", "Maule Sur"]
    assert int((v.covariates["shootout_winner"] != "").sum()) == 682
    ice = load_bradleyterry2("icehockey")
    assert (ice.n_votes, ice.n_items, ice.summary().n_ties) == (1083, 58, 125)
    assert load_bradleyterry2("epl_football").n_votes == 1900
    with pytest.raises(ValueError, match=r"name must be one of .baseball.*got .chess."):
        load_bradleyterry2("chess")


def test_reference_abilities_copy(tests_data: Path) -> None:
    with open(tests_data / "reference_abilities.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 65
    assert set(rows[0]) == {"dataset", "player", "ability", "se"}
    baseball = load_bradleyterry2("baseball")
    assert {r["player"] for r in rows if r["dataset"] == "baseball"} == set(baseball.items)


def test_loading_is_fast_and_small() -> None:
    datasets._columns.cache_clear()
    t0 = time.perf_counter()
    load_lmarena_140k()
    assert time.perf_counter() - t0 < 1.0  # ~0.05 s normally; generous for busy CI
    size = sum(p.stat().st_size for p in PKG.glob("*.npz"))
    assert size < 1_500_000


def test_credits_present() -> None:
    doc = datasets.__doc__ or ""
    readme = (PKG / "README.md").read_text(encoding="utf-8")
    for text in (doc, readme):
        assert "CC-BY-4.0" in text
        assert "lmarena-ai" in text
        assert "Turner" in text
        assert "Firth" in text
        assert "GPL" in text
        assert "Jürisoo" in text
