"""The bundled LMArena 140k votes: fits without error and reproduces the published leaderboard.

Reference: the top 10 printed in the README of ``lmarena/arena-rank`` (LMArena's own code on
the same Hugging Face data), quoted in ``shared/data/lmarena_140k/README.md``. arena-rank
stops its optimiser at ftol = gtol = 1e-9, so its absolute level (mean of all 53 ratings,
including barely identified models) is off by a fraction of a point; differences between
well-measured models agree to a few hundredths.
"""

from __future__ import annotations

import numpy as np
import pytest

import elosim

ARENA_RANK_TOP10 = {
    "gemini-2.5-pro": 1124.07,
    "gemini-2.5-pro-preview-03-25": 1097.88,
    "grok-4-0709": 1093.34,
    "o3-2025-04-16": 1079.39,
    "chatgpt-4o-latest-20250326": 1078.14,
    "gemini-2.5-pro-preview-05-06": 1074.80,
    "deepseek-r1-0528": 1074.48,
    "grok-3-preview-02-24": 1071.28,
    "llama-4-maverick-03-26-experimental": 1067.21,
    "gemini-2.5-flash": 1061.26,
}


@pytest.fixture(scope="module")
def fit() -> elosim.BradleyTerryResult:
    return elosim.bradley_terry(elosim.datasets.load_lmarena_140k())


def test_top_of_leaderboard_matches_published(fit: elosim.BradleyTerryResult) -> None:
    order = np.argsort(-fit.ratings)
    top10 = [fit.items[i] for i in order[:10]]
    assert top10 == list(ARENA_RANK_TOP10)
    ref = np.array(list(ARENA_RANK_TOP10.values()))
    ours = np.array([fit.ratings[fit.index(m)] for m in ARENA_RANK_TOP10])
    # differences from the leader agree to 0.1 Elo; levels to 0.5 Elo
    np.testing.assert_allclose(ours - ours[0], ref - ref[0], atol=0.1)
    np.testing.assert_allclose(ours, ref, atol=0.5)
    assert fit.converged
    assert fit.ratings.mean() == pytest.approx(1000.0)


def test_sandwich_se_of_leader_matches_arena_rank(fit: elosim.BradleyTerryResult) -> None:
    # arena-rank README: gemini-2.5-pro variance 10.85 (sandwich), o3 11.09 (elosim's default
    # "max" covariance is wider here: the 2-vote model's uncertainty enters the mean)
    se = np.sqrt(np.diag(fit.covariance("sandwich")))
    assert se[fit.index("gemini-2.5-pro")] ** 2 == pytest.approx(10.85, rel=0.03)
    assert se[fit.index("o3-2025-04-16")] ** 2 == pytest.approx(11.09, rel=0.03)


@pytest.mark.parametrize("ties", ["davidson", "rao-kupper"])
def test_tie_models_fit_the_bundled_data(fit: elosim.BradleyTerryResult, ties: str) -> None:
    other = elosim.bradley_terry(fit.votes, ties=ties)
    assert other.converged
    assert other.items[int(np.argmax(other.ratings))] == "gemini-2.5-pro"
    # the orders agree closely (Spearman correlation)
    r1 = np.argsort(np.argsort(fit.ratings))
    r2 = np.argsort(np.argsort(other.ratings))
    assert np.corrcoef(r1, r2)[0, 1] > 0.98
