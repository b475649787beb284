"""Bradley-Terry fits checked against independent computations.

Oracles: a direct scipy optimisation of the row-level likelihood written from the
model formulas (not from elosim's code), finite-difference Hessians, R BradleyTerry2
reference estimates, and the closed-form Wikipedia example (METHODS D5).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import approx_fprime, minimize

import elosim

DATA = Path(__file__).parent / "data"
FACTOR = 400 / math.log(10)


def wiki_votes() -> elosim.Votes:
    # A-B 2:3, A-D 1:4, B-C 5:3, C-D 1:3 (wins[i, j] = i beat j)
    wins = [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]]
    return elosim.Votes.from_counts(["A", "B", "C", "D"], wins)


def random_votes(seed: int, k: int = 6, n: int = 600, tie_rate: float = 0.25) -> elosim.Votes:
    rng = np.random.default_rng(seed)
    lam = rng.normal(0, 0.7, k)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    p = 1 / (1 + np.exp(-(lam[a] - lam[b])))
    u = rng.random(n)
    out = np.where(u < tie_rate, 0.5, (rng.random(n) < p).astype(float))
    w = rng.choice([0.5, 1.0, 2.0], n) if seed % 2 else None
    return elosim.Votes.from_arrays(
        [f"m{i}" for i in a], [f"m{i}" for i in b], out, weight=w
    )


# ----------------------------------------------------------------- row-level oracle
def row_loglik(theta: np.ndarray, votes: elosim.Votes, ties: str) -> float:
    """Log-likelihood summed over vote rows, written directly from the model definitions."""
    k = votes.n_items
    lam = theta[:k]
    pa, pb = np.exp(lam[votes.a]), np.exp(lam[votes.b])
    w = np.ones(votes.n_votes) if votes.weight is None else votes.weight
    o = votes.outcome
    if ties == "half":
        y = np.where(o == 0, 1.0, np.where(o == 1, 0.0, 0.5))
        p = pa / (pa + pb)
        return float(np.sum(w * (y * np.log(p) + (1 - y) * np.log(1 - p))))
    if ties == "davidson":
        nu = np.exp(theta[k])
        den = pa + pb + nu * np.sqrt(pa * pb)
        probs = np.stack([pa / den, pb / den, nu * np.sqrt(pa * pb) / den])
    else:  # rao-kupper, theta_rk = exp(exp(tau))
        th = np.exp(np.exp(theta[k]))
        p_a = pa / (pa + th * pb)
        p_b = pb / (pb + th * pa)
        probs = np.stack([p_a, p_b, 1 - p_a - p_b])
    return float(np.sum(w * np.log(probs[o, np.arange(votes.n_votes)])))


def oracle_fit(votes: elosim.Votes, ties: str) -> np.ndarray:
    k = votes.n_items
    m = k + (ties != "half")
    x0 = np.zeros(m)
    if ties != "half":
        x0[k] = -0.5

    def f(x: np.ndarray) -> float:
        xx = x.copy()
        xx[:k] -= xx[:k].mean()
        return -row_loglik(xx, votes, ties)

    res = minimize(f, x0, method="BFGS", options={"gtol": 1e-10, "maxiter": 10_000})
    res = minimize(f, res.x, method="Nelder-Mead" if m < 3 else "BFGS", options={"gtol": 1e-12})
    x = res.x.copy()
    x[:k] -= x[:k].mean()
    return x


@pytest.mark.parametrize("ties", ["half", "davidson", "rao-kupper"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_row_level_scipy_fit(ties: str, seed: int) -> None:
    votes = random_votes(seed)
    fit = elosim.bradley_terry(votes, ties=ties)
    x = oracle_fit(votes, ties)
    k = votes.n_items
    # log-strength differences agree to 1e-6
    np.testing.assert_allclose(fit.log_strength - fit.log_strength[0], x[:k] - x[0], atol=1e-6)
    assert fit.log_likelihood == pytest.approx(row_loglik(x, votes, ties), abs=1e-8)
    if ties == "davidson":
        assert fit.tie_parameter == pytest.approx(math.exp(x[k]), rel=1e-5)
    if ties == "rao-kupper":
        assert fit.tie_parameter == pytest.approx(math.exp(math.exp(x[k])), rel=1e-5)


@pytest.mark.parametrize("ties", ["half", "davidson", "rao-kupper"])
def test_model_covariance_is_inverse_numerical_hessian(ties: str) -> None:
    votes = random_votes(4)  # unweighted
    fit = elosim.bradley_terry(votes, ties=ties, normalize="anchor", anchor="m0", offset=0)
    k = votes.n_items
    theta = fit._theta.copy()
    theta[:k] -= theta[0]
    # parametrise with item 0 fixed at 0: free = (lam_1..lam_{k-1}, tau)
    free0 = np.delete(theta, 0)

    def full(free: np.ndarray) -> np.ndarray:
        return np.insert(free, 0, 0.0)

    def grad(free: np.ndarray) -> np.ndarray:
        return approx_fprime(free, lambda z: row_loglik(full(z), votes, ties), 1e-6)

    eps = 1e-4
    h = np.array(
        [
            (grad(free0 + eps * e) - grad(free0 - eps * e)) / (2 * eps)
            for e in np.eye(free0.size)
        ]
    )
    h = 0.5 * (h + h.T)
    cov_free = np.linalg.inv(-h)[: k - 1, : k - 1] * FACTOR**2
    cov = fit.covariance("model")[1:, 1:]
    np.testing.assert_allclose(cov, cov_free, rtol=2e-3)


def test_rao_kupper_observed_information_matches_finite_differences() -> None:
    votes = random_votes(6)
    fit = elosim.bradley_terry(votes, ties="rao-kupper")
    k = votes.n_items
    theta = fit._theta

    def g(x: np.ndarray) -> np.ndarray:
        return approx_fprime(x, lambda z: row_loglik(z, votes, "rao-kupper"), 1e-7)

    eps = 1e-4
    h = np.array([(g(theta + eps * e) - g(theta - eps * e)) / (2 * eps) for e in np.eye(k + 1)])
    np.testing.assert_allclose(fit._info, -0.5 * (h + h.T), atol=2e-3 * np.abs(fit._info).max())


@pytest.mark.parametrize("ties", ["half", "davidson", "rao-kupper"])
def test_sandwich_matches_sum_of_row_score_outer_products(ties: str) -> None:
    votes = random_votes(3)  # weighted votes
    fit = elosim.bradley_terry(votes, ties=ties, normalize="anchor", anchor="m0", offset=0)
    k = votes.n_items
    theta = fit._theta.copy()
    m = theta.size
    # per-row scores by finite differences of the one-row log-likelihood
    scores = np.zeros((votes.n_votes, m))
    for t in range(votes.n_votes):
        one = votes.select(np.arange(votes.n_votes) == t)
        idx = [votes.items.index(x) for x in one.items]
        cols = idx + ([k] if m > k else [])

        def f(z: np.ndarray, one: elosim.Votes = one) -> float:
            return row_loglik(z, one, ties)

        sub = np.concatenate([theta[idx], theta[k:]])
        scores[t, cols] = approx_fprime(sub, f, 1e-7)
    meat = scores.T @ scores
    bread = np.linalg.pinv(fit._info)
    # compare the covariance of differences to item 0 (normalisation free)
    v = bread @ meat @ bread
    lm = np.eye(k)
    lm[:, 0] -= 1
    expected = FACTOR**2 * lm @ v[:k, :k] @ lm.T
    np.testing.assert_allclose(fit.covariance("sandwich"), expected, rtol=1e-4, atol=1e-6)


def test_wikipedia_example_closed_form() -> None:
    fit = elosim.bradley_terry(wiki_votes())
    centred = fit.ratings - fit.ratings.mean()
    np.testing.assert_allclose(centred, [-77.6, 7.4, -72.2, 142.4], atol=0.05)
    assert fit.log_likelihood == pytest.approx(-13.428, abs=5e-4)
    cov = fit.covariance("model")
    assert math.sqrt(cov[3, 3] + cov[0, 0] - 2 * cov[0, 3]) == pytest.approx(157.7, abs=0.05)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), [95.2, 83.7, 90.4, 107.9], atol=0.05)


@pytest.mark.parametrize("solver", ["newman", "mm"])
def test_fixed_point_solvers_agree_with_newton(solver: str) -> None:
    votes = random_votes(2)
    a = elosim.bradley_terry(votes, solver="newton")
    b = elosim.bradley_terry(votes, solver=solver)
    np.testing.assert_allclose(a.ratings, b.ratings, atol=1e-7)
    assert b.converged


def test_newman_in_place_converges_on_bipartite_graph() -> None:
    # the Wikipedia comparison graph is bipartite (A,C | B,D): Jacobi Newman would oscillate
    fit = elosim.bradley_terry(wiki_votes(), solver="newman")
    assert fit.converged
    assert fit.n_iter < 30


@pytest.mark.parametrize("ties", ["half", "davidson"])
def test_score_equations_hold(ties: str) -> None:
    votes = random_votes(5)
    fit = elosim.bradley_terry(votes, ties=ties)
    np.testing.assert_allclose(fit.expected_wins(), fit.observed_wins(), atol=1e-7)
    if ties == "davidson":  # the tie parameter's score equation: expected ties = observed
        c = votes.counts
        pairs = zip(c.pair_i, c.pair_j, strict=True)
        probs = [fit.outcome_probabilities(fit.items[i], fit.items[j])[2] for i, j in pairs]
        t = c.table()
        assert float(np.sum(t.sum(axis=1) * probs)) == pytest.approx(t[:, 2].sum(), abs=1e-7)


def _read(name: str) -> elosim.Votes:
    with open(DATA / name, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return elosim.Votes.from_arrays(
        [r["model_a"] for r in rows], [r["model_b"] for r in rows], [r["winner"] for r in rows]
    )


@pytest.mark.parametrize("dataset", ["baseball", "icehockey"])
def test_matches_r_bradleyterry2(dataset: str) -> None:
    with open(DATA / "reference_abilities.csv", newline="") as fh:
        ref = [r for r in csv.DictReader(fh) if r["dataset"] == dataset]
    votes = _read(f"{dataset}.csv")
    base = next(r["player"] for r in ref if float(r["ability"]) == 0 and float(r["se"]) == 0)
    fit = elosim.bradley_terry(votes, normalize="anchor", anchor=base, offset=0.0)
    se = np.sqrt(np.diag(fit.covariance("model"))) / FACTOR
    for r in ref:
        i = fit.index(r["player"])
        assert fit.ratings[i] / FACTOR == pytest.approx(float(r["ability"]), abs=1e-3)
        assert se[i] == pytest.approx(float(r["se"]), rel=2e-3, abs=1e-6)


def test_normalisation_only_shifts_and_keeps_difference_variances() -> None:
    votes = random_votes(2)
    m = elosim.bradley_terry(votes, offset=1500)
    a = elosim.bradley_terry(votes, normalize="anchor", anchor="m3", offset=1114)
    shift = a.ratings - m.ratings
    np.testing.assert_allclose(shift, shift[0], atol=1e-9)
    assert a.ratings[a.index("m3")] == pytest.approx(1114)
    assert m.ratings.mean() == pytest.approx(1500)
    for kind in ("model", "sandwich"):
        cm, ca = m.covariance(kind), a.covariance(kind)
        dv_m = np.diag(cm)[:, None] + np.diag(cm)[None, :] - 2 * cm
        dv_a = np.diag(ca)[:, None] + np.diag(ca)[None, :] - 2 * ca
        np.testing.assert_allclose(dv_m, dv_a, rtol=1e-9, atol=1e-9)
    assert a.standard_error[a.index("m3")] == pytest.approx(0, abs=1e-9)


def test_elo_scale_and_win_probability() -> None:
    votes = random_votes(1)
    fit = elosim.bradley_terry(votes)
    gap = fit.ratings[0] - fit.ratings[1]
    p = fit.win_probability(fit.items[0], fit.items[1])
    assert p == pytest.approx(1 / (1 + 10 ** (-gap / 400)), rel=1e-12)
    mat = fit.win_probability()
    off = ~np.eye(len(fit.items), dtype=bool)
    np.testing.assert_allclose((mat + mat.T)[off], 1.0)
    assert np.all(np.isnan(np.diag(mat)))
    b2 = elosim.bradley_terry(votes, scale=1, base=math.e)
    np.testing.assert_allclose(b2.ratings - b2.ratings.mean(), fit.log_strength, atol=1e-12)


def test_tie_parameters_match_parity_identities() -> None:
    # two equal items: P(tie) = nu / (2 + nu) (Davidson) and (theta - 1) / (theta + 1) (RK)
    votes = elosim.Votes.from_counts(["a", "b"], [[0, 30], [30, 0]], ties=[[0, 40], [40, 0]])
    d = elosim.bradley_terry(votes, ties="davidson")
    rk = elosim.bradley_terry(votes, ties="rao-kupper")
    t = 40 / 100
    assert d.tie_parameter / (2 + d.tie_parameter) == pytest.approx(t, rel=1e-9)
    assert (rk.tie_parameter - 1) / (rk.tie_parameter + 1) == pytest.approx(t, rel=1e-9)
    assert d.tie_parameter_se > 0
    assert rk.tie_parameter_se > 0
    assert d.outcome_probabilities("a", "b")[2] == pytest.approx(t, rel=1e-9)


def test_never_lost_raises_named_error_and_prior_gives_finite() -> None:
    votes = elosim.Votes.from_arrays(
        ["champ", "champ", "x", "y", "x"], ["x", "y", "y", "x", "champ"],
        ["model_a", "model_a", "model_a", "model_a", "model_b"],
    )
    with pytest.raises(elosim.NoFiniteEstimateError, match=r"never lost.*'champ'.*prior_strength"):
        elosim.bradley_terry(votes)
    fit = elosim.bradley_terry(votes, prior_strength=1.0)
    assert np.all(np.isfinite(fit.ratings))
    assert fit.ratings[fit.index("champ")] == fit.ratings.max()


def test_group_domination_is_detected() -> None:
    # {a, b} beat each other but never lost to {c, d}
    votes = elosim.Votes.from_arrays(
        ["a", "b", "a", "b", "c", "d"], ["b", "a", "c", "d", "d", "c"], [1, 1, 1, 1, 1, 1]
    )
    with pytest.raises(elosim.NoFiniteEstimateError) as exc:
        elosim.bradley_terry(votes)
    assert set(exc.value.items_up) == {"a", "b"}
    assert set(exc.value.items_down) == {"c", "d"}


def test_disconnected_graph_names_components() -> None:
    votes = elosim.Votes.from_arrays(["a", "b", "c"], ["b", "a", "d"], [1, 1, 0.5])
    with pytest.raises(elosim.DisconnectedGraphError, match=r"2 components.*'c', 'd'"):
        elosim.bradley_terry(votes)
    with pytest.raises(elosim.DisconnectedGraphError):
        elosim.bradley_terry(votes, prior_strength=1.0)


def test_tie_models_need_ties() -> None:
    votes = wiki_votes()
    with pytest.raises(ValueError, match=r"needs at least one tie.*ties='half'"):
        elosim.bradley_terry(votes, ties="davidson")


def test_prior_matches_penalised_scipy_fit() -> None:
    votes = random_votes(2)
    s = 2.0
    fit = elosim.bradley_terry(votes, prior_strength=s)
    k = votes.n_items
    res = minimize(
        lambda x: -row_loglik(x, votes, "half") + 0.5 * s * x @ x, np.zeros(k), method="BFGS",
        options={"gtol": 1e-10},
    )
    np.testing.assert_allclose(fit.log_strength, res.x - res.x.mean(), atol=1e-6)


def test_bad_arguments() -> None:
    votes = wiki_votes()
    with pytest.raises(ValueError, match="ties must be one of"):
        elosim.bradley_terry(votes, ties="draw")
    with pytest.raises(ValueError, match="prior_strength must be"):
        elosim.bradley_terry(votes, prior_strength=-1)
    with pytest.raises(ValueError, match="normalize='anchor' needs anchor"):
        elosim.bradley_terry(votes, normalize="anchor")
    with pytest.raises(KeyError, match=r"unknown item 'Z' \(given as anchor\)"):
        elosim.bradley_terry(votes, normalize="anchor", anchor="Z")
    with pytest.raises(TypeError, match=r"votes must be an elosim\.Votes"):
        elosim.bradley_terry([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="solver='mm' handles ties='half'"):
        elosim.bradley_terry(votes, solver="mm", prior_strength=1)
    fit = elosim.bradley_terry(votes)
    with pytest.raises(ValueError, match="kind must be one of"):
        fit.covariance("robust")
    with pytest.raises(ValueError, match="kind='cluster' needs cluster ids"):
        fit.covariance("cluster")
    with pytest.raises(KeyError, match=r"unknown item 'Q' \(given as a\)"):
        fit.win_probability("Q", "A")


def test_not_converged_warns() -> None:
    with pytest.warns(elosim.ConvergenceWarning, match="stopped after 1 iterations"):
        fit = elosim.bradley_terry(random_votes(2), max_iter=1)
    assert not fit.converged


def test_cluster_covariance_with_singleton_clusters_equals_sandwich() -> None:
    v = random_votes(4)
    fit = elosim.bradley_terry(v)
    n = v.n_votes
    cl = fit.covariance("cluster", cluster=np.arange(n))
    np.testing.assert_allclose(cl, fit.covariance("sandwich") * n / (n - 1), rtol=1e-9)


def test_duplicating_votes_halves_variance() -> None:
    # exact for the sandwich (and model-based) covariance; the default "max" also involves
    # the dispersion's N - K + 1 degrees of freedom, so it halves only approximately
    v = random_votes(4)
    fit = elosim.bradley_terry(v, covariance="sandwich")
    dbl = elosim.Votes(
        items=v.items, a=np.tile(v.a, 2), b=np.tile(v.b, 2), outcome=np.tile(v.outcome, 2)
    )
    fit2 = elosim.bradley_terry(dbl, covariance="sandwich")
    np.testing.assert_allclose(fit2.ratings, fit.ratings, atol=1e-8)
    np.testing.assert_allclose(fit2.standard_error, fit.standard_error / math.sqrt(2), rtol=1e-8)


def test_result_is_immutable_and_tables() -> None:
    fit = elosim.bradley_terry(wiki_votes())
    with pytest.raises(ValueError, match="read-only"):
        fit.ratings[0] = 0
    with pytest.raises(AttributeError):
        fit.ties = "davidson"  # type: ignore[misc]
    with pytest.warns(elosim.SparseDataWarning, match="'D' \\(9 votes\\)"):
        df = fit.to_frame()
    assert list(df.columns) == [
        "item", "rating", "standard_error", "ci_low", "ci_high", "n_votes", "rank"
    ]
    assert df["item"].iloc[0] == "D"
    with pytest.warns(elosim.SparseDataWarning, match="summary involves 4 item"):
        text = fit.summary()
    assert "D" in text
    assert "Wald" in text
    assert repr(fit).startswith("<BradleyTerryResult: 4 items")
