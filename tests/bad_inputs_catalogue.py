"""Catalogue of bad inputs and the named errors elosim raises for them.

This list is the single source of truth for ``tests/test_bad_inputs.py`` (every entry
must raise ``entry.exception`` with a message matching ``entry.match``; an entry whose
``exception`` is a warning class must emit that documented warning, which
:func:`perform` turns into an exception) and for the
generated reference page ``docs/reference/bad_inputs.md``::

    python tests/bad_inputs_catalogue.py > docs/reference/bad_inputs.md

Each entry's callable receives a temporary directory (a :class:`pathlib.Path`) in which
it may write files. Entries whose current behaviour is a bug (a numpy traceback, an
unclear message, a silent wrong result, ...) carry ``bug="..."``: the test marks them
``xfail(strict=True)`` and the reference page flags them.
"""

from __future__ import annotations

import operator
import re
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd

import elosim
from elosim import Votes

__all__ = ["CATALOGUE", "Entry", "actual_message", "main", "perform", "render_markdown"]


@dataclass(frozen=True)
class Entry:
    """One bad input: what it is, how to perform it and the error it must raise."""

    id: str
    description: str
    call: Callable[[Path], object]
    exception: type[BaseException]
    match: str
    bug: str | None = None


# ---------------------------------------------------------------------------- helpers
def good_counts() -> Votes:
    """Three items, strongly connected (every item has won and lost), no ties."""
    return Votes.from_counts(["a", "b", "c"], [[0, 3, 2], [2, 0, 3], [1, 2, 0]])


