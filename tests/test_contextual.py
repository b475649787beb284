"""Contextual Bradley-Terry (features): checked against an independent row-level scipy fit.

The reference writes each vote's log-likelihood from the model formula
``logit P(A beats B) = lambda_A - lambda_B + x @ beta`` (Davidson / Rao-Kupper with the same
linear predictor), maximises it with BFGS and takes the Hessian and the per-vote scores by
finite differences; it parametrises the ratings relative to item 0 and the tie parameter on a
different scale from elosim, so only the shared estimand is compared.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

import elosim

A_WINS, B_WINS, TIE = 0, 1, 2


def _row_loglik(model, par, k, a, b, y, x):
    lam = np.concatenate([[0.0], par[: k - 1]])
    p = x.shape[1]
    eta = lam[a] - lam[b] + x @ par[k - 1 : k - 1 + p]
    if model == "half":
        s = np.where(y == A_WINS, 1.0, np.where(y == B_WINS, 0.0, 0.5))
        return -s * np.logaddexp(0, -eta) - (1 - s) * np.logaddexp(0, eta)
    t = par[-1]
    if model == "davidson":
        nu = np.exp(t)
        den = np.exp(eta / 2) + np.exp(-eta / 2) + nu
        probs = np.stack([np.exp(eta / 2) / den, np.exp(-eta / 2) / den, nu / den], 1)
    else:  # P(A) = pi_A / (pi_A + theta pi_B)
        theta = 1.0 + np.exp(t)
        pa = 1 / (1 + theta * np.exp(-eta))
        pb = 1 / (1 + theta * np.exp(eta))
        probs = np.stack([pa, pb, 1 - pa - pb], 1)
    return np.log(probs[np.arange(y.size), y])


def _reference(model, k, a, b, y, x, w, cluster):
    n_par = k - 1 + x.shape[1] + int(model != "half")

    def f(par):
        return -np.sum(w * _row_loglik(model, par, k, a, b, y, x))

    par = minimize(f, np.zeros(n_par), method="BFGS", options={"gtol": 1e-9}).x
    h = 1e-4
    hess = np.zeros((n_par, n_par))
    for i in range(n_par):
        for j in range(i, n_par):
            ei = np.zeros(n_par)
            ej = np.zeros(n_par)
            ei[i] = ej[j] = h
            hess[i, j] = hess[j, i] = (
                f(par + ei + ej) - f(par + ei - ej) - f(par - ei + ej) + f(par - ei - ej)
            ) / (4 * h * h)
    bread = np.linalg.inv(hess)
    scores = np.zeros((a.size, n_par))
    for i in range(n_par):
        e = np.zeros(n_par)
        e[i] = h
        scores[:, i] = (
            w
            * (
                _row_loglik(model, par + e, k, a, b, y, x)
                - _row_loglik(model, par - e, k, a, b, y, x)
            )
            / (2 * h)
        )
    codes, inv = np.unique(cluster, return_inverse=True)
    g = np.zeros((codes.size, n_par))
    np.add.at(g, inv, scores)
    n_cl = codes.size
    return par, {
        "model": bread,
        "sandwich": bread @ scores.T @ scores @ bread,
        "cluster": bread @ (g.T @ g) @ bread * n_cl / (n_cl - 1),
    }


def _data(seed=1, n=1200, k=5):
    rng = np.random.default_rng(seed)
    lam = rng.normal(0, 0.7, k)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    x = np.column_stack([rng.choice([-1.0, 0.0, 1.0], n), rng.normal(size=n)])
    eta = lam[a] - lam[b] + x @ np.array([0.5, -0.3])
    u = rng.random(n)
    y = np.where(u < 0.8 / (1 + np.exp(-eta)), A_WINS, np.where(u < 0.8, B_WINS, TIE))
    w = rng.choice([0.5, 1.0, 2.0], n)
    cluster = rng.integers(0, 250, n)
    return k, a, b, y, x, w, cluster


@pytest.mark.parametrize("ties", ["half", "davidson", "rao-kupper"])
@pytest.mark.parametrize("weighted", [False, True])
def test_estimates_and_standard_errors_match_row_level_scipy_fit(ties, weighted):
    k, a, b, y, x, w, cluster = _data()
    w = w if weighted else np.ones(a.size)
    items = [f"i{q}" for q in range(k)]
    votes = elosim.Votes(
        items=items,
        a=a,
        b=b,
        outcome=y,
        weight=w if weighted else None,
        cluster=cluster,
        covariates={"home": x[:, 0], "length": x[:, 1]},
    )
    fit = elosim.bradley_terry(votes, ties=ties, features=["home", "length"])
    par, cov = _reference(ties, k, a, b, y, x, w, cluster)
    lam = np.asarray(fit.log_strength)
    np.testing.assert_allclose(lam[1:] - lam[0], par[: k - 1], atol=2e-6)
    np.testing.assert_allclose(fit.coefficients.estimate, par[k - 1 : k + 1], atol=2e-6)
    # covariance of (lambda_i - lambda_0, beta) on the log-odds scale
    c = np.zeros((k + 1, k))
    c[np.arange(k - 1), np.arange(1, k)] = 1.0
    c[: k - 1, 0] = -1.0
    for kind in ("model", "sandwich", "cluster"):
        ref = cov[kind][: k + 1, : k + 1]
        if kind == "model":  # elosim's model covariance is per vote of mean weight
            ref = ref * float(np.mean(w))
        elo = fit.covariance(kind) / fit.elo_factor**2
        v_lam = c[: k - 1] @ elo @ c[: k - 1].T
        np.testing.assert_allclose(
            np.sqrt(np.diag(v_lam)), np.sqrt(np.diag(ref[: k - 1, : k - 1])), rtol=2e-5
        )
        tab = fit.coefficient_table(kind=kind)
        np.testing.assert_allclose(
            tab.standard_error, np.sqrt(np.diag(ref[k - 1 :, k - 1 :])), rtol=2e-5
        )
        np.testing.assert_allclose(
            fit.coefficient_covariance(kind), ref[k - 1 :, k - 1 :], rtol=2e-4, atol=1e-10
        )


def test_baseball_home_advantage_reproduces_bradleyterry2():
    """BradleyTerry2 vignette, Sec. 3.3: BTm(..., formula = ~ team + at.home) on `baseball`
    gives at.home 0.3023 (SE 0.1309) and abilities (Baltimore = 0) Boston 1.1438,
    Cleveland 0.7047, Detroit 1.4754, Milwaukee 1.6196, New York 1.2813, Toronto 1.3271."""
    votes = elosim.home_advantage_features(elosim.datasets.load_bradleyterry2("baseball"), home="a")
    fit = elosim.bradley_terry(votes, features="home", covariance="model")
    coef = fit.coefficients
    assert coef.estimate[0] == pytest.approx(0.3023, abs=5e-5)
    assert coef.standard_error[0] == pytest.approx(0.1309, abs=5e-5)
    lam = dict(
        zip(fit.items, fit.log_strength - fit.log_strength[fit.index("Baltimore")], strict=True)
    )
    published = {
        "Boston": 1.1438,
        "Cleveland": 0.7047,
        "Detroit": 1.4754,
        "Milwaukee": 1.6196,
        "New York": 1.2813,
        "Toronto": 1.3271,
    }
    for team, value in published.items():
        assert lam[team] == pytest.approx(value, abs=5e-5)
    ability_se = {"Boston": 0.3378422, "Toronto": 0.3403222}
    for team, se in ability_se.items():
        g = fit.gap_test(team, "Baltimore", kind="model")
        assert g.standard_error / fit.elo_factor == pytest.approx(se, abs=1e-6)
    assert coef.elo[0] == pytest.approx(0.3023 * 400 / np.log(10), abs=0.01)


def _small_votes(seed=3, n=600, k=4):
    k, a, b, y, x, _w, cluster = _data(seed, n, k)
    return elosim.Votes(
        items=[f"i{q}" for q in range(k)],
        a=a,
        b=b,
        outcome=y,
        cluster=cluster,
        covariates={"home": x[:, 0], "length": x[:, 1]},
    )


@pytest.mark.parametrize("cluster", [None, True])
def test_bootstrap_is_reproducible_and_extends_the_same_stream(cluster):
    fit = elosim.bradley_terry(_small_votes(), features=["home", "length"])
    b1 = elosim.bootstrap(fit, n_resamples=70, rng=5, cluster=cluster)
    b2 = elosim.bootstrap(fit, n_resamples=70, rng=5, cluster=cluster, n_jobs=2)
    np.testing.assert_array_equal(b1.bootstrap_distribution, b2.bootstrap_distribution)
    np.testing.assert_array_equal(b1.coefficient_distribution, b2.coefficient_distribution)
    ext = elosim.bootstrap(fit, n_resamples=40, rng=5, cluster=cluster).extend(30)
    np.testing.assert_allclose(ext.coefficient_distribution, b1.coefficient_distribution)
    assert isinstance(b1, elosim.ContextualBootstrapResult)
    assert b1.coefficient_distribution.shape == (2, 70)
    assert b1.n_not_converged == 0
    ci = b1.coefficient_interval()
    assert np.all(ci.low < fit.coefficients.estimate)
    assert np.all(fit.coefficients.estimate < ci.high)
    assert "Feature coefficients" in b1.summary()


def test_bootstrap_replicates_are_exact_refits():
    """A replicate's coefficients equal a direct fit to the same resampled votes."""
    votes = _small_votes()
    fit = elosim.bradley_terry(votes, features=["home", "length"], ties="davidson")
    boot = elosim.bootstrap(fit, n_resamples=3, rng=11)
    # regenerate replicate 1's draw (its own stream) and refit the expanded votes
    gen = np.random.default_rng(np.random.SeedSequence(boot.seed, spawn_key=(1,)))
    des = fit.design
    n = int(des.cell_count.sum())
    if des.n_cells * 4 > n:
        picks = gen.integers(0, n, size=n)
    else:
        pytest.skip("multinomial path")
    idx = picks  # vote indices of the resample
    v2 = elosim.Votes(
        items=votes.items,
        a=votes.a[idx],
        b=votes.b[idx],
        outcome=votes.outcome[idx],
        covariates={k: v[idx] for k, v in votes.covariates.items()},
    )
    ref = elosim.bradley_terry(v2, features=["home", "length"], ties="davidson")
    np.testing.assert_allclose(
        boot.coefficient_distribution[:, 1], ref.coefficients.estimate, atol=1e-6
    )
    np.testing.assert_allclose(boot.bootstrap_distribution[:, 1], ref.ratings, atol=1e-4)


