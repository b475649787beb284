"""Fits with many items: sparse Newton, lazy covariance, bounded-memory bootstrap.

Closed forms: on a tree-shaped comparison graph (a chain) the maximum-likelihood gap of
each edge is its empirical log-odds, and the model-based variance of a gap along the tree
is the sum of the edges' ``1 / (n p (1 - p))``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize
from scipy.special import log_expit

import elosim
from elosim.inference import memory
from elosim.inference.bootstrap import _draw_tables, _problem
from elosim.models.lazy_covariance import LazyCovariance

FACTOR = 400 / math.log(10)


def chain_votes(k: int, wins: int = 3, losses: int = 1, ties: int = 0) -> elosim.Votes:
    """Item i meets only item i + 1: ``wins`` for i, ``losses``, ``ties`` on every edge."""
    per = wins + losses + ties
    a = np.repeat(np.arange(k - 1), per)
    b = a + 1
    out = np.tile(np.array([0] * wins + [1] * losses + [2] * ties, dtype=np.int8), k - 1)
    return elosim.Votes(items=tuple(f"p{i}" for i in range(k)), a=a, b=b, outcome=out)


def sparse_arena(k: int, opponents: int, seed: int = 0) -> elosim.Votes:
    """Each item meets a few random opponents plus its ring neighbour; one tie per pair
    (so the win graph is strongly connected) and a few decisive BT votes."""
    rng = np.random.default_rng(seed)
    true = rng.normal(0, 1.0, k)
    a = np.concatenate([np.arange(k), np.repeat(np.arange(k), opponents)])
    b = np.concatenate([(np.arange(k) + 1) % k, rng.integers(0, k, k * opponents)])
    keep = a != b
    a, b = a[keep], b[keep]
    n_dec = rng.integers(1, 4, a.size)
    aa = np.repeat(a, n_dec + 1)
    bb = np.repeat(b, n_dec + 1)
    first = np.zeros(aa.size, dtype=bool)
    first[np.concatenate([[0], np.cumsum(n_dec + 1)[:-1]])] = True
    p = 1 / (1 + np.exp(-(true[aa] - true[bb])))
    out = np.where(first, 2, np.where(rng.random(aa.size) < p, 0, 1)).astype(np.int8)
    return elosim.Votes(items=tuple(f"q{i}" for i in range(k)), a=aa, b=bb, outcome=out)


@pytest.mark.parametrize("k", [1501, 100_000])
def test_chain_fits_its_closed_form(k: int) -> None:
    votes = chain_votes(k, wins=3, losses=1, ties=2)
    fit = elosim.bradley_terry(votes, covariance="model")  # solver="auto"
    assert fit.converged
    assert fit.solver == "sparse"
    gaps = np.diff(fit.ratings)  # rating[i + 1] - rating[i]
    # points 3 + 1 = 4 for i against 1 + 1 = 2: gap log(2) on the natural scale
    np.testing.assert_allclose(gaps, -FACTOR * math.log(2.0), atol=1e-6)
    # model variance of one edge: 1 / (n p (1 - p)) with n = 6 votes, p = 2/3
    edge_var = 1 / (6 * (2 / 3) * (1 / 3))
    sparse = elosim.SparseDataWarning  # 6 votes per item (issue 10)
    with pytest.warns(sparse):
        res = fit.gap_test(fit.items[0], fit.items[k - 1])
    assert res.standard_error == pytest.approx(FACTOR * math.sqrt((k - 1) * edge_var), rel=1e-6)
    with pytest.warns(sparse):
        assert fit.gap_test(fit.items[5], fit.items[6]).standard_error == pytest.approx(
            FACTOR * math.sqrt(edge_var), rel=1e-6
        )
    assert fit.is_large


def test_sparse_arena_of_100k_items_solves_the_score_equations() -> None:
    votes = sparse_arena(100_000, 4)
    fit = elosim.bradley_terry(votes)
    assert fit.converged
    assert fit.solver == "sparse"
    assert fit.is_large
    # the MLE is the unique solution of observed points = expected points (strictly
    # concave log-likelihood on the sum-zero subspace): an independent check of the fit
    np.testing.assert_allclose(fit.expected_wins(), fit.observed_wins(), atol=1e-4)
    cov = fit.covariance()
    assert isinstance(cov, LazyCovariance)
    assert cov.shape == (100_000, 100_000)
    block = cov[[0, 1, 2], [0, 1, 2]]
    assert block.shape == (3, 3)
    assert np.all(np.diag(block) > 0)
    res = fit.gap_test("q0", "q1")
    # the default "max" kind is the larger of sandwich and scaled model-based per block
    # asked for, so compare with the pair's own block
    pair = cov[[0, 1], [0, 1]]
    assert res.standard_error == pytest.approx(
        math.sqrt(pair[0, 0] + pair[1, 1] - 2 * pair[0, 1]), rel=1e-6
    )
    with pytest.raises(ValueError, match="ask for the items you need"):
        _ = fit.standard_error
    with pytest.raises(elosim.InsufficientMemoryError, match="dense covariance of 100,000"):
        np.asarray(cov)


def _scipy_fit(votes: elosim.Votes) -> np.ndarray:
    """Direct likelihood maximisation (half-win ties), an independent computation."""
    c = votes.counts
    t = c.table()
    yi, yj = t[:, 0] + 0.5 * t[:, 2], t[:, 1] + 0.5 * t[:, 2]
    k = votes.n_items

    def nll(x: np.ndarray) -> float:
        lam = np.append(0.0, x)
        d = lam[c.pair_i] - lam[c.pair_j]
        return -float(np.sum(yi * log_expit(d) + yj * log_expit(-d)))

    def grad(x: np.ndarray) -> np.ndarray:
        lam = np.append(0.0, x)
        d = lam[c.pair_i] - lam[c.pair_j]
        g = yi - (yi + yj) / (1 + np.exp(-d))
        full = np.bincount(c.pair_i, g, k) - np.bincount(c.pair_j, g, k)
        return -full[1:]

    res = optimize.minimize(nll, np.zeros(k - 1), jac=grad, method="L-BFGS-B",
                            options={"maxiter": 20_000, "gtol": 1e-10, "ftol": 1e-15})
    lam = np.append(0.0, res.x)
    return FACTOR * (lam - lam.mean()) + 1000


@pytest.mark.parametrize("ties", ["half", "davidson"])
def test_sparse_solver_matches_dense_newton_and_scipy(ties: str) -> None:
    votes = sparse_arena(400, 3, seed=4)
    dense = elosim.bradley_terry(votes, ties=ties, solver="newton")
    sp = elosim.bradley_terry(votes, ties=ties, solver="sparse")
    np.testing.assert_allclose(sp.ratings, dense.ratings, atol=1e-7)
    assert sp.log_likelihood == pytest.approx(dense.log_likelihood, rel=1e-12)
    if ties == "half":
        np.testing.assert_allclose(sp.ratings, _scipy_fit(votes), atol=1e-3)
    else:
        assert sp.tie_parameter_se == pytest.approx(dense.tie_parameter_se, rel=1e-7)
    for kind in ("model", "sandwich"):
        np.testing.assert_allclose(
            sp.covariance(kind), dense.covariance(kind), rtol=1e-6, atol=1e-8
        )


@pytest.mark.parametrize("normalize", ["mean", "anchor"])
def test_lazy_covariance_equals_the_dense_one(normalize: str) -> None:
    votes = sparse_arena(300, 3, seed=2)
    clusters = np.arange(votes.n_votes) // 3
    votes = elosim.Votes(items=votes.items, a=votes.a, b=votes.b, outcome=votes.outcome,
                         cluster=clusters)
    fit = elosim.bradley_terry(
        votes, solver="sparse", normalize=normalize,
        anchor="q7" if normalize == "anchor" else None,
    )
    idx = np.array([0, 7, 42, 299])
    for kind in ("model", "sandwich", "cluster"):
        dense = fit.covariance(kind)
        lazy = LazyCovariance(fit, kind)
        np.testing.assert_allclose(lazy[idx, idx], dense[np.ix_(idx, idx)], rtol=1e-6,
                                   atol=1e-9)
        np.testing.assert_allclose(lazy.diagonal(), np.diag(dense), rtol=1e-6, atol=1e-9)
        assert lazy[3, 8] == pytest.approx(dense[3, 8], rel=1e-6, abs=1e-9)
        np.testing.assert_allclose(lazy.submatrix(["q1", "q2"]), dense[1:3, 1:3], rtol=1e-6)


@pytest.mark.filterwarnings("ignore::elosim.DegenerateBootstrapWarning")
def test_bootstrap_of_a_sparse_fit_refits_each_replicate_exactly() -> None:
    votes = sparse_arena(1200, 3, seed=5)
    fit = elosim.bradley_terry(votes)
    assert fit.solver == "sparse"
    boot = elosim.bootstrap(fit, n_resamples=6, rng=3, tol=1e-12)
    c = votes.counts
    for r in (0, 5):
        cells = _draw_tables(fit, boot._plan, _problem(fit), range(r, r + 1))[0][0].astype(int)
        rows = np.repeat(np.arange(c.n_cells), cells)
        rv = elosim.Votes(items=votes.items, a=c.pair_i[c.cell_pair[rows]],
                          b=c.pair_j[c.cell_pair[rows]], outcome=c.cell_outcome[rows])
        direct = elosim.bradley_terry(rv, solver="newton", tol=1e-13)
        np.testing.assert_allclose(boot.bootstrap_distribution[:, r], direct.ratings, atol=1e-5)
    more = elosim.bootstrap(fit, n_resamples=4, rng=3, tol=1e-12).extend(2)
    np.testing.assert_array_equal(more.bootstrap_distribution, boot.bootstrap_distribution)


@pytest.mark.filterwarnings("ignore::elosim.DegenerateBootstrapWarning")
def test_bootstrap_memory_is_estimated_and_refused_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    votes = sparse_arena(2000, 3, seed=6)
    fit = elosim.bradley_terry(votes)
    need = memory.bootstrap_memory(fit, 64)
    # O(block x cells + K) memory: far below the 64 * K**2 floats (2 GB) of dense blocks
    assert need < 200 * 2**20
    monkeypatch.setattr(memory, "available_memory", lambda: need // 2)
    with pytest.raises(elosim.InsufficientMemoryError, match=r"needs about .* GB of memory"):
        elosim.bootstrap(fit, n_resamples=64, rng=0)
    assert isinstance(elosim.InsufficientMemoryError("x"), MemoryError)


def test_block_size_shrinks_with_many_cells() -> None:
    assert memory.block_size(50, 1200, 3600) == 64
    assert memory.block_size(100_000, 1_500_000, 3_000_000) == 1
