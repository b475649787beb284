"""Votes, counts and results stay read-only through pickle, deepcopy and cached properties."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import elosim
from elosim import Votes

COPIES: dict[str, Callable[[Any], Any]] = {
    "pickle": lambda x: pickle.loads(pickle.dumps(x)),
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}


def _votes() -> Votes:
    return Votes.from_arrays(
        ["a", "b", "c", "a"] * 5, ["b", "c", "a", "c"] * 5, [1, 1, 0.5, 0] * 5,
        weight=np.linspace(1, 2, 20), time=np.arange(20), cluster=np.repeat(np.arange(5), 4),
        covariates={"len": np.arange(20.0)},
    )


def _assert_frozen(arr: np.ndarray) -> None:
    assert not arr.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        arr[...] = 0
    with pytest.raises(ValueError, match="WRITEABLE"):
        arr.flags.writeable = True


@pytest.mark.parametrize("how", list(COPIES))
def test_votes_arrays_stay_read_only(how: str) -> None:
    v = _votes()
    v.counts
    w = COPIES[how](v)
    for name in ("a", "b", "outcome", "weight", "time", "cluster"):
        _assert_frozen(getattr(w, name))
    _assert_frozen(w.covariates["len"])
    _assert_frozen(w.votes_per_item)
    for arr in (w.counts.cell_count, w.counts.cell_weight, w.counts.pair_i):
        _assert_frozen(arr)
    with pytest.raises(TypeError):
        w.covariates["len"] = np.zeros(20)  # type: ignore[index]
    assert w.equals(v)


def test_votes_per_item_cannot_be_corrupted() -> None:
    v = Votes.from_counts(["a", "b", "c"], [[0, 40, 40], [1, 0, 1], [1, 1, 0]])
    with pytest.raises(ValueError, match="read-only"):
        v.votes_per_item[0] = 0
    assert v.min_votes(5).items == ("a", "b", "c")


def test_covariates_are_a_read_only_mapping() -> None:
    v = _votes()
    with pytest.raises(TypeError):
        v.covariates["new"] = np.zeros(20)  # type: ignore[index]
    assert dict(v.covariates).keys() == {"len"}


@pytest.mark.parametrize("how", list(COPIES))
def test_results_stay_read_only(how: str) -> None:
    v = Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    fit = elosim.bradley_terry(v)
    boot = elosim.bootstrap(fit, n_resamples=50, rng=0)
    f2, b2 = COPIES[how](fit), COPIES[how](boot)
    _assert_frozen(f2.ratings)
    _assert_frozen(f2.votes.a)
    _assert_frozen(b2.bootstrap_distribution)
    np.testing.assert_array_equal(f2.ratings, fit.ratings)
    np.testing.assert_array_equal(b2.confidence_interval().low, boot.confidence_interval().low)


def test_pickled_votes_refit_to_the_same_numbers() -> None:
    v = _votes()
    f1 = elosim.bradley_terry(v)
    f2 = elosim.bradley_terry(pickle.loads(pickle.dumps(v)))
    np.testing.assert_array_equal(f1.ratings, f2.ratings)
