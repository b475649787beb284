"""The Hypothesis strategies of ``elosim.testing.strategies`` keep their promises.

Connectivity is verified independently of elosim, with ``scipy.sparse.csgraph`` on the
graph built here from the generated arrays.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import elosim
from elosim.testing import strategies as es

A_WINS, B_WINS, TIE = 0, 1, 2

# checking a strategy's promises is cheap per example but there are many tests: a quarter
# of the profile's examples (50 under "ci") keeps the file at ~20 s
FEW = settings(max_examples=max(10, settings().max_examples // 4))


def graph_facts(
    n_items: int, a: NDArray[Any], b: NDArray[Any], outcome: NDArray[Any],
    weight: NDArray[Any] | None = None,
) -> tuple[int, int]:
    """(number of connected components, number of strongly connected components).

    Edges run from winner to loser; a tie links both ways; zero-weight votes are ignored.
    """
    keep = np.ones(a.size, bool) if weight is None else np.asarray(weight) > 0
    a, b, o = np.asarray(a)[keep], np.asarray(b)[keep], np.asarray(outcome)[keep]
    und = coo_matrix((np.ones(a.size), (a, b)), shape=(n_items, n_items))
    n_comp = connected_components(und, directed=False)[0]
    fwd, bwd = o != B_WINS, o != A_WINS  # a -> b when A won or tied; b -> a when B won or tied
    src = np.concatenate([a[fwd], b[bwd]])
    dst = np.concatenate([b[fwd], a[bwd]])
    dg = coo_matrix((np.ones(src.size), (src, dst)), shape=(n_items, n_items))
    n_scc = connected_components(dg, directed=True, connection="strong")[0]
    return int(n_comp), int(n_scc)


def test_import_elosim_does_not_import_hypothesis() -> None:
    code = (
        "import sys, elosim, elosim.testing\n"
        "assert 'hypothesis' not in sys.modules, 'import elosim imported hypothesis'\n"
        "import elosim.testing.strategies\n"
        "assert 'hypothesis' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------- labels, ratings
@FEW
@given(es.item_labels(min_size=3, max_size=5, min_length=2, max_length=4))
def test_item_labels_ascii(labels: tuple[str, ...]) -> None:
    assert isinstance(labels, tuple)
    assert 3 <= len(labels) <= 5
    assert len(set(labels)) == len(labels)
    assert all(2 <= len(x) <= 4 and set(x) <= set(es.LABEL_ALPHABET) for x in labels)


@FEW
@given(es.item_labels(unicode=True, max_length=20))
def test_item_labels_unicode_are_accepted_by_elosim(labels: tuple[str, ...]) -> None:
    assert len(set(labels)) == len(labels)
    assert all(x.strip() for x in labels)
    for x in labels:
        x.encode("utf-8")  # never a lone surrogate
    a, b = labels[:-1], labels[1:]
    v = elosim.Votes.from_arrays(a, b, ["tie"] * len(a))
    assert set(v.items) == set(labels)


@settings(max_examples=10)
@given(es.item_labels(min_length=1000, max_length=1000, max_size=3))
def test_item_labels_huge(labels: tuple[str, ...]) -> None:
    assert all(len(x) == 1000 for x in labels)
    v = elosim.Votes.from_arrays(labels[:1], labels[1:2], [1])
    assert v.n_items == 2


@FEW
@given(es.true_ratings(items=["x", "y", "z"], min_rating=-5.0, max_rating=5.0))
def test_true_ratings_items(r: NDArray[np.float64]) -> None:
    assert r.shape == (3,)
    assert r.dtype == np.float64
    assert np.all((r >= -5.0) & (r <= 5.0))


@FEW
@given(es.true_ratings())
def test_true_ratings_default(r: NDArray[np.float64]) -> None:
    assert 2 <= r.size <= 8
    assert np.all(np.isfinite(r))
    assert np.all((r >= 600) & (r <= 1400))


# ---------------------------------------------------------------------- designs and votes
@pytest.mark.parametrize(
    ("connected", "strong"), [(True, False), (False, True), (True, True), (False, False)]
)
@FEW
@given(data=st.data())
def test_comparison_designs_connectivity(connected: bool, strong: bool, data: Any) -> None:
    d = data.draw(
        es.comparison_designs(
            min_items=2, max_items=7, max_votes=20, connected=connected,
            strongly_connected=strong,
        )
    )
    assert 2 <= d.n_items <= 7
    assert 1 <= d.a.size <= 20
    assert d.a.shape == d.b.shape == d.outcome.shape
    assert np.all(d.a != d.b)
    assert set(d.a.tolist()) | set(d.b.tolist()) == set(range(d.n_items))  # every item votes
    n_comp, n_scc = graph_facts(d.n_items, d.a, d.b, d.outcome)
    if connected or strong:
        assert n_comp == 1
    if strong:
        assert n_scc == 1
    assert d.to_votes().n_votes == d.a.size


@FEW
@given(es.comparison_designs(ties=False, min_votes=5, max_votes=9))
def test_comparison_designs_without_ties(d: es.ComparisonDesign) -> None:
    assert 5 <= d.a.size <= 9
    assert not np.any(d.outcome == TIE)


@FEW
@given(
    es.votes(
        max_items=6, min_votes=6, max_votes=40, weights=True, clusters=True,
        timestamps=True, strongly_connected=True,
    )
)
def test_votes_extras_and_strong_connectivity(v: elosim.Votes) -> None:
    assert isinstance(v, elosim.Votes)
    assert 2 <= v.n_items <= 6
    assert 6 <= v.n_votes <= 40
    assert np.all(v.votes_per_item > 0)
    assert v.weight is not None
    assert np.all((v.weight >= 0.25) & (v.weight <= 4.0))
    assert v.cluster is not None
    assert set(v.cluster.tolist()) <= set(range(5))
    assert v.time is not None
    assert v.time.dtype == np.dtype("datetime64[s]")
    assert np.all(np.diff(v.time) >= np.timedelta64(0, "s"))
    assert graph_facts(v.n_items, v.a, v.b, v.outcome, v.weight) == (1, 1)
    elosim.bradley_terry(v)  # the promise that matters: a finite estimate exists


@FEW
@given(es.votes(ties=False, connected=False, max_votes=10))
def test_votes_unconnected_option(v: elosim.Votes) -> None:
    assert not np.any(v.outcome == TIE)
    assert np.all(v.votes_per_item > 0)
    assert v.weight is None
    assert v.cluster is None
    assert v.time is None


@FEW
@given(es.votes(items=["p", "q", "r"], max_votes=5, unicode_labels=True))
def test_votes_fixed_items(v: elosim.Votes) -> None:
    assert v.items == ("p", "q", "r")
    assert v.is_connected


@pytest.mark.parametrize("kind", es.DEGENERATE_KINDS)
@FEW
@given(data=st.data())
def test_degenerate_votes(kind: str, data: Any) -> None:
    v = data.draw(es.degenerate_votes(kind, max_items=7, max_votes=30))
    n_comp, n_scc = graph_facts(v.n_items, v.a, v.b, v.outcome)
    assert np.all(v.votes_per_item > 0)
    if kind == "disconnected":
        assert n_comp >= 2
        assert all(len(c) >= 2 for c in v.components())
        with pytest.raises(elosim.DisconnectedGraphError):
            elosim.bradley_terry(v)
        return
    assert n_comp == 1
    assert n_scc >= 2
    won = np.where(v.outcome == A_WINS, v.a, v.b)[v.outcome != TIE]
    lost = np.where(v.outcome == A_WINS, v.b, v.a)[v.outcome != TIE]
    tied = np.concatenate([v.a[v.outcome == TIE], v.b[v.outcome == TIE]])
    if kind == "never_loses":
        assert any(i not in lost and i not in tied for i in range(v.n_items))
    if kind == "never_wins":
        assert any(i not in won and i not in tied for i in range(v.n_items))
    with pytest.raises(elosim.NoFiniteEstimateError) as info:
        elosim.bradley_terry(v)
    if kind == "dominating_group":
        assert len(info.value.items_up) >= 2
    fit = elosim.bradley_terry(v, prior_strength=1.0)
    assert np.all(np.isfinite(fit.ratings))


@pytest.mark.parametrize(("connected", "strong"), [(False, False), (True, False), (False, True)])
@FEW
@given(data=st.data())
def test_count_matrices(connected: bool, strong: bool, data: Any) -> None:
    m = data.draw(
        es.count_matrices(max_items=5, max_count=4, connected=connected, strongly_connected=strong)
    )
    k = len(m.items)
    assert m.wins.shape == m.ties.shape == (k, k)
    assert np.all(np.diag(m.wins) == 0)
    assert np.all(np.diag(m.ties) == 0)
    assert np.array_equal(m.ties, m.ties.T)
    assert m.wins.min() >= 0
    assert m.ties.min() >= 0
    assert max(m.wins.max(), m.ties.max()) <= 4
    assert m.wins.sum() + m.ties.sum() >= 1
    i, j = np.nonzero(m.wins)
    ti, tj = np.nonzero(np.triu(m.ties))
    a = np.concatenate([i, ti])
    b = np.concatenate([j, tj])
    o = np.concatenate([np.zeros(i.size, int), np.full(ti.size, TIE)])
    n_comp, n_scc = graph_facts(k, a, b, o)
    if connected or strong:
        assert n_comp == 1
    if strong:
        assert n_scc == 1
    v = elosim.Votes.from_counts(*m)
    assert v.n_votes == m.wins.sum() + np.triu(m.ties).sum()


@FEW
@given(es.count_matrices(ties=False))
def test_count_matrices_without_ties(m: es.CountMatrices) -> None:
    assert not m.ties.any()


@FEW
@given(es.lmarena_frames(max_votes=30))
def test_lmarena_frames(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["model_a", "model_b", "winner"]
    assert set(df["winner"]) <= {"model_a", "model_b", "tie", "tie (bothbad)"}
    assert 1 <= len(df) <= 30
    assert (df["model_a"] != df["model_b"]).all()
    v = elosim.Votes.from_frame(df)
    assert v.n_votes == len(df)
    assert v.is_connected
    assert int(np.count_nonzero(v.outcome == TIE)) == int(df["winner"].str.startswith("tie").sum())


# ---------------------------------------------------------------------- eager validation
@pytest.mark.parametrize(
    ("factory", "kwargs", "match"),
    [
        (es.item_labels, {"min_size": 5, "max_size": 3}, "min_size=5 must not exceed max_size=3"),
        (es.item_labels, {"min_size": 1}, "min_size must be an integer >= 2"),
        (es.item_labels, {"max_length": 1001}, "max_length must be at most 1000"),
        (es.item_labels, {"min_length": 0}, "min_length must be an integer >= 1"),
        (es.item_labels, {"unicode": "yes"}, "unicode must be True or False"),
        (es.item_labels, {"max_size": 2.5}, "max_size must be an integer"),
        (es.true_ratings, {"n_items": 1}, "n_items must be an integer >= 2"),
        (es.true_ratings, {"n_items": 3, "items": ["a", "b", "c"]}, "not both"),
        (es.true_ratings, {"items": ["a", "a"]}, "duplicated labels"),
        (es.true_ratings, {"items": "ab"}, "sequence of str labels"),
        (es.true_ratings, {"min_rating": 2.0, "max_rating": 1.0}, "must not exceed"),
        (es.true_ratings, {"max_rating": float("inf")}, "max_rating must be a finite number"),
        (es.votes, {"min_items": 9, "max_items": 8}, "min_items=9 must not exceed max_items=8"),
        (es.votes, {"min_votes": 0}, "min_votes must be an integer >= 1"),
        (es.votes, {"min_votes": 20, "max_votes": 10}, "min_votes=20 must not exceed"),
        (es.votes, {"min_items": 5, "max_votes": 3}, "needs at least 4 votes"),
        (es.votes, {"min_items": 5, "max_votes": 4, "strongly_connected": True},
         "cycle of wins.*needs at least 5 votes"),
        (es.votes, {"weights": 1}, "weights must be True or False"),
        (es.votes, {"items": ["x"]}, "at least two labels"),
        (es.comparison_designs, {"max_items": 1}, "max_items must be an integer >= 2"),
        (es.comparison_designs, {"ties": None}, "ties must be True or False"),
        (es.degenerate_votes, {"kind": "bogus"}, "kind must be one of"),
        (es.degenerate_votes, {"kind": "disconnected", "min_items": 3},
         "min_items must be an integer >= 4"),
        (es.degenerate_votes, {"kind": "never_wins", "max_votes": 2}, "needs at least 3 votes"),
        (es.count_matrices, {"max_count": 0}, "max_count must be an integer >= 1"),
        (es.count_matrices, {"min_items": 4, "max_items": 3}, "must not exceed"),
        (es.lmarena_frames, {"max_votes": 0}, "max_votes must be an integer >= 1"),
    ],
)
def test_invalid_arguments_are_rejected_eagerly(
    factory: Any, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidArgument, match=match):
        factory(**kwargs)  # at creation, before any example is drawn


def test_max_items_is_lowered_to_what_max_votes_can_link() -> None:
    @settings(max_examples=30)
    @given(es.votes(min_items=2, max_items=8, max_votes=3, strongly_connected=True))
    def check(v: elosim.Votes) -> None:
        assert v.n_items <= 3

    check()


# ---------------------------------------------------------------------- a worked example
# A user's own tiny online Elo (mirrored in the docstring of elosim.testing.strategies),
# tested with elosim's strategies.
SCORE = np.array([1.0, 0.0, 0.5])  # score of side A for outcome A wins, B wins, tie


def elo_trace(votes: elosim.Votes, *, k: float = 32.0, start: float = 1000.0) -> NDArray[Any]:
    """Ratings after each vote (row t: after vote t), aligned with ``votes.items``."""
    r = np.full(votes.n_items, start)
    out = np.empty((votes.n_votes, votes.n_items))
    for t, (a, b, o) in enumerate(zip(votes.a, votes.b, votes.outcome, strict=True)):
        expected = 1.0 / (1.0 + 10.0 ** ((r[b] - r[a]) / 400.0))
        delta = k * (SCORE[o] - expected)
        r[a] += delta
        r[b] -= delta
        out[t] = r
    return out


@FEW
@given(es.votes(max_votes=60, weights=False))
def test_elo_updates_are_zero_sum(votes: elosim.Votes) -> None:
    trace = elo_trace(votes)
    np.testing.assert_allclose(trace.sum(axis=1), 1000.0 * votes.n_items, rtol=0, atol=1e-9)


@FEW
@given(es.votes(max_votes=60))
def test_elo_is_symmetric_in_the_sides(votes: elosim.Votes) -> None:
    flipped = np.array([B_WINS, A_WINS, TIE], dtype=np.int8)[votes.outcome]
    swapped = elosim.Votes(items=votes.items, a=votes.b, b=votes.a, outcome=flipped)
    np.testing.assert_allclose(elo_trace(swapped), elo_trace(votes), rtol=0, atol=1e-9)


@FEW
@given(es.votes(max_votes=60))
def test_elo_a_win_never_lowers_the_winner(votes: elosim.Votes) -> None:
    trace = np.vstack([np.full(votes.n_items, 1000.0), elo_trace(votes)])
    step = np.diff(trace, axis=0)
    rows = np.arange(votes.n_votes)
    winner = np.where(votes.outcome == A_WINS, votes.a, votes.b)
    loser = np.where(votes.outcome == A_WINS, votes.b, votes.a)
    decisive = votes.outcome != TIE
    assert np.all(step[rows, winner][decisive] > 0)
    assert np.all(step[rows, loser][decisive] < 0)
