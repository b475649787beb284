"""Properties of ``bradley_terry`` that hold for every data set (Hypothesis).

Designs are strongly connected by construction (``es.votes(strongly_connected=True)``), so
the maximum-likelihood estimate exists and is unique (Ford 1957; Hunter 2004).

Tolerances. Newton stops when ``max |gradient| <= 1e-10 * max(1, total weight)`` and
converges quadratically, so the log-strengths are accurate to far better than 1e-9 natural
units on these small designs (at most 6 items, 40 votes with weights in [0.25, 4]; gaps
stay below a few natural units, so the Fisher information is well away from zero).
On the Elo scale (173.7 points per natural unit) that is below 1e-6 points: we compare
ratings with ``atol=1e-6`` and standard errors, variances and probabilities with
``rtol=1e-6``. Two fits of equivalent data differ only by floating-point summation
order, far below these tolerances.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

import elosim
from elosim.testing import strategies as es

A_WINS, B_WINS, TIE = 0, 1, 2
ATOL = 1e-6  # Elo points
RTOL = 1e-6
TIE_MODELS = ("half", "davidson", "rao-kupper")
FLIP = np.array([B_WINS, A_WINS, TIE], dtype=np.int8)

# a fit costs ~3 ms: a third of the profile's examples (66 under "ci", over 25 tests) keeps
# the file at ~30 s of CPU
FITS = settings(max_examples=max(10, settings().max_examples // 3))

designs = es.votes(max_items=6, max_votes=40, strongly_connected=True)
weighted_designs = st.one_of(designs, es.votes(max_items=6, max_votes=40, strongly_connected=True,
                                               weights=True))


def rebuild(v: elosim.Votes, **changes: Any) -> elosim.Votes:
    fields: dict[str, Any] = {
        "items": v.items, "a": v.a, "b": v.b, "outcome": v.outcome, "weight": v.weight,
    }
    fields.update(changes)
    return elosim.Votes(**fields)


@st.composite
def with_a_tie(draw: st.DrawFn, base: st.SearchStrategy[elosim.Votes]) -> elosim.Votes:
    """Votes with at least one tie and one decisive vote (tie models are then estimable)."""
    v = draw(base)
    i = draw(st.integers(0, v.n_items - 1))
    j = (i + draw(st.integers(1, v.n_items - 1))) % v.n_items
    w = None if v.weight is None else np.append(v.weight, 1.0)
    return rebuild(v, a=np.append(v.a, i), b=np.append(v.b, j),
                   outcome=np.append(v.outcome, TIE), weight=w)


def model_data(model: str) -> st.SearchStrategy[elosim.Votes]:
    return weighted_designs if model == "half" else with_a_tie(weighted_designs)


def by_label(fit: elosim.BradleyTerryResult) -> dict[str, float]:
    return dict(zip(fit.items, fit.ratings.tolist(), strict=True))


# ---------------------------------------------------------------------- invariances
@pytest.mark.parametrize("model", TIE_MODELS)
@FITS
@given(data=st.data())
def test_relabelling_items_permutes_ratings(model: str, data: Any) -> None:
    v = data.draw(model_data(model))
    perm = np.array(data.draw(st.permutations(range(v.n_items))))  # new position of item i
    new_items = [""] * v.n_items
    for i, p in enumerate(perm):
        new_items[p] = "new-" + v.items[i]
    w = rebuild(v, items=tuple(new_items), a=perm[v.a], b=perm[v.b])
    f0, f1 = elosim.bradley_terry(v, ties=model), elosim.bradley_terry(w, ties=model)
    np.testing.assert_allclose(f1.ratings[perm], f0.ratings, rtol=0, atol=ATOL)
    se0, se1 = f0.standard_error, f1.standard_error
    np.testing.assert_allclose(se1[perm], se0, rtol=RTOL, atol=1e-9)


@pytest.mark.parametrize("model", TIE_MODELS)
@FITS
@given(data=st.data())
def test_swapping_sides_with_flipped_outcomes_changes_nothing(model: str, data: Any) -> None:
    v = data.draw(model_data(model))
    w = rebuild(v, a=v.b, b=v.a, outcome=FLIP[v.outcome])
    f0, f1 = elosim.bradley_terry(v, ties=model), elosim.bradley_terry(w, ties=model)
    np.testing.assert_allclose(f1.ratings, f0.ratings, rtol=0, atol=ATOL)
    assert math.isclose(f1.log_likelihood, f0.log_likelihood, rel_tol=1e-9, abs_tol=1e-9)


@FITS
@given(data=st.data())
def test_vote_order_changes_nothing(data: Any) -> None:
    v = data.draw(weighted_designs)
    order = np.array(data.draw(st.permutations(range(v.n_votes))))
    w = rebuild(v, a=v.a[order], b=v.b[order], outcome=v.outcome[order],
                weight=None if v.weight is None else v.weight[order])
    f0, f1 = elosim.bradley_terry(v), elosim.bradley_terry(w)
    np.testing.assert_allclose(f1.ratings, f0.ratings, rtol=0, atol=ATOL)
    for kind in ("model", "sandwich"):
        np.testing.assert_allclose(f1.covariance(kind), f0.covariance(kind), rtol=RTOL, atol=1e-9)


@pytest.mark.parametrize("model", TIE_MODELS)
@FITS
@given(data=st.data())
def test_duplicating_every_vote_divides_standard_errors_by_sqrt2(model: str, data: Any) -> None:
    v = data.draw(model_data(model))
    w = rebuild(
        v, a=np.tile(v.a, 2), b=np.tile(v.b, 2), outcome=np.tile(v.outcome, 2),
        weight=None if v.weight is None else np.tile(v.weight, 2),
    )
    f0, f1 = elosim.bradley_terry(v, ties=model), elosim.bradley_terry(w, ties=model)
    np.testing.assert_allclose(f1.ratings, f0.ratings, rtol=0, atol=ATOL)
    for kind in ("model", "sandwich"):
        se0 = np.sqrt(np.diag(f0.covariance(kind)))
        se1 = np.sqrt(np.diag(f1.covariance(kind)))
        np.testing.assert_allclose(se1, se0 / math.sqrt(2), rtol=RTOL, atol=1e-9)


@FITS
@given(data=st.data())
def test_normalisation_only_shifts_ratings(data: Any) -> None:
    v = data.draw(weighted_designs)
    anchor = data.draw(st.sampled_from(v.items))
    offset = data.draw(st.floats(-2000, 2000))
    fm = elosim.bradley_terry(v)
    fa = elosim.bradley_terry(v, normalize="anchor", anchor=anchor, offset=offset)
    assert fa.ratings[v.items.index(anchor)] == pytest.approx(offset, abs=ATOL)
    shift = fa.ratings - fm.ratings
    np.testing.assert_allclose(shift, shift[0], rtol=0, atol=ATOL)
    k = v.n_items
    diff = np.zeros((k * (k - 1) // 2, k))
    rows = np.arange(diff.shape[0])
    iu, ju = np.triu_indices(k, 1)
    diff[rows, iu], diff[rows, ju] = 1.0, -1.0
    for kind in ("model", "sandwich"):
        var_m = np.einsum("pi,ij,pj->p", diff, fm.covariance(kind), diff)
        var_a = np.einsum("pi,ij,pj->p", diff, fa.covariance(kind), diff)
        np.testing.assert_allclose(var_a, var_m, rtol=RTOL, atol=1e-9)


# ---------------------------------------------------------------------- monotonicity
@FITS
@given(data=st.data())
def test_an_extra_win_never_lowers_the_winner_nor_raises_the_loser(data: Any) -> None:
    v = data.draw(weighted_designs)
    i = data.draw(st.integers(0, v.n_items - 1))
    j = (i + data.draw(st.integers(1, v.n_items - 1))) % v.n_items
    a_side = data.draw(st.booleans())
    a, b, o = (i, j, A_WINS) if a_side else (j, i, B_WINS)
    w = rebuild(v, a=np.append(v.a, a), b=np.append(v.b, b), outcome=np.append(v.outcome, o),
                weight=None if v.weight is None else np.append(v.weight, 1.0))
    f0, f1 = elosim.bradley_terry(v), elosim.bradley_terry(w)
    assert f1.ratings[i] >= f0.ratings[i] - ATOL
    assert f1.ratings[j] <= f0.ratings[j] + ATOL
    # and the winner gains on every other item (the mean normalisation hides nothing)
    assert np.all(f1.ratings[i] - f1.ratings >= f0.ratings[i] - f0.ratings - ATOL)


# ---------------------------------------------------------------------- the likelihood
def log_likelihood(
    model: str, votes: elosim.Votes, lam: NDArray[np.float64], tie_parameter: float | None
) -> float:
    """Independent (per-vote) log-likelihood at natural log-strengths ``lam``."""
    d = lam[votes.a] - lam[votes.b]
    w = np.ones(votes.n_votes) if votes.weight is None else votes.weight
    o = votes.outcome
    if model == "half":
        score = np.array([1.0, 0.0, 0.5])[o]
        # log p = -log(1 + e^-d), log(1 - p) = -log(1 + e^d)
        ll = -(score * np.logaddexp(0.0, -d) + (1 - score) * np.logaddexp(0.0, d))
    elif model == "davidson":
        assert tie_parameter is not None
        nu = tie_parameter
        pa, pb = np.exp(lam[votes.a]), np.exp(lam[votes.b])
        den = pa + pb + nu * np.sqrt(pa * pb)
        p = np.stack([pa / den, pb / den, nu * np.sqrt(pa * pb) / den], axis=1)
        ll = np.log(p[np.arange(o.size), o])
    else:
        assert tie_parameter is not None
        theta = tie_parameter
        pa, pb = np.exp(lam[votes.a]), np.exp(lam[votes.b])
        p_a = pa / (pa + theta * pb)
        p_b = pb / (pb + theta * pa)
        p = np.stack([p_a, p_b, 1.0 - p_a - p_b], axis=1)
        ll = np.log(p[np.arange(o.size), o])
    return float(np.sum(w * ll))


@pytest.mark.parametrize("model", TIE_MODELS)
@FITS
@given(
    data=st.data(),
    step=hnp.arrays(np.float64, 7, elements=st.floats(-1.0, 1.0)),
    size=st.sampled_from([1e-3, 1e-2, 0.1, 1.0]),
)
def test_the_estimate_maximises_the_log_likelihood(
    model: str, data: Any, step: NDArray[np.float64], size: float
) -> None:
    v = data.draw(model_data(model))
    fit = elosim.bradley_terry(v, ties=model)
    lam = fit.log_strength
    np.testing.assert_allclose(lam * fit.elo_factor, fit.ratings - fit.ratings.mean(),
                               rtol=0, atol=ATOL)
    best = log_likelihood(model, v, lam, fit.tie_parameter)
    assert best == pytest.approx(fit.log_likelihood, rel=1e-9, abs=1e-9)
    tie = fit.tie_parameter
    if tie is not None:  # perturb the tie parameter too, keeping it valid (nu > 0, theta > 1)
        tie = 1.0 + (tie - 1.0) * math.exp(size * step[-1]) if model == "rao-kupper" else (
            tie * math.exp(size * step[-1]))
    other = log_likelihood(model, v, lam + size * step[: v.n_items], tie)
    assert other <= best + 1e-9 * max(1.0, abs(best))


# ---------------------------------------------------------------------- predictions
@FITS
@given(weighted_designs)
def test_win_probabilities_are_complementary_under_half(v: elosim.Votes) -> None:
    fit = elosim.bradley_terry(v)
    p = fit.win_probability()
    off = ~np.eye(v.n_items, dtype=bool)
    assert np.all((p[off] > 0) & (p[off] < 1))
    np.testing.assert_allclose((p + p.T)[off], 1.0, rtol=0, atol=1e-12)
    gap = fit.ratings[:, None] - fit.ratings[None, :]
    np.testing.assert_allclose(p[off], (1 / (1 + 10 ** (-gap / 400)))[off], rtol=RTOL)
    x, y = v.items[0], v.items[1]
    assert fit.win_probability(x, y) + fit.win_probability(y, x) == pytest.approx(1.0)


@pytest.mark.parametrize("model", ["davidson", "rao-kupper"])
@FITS
@given(data=st.data())
def test_outcome_probabilities_of_tie_models(model: str, data: Any) -> None:
    v = data.draw(with_a_tie(designs))
    fit = elosim.bradley_terry(v, ties=model)
    assert fit.tie_parameter is not None
    assert fit.tie_parameter > (1.0 if model == "rao-kupper" else 0.0)
    for x in v.items:
        for y in v.items:
            if x != y:
                pa, pb, pt = fit.outcome_probabilities(x, y)
                assert 0 < pa < 1
                assert 0 < pb < 1
                assert 0 < pt < 1
                assert pa + pb + pt == pytest.approx(1.0, abs=1e-12)
                assert fit.outcome_probabilities(y, x) == pytest.approx((pb, pa, pt))


# ---------------------------------------------------------------------- round trips
def count_table(a: Any, b: Any, winner: Any) -> dict[tuple[str, str, str], int]:
    """Counts per (unordered pair as sorted labels, outcome relative to the pair)."""
    out: dict[tuple[str, str, str], int] = {}
    for x, y, o in zip(a, b, winner, strict=True):
        lo, hi = sorted((str(x), str(y)))
        if o in ("tie", "tie (bothbad)"):
            res = "tie"
        else:
            won = x if o == "model_a" else y
            res = "lo" if won == lo else "hi"
        key = (lo, hi, res)
        out[key] = out.get(key, 0) + 1
    return out


@FITS
@given(es.lmarena_frames(max_votes=40, unicode_labels=True))
def test_round_trip_frame_votes_counts_frame(df: pd.DataFrame) -> None:
    expected = count_table(df["model_a"], df["model_b"], df["winner"])
    v = elosim.Votes.from_frame(df)
    k = v.n_items
    wins = np.zeros((k, k), dtype=np.int64)
    ties = np.zeros((k, k), dtype=np.int64)
    c = v.counts
    table = c.table()
    for p, (i, j) in enumerate(zip(c.pair_i, c.pair_j, strict=True)):
        wins[i, j] += int(table[p, 0])
        wins[j, i] += int(table[p, 1])
        ties[i, j] += int(table[p, 2])
        ties[j, i] += int(table[p, 2])
    back = elosim.Votes.from_counts(v.items, wins, ties).to_frame()
    assert count_table(back["model_a"], back["model_b"], back["winner"]) == expected
    again = elosim.Votes.from_frame(back)
    assert again.items == v.items
    np.testing.assert_array_equal(again.counts.table(), table)
    assert elosim.Votes.from_frame(v.to_frame()).equals(v)