def good_tied_counts() -> Votes:
    return Votes.from_counts(
        ["a", "b", "c"], [[0, 3, 2], [2, 0, 3], [1, 2, 0]], ties=[[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    )


def good_fit() -> elosim.BradleyTerryResult:
    return elosim.bradley_terry(good_counts())


def good_boot() -> elosim.BootstrapResult:
    """A small bootstrap whose resamples are always estimable (no warning)."""
    votes = Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    return elosim.bootstrap(elosim.bradley_terry(votes), n_resamples=20, rng=0)


def frame(**cols: Any) -> Any:
    """A small votes frame; the default columns hold two valid votes."""
    data: dict[str, list[Any]] = {
        "model_a": ["x", "y"],
        "model_b": ["y", "z"],
        "winner": ["model_a", "tie"],
    }
    data.update(cols)
    return pd.DataFrame(data)


def bad(value: object) -> Any:
    """Pass a deliberately ill-typed value (keeps type checkers quiet)."""
    return value


def write(tmp: Path, name: str, content: str | bytes) -> Path:
    path = tmp / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _dup_columns() -> Any:
    df = pd.DataFrame([["x", "y", "model_a"], ["y", "z", "tie"]])
    df.columns = pd.Index(["model_a", "model_a", "winner"])
    return df


def _read_parquet_without_pyarrow(tmp: Path) -> object:
    path = write(tmp, "votes.parquet", b"PAR1")
    with mock.patch.dict(sys.modules, {"pyarrow": None, "pyarrow.parquet": None}):
        return elosim.read_votes(path)


LONG = "m" * 1001

# ---------------------------------------------------------------------------- entries
E = Entry
CATALOGUE: list[Entry] = [
    # ---- outcomes
    E("outcome-unknown-label",
      "winner column with unknown labels 'draw' and 'A' (never read as ties)",
      lambda tmp: Votes.from_frame(frame(winner=["draw", "A"])),
      elosim.VotesError,
      r"column 'winner' has 2 unknown outcome label\(s\): 'draw' \(row\(s\) 0\); "
      r"'A' \(row\(s\) 1\).*never read as ties"),
    E("outcome-unknown-first-rows",
      "unknown outcome label on many rows: only the first rows are listed",
      lambda tmp: Votes.from_arrays(["x"] * 6, ["y"] * 6, ["model_a"] + ["draw"] * 5),
      elosim.VotesError,
      r"'draw' \(row\(s\) 1, 2, 3, \.\.\. \(2 more\)\)"),
    E("outcome-numeric-2",
      "numeric outcome 2 (only 1, 0 and 0.5 are allowed)",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 2]),
      elosim.VotesError,
      r"column 'outcome' has 1 unknown outcome label\(s\): 2 \(row\(s\) 1\)"),
    E("outcome-bool",
      "boolean outcome True (not read as 1)",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [True, 0]),
      elosim.VotesError,
      r"unknown outcome label\(s\): True \(row\(s\) 0\)"),
    E("outcome-nan",
      "NaN in the winner column",
      lambda tmp: Votes.from_frame(frame(winner=["model_a", np.nan])),
      elosim.VotesError,
      r"column 'winner' has 1 missing outcome\(s\) at row\(s\) 1"),
    E("outcome-none",
      "None in the winner column",
      lambda tmp: Votes.from_frame(frame(winner=[None, "tie"])),
      elosim.VotesError,
      r"column 'winner' has 1 missing outcome\(s\) at row\(s\) 0"),
    E("outcome-empty-string",
      "empty string in the winner column",
      lambda tmp: Votes.from_frame(frame(winner=["model_a", ""])),
      elosim.VotesError,
      r"column 'winner' has 1 missing outcome\(s\) at row\(s\) 1"),
    # ---- labels
    E("label-nan",
      "NaN item label in model_a",
      lambda tmp: Votes.from_frame(frame(model_a=["x", np.nan])),
      elosim.VotesError,
      r"column 'model_a' has 1 missing item label\(s\) at row\(s\) 1"),
    E("label-none",
      "None item label in model_b",
      lambda tmp: Votes.from_frame(frame(model_b=[None, "z"])),
      elosim.VotesError,
      r"column 'model_b' has 1 missing item label\(s\) at row\(s\) 0"),
    E("label-empty-string",
      "empty-string item label",
      lambda tmp: Votes.from_frame(frame(model_a=["x", ""])),
      elosim.VotesError,
      r"column 'model_a' has 1 missing item label\(s\) at row\(s\) 1"),
    E("label-whitespace",
      "whitespace-only item label",
      lambda tmp: Votes.from_frame(frame(model_b=["  ", "z"])),
      elosim.VotesError,
      r"column 'model_b' has 1 missing item label\(s\) at row\(s\) 0"),
    E("label-mixed-types",
      "a column mixing string and integer labels",
      lambda tmp: Votes.from_frame(frame(model_a=["x", 7])),
      TypeError,
      r"column 'model_a' mixes string and integer item labels"),
    E("label-float",
      "float item labels",
      lambda tmp: Votes.from_arrays([1.5, 2.5], [2.5, 3.5], [1, 0]),
      TypeError,
      r"column 'a' holds an item label of type float"),
    E("label-kinds-differ",
      "string labels on side A, integer labels on side B",
      lambda tmp: Votes.from_arrays(["1", "2"], [2, 3], [1, 0]),
      TypeError,
      r"columns 'a' and 'b' hold different kinds of item labels \(str and int\)"),
    E("label-huge",
      "an item label longer than 1000 characters",
      lambda tmp: Votes.from_frame(frame(model_b=["y", LONG])),
      elosim.VotesError,
      r"column 'model_b' has item labels longer than 1000 characters at row\(s\) 1"),
    E("label-not-in-items",
      "a label missing from the explicit items list",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], items=["x", "y"]),
      elosim.VotesError,
      r"column 'b' has labels not in items: \['z'\] \(first at row\(s\) 1\)"),
    E("items-duplicated",
      "an explicit items list with a duplicated label",
      lambda tmp: Votes.from_arrays(["x"], ["y"], [1], items=["x", "y", "x"]),
      elosim.VotesError,
      r"items has duplicated labels: \['x'\]"),
    # ---- shape of the input
    E("frame-empty",
      "a frame with the right columns and no rows",
      lambda tmp: Votes.from_frame(pd.DataFrame({"model_a": [], "model_b": [], "winner": []})),
      elosim.VotesError,
      r"no votes: the input is empty"),
    E("frame-no-columns",
      "a frame with no columns at all",
      lambda tmp: Votes.from_frame(pd.DataFrame()),
      elosim.VotesError,
      r"column 'model_a' \(for side A\) not found; the frame has columns \[\]"),
    E("frame-missing-column",
      "a frame without the winner column",
      lambda tmp: Votes.from_frame(frame().drop(columns="winner")),
      elosim.VotesError,
      r"column 'winner' \(for the outcome\) not found; the frame has columns "
      r"\['model_a', 'model_b'\]"),
    E("frame-missing-weight-column",
      "weight= names a column the frame does not have",
      lambda tmp: Votes.from_frame(frame(), weight="w"),
      elosim.VotesError,
      r"column 'w' \(for weight\) not found"),
    E("frame-duplicated-columns",
      "a frame with two columns named model_a",
      lambda tmp: Votes.from_frame(_dup_columns()),
      elosim.VotesError,
      r"the frame has duplicated column names: \['model_a'\]"),
    E("single-item",
      "from_counts with a single item",
      lambda tmp: Votes.from_counts(["a"], [[0]]),
      elosim.VotesError,
      r"need at least two items to compare; got 1: \['a'\]"),
    E("single-item-simulate",
      "simulate_votes with a single true rating",
      lambda tmp: elosim.simulate_votes({"a": 1000.0}, 10, rng=0),
      ValueError,
      r"true_ratings must hold at least 2 items; got 1"),
    E("self-match",
      "a vote of an item against itself",
      lambda tmp: Votes.from_frame(frame(model_b=["y", "y"])),
      elosim.VotesError,
      r"1 self-comparison\(s\) \(an item against itself\) at row\(s\) 1, e\.g\. 'y'; "
      r"pass drop_self=True"),
    E("self-match-all-dropped",
      "only self-matches, with drop_self=True",
      lambda tmp: Votes.from_arrays(["x", "y"], ["x", "y"], [1, 0], drop_self=True),
      elosim.VotesError,
      r"no votes left after dropping self-comparisons"),
    E("arrays-length-mismatch",
      "from_arrays with a and b of different lengths",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y"], [1, 0]),
      elosim.VotesError,
      r"length mismatch: 'a' has 2 values, 'b' has 1, 'outcome' has 2"),
    E("arrays-weight-length-mismatch",
      "from_arrays with one weight for two votes",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], weight=[1.0]),
      elosim.VotesError,
      r"length mismatch: weight has 1 values for 2 votes"),
    E("arrays-two-dimensional",
      "from_arrays with a 2-D array of labels",
      lambda tmp: Votes.from_arrays([["x", "y"]], [["y", "z"]], [[1, 0]]),
      elosim.VotesError,
      r"a must be one-dimensional; got shape \(1, 2\)"),
    # ---- weights
    E("weight-negative",
      "a negative weight",
      lambda tmp: Votes.from_frame(frame(w=[1.0, -2.0]), weight="w"),
      elosim.VotesError,
      r"weight column 'w' has 1 negative value\(s\) at row\(s\) 1"),
    E("weight-negative-arrays",
      "a negative weight given to from_arrays",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], weight=[1.0, -2.0]),
      elosim.VotesError,
      r"weight has 1 negative value\(s\) at row\(s\) 1; weights must be >= 0"),
    E("weight-inf",
      "an infinite weight",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], weight=[np.inf, 1.0]),
      elosim.VotesError,
      r"weight has 1 missing or non-finite value\(s\) at row\(s\) 0"),
    E("weight-inf-frame",
      "an infinite weight in a frame's weight column",
      lambda tmp: Votes.from_frame(frame(w=[1.0, np.inf]), weight="w"),
      elosim.VotesError,
      r"weight column 'w' has 1 missing or non-finite value\(s\) at row\(s\) 1 "
      r"\(e\.g\. inf\)"),
    E("weight-nan",
      "a NaN weight",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], weight=[1.0, np.nan]),
      elosim.VotesError,
      r"weight.* 1 missing.*value\(s\) at row\(s\) 1"),
    E("weight-all-zero",
      "all weights zero",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], weight=[0, 0]),
      elosim.VotesError,
      r"all weights are zero"),
    E("weight-text",
      "a weight that is not a number ('heavy')",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0], weight=["1", "heavy"]),
      elosim.VotesError,
      r"weight.*'heavy'.*row\(s\) 1"),
    # ---- from_counts
    E("counts-wrong-shape",
      "a 2 x 3 win matrix for 3 items",
      lambda tmp: Votes.from_counts(["a", "b", "c"], [[0, 1, 2], [1, 0, 1]]),
      elosim.VotesError,
      r"wins must have shape \(3, 3\) for 3 items; got \(2, 3\)"),
    E("counts-negative",
      "a negative count in the win matrix",
      lambda tmp: Votes.from_counts(["a", "b"], bad([[0, -1], [2, 0]])),
      elosim.VotesError,
      r"wins must hold non-negative integer counts; got -1 at \(0, 1\) "
      r"\(row 'a', column 'b'\)"),
    E("counts-non-integer",
      "a fractional count in the win matrix",
      lambda tmp: Votes.from_counts(["a", "b"], bad([[0, 1.5], [2, 0]])),
      elosim.VotesError,
      r"wins must hold non-negative integer counts; got 1\.5 at \(0, 1\) "
      r"\(row 'a', column 'b'\)"),
    E("counts-ragged",
      "a ragged (non-rectangular) win matrix",
      lambda tmp: Votes.from_counts(["a", "b"], bad([[0, 1], [1]])),
      elosim.VotesError,
      r"wins must have shape \(2, 2\) for 2 items; got a ragged matrix with rows of "
      r"lengths \[2, 1\]"),
    E("counts-text",
      "a win matrix holding text",
      lambda tmp: Votes.from_counts(["a", "b"], bad([[0, "x"], [1, 0]])),
      elosim.VotesError,
      r"wins must hold numbers \(non-negative integer counts\); got 'x' \(type str\) at "
      r"\(0, 1\) \(row 'a', column 'b'\)"),
    E("counts-ties-text",
      "a tie matrix holding text",
      lambda tmp: Votes.from_counts(["a", "b"], [[0, 1], [1, 0]], ties=bad([[0, "2"], ["2", 0]])),
      elosim.VotesError,
      r"ties must hold numbers \(non-negative integer counts\); got '2'"),
    E("counts-ties-ragged",
      "a ragged tie matrix",
      lambda tmp: Votes.from_counts(["a", "b"], [[0, 1], [1, 0]], ties=bad([[0], [0, 0]])),
      elosim.VotesError,
      r"ties must have shape \(2, 2\) for 2 items; got a ragged matrix"),
    E("counts-nan",
      "a NaN count in the win matrix",
      lambda tmp: Votes.from_counts(["a", "b"], bad([[0, np.nan], [2, 0]])),
      elosim.VotesError,
      r"wins has missing or non-finite entries"),
    E("counts-diagonal",
      "wins of an item over itself (non-zero diagonal)",
      lambda tmp: Votes.from_counts(["a", "b"], [[4, 1], [2, 0]]),
      elosim.VotesError,
      r"wins has non-zero diagonal entries \(self-comparisons\)"),
    E("counts-asymmetric-ties",
      "a tie matrix that is not symmetric",
      lambda tmp: Votes.from_counts(["a", "b"], [[0, 1], [2, 0]], ties=[[0, 1], [0, 0]]),
      elosim.VotesError,
      r"ties must be symmetric"),
    # ---- estimability
    E("never-wins",
      "an item that never wins",
      lambda tmp: elosim.bradley_terry(
          Votes.from_counts(["a", "b", "c"], [[0, 2, 3], [1, 0, 2], [0, 0, 0]])),
      elosim.NoFiniteEstimateError,
      r"never beat any item outside their group: \['c'\].*prior_strength"),
    E("never-loses",
      "an item that never loses",
      lambda tmp: elosim.bradley_terry(
          Votes.from_counts(["a", "b", "c"], [[0, 2, 3], [0, 0, 2], [0, 1, 0]])),
      elosim.NoFiniteEstimateError,
      r"never lost to any item outside their group: \['a'\]"),
    E("dominating-group",
      "items a and b beat each other but always beat c and d",
      lambda tmp: elosim.bradley_terry(Votes.from_counts(
          ["a", "b", "c", "d"],
          [[0, 1, 2, 1], [1, 0, 1, 2], [0, 0, 0, 1], [0, 0, 1, 0]])),
      elosim.NoFiniteEstimateError,
      r"never lost to any item outside their group: \['a', 'b'\]; "
      r"never beat any item outside their group: \['c', 'd'\]"),
    E("disconnected",
      "two groups of items never compared with each other",
      lambda tmp: elosim.bradley_terry(Votes.from_counts(
          ["a", "b", "c", "d"],
          [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])),
      elosim.DisconnectedGraphError,
      r"disconnected into 2 components \(component 1 \(2 items\): \['a', 'b'\]; "
      r"component 2 \(2 items\): \['c', 'd'\]\)"),
    E("not-votes",
      "bradley_terry given a DataFrame instead of Votes",
      lambda tmp: elosim.bradley_terry(bad(frame())),
      TypeError,
      r"votes must be an elosim\.Votes .*got DataFrame"),
    # ---- fit options
    E("ties-davidson-no-ties",
      "ties='davidson' on votes without ties",
      lambda tmp: elosim.bradley_terry(good_counts(), ties="davidson"),
      ValueError,
      r"ties='davidson' needs at least one tie.*use ties='half'"),
    E("ties-rao-kupper-no-ties",
      "ties='rao-kupper' on votes without ties",
      lambda tmp: elosim.bradley_terry(good_counts(), ties="rao-kupper"),
      ValueError,
      r"ties='rao-kupper' needs at least one tie"),
    E("ties-unknown-model",
      "an unknown tie model",
      lambda tmp: elosim.bradley_terry(good_tied_counts(), ties="ordinal"),
      ValueError,
      r"ties must be one of 'half', 'davidson', 'rao-kupper'; got 'ordinal'"),
    E("anchor-unknown",
      "normalize='anchor' with an anchor that is not an item",
      lambda tmp: elosim.bradley_terry(good_counts(), normalize="anchor", anchor="zz"),
      KeyError,
      r"unknown item 'zz' \(given as anchor\)"),
    E("anchor-without-normalize",
      "an anchor given with normalize='mean'",
      lambda tmp: elosim.bradley_terry(good_counts(), anchor="a"),
      ValueError,
      r"anchor is only used with normalize='anchor'"),
    E("prior-strength-negative",
      "prior_strength < 0",
      lambda tmp: elosim.bradley_terry(good_counts(), prior_strength=-1.0),
      ValueError,
      r"prior_strength must be a finite number >= 0; got -1\.0"),
    # ---- bootstrap
    E("bootstrap-zero-resamples",
      "n_resamples=0",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=0),
      ValueError,
      r"n_resamples must be an integer >= 2; got 0"),
    E("bootstrap-negative-resamples",
      "n_resamples=-10",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=-10),
      ValueError,
      r"n_resamples must be an integer >= 2; got -10"),
    E("bootstrap-float-resamples",
      "n_resamples=100.0 (a float)",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=bad(100.0)),
      TypeError,
      r"n_resamples must be an integer >= 2; got 100\.0"),
    E("bootstrap-unknown-method",
      "an unknown interval method",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=10, method="bc"),
      ValueError,
      r"method must be one of 'percentile', 'basic', 'bca', 'studentized'; got 'bc'"),
    E("interval-unknown-method",
      "BootstrapResult.confidence_interval with an unknown method",
      lambda tmp: good_boot().confidence_interval(method="normal"),
      ValueError,
      r"method must be one of .*got 'normal'"),
    E("extend-zero",
      "BootstrapResult.extend(0)",
      lambda tmp: good_boot().extend(0),
      ValueError,
      r"n_more must be an integer >= 1; got 0"),
    E("level-zero",
      "confidence_level=0",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=10, confidence_level=0),
      ValueError,
      r"confidence_level must lie strictly between 0 and 1 \(e\.g\. 0\.95\); got 0"),
    E("level-one",
      "confidence_level=1",
      lambda tmp: good_fit().confidence_interval(1),
      ValueError,
      r"confidence_level must lie strictly between 0 and 1 \(e\.g\. 0\.95\); got 1"),
    E("level-percent",
      "confidence_level=95 (a percentage)",
      lambda tmp: good_boot().confidence_interval(95),
      ValueError,
      r"confidence_level must lie strictly between 0 and 1 \(e\.g\. 0\.95\); got 95"),
    E("level-string",
      "confidence_level='0.95' (a string)",
      lambda tmp: elosim.gap_test(good_fit(), "a", "b", confidence_level=bad("0.95")),
      TypeError,
      r"confidence_level must be a number in \(0, 1\); got '0\.95'"),
    # ---- gap tests
    E("gap-unknown-alternative",
      "alternative='two_sided' (underscore)",
      lambda tmp: elosim.gap_test(good_fit(), "a", "b", alternative="two_sided"),
      ValueError,
      r"alternative must be one of 'two-sided', 'greater', 'less'; got 'two_sided'"),
    E("gap-unknown-item",
      "an item name that is not in the fit",
      lambda tmp: elosim.gap_test(good_fit(), "a", "gpt-5"),
      KeyError,
      r"unknown item 'gpt-5' \(given as b\): not among the 3 items"),
    E("gap-same-item",
      "the same item twice",
      lambda tmp: elosim.gap_test(good_fit(), "b", "b"),
      ValueError,
      r"a and b must be two different items; got 'b' for both"),
    E("gap-kind-with-bootstrap",
      "kind= given with a bootstrap result",
      lambda tmp: elosim.gap_test(good_boot(), "a", "b", kind="model"),
      ValueError,
      r"kind='model' applies to analytic fits only"),
    E("pairwise-unknown-adjust",
      "pairwise_gap_tests with adjust='bh'",
      lambda tmp: elosim.pairwise_gap_tests(good_fit(), adjust="bh"),
      ValueError,
      r"adjust must be one of 'holm', 'bonferroni', 'fdr_bh'; got 'bh'"),
    E("pairwise-unknown-alternative",
      "pairwise_gap_tests with alternative='bigger'",
      lambda tmp: elosim.pairwise_gap_tests(good_fit(), alternative="bigger"),
      ValueError,
      r"alternative must be one of .*got 'bigger'"),
    E("reported-interval-excludes-rating",
      "gap_test_from_reported with an interval not containing its rating",
      lambda tmp: elosim.gap_test_from_reported(1541, (1550, 1560), 1500, (1490, 1510)),
      ValueError,
      r"interval_a = \(1550, 1560\) does not contain its rating 1541"),
    E("reported-interval-reversed",
      "gap_test_from_reported with an interval given as (high, low)",
      lambda tmp: elosim.gap_test_from_reported(1541, (1549, 1533), 1500, (1490, 1510)),
      ValueError,
      r"interval_a must have low < high"),
    # ---- non-elosim objects where a result or a frame is expected
    E("frame-not-a-frame",
      "from_frame given a list of dicts instead of a frame",
      lambda tmp: Votes.from_frame([{"model_a": "x", "model_b": "y", "winner": "model_a"}]),
      TypeError,
      r"df must be a DataFrame.*got list"),
    E("frame-none",
      "from_frame given None",
      lambda tmp: Votes.from_frame(None),
      TypeError,
      r"df must be a DataFrame .*or a mapping of column name to values; got NoneType"),
    E("gap-test-not-a-result",
      "gap_test given a DataFrame instead of a fit",
      lambda tmp: elosim.gap_test(frame(), "x", "y"),
      TypeError,
      r"result must be a BradleyTerryResult or a BootstrapResult.*got DataFrame"),
    E("pairwise-not-a-result",
      "pairwise_gap_tests given None",
      lambda tmp: elosim.pairwise_gap_tests(None),
      TypeError,
      r"result must be a BradleyTerryResult or a BootstrapResult.*got NoneType"),
    E("rank-intervals-not-a-result",
      "rank_intervals given a Votes object instead of a fit",
      lambda tmp: elosim.rank_intervals(good_counts()),
      TypeError,
      r"result must be a BradleyTerryResult or a BootstrapResult.*got Votes"),
    E("quasi-not-a-result",
      "quasi_variances given None",
      lambda tmp: elosim.quasi_variances(None),
      TypeError,
      r"result must be a BradleyTerryResult or a BootstrapResult.*got NoneType"),
    E("contrast-wrong-shape",
      "BootstrapResult.contrast_interval with 2 columns for 3 items",
      lambda tmp: good_boot().contrast_interval([[1, -1]]),
      ValueError,
      r"contrasts must have 3 columns"),
    # ---- wrong types of options
    E("prior-strength-none",
      "prior_strength=None",
      lambda tmp: elosim.bradley_terry(good_counts(), prior_strength=bad(None)),
      TypeError,
      r"prior_strength must be a .*number.*got None"),
    E("prior-strength-string",
      "prior_strength='1' (a string, silently read as 1.0)",
      lambda tmp: elosim.bradley_terry(good_counts(), prior_strength=bad("1")),
      TypeError,
      r"prior_strength must be a .*number.*got '1'"),
    E("offset-string",
      "offset='1000' (a string, silently read as 1000.0)",
      lambda tmp: elosim.bradley_terry(good_counts(), offset=bad("1000")),
      TypeError,
      r"offset must be a .*number.*got '1000'"),
    E("scale-string",
      "scale='400' (a string)",
      lambda tmp: elosim.bradley_terry(good_counts(), scale=bad("400")),
      TypeError,
      r"scale must be a .*number.*got '400'"),
    E("extend-zero-jobs",
      "BootstrapResult.extend(5, n_jobs=0)",
      lambda tmp: good_boot().extend(5, n_jobs=0),
      ValueError,
      r"n_jobs must be an integer >= 1; got 0"),
    # ---- pandas missing values
    E("label-pandas-na",
      "pandas.NA in a nullable string label column",
      lambda tmp: Votes.from_frame(frame(model_a=pd.array(["x", pd.NA], dtype="string"))),
      elosim.VotesError,
      r"column 'model_a' has 1 missing item label\(s\) at row\(s\) 1"),
    E("outcome-pandas-na",
      "pandas.NA in a nullable string winner column",
      lambda tmp: Votes.from_frame(frame(winner=pd.array(["model_a", pd.NA], dtype="string"))),
      elosim.VotesError,
      r"column 'winner' has 1 missing outcome\(s\) at row\(s\) 1"),
    # ---- files
    E("file-nonexistent",
      "read_votes on a path that does not exist",
      lambda tmp: elosim.read_votes(tmp / "nope.csv"),
      FileNotFoundError,
      r"no such file: '.*nope\.csv'"),
    E("file-empty",
      "an empty CSV file",
      lambda tmp: elosim.read_votes(write(tmp, "empty.csv", "")),
      elosim.VotesError,
      r"'.*empty\.csv' is empty"),
    E("file-header-only",
      "a CSV with a header and no rows",
      lambda tmp: elosim.read_votes(write(tmp, "header.csv", "model_a,model_b,winner\n")),
      elosim.VotesError,
      r"no votes: the input is empty"),
    E("file-non-utf8",
      "a CSV with Latin-1 bytes read as UTF-8",
      lambda tmp: elosim.read_votes(
          write(tmp, "latin.csv", "model_a,model_b,winner\ncaf\xe9,x,model_a\n".encode("latin-1"))),
      elosim.VotesError,
      r"could not decode '.*latin\.csv' as utf-8 \(byte 26\); pass encoding="),
    E("file-truncated",
      "a CSV whose last row has fewer fields",
      lambda tmp: elosim.read_votes(
          write(tmp, "trunc.csv", "model_a,model_b,winner\nx,y,model_a\ny,z\n")),
      elosim.VotesError,
      r"line\(s\) 3 have a different number of fields than the header \(3\)"),
    E("file-unterminated-quote",
      "a CSV with an unterminated quote",
      lambda tmp: elosim.read_votes(
          write(tmp, "quote.csv", 'model_a,model_b,winner\nx,y,model_a\n"y,z,tie\n')),
      elosim.VotesError,
      r"could not parse '.*quote\.csv' as CSV \(line \d+\).*truncated or malformed"),
    E("file-duplicated-columns",
      "a CSV with two columns named winner",
      lambda tmp: elosim.read_votes(
          write(tmp, "dup.csv", "model_a,model_b,winner,winner\nx,y,model_a,tie\n")),
      elosim.VotesError,
      r"has duplicated column names: \['winner'\]"),
    E("file-unknown-outcome",
      "a CSV with an unknown winner label",
      lambda tmp: elosim.read_votes(
          write(tmp, "unk.csv", "model_a,model_b,winner\nx,y,model_a\ny,z,draw\n")),
      elosim.VotesError,
      r"column 'winner' has 1 unknown outcome label\(s\): 'draw' \(row\(s\) 3 \(lines of "
      r"the file; the header is line 1\)\)"),
    E("file-unknown-encoding",
      "read_votes with encoding='utf-9'",
      lambda tmp: elosim.read_votes(
          write(tmp, "ok.csv", "model_a,model_b,winner\nx,y,model_a\n"), encoding="utf-9"),
      ValueError,
      r"encoding 'utf-9' is not a known text encoding"),
    E("parquet-without-pyarrow",
      "a Parquet path when pyarrow is not installed",
      _read_parquet_without_pyarrow,
      ImportError,
      r"reading Parquet needs pyarrow: pip install 'elosim\[parquet\]'"),
    # ---- randomness
    E("rng-string",
      "rng='42' (a string)",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=10, rng=bad("42")),
      TypeError,
      r"rng must be None, an int seed, a numpy SeedSequence or a numpy Generator; got str"),
    E("rng-negative",
      "rng=-1",
      lambda tmp: elosim.simulate_votes([1000.0, 1100.0], 10, rng=-1),
      ValueError,
      r"rng must be a non-negative integer seed; got -1"),
    # ---- power
    E("votes-needed-zero-gap",
      "votes_needed with gap=0",
      lambda tmp: elosim.votes_needed(0.0),
      ValueError,
      r"gap.*got 0\.0"),
    E("votes-needed-negative-gap",
      "votes_needed with gap=-10",
      lambda tmp: elosim.votes_needed(-10.0),
      ValueError,
      r"gap.*got -10\.0"),
    E("votes-needed-power-zero",
      "votes_needed with power=0",
      lambda tmp: elosim.votes_needed(20.0, power=0.0),
      ValueError,
      r"power must lie strictly between 0 and 1 \(e\.g\. 0\.8\); got 0\.0"),
    E("votes-needed-power-above-one",
      "votes_needed with power=80 (a percentage)",
      lambda tmp: elosim.votes_needed(20.0, power=80),
      ValueError,
      r"power must lie strictly between 0 and 1 \(e\.g\. 0\.8\); got 80"),
    E("power-zero-votes",
      "power with n_votes=0",
      lambda tmp: elosim.power(20.0, 0),
      ValueError,
      r"n_votes must be a positive, finite number of votes; got 0"),
    # ---- simulation
    E("simulate-nan-rating",
      "simulate_votes with a NaN true rating",
      lambda tmp: elosim.simulate_votes({"a": 1000.0, "b": float("nan")}, 10, rng=0),
      ValueError,
      r"true_ratings must be finite; got .*nan.* at position 1"),
    E("simulate-inf-rating",
      "simulate_votes with an infinite true rating",
      lambda tmp: elosim.simulate_votes([1000.0, np.inf], 10, rng=0),
      ValueError,
      r"true_ratings must be finite; got .*inf.* at position 1"),
    E("simulate-zero-votes",
      "simulate_votes with n_votes=0",
      lambda tmp: elosim.simulate_votes([1000.0, 1100.0], 0, rng=0),
      ValueError,
      r"n_votes must be an integer >= 1; got 0"),
    E("simulate-negative-votes",
      "simulate_votes with n_votes=-5",
      lambda tmp: elosim.simulate_votes([1000.0, 1100.0], -5, rng=0),
      ValueError,
      r"n_votes must be an integer >= 1; got -5"),
    # ---- online Elo
    E("online-k-zero",
      "online_elo with k=0",
      lambda tmp: elosim.online_elo(good_counts(), k=0),
      ValueError,
      r"k must be positive; got 0"),
    E("online-k-negative",
      "online_elo with k=-4",
      lambda tmp: elosim.online_elo(good_counts(), k=-4),
      ValueError,
      r"k must be positive; got -4"),
    E("online-k-nan",
      "online_elo with k=nan",
      lambda tmp: elosim.online_elo(good_counts(), k=float("nan")),
      ValueError,
      r"k must be finite; got nan"),
]



