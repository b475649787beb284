"""Bad inputs raise named errors (catalogue-driven), and inputs are never mutated.

The catalogue lives in ``tests/bad_inputs_catalogue.py``; the reference page
``docs/reference/bad_inputs.md`` is generated from it and checked here to be in sync.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import elosim
from elosim import Votes

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "reference" / "bad_inputs.md"


def _load_catalogue() -> Any:
    name = "elosim_tests_bad_inputs_catalogue"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "bad_inputs_catalogue.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


cat = _load_catalogue()


def _params() -> list[Any]:
    out = []
    for e in cat.CATALOGUE:
        marks = [pytest.mark.xfail(strict=True, reason=f"bug: {e.bug}")] if e.bug else []
        out.append(pytest.param(e, id=e.id, marks=marks))
    return out


# ---------------------------------------------------------------------------- catalogue
@pytest.mark.parametrize("entry", _params())
def test_bad_input_raises_named_error(entry: Any, tmp_path: Path) -> None:
    with pytest.raises(entry.exception, match=entry.match):
        cat.perform(entry, tmp_path)


def test_catalogue_is_well_formed() -> None:
    entries = cat.CATALOGUE
    assert len(entries) >= 193
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids), "duplicated ids"
    allowed = (
        elosim.VotesError, TypeError, ValueError, KeyError, FileNotFoundError,
        elosim.NoFiniteEstimateError, elosim.DisconnectedGraphError, ImportError,
        elosim.NumericalError, elosim.InsufficientMemoryError, elosim.ElosimWarning,
    )
    for e in entries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", e.id), e.id
        assert e.description, e.id
        assert "\n" not in e.description, e.id
        assert issubclass(e.exception, allowed), e.id
        re.compile(e.match)
        assert len(e.match) >= 10, f"{e.id}: the regex must name the problem"
        if e.bug is not None:
            assert re.match(r"[a-z_]+\.py: ", e.bug), f"{e.id}: bug must start with 'module.py: '"


def test_reference_page_is_in_sync() -> None:
    expected = cat.render_markdown()
    assert DOC.exists(), "run: python tests/bad_inputs_catalogue.py > docs/reference/bad_inputs.md"
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/reference/bad_inputs.md is stale; regenerate it with "
        "python tests/bad_inputs_catalogue.py > docs/reference/bad_inputs.md"
    )


def test_reference_page_is_deterministic_and_path_free() -> None:
    files = [e for e in cat.CATALOGUE if e.id.startswith("file-")]
    assert len(files) >= 5
    text = cat.render_markdown(files)
    assert text == cat.render_markdown(files)
    assert "/tmp" not in text
    assert "pytest-of" not in text
    assert "<tmp>/" in text


def test_markdown_cells_escape_pipes() -> None:
    def boom(tmp: Path) -> None:
        raise ValueError("a | b\nc" + "x" * 300)

    entry = cat.Entry("pipe", "pipe | in text", boom, ValueError, r"a \| b")
    line = cat.render_markdown([entry]).splitlines()[-3]
    assert line.count(" | ") == 2  # only the two column separators are unescaped
    assert "a \\| b c" in line
    assert "…" in line


# ---------------------------------------------------------------------------- behaviour
def test_drop_self_drops_only_self_matches() -> None:
    df = pd.DataFrame({
        "model_a": ["x", "y", "z", "x"],
        "model_b": ["y", "y", "x", "z"],
        "winner": ["model_a", "tie", "z", 0.5],
        "w": [1.0, 2.0, 3.0, 4.0],
    })
    v = Votes.from_frame(df, weight="w", drop_self=True)
    assert v.n_votes == 3
    assert v.items == ("x", "y", "z")
    it = np.array(v.items)
    assert it[v.a].tolist() == ["x", "z", "x"]
    assert it[v.b].tolist() == ["y", "x", "z"]
    assert v.outcome.tolist() == [0, 0, 2]  # row 2's winner 'z' is its side A
    assert v.weight is not None
    assert v.weight.tolist() == [1.0, 3.0, 4.0]


def test_unknown_outcome_label_is_never_a_tie() -> None:
    for label in ("draw", "Tie?", "both good", "none", "2", "-1"):
        with pytest.raises(elosim.VotesError, match="never read as ties"):
            Votes.from_arrays(["x", "y"], ["y", "z"], ["tie", label])


# ---------------------------------------------------------------------------- no mutation
def _same(x: Any, y: Any) -> bool:
    """Deep equality that treats NaN == NaN and checks dtypes, flags and index labels."""
    if isinstance(x, pd.DataFrame):
        return (
            isinstance(y, pd.DataFrame)
            and x.equals(y)
            and list(x.columns) == list(y.columns)
            and list(x.dtypes) == list(y.dtypes)
            and x.index.equals(y.index)
        )
    if isinstance(x, (pd.Series, pd.Index)):
        return type(x) is type(y) and bool(x.equals(y)) and x.dtype == y.dtype  # type: ignore[arg-type]
    if isinstance(x, np.ndarray):
        return (
            isinstance(y, np.ndarray)
            and x.dtype == y.dtype
            and x.shape == y.shape
            and x.flags.writeable == y.flags.writeable
            and bool(np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"))
        )
    if isinstance(x, dict):
        return (
            isinstance(y, dict)
            and list(x) == list(y)
            and all(_same(x[k], y[k]) for k in x)
        )
    if isinstance(x, (list, tuple)):
        return (
            type(x) is type(y)
            and len(x) == len(y)
            and all(_same(a, b) for a, b in zip(x, y, strict=True))
        )
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return bool(x == y) and type(x) is type(y)


def _votes_frame() -> Any:
    return pd.DataFrame({
        "model_a": ["x", "y", "z", "x", "y"],
        "model_b": ["y", "z", "x", "z", "x"],
        "winner": ["model_a", "tie", "z", 0, 1],
        "w": [1.0, 0.5, 2.0, 1.0, 1.0],
        "t": [5, 3, 4, 1, 2],
        "c": ["p1", "p1", "p2", "p3", "p3"],
        "cov": [0.1, 0.2, 0.3, 0.4, 0.5],
    })


def _frame_with(**cols: Any) -> Any:
    df = _votes_frame()
    for k, v in cols.items():
        df[k] = v
    return df


def _fit() -> elosim.BradleyTerryResult:
    return elosim.bradley_terry(
        Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    )


Call = Callable[..., object]
# (id, function, positional user objects, keyword user objects); each is called once
MUTATION_CASES: list[tuple[str, Call, tuple[Any, ...], dict[str, Any]]] = [
    ("from_frame-valid", Votes.from_frame, (_votes_frame(),),
     {"weight": "w", "time": "t", "cluster": "c", "covariates": ["cov"]}),
    ("from_frame-dict", Votes.from_frame, ({"model_a": ["x", "y"], "model_b": ["y", "x"],
                                            "winner": ["tie", "model_b"]},), {}),
    ("from_frame-unknown-outcome", Votes.from_frame,
     (_frame_with(winner=["model_a", "draw", "z", 0, 1]),), {}),
    ("from_frame-self-drop", Votes.from_frame,
     (_frame_with(model_b=["x", "z", "x", "z", "x"]),), {"drop_self": True, "weight": "w"}),
    ("from_frame-nan-label", Votes.from_frame,
     (_frame_with(model_a=["x", np.nan, "z", "x", "y"]),), {}),
    ("from_frame-negative-weight", Votes.from_frame,
     (_frame_with(w=[1.0, -1.0, 1.0, 1.0, 1.0]),), {"weight": "w"}),
    ("from_arrays-lists", Votes.from_arrays, (["x", "y", "x"], ["y", "z", "z"], [1, 0.5, "x"]),
     {"weight": [1, 2, 3], "time": [3, 2, 1], "cluster": ["a", "a", "b"],
      "covariates": {"k": [1.0, np.nan, 3.0]}, "items": ["x", "y", "z", "w"]}),
    ("from_arrays-numpy", Votes.from_arrays,
     (np.array(["x", "y", "x"]), np.array(["y", "z", "z"], dtype=object), np.array([1.0, 0, 0.5])),
     {"weight": np.array([1.0, 2.0, 3.0]), "cluster": np.array([1, 1, 2])}),
    ("from_arrays-int-labels", Votes.from_arrays,
     (np.array([3, 1, 2]), np.array([1, 2, 3]), np.array([1, 0, 1])), {}),
    ("from_arrays-series", Votes.from_arrays,
     (pd.Series(["x", "y"], index=[10, 20]), pd.Series(["y", "z"]), pd.Series([1, 0])), {}),
    ("from_arrays-self", Votes.from_arrays, (["x", "y"], ["x", "z"], [1, 0]), {}),
    ("from_arrays-nan-weight", Votes.from_arrays, (["x", "y"], ["y", "z"], [1, 0]),
     {"weight": np.array([np.nan, 1.0])}),
    ("from_counts-lists", Votes.from_counts,
     (["a", "b", "c"], [[0, 3, 2], [2, 0, 3], [1, 2, 0]]),
     {"ties": [[0, 1, 1], [1, 0, 1], [1, 1, 0]]}),
    ("from_counts-arrays", Votes.from_counts,
     (np.array(["a", "b"]), np.array([[0.0, 3.0], [2.0, 0.0]])), {}),
    ("from_counts-negative", Votes.from_counts,
     (["a", "b"], np.array([[0, -3], [2, 0]])), {}),
    ("Votes-constructor", Votes, (), {
        "items": ["a", "b", "c"], "a": np.array([0, 1, 2]), "b": np.array([1, 2, 0]),
        "outcome": np.array([0, 1, 2], dtype=np.int8), "weight": np.array([1.0, 2.0, 3.0]),
        "time": np.array([1, 2, 3]), "covariates": {"z": np.array([0.5, 0.5, 0.5])}}),
    ("bradley_terry-init", lambda init: elosim.bradley_terry(_fit().votes, init=init),
     (np.array([0.1, 0.0, -0.1]),), {}),
    ("bootstrap-cluster", lambda cl: elosim.bootstrap(_fit(), n_resamples=5, cluster=cl, rng=0),
     (np.repeat(np.arange(10), 13),), {}),
    ("contrast_interval", lambda c: elosim.bootstrap(_fit(), n_resamples=20, rng=0)
     .contrast_interval(c), (np.array([[1.0, -1.0, 0.0]]),), {}),
    ("gap_test_from_reported", elosim.gap_test_from_reported,
     (1541, [1533, 1549], 1530.0, [1520.0, 1540.0]), {}),
    ("gap_test_from_reported-bad", elosim.gap_test_from_reported,
     (1541, [1550, 1560], 1530.0, [1520.0, 1540.0]), {}),
    ("adjust_pvalues", elosim.adjust_pvalues, (np.array([0.01, 0.04, 0.03]),),
     {"method": "fdr_bh"}),
    ("simulate_votes-dict", elosim.simulate_votes, ({"a": 1000.0, "b": 1100.0, "c": 900.0}, 20),
     {"entries": {"c": 5}, "rng": 0}),
    ("simulate_votes-array", elosim.simulate_votes, (np.array([1000.0, 1100.0, 900.0]), 20),
     {"items": ["a", "b", "c"], "pairing": np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]),
      "rng": 0}),
    ("simulate_votes-nan", elosim.simulate_votes, ([1000.0, np.nan], 20), {"rng": 0}),
    ("select", lambda m: _fit().votes.select(m), (np.arange(130) % 2 == 0,), {}),
    ("restrict", lambda items: _fit().votes.restrict(items), (["a", "b"],), {}),
]


@pytest.mark.parametrize(
    ("func", "args", "kwargs"),
    [pytest.param(f, a, k, id=i) for i, f, a, k in MUTATION_CASES],
)
def test_inputs_are_never_mutated(
    func: Call, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    args_before = copy.deepcopy(args)
    kwargs_before = copy.deepcopy(kwargs)
    with contextlib.suppress(ValueError, TypeError, KeyError):  # valid and invalid inputs
        func(*args, **kwargs)
    assert _same(args, args_before)
    assert _same(kwargs, kwargs_before)


def test_votes_arrays_are_independent_of_the_input() -> None:
    a = np.array(["x", "y", "x"])
    w = np.array([1.0, 2.0, 3.0])
    v = Votes.from_arrays(a, ["y", "z", "z"], [1, 0, 1], weight=w)
    w[0] = 99.0
    a[0] = "q"
    assert v.weight is not None
    assert v.weight.tolist() == [1.0, 2.0, 3.0]
    assert v.items == ("x", "y", "z")
    assert w.flags.writeable
    assert a.flags.writeable


def test_same_helper_detects_changes() -> None:
    df = _votes_frame()
    df2 = df.copy()
    df2.loc[0, "w"] = 9.0
    assert not _same(df, df2)
    arr = np.array([1.0, np.nan])
    assert _same(arr, arr.copy())
    ro = arr.copy()
    ro.flags.writeable = False
    assert not _same(arr, ro)
    assert not _same([1, 2], [1, 3])
    assert not _same({"a": [1]}, {"a": [1.5]})
