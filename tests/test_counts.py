"""VoteCounts against a brute-force computation; components; memory independent of N."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from elosim import Votes
from elosim.data.counts import _group, reduce_votes


def _random_votes(seed: int, n: int = 400, k: int = 7, weighted: bool = False) -> Votes:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    o = rng.integers(0, 3, n)
    w = rng.choice([0.5, 1.0, 2.0, 3.5], n) if weighted else None
    return Votes(items=[f"i{j}" for j in range(k)], a=a, b=b, outcome=o, weight=w)


def _brute(v: Votes) -> dict[tuple[int, int], np.ndarray]:
    """Per unordered pair (i < j): sums of weight**p for (i won, j won, tie), p = 0, 1, 2."""
    out: dict[tuple[int, int], np.ndarray] = defaultdict(lambda: np.zeros((3, 3)))
    w = np.ones(v.n_votes) if v.weight is None else v.weight
    for a, b, o, wt in zip(v.a.tolist(), v.b.tolist(), v.outcome.tolist(), w.tolist(), strict=True):
        i, j = min(a, b), max(a, b)
        if o == 2:
            col = 2
        else:
            winner = a if o == 0 else b
            col = 0 if winner == i else 1
        for p in range(3):
            out[(i, j)][p, col] += wt**p
    return out


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_counts_match_brute_force(seed: int, weighted: bool) -> None:
    v = _random_votes(seed, weighted=weighted)
    c = v.counts
    ref = _brute(v)
    assert list(zip(c.pair_i.tolist(), c.pair_j.tolist(), strict=True)) == sorted(ref)
    assert np.all(c.pair_i < c.pair_j)
    for p in range(3):
        t = c.table(power=p)
        for k, key in enumerate(zip(c.pair_i.tolist(), c.pair_j.tolist(), strict=True)):
            np.testing.assert_allclose(t[k], ref[key][p])
    assert c.n_votes == v.n_votes
    assert c.n_cells <= 3 * c.n_pairs * (1 if not weighted else 4)
    wins = np.zeros((v.n_items, v.n_items))
    ties = np.zeros_like(wins)
    cnt = np.zeros_like(wins)
    w = np.ones(v.n_votes) if v.weight is None else v.weight
    for a, b, o, wt in zip(v.a, v.b, v.outcome, w, strict=True):
        cnt[a, b] += 1
        cnt[b, a] += 1
        if o == 0:
            wins[a, b] += wt
        elif o == 1:
            wins[b, a] += wt
        else:
            ties[a, b] += wt
            ties[b, a] += wt
    np.testing.assert_allclose(c.win_matrix(), wins)
    np.testing.assert_allclose(c.tie_matrix(), ties)
    np.testing.assert_allclose(c.count_matrix(), cnt)


@pytest.mark.parametrize("weighted", [False, True])
def test_row_cell_consistency(weighted: bool) -> None:
    v = _random_votes(5, weighted=weighted)
    c, rc = v.counts, v.row_cell
    assert rc.shape == (v.n_votes,)
    np.testing.assert_array_equal(np.bincount(rc, minlength=c.n_cells), c.cell_count)
    lo, hi = np.minimum(v.a, v.b), np.maximum(v.a, v.b)
    np.testing.assert_array_equal(c.pair_i[c.cell_pair[rc]], lo)
    np.testing.assert_array_equal(c.pair_j[c.cell_pair[rc]], hi)
    rel = np.where(v.outcome == 2, 2, np.where((v.outcome == 0) == (v.a < v.b), 0, 1))
    np.testing.assert_array_equal(c.cell_outcome[rc], rel)
    w = np.ones(v.n_votes) if v.weight is None else v.weight
    np.testing.assert_array_equal(c.cell_weight[rc], w)


def test_table_replicates() -> None:
    c = _random_votes(3).counts
    reps = np.stack([c.cell_count, 2 * c.cell_count])
    t = c.table(reps)
    assert t.shape == (2, c.n_pairs, 3)
    np.testing.assert_allclose(t[0], c.table())
    np.testing.assert_allclose(t[1], 2 * c.table())


def test_counts_are_frozen() -> None:
    c = _random_votes(1).counts
    for name in ("pair_i", "pair_j", "cell_pair", "cell_outcome", "cell_weight", "cell_count"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(c, name)[0] = 0
    with pytest.raises(AttributeError):
        c.items = ("x",)  # type: ignore[misc]


def test_group_sort_and_count_paths_agree() -> None:
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 50, 1000).astype(np.int64)
    dense = _group(keys, 50)
    sparse = _group(keys, 10**9)  # forces np.unique
    for x, y in zip(dense, sparse, strict=True):
        np.testing.assert_array_equal(x, y)


def test_reduce_with_many_items_uses_sort_path() -> None:
    k = 5000
    a = np.arange(k - 1)
    b = a + 1
    o = np.zeros(k - 1, dtype=np.int8)
    c, rc = reduce_votes(k, tuple(map(str, range(k))), a, b, o, None)
    assert c.n_pairs == k - 1
    np.testing.assert_array_equal(rc, np.arange(k - 1))


def test_memory_independent_of_n() -> None:
    sizes = []
    for n in (10_000, 200_000):
        rng = np.random.default_rng(n)
        a = rng.integers(0, 20, n)
        b = (a + rng.integers(1, 20, n)) % 20
        v = Votes(items=[str(i) for i in range(20)], a=a, b=b, outcome=rng.integers(0, 3, n))
        sizes.append(v.counts.nbytes())
    assert sizes[0] == sizes[1]


def test_components_known_graph() -> None:
    v = Votes.from_arrays(["a", "b", "x", "p"], ["b", "c", "y", "q"], [1, 0, 0.5, 1])
    assert v.components() == [["a", "b", "c"], ["p", "q"], ["x", "y"]]
    assert not v.is_connected
    s = v.summary()
    assert (s.n_components, s.component_sizes) == (3, (3, 2, 2))


def test_components_football(shared_data) -> None:
    import elosim

    v = elosim.read_votes(shared_data / "international_football" / "matches.csv")
    comps = v.components()
    assert [len(c) for c in comps] == [334, 3]
    assert comps[1] == ["Aymara", "Mapuche", "Maule Sur"]