# ---------------------------------------------------------------------------- edge cases
# Labels, item ids, scale of weights, degenerate inputs, leaked low-level errors and
# immutability (issue 11). Warnings listed here are documented behaviour: the test turns
# the named warning into an error.
def _quiet_labels(fn: Callable[[], object]) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", elosim.LabelWarning)
        return fn()


def _int_fit() -> elosim.BradleyTerryResult:
    wins = [[0, 3, 2], [2, 0, 3], [1, 2, 0]]
    return elosim.bradley_terry(Votes.from_counts(["1", "2", "3"], wins))


def _write_into(arr: Any) -> None:
    arr[0] = arr[0]


def _pickled(x: Any) -> Any:
    import pickle

    return pickle.loads(pickle.dumps(x))


def _deepcopied(x: Any) -> Any:
    import copy

    return copy.deepcopy(x)


def _cov_votes() -> Votes:
    return Votes.from_arrays(
        ["a", "b", "c"], ["b", "c", "a"], [1, 0, 1], covariates={"z": [1, 2, 3]}
    )


def _weighted(w: Any) -> Votes:
    return Votes.from_arrays(["a", "b", "c", "a"], ["b", "c", "a", "c"], [1, 1, 0.5, 0], weight=w)


def _many_items(k: int) -> Any:
    """A stand-in result (items and ratings only) with ``k`` items."""
    from types import SimpleNamespace

    return SimpleNamespace(items=tuple(map(str, range(k))), ratings=np.zeros(k))


