"""Benchmark data: synthetic arenas and the LMArena 140k vote table.

Every dataset is returned as a :class:`Battles` object holding the *raw* per-vote
columns in the format of the LMArena files (``model_a``, ``model_b`` as strings,
``winner`` in ``{"model_a", "model_b", "tie"}``).  Each package under test starts
from these columns, so the conversion into its own input format is part of what
is timed.

Synthetic arenas (see ``SIZES``): uniform random pairs of distinct items with a
random side assignment, 10% ties, otherwise a Bradley-Terry outcome drawn from
true ratings ~ N(1000, 100^2) on the Elo scale.  Everything is driven by one
seed, so a dataset is identical in every subprocess that regenerates it.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: name -> (n_items, n_votes)
SIZES: dict[str, tuple[int, int]] = {
    "small": (20, 10_000),
    "medium": (100, 1_000_000),
    "large": (200, 3_000_000),
}

#: Default location of the LMArena vote table, relative to this file
#: (``<repo>/benchmarks/../../shared/data/lmarena_140k/battles.csv``).
DEFAULT_LMARENA_CSV = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lmarena_140k" / "battles.csv"
)

ELO_SCALE = 400.0 / math.log(10.0)
TIE_RATE = 0.10
BASE_SEED = 20240601

_WINNERS = np.array(["model_a", "model_b", "tie"])


@dataclass
class Battles:
    """Raw per-vote columns plus a little metadata."""

    name: str
    model_a: np.ndarray  # str labels, side A
    model_b: np.ndarray  # str labels, side B
    winner: np.ndarray  # "model_a" / "model_b" / "tie"
    true_elo: dict[str, float] | None = None
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def n_votes(self) -> int:
        return int(self.model_a.size)

    @property
    def items(self) -> list[str]:
        return sorted(set(np.unique(self.model_a)) | set(np.unique(self.model_b)))

    @property
    def n_items(self) -> int:
        return len(self.items)


def synthetic_arena(
    n_items: int,
    n_votes: int,
    *,
    tie_rate: float = TIE_RATE,
    rating_sd: float = 100.0,
    seed: int = BASE_SEED,
    name: str | None = None,
) -> Battles:
    """A synthetic arena with uniform pairs, ``tie_rate`` ties and BT outcomes otherwise."""
    rng = np.random.default_rng([seed, n_items, n_votes])
    true = rng.normal(1000.0, rating_sd, size=n_items)
    labels = np.array([f"m{i:03d}" for i in range(n_items)])
    a = rng.integers(0, n_items, size=n_votes)
    b = rng.integers(0, n_items - 1, size=n_votes)
    b += b >= a  # uniform over ordered pairs of distinct items
    p_a = 1.0 / (1.0 + 10.0 ** ((true[b] - true[a]) / 400.0))
    code = np.where(rng.random(n_votes) < p_a, 0, 1)
    code[rng.random(n_votes) < tie_rate] = 2
    return Battles(
        name=name or f"synthetic-{n_items}x{n_votes}",
        model_a=labels[a],
        model_b=labels[b],
        winner=_WINNERS[code],
        true_elo={str(lab): float(t) for lab, t in zip(labels, true - true.mean() + 1000.0, strict=True)},
        meta={
            "kind": "synthetic",
            "n_items": n_items,
            "n_votes": n_votes,
            "tie_rate": tie_rate,
            "rating_sd": rating_sd,
            "seed": seed,
        },
    )


def load_lmarena(path: str | os.PathLike[str] | None = None, *, drop_self: bool = True) -> Battles:
    """The LMArena 140k vote table (``model_a, model_b, winner, ...`` CSV).

    Self-battles (10 rows of ``gemini-2.5-flash-preview-04-17`` against itself)
    carry no information and several packages reject them, so they are dropped
    by default for every package alike.
    """
    p = Path(path) if path is not None else DEFAULT_LMARENA_CSV
    if not p.exists():
        raise FileNotFoundError(
            f"LMArena CSV not found at {p}; pass --data PATH (see benchmarks/README.md)"
        )
    with open(p, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        ia, ib, iw = header.index("model_a"), header.index("model_b"), header.index("winner")
        rows = [(r[ia], r[ib], r[iw]) for r in reader]
    a = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    w = np.array([r[2] for r in rows])
    unknown = set(np.unique(w)) - {"model_a", "model_b", "tie"}
    if unknown:
        raise ValueError(f"unexpected winner labels in {p}: {sorted(unknown)}")
    n_self = int((a == b).sum())
    if drop_self and n_self:
        keep = a != b
        a, b, w = a[keep], b[keep], w[keep]
    return Battles(
        name="lmarena-140k",
        model_a=a,
        model_b=b,
        winner=w,
        meta={"kind": "lmarena", "path": str(p), "rows": len(rows), "self_battles_dropped": n_self if drop_self else 0},
    )


def load(size: str, data_path: str | os.PathLike[str] | None = None) -> Battles:
    """Dataset by benchmark size name: ``small``, ``medium``, ``large`` or ``lmarena``."""
    if size == "lmarena":
        return load_lmarena(data_path)
    if size not in SIZES:
        raise KeyError(f"unknown size {size!r}; choose from {[*SIZES, 'lmarena']}")
    n_items, n_votes = SIZES[size]
    return synthetic_arena(n_items, n_votes, name=f"{size} ({n_items} items x {n_votes:,} votes)")


def describe(size: str) -> str:
    if size == "lmarena":
        return "LMArena 140k (53 items, 135,624 votes)"
    n_items, n_votes = SIZES[size]
    return f"{n_items} items x {n_votes:,} votes"