def test_constant_and_collinear_features_are_named_errors():
    votes = _small_votes()
    zero = np.zeros(votes.n_votes)
    with pytest.raises(elosim.FeatureError, match="feature 'z' is 0 in every vote"):
        elosim.bradley_terry(votes, features={"z": zero, "home": votes.covariates["home"]})
    with pytest.raises(elosim.FeatureError, match=r"\['home', 'home2'\] are collinear"):
        elosim.bradley_terry(
            votes,
            features={"home": votes.covariates["home"], "home2": 2 * votes.covariates["home"]},
        )
    item0 = (votes.a == 0).astype(float) - (votes.b == 0)
    with pytest.raises(elosim.FeatureError, match=r"\['item0'\] are collinear"):
        elosim.bradley_terry(votes, features={"item0": item0})


def test_separation_by_a_feature_is_a_named_error():
    votes = _small_votes()
    y = votes.outcome
    perfect = np.where(y == A_WINS, 1.0, np.where(y == B_WINS, -1.0, 0.0))
    dec = votes.select(y != TIE)
    with pytest.raises(
        elosim.NoFiniteEstimateError, match=r"separated by the features \['oracle'\]"
    ):
        elosim.bradley_terry(dec, features={"oracle": perfect[y != TIE]})
    # a ridge on the coefficients gives a finite estimate
    fit = elosim.bradley_terry(dec, features={"oracle": perfect[y != TIE]}, feature_penalty=1.0)
    assert np.isfinite(fit.coefficients.estimate).all()