def _with_16gb(fn: Callable[[], object]) -> object:
    """Run ``fn`` as on a machine with 16 GB of memory (messages quote the limit)."""
    with (
        mock.patch("elosim._core.resources.available_memory", return_value=16 * 10**9),
        mock.patch("elosim.inference.memory.available_memory", return_value=8 * 2**30),
    ):
        return fn()


def _read_out_of_memory(tmp: Path, target: str) -> object:
    path = write(tmp, "v.csv", "model_a,model_b,winner\nx,y,model_a\ny,x,model_b\n")
    with mock.patch(target, side_effect=MemoryError()):
        if target.endswith("_read_csv_module"):
            with mock.patch("elosim.data.readers._read_csv_pandas", return_value=None):
                return elosim.read_votes(path)
        return elosim.read_votes(path)


CAFE = "caf\u00e9"
CAFE_NFD = "cafe\u0301"

EDGE_CASES: list[Entry] = [
    # ---- labels: one rule (NFC + strip; control characters refused; look-alikes reported)
    E("label-control-nul",
      "an item label holding a NUL byte ('x\\0' next to 'x')",
      lambda tmp: Votes.from_arrays(["x\0", "x"], ["y", "y"], [1, 0]),
      elosim.VotesError,
      r"columns 'a' and 'b': 1 item label\(s\) contain control characters, "
      r"e\.g\. 'x\\x00' \(U\+0000\)"),
    E("label-control-tab",
      "an item label with a tab inside ('gpt\\t4')",
      lambda tmp: Votes.from_arrays(["gpt\t4"], ["y"], [1]),
      elosim.VotesError,
      r"control characters, e\.g\. 'gpt\\t4' \(U\+0009\).*Remedy"),
    E("label-control-newline-frame",
      "a label with an embedded newline in a DataFrame column",
      lambda tmp: Votes.from_frame(frame(model_b=["y\nz", "z"])),
      elosim.VotesError,
      r"columns 'model_a' and 'model_b': 1 item label\(s\) contain control characters"),
    E("label-items-control",
      "items= holding a label with a control character",
      lambda tmp: Votes(items=["a\x07", "b"], a=[0], b=[1], outcome=[0]),
      elosim.VotesError,
      r"items: 1 item label\(s\) contain control characters"),
    E("label-case-lookalike",
      "labels 'GPT-4' and 'gpt-4' (differ only by case): kept apart, reported",
      lambda tmp: Votes.from_arrays(["GPT-4", "gpt-4"], ["x", "x"], [1, 0]),
      elosim.LabelWarning,
      r"1 group\(s\) of item labels differ only by case.*'GPT-4' vs 'gpt-4'"),
    E("label-zero-width-lookalike",
      "labels 'x' and 'x' + zero-width space: kept apart, reported",
      lambda tmp: Votes.from_arrays(["x\u200b", "x"], ["y", "y"], [1, 0]),
      elosim.LabelWarning,
      r"invisible characters: 'x' vs 'x\\u200b'"),
    E("label-inner-whitespace-lookalike",
      "labels 'gpt 4' and 'gpt  4' (inner whitespace): kept apart, reported",
      lambda tmp: Votes.from_arrays(["gpt 4", "gpt  4"], ["y", "y"], [1, 0]),
      elosim.LabelWarning,
      r"inner whitespace.*'gpt  4' vs 'gpt 4'"),
    E("label-compatibility-lookalike",
      "labels with the ligature 'ﬁ' and with 'fi' (NFKC-equal): kept apart, reported",
      lambda tmp: Votes.from_arrays(["\ufb01ne", "fine"], ["y", "y"], [1, 0]),
      elosim.LabelWarning,
      r"compatibility form"),
    E("label-from-counts-lookalike",
      "from_counts with items 'Model' and 'model'",
      lambda tmp: Votes.from_counts(["Model", "model"], [[0, 1], [1, 0]]),
      elosim.LabelWarning,
      r"'Model' vs 'model'"),
    E("label-merged-whitespace",
      "one column spells an item ' x' and 'x': merged into one item, reported",
      lambda tmp: Votes.from_arrays([" x", "x"], ["y", "y"], [1, 0]),
      elosim.LabelWarning,
      r"several spellings.*' x' and 'x' -> 'x'"),
    E("label-merged-unicode-form",
      "one column spells 'café' composed (NFC) and decomposed (NFD): merged, reported",
      lambda tmp: Votes.from_arrays([CAFE, CAFE_NFD], ["y", "y"], [1, 0]),
      elosim.LabelWarning,
      r"Unicode form and were merged"),
    E("label-space-side-vs-side",
      "side A ' x' and side B 'x' are the same item: a self-comparison, not 'B wins'",
      lambda tmp: Votes.from_arrays([" x", "y"], ["x", "z"], [" x", "model_a"]),
      elosim.VotesError,
      r"1 self-comparison\(s\) \(an item against itself\) at row\(s\) 0, e\.g\. 'x'"),
    E("label-nfc-side-vs-side",
      "side A 'café' (NFD) and side B 'café' (NFC) are the same item",
      lambda tmp: Votes.from_arrays([CAFE_NFD, "y"], [CAFE, "z"], [1, 0]),
      elosim.VotesError,
      r"self-comparison.*'café'"),
    E("label-items-duplicate-after-rule",
      "items=['x', ' x'] (the same label once normalised)",
      lambda tmp: Votes(items=["x", " x"], a=[0], b=[1], outcome=[0]),
      elosim.VotesError,
      r"items has duplicated labels: \['x'\]"),
    E("label-items-float",
      "items=[1.5, 2.5] (float labels)",
      lambda tmp: Votes(items=bad([1.5, 2.5]), a=[0], b=[1], outcome=[0]),
      TypeError,
      r"items must be an item label \(a string or an integer\); got float 1\.5"),
    E("label-restrict-unknown",
      "restrict to an item that does not exist (after normalisation)",
      lambda tmp: good_counts().restrict([" a", "zz"]),
      elosim.VotesError,
      r"unknown item\(s\): \['zz'\]"),
    # ---- integer labels are labels, never positions
    E("item-int-is-not-a-position",
      "gap_test(fit, 0, 1) on items 'a', 'b', 'c' (ints are labels, not positions)",
      lambda tmp: elosim.gap_test(good_fit(), 0, 1),
      KeyError,
      r"unknown item 0 \(given as a\): not among the 3 items; integers are item labels, not "
      r"positions: for the item at position 0 use result\.items\[0\]"),
    E("item-int-label-unknown",
      "gap_test(fit, 1, 4) on items '1', '2', '3' (4 is no label)",
      lambda tmp: elosim.gap_test(_int_fit(), 1, 4),
      KeyError,
      r"unknown item 4 \(given as b\): not among the 3 items"),
    E("item-anchor-position",
      "anchor=0 on items 'a', 'b', 'c'",
      lambda tmp: elosim.bradley_terry(good_counts(), normalize="anchor", anchor=0),
      KeyError,
      r"unknown item 0 \(given as anchor\).*not positions"),
    E("item-win-probability-position",
      "win_probability(0, 2) on items 'a', 'b', 'c'",
      lambda tmp: good_fit().win_probability(0, 2),
      KeyError,
      r"unknown item 0 \(given as a\).*result\.items\[0\]"),
    E("item-float-argument",
      "gap_test(fit, 1.0, 2.0) (floats are not labels)",
      lambda tmp: elosim.gap_test(_int_fit(), bad(1.0), bad(2.0)),
      TypeError,
      r"a must be an item label \(a string, or an integer label\); got float 1\.0"),
    E("item-bool-argument",
      "win_probability(True, 'b')",
      lambda tmp: good_fit().win_probability(bad(True), "b"),
      TypeError,
      r"a must be an item label.*got bool True"),
    E("item-same-after-rule",
      "gap_test(fit, 'a', ' a ') (the same item once normalised)",
      lambda tmp: elosim.gap_test(good_fit(), "a", " a "),
      ValueError,
      r"two different items; got 'a' for both"),
    # ---- a winner column holding item ids
    E("winner-ids-ambiguous-01",
      "items 0 and 1 with a winner column of 0/1: ids or outcome codes? refused",
      lambda tmp: Votes.from_arrays([0, 1, 0], [1, 0, 1], [0, 1, 1]),
      elosim.VotesError,
      r"column 'outcome' is ambiguous.*disagree on 2 row\(s\).*Remedy: write the outcome as "
      r"'model_a' / 'model_b' / 'tie'"),
    E("winner-ids-ambiguous-text",
      "CSV-like text items '0'/'1' with a winner column '1'/'0'",
      lambda tmp: Votes.from_frame(
          frame(model_a=["0", "1"], model_b=["1", "0"], winner=["1", "1"])),
      elosim.VotesError,
      r"column 'winner' is ambiguous"),
    E("winner-ids-ambiguous-file",
      "a file whose items are 0 and 1 and whose winner column holds 0/1",
      lambda tmp: elosim.read_votes(
          write(tmp, "v.csv", "model_a,model_b,winner\n0,1,1\n1,0,1\n0,1,0\n")),
      elosim.VotesError,
      r"column 'winner' is ambiguous"),
    E("winner-id-not-in-row",
      "a winner id that is neither of the row's two items",
      lambda tmp: Votes.from_arrays([3, 4], [4, 5], [5, 4]),
      elosim.VotesError,
      r"unknown outcome label\(s\): 5 \(row\(s\) 0\).*one of the row's two items"),
    E("winner-name-not-in-row",
      "a winner name that is a known item but not one of the row's two items",
      lambda tmp: Votes.from_arrays(["x", "y"], ["y", "z"], ["z", "y"]),
      elosim.VotesError,
      r"unknown outcome label\(s\): 'z' \(row\(s\) 0\)"),
    # ---- weights whose unit cannot be represented
    E("weight-total-overflows",
      "weights of 1e308 (their total overflows)",
      lambda tmp: _weighted([1e308, 1e308, 1e308, 1e308]),
      elosim.VotesError,
      r"weight values are so large that their total overflows.*weight / weight\.max\(\)"),
    E("weight-subnormal",
      "a subnormal weight (1e-320)",
      lambda tmp: _weighted([1.0, 1e-320, 1.0, 1.0]),
      elosim.VotesError,
      r"weight has 1 subnormal value\(s\).*at row 1"),
    # ---- cluster ids
    E("cluster-nan-override",
      "covariance(kind='cluster', cluster=...) with NaN ids (never merged into one cluster)",
      lambda tmp: good_fit().covariance("cluster", cluster=np.r_[np.arange(8.0), [np.nan] * 5]),
      elosim.VotesError,
      r"cluster has 5 missing id\(s\) \(None, NaN or blank\) at row\(s\) 8, 9, 10, 11, 12; "
      r"they would be merged"),
    E("cluster-none-bootstrap",
      "bootstrap(cluster=...) with None ids",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=50, rng=0,
                                   cluster=[None] * 3 + list(range(10))),
      elosim.VotesError,
      r"cluster has 3 missing id\(s\)"),
    E("cluster-mixed-types",
      "cluster ids mixing ints and strings",
      lambda tmp: good_fit().covariance(
          "cluster", cluster=np.array([1, "x"] * 6 + [2], dtype=object)),
      elosim.VotesError,
      r"cluster ids mix types that cannot be compared \(int, str\)"),
    E("cluster-nan-votes",
      "Votes built with NaN cluster ids",
      lambda tmp: Votes.from_arrays(["a", "b"], ["b", "a"], [1, 0], cluster=[1.0, np.nan]),
      elosim.VotesError,
      r"cluster has 1 missing value\(s\) at row\(s\) 1"),
    # ---- time stamps that do not sort in time
    E("time-text-not-dates",
      "time stamps as free text ('monday', 'tuesday')",
      lambda tmp: Votes.from_arrays(["a", "b"], ["b", "a"], [1, 0], time=["monday", "tuesday"]),
      elosim.VotesError,
      r"time holds text that is neither a number nor an ISO date, e\.g\. 'monday' at row 0.*"
      r"alphabetically"),
    E("time-us-dates",
      "time stamps as US-style dates ('12/31/2024')",
      lambda tmp: Votes.from_arrays(["a", "b"], ["b", "a"], [1, 0],
                                    time=["12/31/2024", "1/1/2025"]),
      elosim.VotesError,
      r"neither a number nor an ISO date, e\.g\. '12/31/2024'.*pandas\.to_datetime"),
    E("time-mixed-types",
      "time stamps mixing numbers and text",
      lambda tmp: Votes.from_arrays(["a", "b", "c"], ["b", "c", "a"], [1, 0, 1],
                                    time=np.array([1, "x", 2.0], dtype=object)),
      elosim.VotesError,
      r"time mixes types that cannot be ordered in time: int \(first at row 0\), str \(first at "
      r"row 1\), float \(first at row 2\)"),
    E("time-timezone-aware",
      "time-zone-aware time stamps",
      lambda tmp: Votes.from_frame(frame(t=pd.to_datetime(["2024-01-01", "2024-01-02"])
                                         .tz_localize("Europe/Paris").astype(object)), time="t"),
      elosim.VotesError,
      r"time holds time stamps with a time zone.*tz_convert\('UTC'\)"),
    E("time-bool",
      "time stamps as booleans",
      lambda tmp: Votes.from_arrays(["a", "b"], ["b", "a"], [1, 0], time=[True, False]),
      TypeError,
      r"time must hold numbers or dates; got booleans"),
    # ---- immutability that survives pickle, deepcopy and caches
    E("immutable-pickled-votes",
      "writing into a pickled-and-loaded Votes' arrays",
      lambda tmp: _write_into(_pickled(good_counts()).a),
      ValueError,
      r"assignment destination is read-only"),
    E("immutable-deepcopied-votes",
      "writing into a deep-copied Votes' outcomes",
      lambda tmp: _write_into(_deepcopied(good_counts()).outcome),
      ValueError,
      r"assignment destination is read-only"),
    E("immutable-votes-per-item",
      "writing into the cached votes_per_item",
      lambda tmp: _write_into(good_counts().votes_per_item),
      ValueError,
      r"assignment destination is read-only"),
    E("immutable-flag-cannot-be-reset",
      "switching a Votes array back to writeable",
      lambda tmp: setattr(good_counts().a.flags, "writeable", True),
      ValueError,
      r"cannot set WRITEABLE flag to True of this array"),
    E("immutable-covariates-mapping",
      "adding a covariate to a built Votes",
      lambda tmp: operator.setitem(_cov_votes().covariates, "new", np.zeros(3)),
      TypeError,
      r"'mappingproxy' object does not support item assignment"),
    E("immutable-pickled-covariates",
      "writing into a covariate of an unpickled Votes",
      lambda tmp: _write_into(_pickled(_cov_votes()).covariates["z"]),
      ValueError,
      r"assignment destination is read-only"),
    E("immutable-pickled-fit",
      "writing into an unpickled fit's ratings",
      lambda tmp: _write_into(_pickled(good_fit()).ratings),
      ValueError,
      r"assignment destination is read-only"),
    E("immutable-deepcopied-bootstrap",
      "writing into a deep-copied bootstrap distribution",
      lambda tmp: _write_into(_deepcopied(good_boot()).bootstrap_distribution[0]),
      ValueError,
      r"assignment destination is read-only"),
    E("immutable-pickled-counts",
      "writing into the counts of an unpickled Votes",
      lambda tmp: _write_into(_pickled(good_counts()).counts.cell_count),
      ValueError,
      r"assignment destination is read-only"),
    # ---- meaningless tolerances and units
    E("tol-too-loose",
      "tol=1.0 (the starting point would be reported as converged)",
      lambda tmp: elosim.bradley_terry(good_counts(), tol=1.0),
      ValueError,
      r"tol=1\.0 is too loose to mean anything.*\[1e-14, 0\.0001\]"),
    E("tol-unreachable",
      "tol=1e-30 (cannot be reached in double precision)",
      lambda tmp: elosim.bradley_terry(good_counts(), tol=1e-30),
      ValueError,
      r"tol=1e-30 cannot be reached in double precision"),
    E("bootstrap-tol-too-loose",
      "bootstrap(tol=0.5)",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=50, tol=0.5, rng=0),
      ValueError,
      r"tol=0\.5 is too loose"),
    E("max-iter-zero",
      "max_iter=0 (was silently replaced by the default)",
      lambda tmp: elosim.bradley_terry(good_counts(), max_iter=0),
      ValueError,
      r"max_iter must be an integer >= 1; got 0"),
    E("base-below-one",
      "base=0.5 (would turn the leaderboard upside down)",
      lambda tmp: elosim.bradley_terry(good_counts(), base=0.5),
      ValueError,
      r"base must be a finite number > 1 \(Elo uses 10\); got 0\.5: with a base below 1 a "
      r"higher rating would mean a weaker item"),
    E("base-one",
      "base=1 (ratings undefined)",
      lambda tmp: elosim.bradley_terry(good_counts(), base=1),
      ValueError,
      r"base must be a finite number > 1.*with base 1 ratings are undefined"),
    E("init-elo-ratings",
      "init=fit.ratings (Elo ratings where natural log-strengths are expected)",
      lambda tmp: elosim.bradley_terry(good_counts(), init=good_fit().ratings),
      ValueError,
      r"init must be natural log-strengths.*look like Elo ratings\. Remedy: pass "
      r"fit\.log_strength"),
    E("prior-too-weak-for-separation",
      "prior_strength=1e-300 with an item that never lost (was a 'converged' 3,700 Elo)",
      lambda tmp: elosim.bradley_terry(
          Votes.from_counts(["a", "b", "c"], [[0, 3, 2], [0, 0, 3], [0, 2, 0]]),
          prior_strength=1e-300),
      elosim.NoFiniteEstimateError,
      r"prior_strength=1e-300 is too weak to give a finite estimate.*never lost to the rest: "
      r"\['a'\]"),
    # ---- degenerate data: confident output from no information
    E("all-ties-half",
      "every vote is a tie (was: ratings equal, SE 0, zero-width intervals)",
      lambda tmp: elosim.bradley_terry(Votes.from_arrays(["a", "b", "c"], ["b", "c", "a"],
                                                         ["tie"] * 3)),
      elosim.DegenerateDataError,
      r"every vote is a tie \(ties='half'\).*standard error of 0.*Remedy: report that no "
      r"item was preferred \(3 ties\)"),
    E("all-ties-davidson",
      "every vote is a tie with ties='davidson'",
      lambda tmp: elosim.bradley_terry(Votes.from_counts(
          ["a", "b"], [[0, 0], [0, 0]], ties=[[0, 4], [4, 0]]), ties="davidson"),
      elosim.DegenerateDataError,
      r"every vote is a tie \(ties='davidson'\)"),
    E("all-ties-weighted",
      "every weighted vote is a tie",
      lambda tmp: elosim.bradley_terry(Votes.from_arrays(
          ["a", "b"], ["b", "a"], ["tie", "tie"], weight=[2.0, 3.0])),
      elosim.DegenerateDataError,
      r"every vote is a tie.*\(5 ties\)"),
    E("bootstrap-one-resample",
      "n_resamples=1 (was: SE nan, a zero-width interval excluding the estimate)",
      lambda tmp: elosim.bootstrap(good_fit(), n_resamples=1, rng=0),
      ValueError,
      r"n_resamples must be an integer >= 2; got 1"),
    E("bootstrap-too-few-for-level",
      "20 resamples for a 95% interval (each tail holds half a replicate)",
      lambda tmp: good_boot().confidence_interval(0.95),
      ValueError,
      r"20 bootstrap resample\(s\) are too few for a 95% interval: each 2\.5% tail would "
      r"hold less than one replicate\. Need at least 40.*result\.extend\(20\)"),
    E("bootstrap-too-few-for-99",
      "100 resamples for a 99% interval",
      lambda tmp: elosim.bootstrap(good_boot().fit, n_resamples=100, rng=0,
                                   confidence_level=0.99).confidence_interval(),
      ValueError,
      r"100 bootstrap resample\(s\) are too few for a 99% interval.*at least 200"),
    E("bootstrap-too-few-gap-test",
      "a percentile gap test at 95% from 20 resamples",
      lambda tmp: elosim.gap_test(good_boot(), "a", "b"),
      ValueError,
      r"20 bootstrap resample\(s\) are too few for a 95% interval"),
    E("votes-needed-tiny-gap",
      "votes_needed(1e-300) (was an OverflowError)",
      lambda tmp: elosim.votes_needed(1e-300),
      ValueError,
      r"gap=1e-300 is too small to plan for: detecting it would need more than 1e\+15 votes"),
    E("votes-needed-small-gap",
      "votes_needed(1e-5) (would need 9.5e15 votes)",
      lambda tmp: elosim.votes_needed(1e-5),
      ValueError,
      r"gap=1e-05 is too small to plan for.*about 9\.47e\+15"),
    # ---- work that would not fit: estimated and refused before it starts
    E("bootstrap-billion-resamples",
      "bootstrap(n_resamples=10**9) (was: started with no estimate)",
      lambda tmp: _with_16gb(lambda: elosim.bootstrap(good_boot().fit, n_resamples=10**9, rng=0)),
      elosim.InsufficientMemoryError,
      r"the bootstrap needs about .* GB of memory but about 8\.00 GB is available \(3 items x "
      r"1,000,000,000 resamples of output.*Remedy: fewer resamples"),
    E("rank-intervals-huge-draws",
      "rank_intervals(n_draws=10**10)",
      lambda tmp: _with_16gb(lambda: elosim.rank_intervals(good_fit(), n_draws=10**10, rng=0)),
      elosim.InsufficientMemoryError,
      r"rank_intervals\(n_draws=10,000,000,000\) on 3 items would need about"),
    E("simulate-trillion-votes",
      "simulate_votes(n_votes=10**12)",
      lambda tmp: _with_16gb(lambda: elosim.simulate_votes([1000.0, 1100.0], 10**12, rng=0)),
      elosim.InsufficientMemoryError,
      r"simulate_votes\(n_votes=1,000,000,000,000\) would need about 4e\+04 GB"),
    E("file-pandas-out-of-memory",
      "pandas runs out of memory reading a CSV (was: silent fallback to a reader needing 5x "
      "the memory, then an empty MemoryError)",
      lambda tmp: _read_out_of_memory(tmp, "pandas.read_csv"),
      elosim.InsufficientMemoryError,
      r"reading '.*v\.csv' \(.* GB\) ran out of memory\. elosim does not retry with a "
      r"slower reader"),
    E("file-csv-module-out-of-memory",
      "the standard-library reader (no pandas) runs out of memory",
      lambda tmp: _read_out_of_memory(tmp, "elosim.data.readers._read_csv_module"),
      elosim.InsufficientMemoryError,
      r"ran out of memory"),
    E("pairwise-too-many-items",
      "pairwise_gap_tests over 200,000 items (2e10 pairs)",
      lambda tmp: _with_16gb(lambda: elosim.pairwise_gap_tests(_many_items(200_000))),
      elosim.InsufficientMemoryError,
      r"pairwise_gap_tests on 200,000 items \(19,999,900,000 pairs\) would need about"),
    E("bootstrap-extend-huge",
      "boot.extend(10**10) (refused before drawing)",
      lambda tmp: _with_16gb(lambda: good_boot().extend(10**10)),
      elosim.InsufficientMemoryError,
      r"the bootstrap needs about .* GB of memory but about 8\.00 GB is available \(3 items x "
      r"10,000,000,020 resamples"),
    E("simulated-power-huge",
      "simulated_power(n_simulations=10**12)",
      lambda tmp: _with_16gb(lambda: elosim.simulated_power(20.0, 100, n_simulations=10**12,
                                                            rng=0)),
      elosim.InsufficientMemoryError,
      r"simulated_power\(n_simulations=1,000,000,000,000\) would need about"),
    E("coverage-study-huge",
      "coverage_study(n_simulations=10**12)",
      lambda tmp: _with_16gb(lambda: elosim.coverage_study([1000.0, 1100.0], 100,
                                                           n_simulations=10**12, rng=0)),
      elosim.InsufficientMemoryError,
      r"coverage_study\(n_simulations=1,000,000,000,000\) would need about"),
    # ---- units of the Elo scale
    E("elo-base-below-one",
      "win_probability_from_gap(100, base=0.5)",
      lambda tmp: elosim.win_probability_from_gap(100, base=0.5),
      ValueError,
      r"base must be a finite number > 1 \(Elo uses 10\); got 0\.5"),
    E("fit-scale-subnormal",
      "bradley_terry(scale=1e-320) (was: every rating equal to the offset)",
      lambda tmp: elosim.bradley_terry(good_counts(), scale=1e-320),
      ValueError,
      r"scale=1e-320 is outside \[1e-06, 1e\+12\]"),
    E("fit-offset-huge",
      "bradley_terry(offset=1e308) (differences lost in rounding)",
      lambda tmp: elosim.bradley_terry(good_counts(), offset=1e308),
      ValueError,
      r"offset=1e\+308 is too large"),
    E("min-votes-text",
      "votes.min_votes('5') (was a bare numpy UFuncTypeError)",
      lambda tmp: good_counts().min_votes(bad("5")),
      TypeError,
      r"n must be an integer >= 0; got '5'"),
    # ---- covariances given by the user
    E("covariance-not-psd",
      "rank_intervals_from_estimates with a covariance that is not positive semi-definite",
      lambda tmp: elosim.rank_intervals_from_estimates(
          [1.0, 2.0, 3.0], [[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]], rng=0),
      ValueError,
      r"covariance is not positive semi-definite: its smallest eigenvalue is -1"),
    E("covariance-negative-variance",
      "rank_intervals_from_estimates with a negative variance on the diagonal",
      lambda tmp: elosim.rank_intervals_from_estimates(
          [1.0, 2.0], [[-1.0, 0.0], [0.0, 1.0]], rng=0),
      ValueError,
      r"covariance is not positive semi-definite.*standard errors squared on the diagonal"),
]
CATALOGUE.extend(EDGE_CASES)

