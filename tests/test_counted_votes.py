"""``Votes.from_counts`` never makes vote rows unless a row-level operation asks (issue 12)."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest
from scipy import optimize

import elosim

ITEMS = ["a", "b", "c", "d"]
WINS = np.array([[0, 30, 12, 5], [20, 0, 14, 9], [9, 11, 0, 16], [3, 6, 10, 0]])
TIES = np.array([[0, 4, 2, 0], [4, 0, 3, 1], [2, 3, 0, 5], [0, 1, 5, 0]])


def _rows(wins: np.ndarray, ties: np.ndarray) -> elosim.Votes:
    """The same votes as rows, expanded independently of elosim."""
    k = wins.shape[0]
    a, b, o = [], [], []
    for i in range(k):  # the wins, then the ties (the order from_counts documents)
        for j in range(k):
            a += [i] * int(wins[i, j])
            b += [j] * int(wins[i, j])
            o += [0] * int(wins[i, j])
    for i in range(k):
        for j in range(i + 1, k):
            a += [i] * int(ties[i, j])
            b += [j] * int(ties[i, j])
            o += [2] * int(ties[i, j])
    return elosim.Votes(items=tuple(ITEMS), a=np.array(a), b=np.array(b), outcome=np.array(o))


def _made_rows(v: elosim.Votes) -> bool:
    return "a" in v.__dict__


def test_from_counts_makes_no_rows_for_fits_bootstraps_and_reports() -> None:
    v = elosim.Votes.from_counts(ITEMS, WINS, TIES)
    assert isinstance(v, elosim.Votes)
    assert type(v).__name__ == "Votes"
    assert v.n_votes == len(v) == int(WINS.sum() + TIES[np.triu_indices(4, 1)].sum())
    fit = elosim.bradley_terry(v, ties="davidson")
    boot = elosim.bootstrap(fit, n_resamples=50, rng=0)
    fit.summary()
    fit.to_markdown()
    boot.confidence_interval()
    fit.gap_test("a", "b")
    v.summary()
    v.min_votes(10)
    assert not _made_rows(v)


def test_fits_from_counts_equal_fits_from_rows_and_scipy() -> None:
    counted = elosim.Votes.from_counts(ITEMS, WINS, TIES)
    rows = _rows(WINS, TIES)
    assert counted.counts.equals(rows.counts)
    f1 = elosim.bradley_terry(counted)
    f2 = elosim.bradley_terry(rows)
    np.testing.assert_allclose(f1.ratings, f2.ratings, rtol=0, atol=1e-8)
    np.testing.assert_allclose(f1.covariance(), f2.covariance(), rtol=1e-10, atol=1e-12)

    # independent check: ties count half a win each way (the default), direct optimisation
    pts = WINS + TIES / 2.0

    def nll(x: np.ndarray) -> float:
        lam = np.append(x, -x.sum())
        d = lam[:, None] - lam[None, :]
        return float(-np.sum(pts * -np.logaddexp(0.0, -d)))

    res = optimize.minimize(nll, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    lam = np.append(res.x, -res.x.sum())
    elo = 400 / np.log(10) * (lam - lam.mean())
    got = f1.ratings - f1.ratings.mean()
    np.testing.assert_allclose(got, elo, atol=1e-4)


def test_rows_on_demand_equal_the_expansion() -> None:
    v = elosim.Votes.from_counts(ITEMS, WINS, TIES)
    rows = _rows(WINS, TIES)
    np.testing.assert_array_equal(v.a, rows.a)
    np.testing.assert_array_equal(v.b, rows.b)
    np.testing.assert_array_equal(v.outcome, rows.outcome)
    np.testing.assert_array_equal(v.row_cell, rows.row_cell)
    assert v.equals(rows)
    assert rows.equals(v)
    assert v.select(v.outcome == 2).n_votes == rows.select(rows.outcome == 2).n_votes
    assert not v.a.flags.writeable


def test_restrict_on_counts_equals_restrict_on_rows() -> None:
    v = elosim.Votes.from_counts(ITEMS, WINS, TIES)
    rows = _rows(WINS, TIES)
    for keep in (["a", "b"], ["b", "c", "d"]):
        got = v.restrict(keep)
        assert not _made_rows(v)
        assert got.items == rows.restrict(keep).items
        assert got.counts.equals(rows.restrict(keep).counts)
    assert v.drop_items(["d"]).counts.equals(rows.drop_items(["d"]).counts)
    with pytest.raises(elosim.VotesError, match="unknown item"):
        v.restrict(["a", "zz"])


def _pickled(v: elosim.Votes) -> elosim.Votes:
    out: elosim.Votes = pickle.loads(pickle.dumps(v))
    return out


@pytest.mark.parametrize("clone", [_pickled, copy.copy, copy.deepcopy])
def test_counted_votes_survive_pickling_and_copies(clone: object) -> None:
    v = elosim.Votes.from_counts(ITEMS, WINS, TIES)
    w = clone(v)  # type: ignore[operator]
    assert w.equals(v)
    assert not _made_rows(w)
    assert w.n_votes == v.n_votes


def test_a_trillion_votes_fit_and_bootstrap_without_rows() -> None:
    big = WINS.astype(np.int64) * 10**10
    v = elosim.Votes.from_counts(ITEMS, big)
    assert v.n_votes == int(WINS.sum()) * 10**10
    fit = elosim.bradley_terry(v)
    small = elosim.bradley_terry(elosim.Votes.from_counts(ITEMS, WINS))
    np.testing.assert_allclose(fit.ratings, small.ratings, atol=1e-8)
    boot = elosim.bootstrap(fit, n_resamples=20, rng=1)
    # a trillion votes: bootstrap standard errors are 1e-5 of the small data's
    assert np.all(boot.standard_error < 1e-3)
    with pytest.raises(elosim.VotesError, match=r"given as counts.*Votes\.from_counts"):
        v.to_frame()
    assert not _made_rows(v)


def test_counted_votes_keep_the_errors_of_from_counts() -> None:
    with pytest.raises(elosim.VotesError, match="no votes"):
        elosim.Votes.from_counts(["a", "b"], [[0, 0], [0, 0]])
    with pytest.raises(elosim.VotesError, match="symmetric"):
        elosim.Votes.from_counts(["a", "b"], [[0, 1], [0, 0]], ties=[[0, 1], [0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert elosim.Votes.from_counts(["a", "b"], [[0, 1], [2, 0]]).n_votes == 3