def test_bad_feature_input_is_named():
    votes = _small_votes()
    with pytest.raises(KeyError, match="feature 'nope' is not a covariate"):
        elosim.bradley_terry(votes, features="nope")
    with pytest.raises(ValueError, match=r"must have shape \(600,\)"):
        elosim.bradley_terry(votes, features=np.ones((5, 2)))
    bad = votes.covariates["length"].copy()
    bad[[3, 7]] = np.nan
    with pytest.raises(elosim.VotesError, match=r"feature 'length' has 2 missing .* row\(s\) 3, 7"):
        elosim.bradley_terry(votes, features={"length": bad})
    with pytest.raises(ValueError, match="feature_penalty is only used with features"):
        elosim.bradley_terry(votes, feature_penalty=1.0)
    with pytest.raises(ValueError, match="does not handle features"):
        elosim.bradley_terry(votes, features="home", solver="mm")


def test_displays_and_methods_text_state_the_features():
    fit = elosim.bradley_terry(_small_votes(), features=["home", "length"])
    coef = fit.coefficients
    df = coef.to_frame()
    assert list(df.columns) == [
        "feature",
        "estimate",
        "standard_error",
        "ci_low",
        "ci_high",
        "statistic",
        "pvalue",
        "elo",
        "elo_ci_low",
        "elo_ci_high",
    ]
    assert "home" in coef.to_markdown()
    assert "\\toprule" in coef.to_latex()
    assert "<table" in coef._repr_html_()
    assert coef["home"] == pytest.approx(coef.estimate[0])
    text = fit.methods_text()
    assert "x = (home, length)" in text
    assert "adjusted ratings" in text
    assert "Feature coefficients" in fit.summary()
    # the inherited inference runs on the adjusted ratings
    assert fit.quasi_variances() is not None
    assert fit.rank_intervals(rng=1).items == fit.items
    assert fit.pairwise_gap_tests().to_frame().shape[0] == 6