# ---------------------------------------------------------------------------- generator
def perform(entry: Entry, tmp: Path) -> object:
    """Run ``entry``; when it documents a warning, that warning class is raised as an error."""
    if issubclass(entry.exception, Warning):
        with warnings.catch_warnings():
            warnings.simplefilter("error", entry.exception)
            return entry.call(tmp)
    return entry.call(tmp)


def actual_message(entry: Entry) -> tuple[str, str]:
    """Run ``entry`` in a fresh temporary directory: (exception class name, message).

    The temporary path is replaced by ``<tmp>`` so the result is deterministic.
    """
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        try:
            perform(entry, tmp)
        except BaseException as exc:  # we report whatever is raised
            msg = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            for form in {str(tmp), str(tmp.resolve())}:
                msg = msg.replace(form + "/", "<tmp>/").replace(form, "<tmp>")
            return type(exc).__name__, msg
    return "(no exception)", ""


def _cell(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def render_markdown(entries: list[Entry] | None = None) -> str:
    """The reference page (MyST markdown) with the actual messages."""
    entries = CATALOGUE if entries is None else entries
    lines = [
        "# Bad inputs and the errors they raise",
        "",
        "<!-- generated by `python tests/bad_inputs_catalogue.py > "
        "docs/reference/bad_inputs.md`; do not edit by hand -->",
        "",
        "elosim rejects invalid input with a named exception whose message names the "
        "problem (the argument or column, the bad value and its first rows); unknown "
        "outcome labels are never silently read as ties, and the objects you pass in are "
        "never modified. A few inputs are legal but suspicious (look-alike item labels); "
        "they give a documented warning (a subclass of `ElosimWarning`, shown in the "
        "exception column) instead. Item labels follow one rule everywhere (NFC, surrounding "
        "whitespace stripped; an integer is the item with that label, never a position): "
        "see `elosim.data.labels`. The table lists every case in the test catalogue "
        "(`tests/bad_inputs_catalogue.py`) with the message elosim actually produces "
        "(trimmed to 160 characters; temporary paths shown as `<tmp>`).",
        "",
        "| input | exception | message |",
        "|---|---|---|",
    ]
    n_bugs = 0
    for e in entries:
        exc_name, msg = actual_message(e)
        desc = f"`{e.id}`: {_cell(e.description, 300)}"
        if e.bug:
            n_bugs += 1
            desc += f" (**known bug**; expected `{e.exception.__name__}`)"
        lines.append(f"| {desc} | `{exc_name}` | {_cell(msg) if msg else '(none)'} |")
    lines += [
        "",
        f"{len(entries)} cases; {n_bugs} marked as known bugs (see the catalogue).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    sys.stdout.write(render_markdown())


if __name__ == "__main__":
    main()
