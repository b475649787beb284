"""Vote frames shared by the count_votes tests (files, iterators, Dask, Spark)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

OUTCOMES = np.array(["model_a", "model_b", "tie", "tie (bothbad)", "1", "0", "0.5"], dtype=object)


def vote_frame(n: int = 3000, k: int = 15, seed: int = 0) -> pd.DataFrame:
    """Votes with every optional column: weights (3 values), clusters and time bins."""
    rng = np.random.default_rng(seed)
    items = np.array([f"m{i:02d}" for i in range(k)], dtype=object)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    win = OUTCOMES[rng.integers(0, OUTCOMES.size, n)]
    named = rng.random(n) < 0.1  # the winner's name instead of model_a / model_b
    win = np.where(named, items[b], win)
    return pd.DataFrame({
        "model_a": items[a], "model_b": items[b], "winner": win,
        "weight": rng.choice([0.5, 1.0, 2.0], n),
        "prompt": np.array([f"p{j}" for j in rng.integers(0, 60, n)], dtype=object),
        "day": np.array([f"2024-01-{d:02d}" for d in rng.integers(1, 8, n)], dtype=object),
    })


def check_label_warnings(convert: Callable[[pd.DataFrame], Any]) -> None:
    """``count_votes(convert(frame))`` warns about merged and look-alike labels exactly as
    ``Votes.from_frame(frame)`` does, and counts the same votes."""
    import pytest

    import elosim

    df = pd.DataFrame({"model_a": ["gpt-4", "gpt-4 ", "GPT-4"], "model_b": ["x", "x", "x"],
                       "winner": ["model_a", "model_b", "tie"]})
    with pytest.warns(elosim.LabelWarning) as ref:
        votes = elosim.Votes.from_frame(df)
    with pytest.warns(elosim.LabelWarning) as got:
        counts = elosim.count_votes(convert(df))
    assert sorted(str(w.message) for w in got) == sorted(str(w.message) for w in ref)
    assert counts.equals(votes.counts)