def test_bca_gap_tests_and_unsupported_paths_on_contextual_fits():
    votes = _small_votes()
    fit = elosim.bradley_terry(votes, features=["home", "length"], ties="rao-kupper")
    for cluster in (None, True):
        boot = elosim.bootstrap(fit, n_resamples=80, rng=2, cluster=cluster)
        ci = boot.confidence_interval(method="bca")
        assert np.all(ci.low < fit.ratings)
        assert np.all(fit.ratings < ci.high)
        assert boot.gap_test("i0", "i1").pvalue > 0
    with pytest.raises(ValueError, match="studentized"):
        boot.confidence_interval(method="studentized")
    with pytest.raises(ValueError, match="vote-removal robustness works on plain fits only"):
        elosim.votes_to_flip(fit, "i0", "i1")


def test_prior_anchor_and_weights_with_features():
    votes = _small_votes()
    fit = elosim.bradley_terry(
        votes, features="home", prior_strength=0.5, normalize="anchor", anchor="i0", offset=0.0
    )
    assert fit.ratings[0] == 0.0
    assert fit.coefficients.estimate.shape == (1,)
    w = elosim.Votes(
        items=votes.items,
        a=votes.a,
        b=votes.b,
        outcome=votes.outcome,
        weight=np.full(votes.n_votes, 2.0),
        covariates=votes.covariates,
    )
    fw = elosim.bradley_terry(w, features="home", covariance="model")
    f1 = elosim.bradley_terry(votes, features="home", covariance="model")
    np.testing.assert_allclose(fw.coefficients.estimate, f1.coefficients.estimate, atol=1e-8)
    # weights are relative: doubling them all changes nothing
    np.testing.assert_allclose(
        fw.coefficients.standard_error, f1.coefficients.standard_error, rtol=1e-6
    )


def test_tie_model_without_ties_is_refused_with_features():
    votes = _small_votes()
    dec = votes.select(votes.outcome != TIE)
    with pytest.raises(ValueError, match="needs at least one tie"):
        elosim.bradley_terry(dec, features="home", ties="davidson")


def test_profile_and_lr_are_refused_with_features():
    fit = elosim.bradley_terry(_small_votes(), features="home")
    with pytest.raises(ValueError, match="not available for fits with features"):
        fit.confidence_interval(method="profile")
    with pytest.raises(ValueError, match="not available for fits with features"):
        fit.gap_test("i0", "i1", method="lr")
