"""Differential tests: ``bradley_terry`` against an independent scipy fitter (Hypothesis).

The reference below is written from the model definitions, not from elosim's code: it
evaluates the log-likelihood *row by row* (one term per vote, weighted), parametrises the
log-strengths with the first item fixed at zero, and maximises with
``scipy.optimize.minimize`` (BFGS on the weight-normalised objective, analytic gradient).
It shares no code with elosim's solvers (no pair tables, no Newton, no information matrix).

Tolerances. BFGS stops at a normalised gradient of 1e-9, so the reference log-strengths
are accurate to about 1e-6 natural units when the curvature per unit weight is at least
about 1e-3 (gaps of at most ~7 natural units); on the Elo scale (173.7 points per unit)
that is ~2e-4 points: we compare at 5e-3 Elo (and 1e-4 relative for tie parameters).
Near-separation makes one gap large and the curvature small, so those cases compare at
0.05 Elo. Weights are scaled by 10^s for s in [-12, 12]: both fitters must give the same
answer whatever the unit of the weights.
"""

from __future__ import annotations

import unicodedata
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit, log_expit

import elosim

Array = NDArray[np.float64]
ELO = 400.0 / np.log(10.0)
TIE_MODELS = ("half", "davidson", "rao-kupper")
FITS = settings(max_examples=max(10, settings().max_examples // 4), deadline=None)


# ---------------------------------------------------------------------------- reference
def _row_loglik(
    model: str, d: Array, tau: float, outcome: NDArray[np.int8]
) -> tuple[Array, Array, Array]:
    """Per-row log-likelihood and its derivatives in ``d = lam_a - lam_b`` and ``tau``.

    outcome: 0 A wins, 1 B wins, 2 tie.
    """
    a_won, b_won, tie = outcome == 0, outcome == 1, outcome == 2
    if model == "half":
        y = np.where(a_won, 1.0, np.where(b_won, 0.0, 0.5))
        ll = y * log_expit(d) + (1.0 - y) * log_expit(-d)
        return ll, y - expit(d), np.zeros_like(d)
    if model == "davidson":
        # P(A) = pa / D, P(B) = pb / D, P(tie) = nu sqrt(pa pb) / D with pa = e^{d/2}, pb = e^{-d/2}
        log_den = np.logaddexp(np.logaddexp(d / 2.0, -d / 2.0), tau)
        num = np.where(a_won, d / 2.0, np.where(b_won, -d / 2.0, tau))
        ll = num - log_den
        pa, pb, pt = (np.exp(x - log_den) for x in (d / 2.0, -d / 2.0, np.full_like(d, tau)))
        dnum = np.where(a_won, 0.5, np.where(b_won, -0.5, 0.0))
        g_d = dnum - (pa - pb) / 2.0
        g_t = np.where(tie, 1.0, 0.0) - pt
        return ll, g_d, g_t
    # Rao-Kupper: P(A) = sigmoid(d - eta), P(B) = sigmoid(-d - eta), eta = e^tau > 0
    eta = np.exp(tau)
    la, lb = log_expit(d - eta), log_expit(-d - eta)
    pa, pb = np.exp(la), np.exp(lb)
    pt = 1.0 - pa - pb
    # P(tie) = (e^{2 eta} - 1) sigmoid(d - eta) sigmoid(-d - eta), stable in logs
    lt = 2.0 * eta + np.log(-np.expm1(-2.0 * eta)) + la + lb
    ll = np.where(a_won, la, np.where(b_won, lb, lt))
    sa, sb = 1.0 - pa, 1.0 - pb  # d/dx log sigmoid(x) = 1 - sigmoid(x)
    g_d = np.where(a_won, sa, np.where(b_won, -sb, sa - sb))
    dlt_deta = 2.0 / (-np.expm1(-2.0 * eta)) - sa - sb
    g_eta = np.where(a_won, -sa, np.where(b_won, -sb, dlt_deta))
    del pt
    return ll, g_d, g_eta * eta


def reference_fit(
    model: str, n_items: int, a: Any, b: Any, outcome: Any, weight: Any
) -> tuple[Array, float | None]:
    """Centred log-strengths (and Davidson's nu / Rao-Kupper's theta) by row-level ML."""
    a = np.asarray(a, dtype=np.intp)
    b = np.asarray(b, dtype=np.intp)
    outcome = np.asarray(outcome, dtype=np.int8)
    w = np.ones(a.size) if weight is None else np.asarray(weight, dtype=float)
    w = w / w.sum()  # the optimum does not depend on the unit of the weights
    k = n_items
    has_tau = model != "half"

    def unpack(x: Array) -> tuple[Array, float]:
        lam = np.concatenate([[0.0], x[: k - 1]])
        return lam, float(x[k - 1]) if has_tau else 0.0

    def objective(x: Array) -> tuple[float, Array]:
        lam, tau = unpack(x)
        ll, g_d, g_t = _row_loglik(model, lam[a] - lam[b], tau, outcome)
        grad_lam = np.zeros(k)
        np.add.at(grad_lam, a, w * g_d)
        np.add.at(grad_lam, b, -w * g_d)
        grad = grad_lam[1:]
        if has_tau:
            grad = np.append(grad, float(np.sum(w * g_t)))
        return -float(np.sum(w * ll)), -grad

    x0 = np.zeros(k - 1 + int(has_tau))
    if has_tau:
        t = float(np.sum(w[outcome == 2]))
        x0[-1] = np.log(2 * t / (1 - t)) if model == "davidson" else np.log(
            np.log((1 + t) / (1 - t))
        )
    res = minimize(objective, x0, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 5000})
    lam, tau = unpack(res.x)
    lam = lam - lam.mean()
    if model == "half":
        return lam, None
    return lam, float(np.exp(tau)) if model == "davidson" else float(np.exp(np.exp(tau)))


# ---------------------------------------------------------------------------- arenas
@st.composite
def arenas(draw: st.DrawFn, *, near_separation: bool = False) -> dict[str, Any]:
    """Rows (a, b, outcome) over 2..6 items, strongly connected and estimable for every tie
    model by construction: consecutive items of a cycle beat each other both ways, and at
    least one tie and one decisive vote are present."""
    k = draw(st.integers(2, 6))
    a: list[int] = []
    b: list[int] = []
    o: list[int] = []
    for i in range(k):
        j = (i + 1) % k
        if k == 2 and i == 1:
            break
        a += [i, j]
        b += [j, i]
        o += [0, 0]
    a.append(0)
    b.append(1)
    o.append(2)
    n_extra = draw(st.integers(0, 40))
    for _ in range(n_extra):
        i = draw(st.integers(0, k - 1))
        j = (i + draw(st.integers(1, k - 1))) % k
        a.append(i)
        b.append(j)
        o.append(draw(st.sampled_from([0, 1, 2])))
    if near_separation:  # item 0 wins almost everything: one loss against many wins
        n_win = draw(st.integers(20, 60))
        opp = [1 + (r % (k - 1)) for r in range(n_win)]
        a += [0] * n_win
        b += opp
        o += [0] * n_win
    return {"k": k, "a": np.array(a), "b": np.array(b), "o": np.array(o, dtype=np.int8)}


def _votes(arena: dict[str, Any], weight: Array | None = None) -> elosim.Votes:
    items = tuple(f"i{q}" for q in range(arena["k"]))
    return elosim.Votes(items=items, a=arena["a"], b=arena["b"], outcome=arena["o"], weight=weight)


def _compare(model: str, arena: dict[str, Any], weight: Array | None, atol: float) -> None:
    fit = elosim.bradley_terry(_votes(arena, weight), ties=model)
    lam, tie = reference_fit(model, arena["k"], arena["a"], arena["b"], arena["o"], weight)
    np.testing.assert_allclose(fit.ratings - fit.ratings.mean(), ELO * lam, rtol=0, atol=atol)
    if tie is not None:
        assert fit.tie_parameter == pytest.approx(tie, rel=1e-4)


weights_st = st.lists(st.floats(0.25, 4.0), min_size=1, max_size=1)


@FITS
@given(arena=arenas(), model=st.sampled_from(TIE_MODELS), data=st.data())
def test_agrees_with_scipy_reference(arena: dict[str, Any], model: str, data: Any) -> None:
    n = arena["a"].size
    weighted = data.draw(st.booleans())
    w = None
    if weighted:
        w = np.array(data.draw(st.lists(st.floats(0.25, 4.0), min_size=n, max_size=n)))
    _compare(model, arena, w, atol=5e-3)


@FITS
@given(
    arena=arenas(),
    model=st.sampled_from(TIE_MODELS),
    exponent=st.integers(-12, 12),
    data=st.data(),
)
def test_extreme_weight_scales_agree(
    arena: dict[str, Any], model: str, exponent: int, data: Any
) -> None:
    n = arena["a"].size
    base = np.array(data.draw(st.lists(st.floats(0.5, 2.0), min_size=n, max_size=n)))
    w = base * 10.0**exponent
    _compare(model, arena, w, atol=5e-3)
    unscaled = elosim.bradley_terry(_votes(arena, base), ties=model)
    scaled = elosim.bradley_terry(_votes(arena, w), ties=model)
    assert scaled.converged
    np.testing.assert_allclose(scaled.ratings, unscaled.ratings, rtol=0, atol=1e-6)
    for kind in ("sandwich", "model"):
        np.testing.assert_allclose(
            scaled.covariance(kind), unscaled.covariance(kind), rtol=1e-6, atol=1e-9
        )


@FITS
@given(arena=arenas(near_separation=True), model=st.sampled_from(TIE_MODELS))
def test_near_separation_agrees(arena: dict[str, Any], model: str) -> None:
    _compare(model, arena, None, atol=5e-2)


# ---------------------------------------------------------------------------- labels
def _nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


LABEL_KINDS = ("ascii", "int", "int-ids", "unicode", "padded", "numeric-text")


def _labelled_columns(arena: dict[str, Any], kind: str, seed: int) -> tuple[Any, Any, Any, Any]:
    """The arena as raw side/winner columns with labels of one kind; and the canonical labels."""
    k = arena["k"]
    rng = np.random.default_rng(seed)
    a, b, o = arena["a"], arena["b"], arena["o"]
    words = ["café", "Zürich", "naïve", "東京", "ℌ-7", "résumé"]
    if kind in ("int", "int-ids"):
        ids = rng.choice(np.arange(-3, 50), size=k, replace=False)
        canon = [str(int(x)) for x in ids]
        col_a, col_b = ids[a], ids[b]
        if kind == "int-ids":  # the winner column holds the winning item's id (ties: 0.5)
            win = np.where(o == 0, ids[a], np.where(o == 1, ids[b], -1)).astype(float)
            win[o == 2] = 0.5
            return col_a, col_b, win, canon
    elif kind == "numeric-text":
        canon = [str(x) for x in rng.choice(np.arange(0, 9), size=k, replace=False)]
        col_a = np.array([canon[i] for i in a], dtype=object)
        col_b = np.array([canon[i] for i in b], dtype=object)
    elif kind == "unicode":
        canon = [words[q] for q in range(k)]
        # sides in NFC on some rows and NFD on others: one item each
        col_a = np.array([_nfd(canon[i]) if r % 2 else canon[i] for r, i in enumerate(a)],
                         dtype=object)
        col_b = np.array([canon[i] for i in b], dtype=object)
    elif kind == "padded":
        canon = [f"m{q}" for q in range(k)]
        col_a = np.array([f" {canon[i]}" if r % 3 == 0 else canon[i] for r, i in enumerate(a)],
                         dtype=object)
        col_b = np.array([f"{canon[i]}  " if r % 2 else canon[i] for r, i in enumerate(b)],
                         dtype=object)
    else:
        canon = [f"model-{q}" for q in range(k)]
        col_a = np.array([canon[i] for i in a], dtype=object)
        col_b = np.array([canon[i] for i in b], dtype=object)
    lab = np.array(["model_a", "model_b", "tie"], dtype=object)
    win = lab[o].copy()
    # name the winner instead of 'model_a' on some rows, with the side's own spelling
    for r in range(0, o.size, 2):
        if o[r] == 0:
            win[r] = col_a[r]
        elif o[r] == 1:
            win[r] = col_b[r]
    return col_a, col_b, win, canon


@FITS
@given(
    arena=arenas(),
    kind=st.sampled_from(LABEL_KINDS),
    model=st.sampled_from(TIE_MODELS),
    seed=st.integers(0, 2**16),
)
def test_labels_of_every_type(arena: dict[str, Any], kind: str, model: str, seed: int) -> None:
    col_a, col_b, win, canon = _labelled_columns(arena, kind, seed)
    if kind == "int-ids" and set(canon) <= {"0", "1"}:
        # items 0 and 1 with a winner column of 0/1: ids or outcome codes? refused
        with pytest.raises(elosim.VotesError, match="ambiguous"):
            elosim.Votes.from_arrays(col_a, col_b, win)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", elosim.LabelWarning)  # merged spellings are reported
        votes = elosim.Votes.from_arrays(col_a, col_b, win)
    assert set(votes.items) == set(canon)
    lam, tie = reference_fit(model, arena["k"], arena["a"], arena["b"], arena["o"], None)
    fit = elosim.bradley_terry(votes, ties=model)
    if tie is not None:
        assert fit.tie_parameter == pytest.approx(tie, rel=1e-4)
    for q, label in enumerate(canon):
        got = fit.ratings[fit.index(label)] - fit.ratings.mean()
        assert got == pytest.approx(ELO * lam[q], abs=5e-3)
    # an int argument is the item with that label, never a position
    if kind in ("int", "int-ids"):
        first = int(canon[0])
        assert fit.index(first) == fit.items.index(canon[0])


@settings(max_examples=max(5, settings().max_examples // 20), deadline=None)
@given(
    arena=arenas(),
    model=st.sampled_from(TIE_MODELS),
    exponent=st.sampled_from([-12, -9, -3, 3, 9, 12]),
    prior=st.sampled_from([0.0, 0.5]),
)
def test_bootstrap_and_cluster_covariance_do_not_depend_on_the_unit_of_weights(
    arena: dict[str, Any], model: str, exponent: int, prior: float
) -> None:
    # every vote repeated 8 times, so that resamples are estimable
    a, b, o = (np.tile(arena[key], 8) for key in ("a", "b", "o"))
    n = a.size
    base = 1.0 + (np.arange(n) % 3) / 2.0
    cluster = np.arange(n) % 4
    fits = []
    for w in (base, base * 10.0**exponent):
        votes = elosim.Votes(items=tuple(f"i{q}" for q in range(arena["k"])), a=a, b=b,
                             outcome=o, weight=w, cluster=cluster)
        fits.append(elosim.bradley_terry(votes, ties=model, prior_strength=prior))
    f0, f1 = fits
    np.testing.assert_allclose(f1.ratings, f0.ratings, rtol=0, atol=1e-6)
    np.testing.assert_allclose(f1.covariance("cluster"), f0.covariance("cluster"), rtol=1e-6,
                               atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", elosim.DegenerateBootstrapWarning)
        b0 = elosim.bootstrap(f0, n_resamples=40, rng=7)
        b1 = elosim.bootstrap(f1, n_resamples=40, rng=7)
    np.testing.assert_allclose(b1.bootstrap_distribution, b0.bootstrap_distribution, rtol=0,
                               atol=1e-5)
