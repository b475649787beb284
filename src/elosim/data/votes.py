"""Pairwise votes: the validated, immutable input of every elosim computation.

A vote compares item ``a`` (side A) with item ``b`` (side B) and has one of
three outcomes: A wins, B wins, or a tie. Votes may carry a weight, a time
stamp, a cluster id (prompt, user, session) and covariates. The sufficient
statistic (counts per unordered pair and outcome) is computed once and cached.

Validation is vectorised: labels, outcomes and weights are checked once per
*distinct* value and mapped back to the rows, so reading the 135,634 LMArena
votes takes a fraction of a second. Every problem is reported with the column,
the offending value and its first (0-based) row numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._core.arrays import FrozenState, freeze_mapping, readonly
from .._core.errors import VotesError
from .._core.validation import check_positive_int
from .counts import VoteCounts, group_matrix, matrix_votes, reduce_votes
from .labels import check_label_set, merged_spellings, normalize_label

if TYPE_CHECKING:
    import pandas as pd

from .parse import (
    A_WINS,
    B_WINS,
    TIE,
    as_column,
    check_weight_scale,
    check_weight_values,
    factor_labels,
    missing_mask,
    native,
    parse_outcomes,
    parse_time,
    parse_weight,
    row_numbers,
)
from .summary import VotesSummary

__all__ = ["A_WINS", "B_WINS", "TIE", "Votes", "VotesSummary"]


@dataclass(frozen=True, eq=False, repr=False)
class Votes(FrozenState):
    """Validated, immutable pairwise votes.

    Build it with :meth:`from_frame`, :meth:`from_arrays`, :meth:`from_counts` or
    :func:`read_votes`; the constructor itself expects already-coded arrays.

    Parameters
    ----------
    items : sequence of str
        Item labels (at least two, unique).
    a, b : array of int
        Index into ``items`` of the item on side A and on side B of each vote.
    outcome : array of int
        ``0`` (A wins), ``1`` (B wins) or ``2`` (tie) per vote.
    weight : array of float, optional
        Non-negative, finite weight per vote (e.g. inverse sampling probability).
    time : array, optional
        Time stamp or sequence number per vote (used by online Elo and drift studies).
    cluster : array, optional
        Cluster id per vote (prompt, user, session) for cluster-robust inference.
    covariates : mapping of str to array, optional
        Extra per-vote columns kept alongside the votes.

    Notes
    -----
    All arrays are copied and made read-only; the caller's objects are never modified.
    """

    items: tuple[str, ...]
    a: NDArray[np.intp]
    b: NDArray[np.intp]
    outcome: NDArray[np.int8]
    weight: NDArray[np.float64] | None = None
    time: NDArray[Any] | None = None
    cluster: NDArray[Any] | None = None
    covariates: Mapping[str, NDArray[Any]] = field(default_factory=dict)

    _cached_names: ClassVar[tuple[str, ...]] = ("_reduced", "votes_per_item")
    _mapping_names = ("covariates",)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        items = tuple(normalize_label(x, "items") for x in self.items)
        check_label_set(items, name="items", warn=False)
        if len(set(items)) != len(items):
            dup = sorted(k for k, c in Counter(items).items() if c > 1)
            raise VotesError(f"items has duplicated labels: {dup[:10]}")
        a = np.array(self.a, copy=True)
        b = np.array(self.b, copy=True)
        o = np.array(self.outcome, copy=True)
        n = a.size
        if a.ndim != 1 or b.ndim != 1 or o.ndim != 1:
            raise VotesError("a, b and outcome must be one-dimensional")
        if not (b.size == n and o.size == n):
            raise VotesError(
                f"length mismatch: a has {n} votes, b has {b.size}, outcome has {o.size}"
            )
        if n == 0:
            raise VotesError("no votes: the input is empty")
        if len(items) < 2:
            raise VotesError(f"need at least two items to compare; got {len(items)}: {items}")
        for name, arr in (("a", a), ("b", b)):
            if not np.issubdtype(arr.dtype, np.integer):
                raise TypeError(f"{name} must hold integer item indices; got dtype {arr.dtype}")
            bad = np.flatnonzero((arr < 0) | (arr >= len(items)))
            if bad.size:
                raise VotesError(
                    f"{name} has item indices outside 0..{len(items) - 1} at row(s) "
                    f"{row_numbers(bad)}"
                )
        if not np.issubdtype(o.dtype, np.integer):
            raise TypeError(f"outcome must hold integer codes 0, 1, 2; got dtype {o.dtype}")
        bad = np.flatnonzero((o < 0) | (o > 2))
        if bad.size:
            raise VotesError(
                f"outcome codes must be 0 (A wins), 1 (B wins) or 2 (tie); got "
                f"{sorted(set(o[bad].tolist()))[:10]} at row(s) {row_numbers(bad)}"
            )
        same = np.flatnonzero(a == b)
        if same.size:
            raise VotesError(
                f"{same.size} self-comparison(s) (an item against itself) at row(s) "
                f"{row_numbers(same)}, e.g. {items[a[same[0]]]!r}; pass drop_self=True to drop them"
            )
        set_(self, "items", items)
        set_(self, "a", readonly(a.astype(np.intp)))
        set_(self, "b", readonly(b.astype(np.intp)))
        set_(self, "outcome", readonly(o.astype(np.int8)))
        if self.weight is not None:
            w = np.array(self.weight, dtype=float, copy=True)
            if w.shape != (n,):
                raise VotesError(f"length mismatch: weight has {w.size} values for {n} votes")
            check_weight_values(w, "weight")
            if not np.any(w > 0):
                raise VotesError("all weights are zero")
            check_weight_scale(w)
            set_(self, "weight", readonly(w))
        for name in ("time", "cluster"):
            v = getattr(self, name)
            if v is not None:
                arr = np.array(v, copy=True)
                if arr.shape != (n,):
                    raise VotesError(f"length mismatch: {name} has {arr.size} values for {n} votes")
                miss = np.flatnonzero(missing_mask(arr))
                if miss.size:
                    raise VotesError(
                        f"{name} has {miss.size} missing value(s) at row(s) {row_numbers(miss)}"
                    )
                if name == "time":
                    arr = parse_time(arr)
                set_(self, name, readonly(arr))
        cov = {}
        for key, v in dict(self.covariates).items():
            arr = np.array(v, copy=True)
            if arr.shape[:1] != (n,):
                raise VotesError(
                    f"length mismatch: covariate {key!r} has {arr.shape[:1]} rows for {n} votes"
                )
            cov[str(key)] = readonly(arr)
        set_(self, "covariates", freeze_mapping(cov))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(
        cls,
        a: ArrayLike,
        b: ArrayLike,
        outcome: ArrayLike,
        *,
        items: Sequence[str] | None = None,
        weight: ArrayLike | None = None,
        time: ArrayLike | None = None,
        cluster: ArrayLike | None = None,
        covariates: Mapping[str, ArrayLike] | None = None,
        drop_self: bool = False,
    ) -> Votes:
        """Votes from per-vote arrays of item labels and outcomes.

        Parameters
        ----------
        a, b : array-like of str (or int)
            Item on side A and on side B of each vote.
        outcome : array-like
            Per vote: ``1`` / ``"model_a"`` (A wins), ``0`` / ``"model_b"`` (B wins),
            ``0.5`` / ``"tie"`` / ``"tie (bothbad)"`` / ``"both_bad"`` (tie), or the name of
            the winning item.
        items : sequence of str, optional
            The full set of item labels (default: the labels seen, sorted).
        weight, time, cluster, covariates
            Optional per-vote data; see :class:`Votes`.
        drop_self : bool
            Drop self-comparisons instead of raising.

        Raises
        ------
        elosim.VotesError
            Unknown outcome labels (listed with their first rows), missing values, length
            mismatches, self-comparisons, fewer than two items or no votes.

        Examples
        --------
        >>> import elosim
        >>> v = elosim.Votes.from_arrays(["x", "x", "y"], ["y", "z", "z"], [1, 0.5, "model_b"])
        >>> v.items, v.n_votes
        (('x', 'y', 'z'), 3)
        """
        return cls._from_columns(
            a, b, outcome, items=items, weight=weight, time=time, cluster=cluster,
            covariates=covariates, drop_self=drop_self, names=("a", "b", "outcome"),
        )

    @classmethod
    def _from_columns(
        cls,
        a: Any,
        b: Any,
        outcome: Any,
        *,
        items: Sequence[str] | None,
        weight: Any,
        time: Any,
        cluster: Any,
        covariates: Mapping[str, Any] | None,
        drop_self: bool,
        names: tuple[str, str, str],
        weight_name: str = "weight",
        weight_label: str = "weight",
    ) -> Votes:
        a_arr = as_column(a, names[0])
        b_arr = as_column(b, names[1])
        o_arr = as_column(outcome, names[2])
        n = a_arr.size
        if b_arr.size != n or o_arr.size != n:
            raise VotesError(
                f"length mismatch: {names[0]!r} has {n} values, {names[1]!r} has {b_arr.size}, "
                f"{names[2]!r} has {o_arr.size}"
            )
        if n == 0:
            raise VotesError("no votes: the input is empty")
        la, ca, kind_a, spell_a = factor_labels(a_arr, names[0])
        lb, cb, kind_b, spell_b = factor_labels(b_arr, names[1])
        if kind_a != kind_b:
            raise TypeError(
                f"columns {names[0]!r} and {names[1]!r} hold different kinds of item labels "
                f"({kind_a} and {kind_b}); use one type (e.g. convert all labels with str())"
            )
        # one label space for both sides (sorted), and each row's index into it
        space = sorted(set(la) | set(lb))
        check_label_set(
            space, name=f"columns {names[0]!r} and {names[1]!r}",
            merged=merged_spellings(spell_a, spell_b), stacklevel=4,
        )
        pos = {lab: k for k, lab in enumerate(space)}
        ia = np.array([pos[x] for x in la], dtype=np.intp)[ca]
        ib = np.array([pos[x] for x in lb], dtype=np.intp)[cb]
        codes = parse_outcomes(o_arr, ia, ib, space, names[2])
        extra: dict[str, Any] = {"weight": weight, "time": time, "cluster": cluster}
        for key, v in extra.items():
            if v is not None:
                arr = as_column(v, key) if key == "weight" else native(v)
                if arr.shape[:1] != (n,):
                    raise VotesError(
                        f"length mismatch: {key} has {arr.shape[0] if arr.ndim else 0} values "
                        f"for {n} votes"
                    )
                if key == "weight":
                    arr = check_weight_values(parse_weight(arr, weight_name), weight_label)
                extra[key] = arr
        cov = {k: native(v) for k, v in (covariates or {}).items()}
        rows = np.arange(n)
        same = np.flatnonzero(ia == ib)
        if same.size:
            if not drop_self:
                raise VotesError(
                    f"{same.size} self-comparison(s) (an item against itself) at row(s) "
                    f"{row_numbers(same)}, e.g. {space[ia[same[0]]]!r}; "
                    "pass drop_self=True to drop them"
                )
            keep = ia != ib
            if not keep.any():
                raise VotesError("no votes left after dropping self-comparisons")
            ia, ib, codes, rows = ia[keep], ib[keep], codes[keep], rows[keep]
            extra = {k: (None if v is None else v[keep]) for k, v in extra.items()}
            cov = {k: v[keep] for k, v in cov.items()}
        if items is None:
            used = np.flatnonzero(
                np.bincount(ia, minlength=len(space)) + np.bincount(ib, minlength=len(space))
            )
            labels = tuple(space[k] for k in used.tolist())
            remap = np.full(len(space), -1, dtype=np.intp)
            remap[used] = np.arange(used.size)
        else:
            labels = tuple(normalize_label(x, "items") for x in items)
            if len(set(labels)) != len(labels):
                dup = sorted(k for k, c in Counter(labels).items() if c > 1)
                raise VotesError(f"items has duplicated labels: {dup[:10]}")
            given = {lab: k for k, lab in enumerate(labels)}
            remap = np.array([given.get(x, -1) for x in space], dtype=np.intp)
        ia, ib = remap[ia], remap[ib]
        for idx, nm in ((ia, names[0]), (ib, names[1])):
            bad = np.flatnonzero(idx < 0)
            if bad.size:
                sp = a_arr if nm == names[0] else b_arr
                labs = sorted({str(x) for x in sp[rows[bad]].tolist()})
                raise VotesError(
                    f"column {nm!r} has labels not in items: {labs[:10]} (first at row(s) "
                    f"{row_numbers(rows[bad])})"
                )
        return cls(
            items=labels, a=ia, b=ib, outcome=codes, weight=extra["weight"],
            time=extra["time"], cluster=extra["cluster"], covariates=cov,
        )

    @classmethod
    def from_frame(
        cls,
        df: Any,
        *,
        a: str = "model_a",
        b: str = "model_b",
        winner: str = "winner",
        weight: str | None = None,
        time: str | None = None,
        cluster: str | None = None,
        covariates: Sequence[str] = (),
        items: Sequence[str] | None = None,
        drop_self: bool = False,
    ) -> Votes:
        """Votes from a DataFrame (pandas, or anything indexable by column name).

        The ``winner`` column may hold LMArena's labels (``model_a``, ``model_b``, ``tie``,
        ``tie (bothbad)``, ``both_bad``), the winning item's name, or 1 / 0 / 0.5.

        Parameters
        ----------
        df : DataFrame
            One row per vote.
        a, b, winner : str
            Column names of side A, side B and the outcome.
        weight, time, cluster : str, optional
            Column names of optional per-vote data.
        covariates : sequence of str
            Further columns to keep.
        items : sequence of str, optional
            The full set of item labels.
        drop_self : bool
            Drop self-comparisons instead of raising.

        Raises
        ------
        TypeError
            ``df`` is not a frame or a mapping of columns (e.g. a list of row dicts).
        elosim.VotesError
            A missing column (named), or any problem listed in :meth:`from_arrays`.

        Examples
        --------
        >>> import pandas as pd, elosim
        >>> df = pd.DataFrame({"model_a": ["x", "y"], "model_b": ["y", "z"],
        ...                    "winner": ["model_a", "tie (bothbad)"]})
        >>> elosim.Votes.from_frame(df).n_votes
        2
        """
        if not isinstance(df, Mapping) and not hasattr(df, "columns"):
            raise TypeError(
                "df must be a DataFrame (pandas, polars, ...) or a mapping of column name to "
                f"values; got {type(df).__name__}"
                + (
                    " (for a list of row dicts, use pandas.DataFrame(rows) first)"
                    if isinstance(df, (list, tuple))
                    else ""
                )
            )
        cols = list(df.keys()) if isinstance(df, Mapping) else list(df.columns)
        if len(set(map(str, cols))) != len(cols):
            dup = sorted({str(c) for c in cols if list(map(str, cols)).count(str(c)) > 1})
            raise VotesError(f"the frame has duplicated column names: {dup}")

        def col(name: str | None, role: str) -> Any:
            if name is None:
                return None
            if name not in cols:
                raise VotesError(
                    f"column {name!r} (for {role}) not found; the frame has columns {cols[:20]}"
                )
            return df[name]

        return cls._from_columns(
            col(a, "side A"), col(b, "side B"), col(winner, "the outcome"),
            items=items, weight=col(weight, "weight"), time=col(time, "time"),
            cluster=col(cluster, "cluster"),
            covariates={c: col(c, "a covariate") for c in covariates},
            drop_self=drop_self, names=(a, b, winner), weight_name=weight or "weight",
            weight_label="weight" if weight is None else f"weight column {weight!r}",
        )

    @classmethod
    def from_counts(
        cls, items: Sequence[str], wins: ArrayLike, ties: ArrayLike | None = None
    ) -> Votes:
        """Votes from a K x K matrix of wins (and optionally a symmetric matrix of ties).

        Parameters
        ----------
        items : sequence of str
            The K item labels.
        wins : array of shape (K, K)
            ``wins[i, j]`` is how many times item i beat item j (non-negative integers).
        ties : array of shape (K, K), optional
            Symmetric: ``ties[i, j] == ties[j, i]`` is the number of ties between i and j.

        Raises
        ------
        elosim.VotesError
            Fewer than two items; a matrix of the wrong shape (or ragged); entries that are
            not numbers, missing, negative or fractional (named with their position and
            items); a non-zero diagonal; an asymmetric ``ties``; no votes at all.

        Examples
        --------
        >>> import elosim
        >>> v = elosim.Votes.from_counts(["a", "b"], [[0, 3], [1, 0]], ties=[[0, 2], [2, 0]])
        >>> v.n_votes, v.summary().n_ties
        (6, 2)
        """
        return _CountedVotes.build(*matrix_votes(items, wins, ties))

    # ------------------------------------------------------------------ basic facts
    @property
    def n_votes(self) -> int:
        """Number of votes (rows)."""
        return int(self.a.size)

    def __len__(self) -> int:
        return self.n_votes

    @property
    def n_items(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        ties = int(np.count_nonzero(self.outcome == TIE))
        return (
            f"<Votes: {self.n_votes:,} votes, {self.n_items} items, {ties:,} ties"
            f"{', weighted' if self.weight is not None else ''}"
            f"{', clustered' if self.cluster is not None else ''}>"
        )

    @cached_property
    def _reduced(self) -> tuple[VoteCounts, NDArray[np.intp]]:
        return reduce_votes(self.n_items, self.items, self.a, self.b, self.outcome, self.weight)

    @property
    def counts(self) -> VoteCounts:
        """The sufficient statistic: counts per (unordered pair, outcome), cached."""
        return self._reduced[0]

    @property
    def row_cell(self) -> NDArray[np.intp]:
        """Index of each vote's cell in :attr:`counts` (used by cluster resampling)."""
        return self._reduced[1]

    @cached_property
    def votes_per_item(self) -> NDArray[np.int64]:
        """Number of votes each item took part in, aligned with :attr:`items`."""
        return readonly(self.counts.votes_per_item)

    def components(self) -> list[list[str]]:
        """Connected components of the comparison graph, as item labels, largest first."""
        return self.counts.components()

    @property
    def is_connected(self) -> bool:
        """Whether every item is linked to every other through a chain of comparisons."""
        return self.counts.is_connected

    def summary(self) -> VotesSummary:
        """Items, votes per item, pairs covered, ties and connectivity.

        Examples
        --------
        >>> import elosim
        >>> v = elosim.Votes.from_arrays(["x", "y"], ["y", "z"], [1, 0.5])
        >>> print(v.summary().n_components)
        1
        """
        return self.counts.summary()

    def equals(self, other: object) -> bool:
        """Whether ``other`` holds the same items, votes and per-vote data (array-wise).

        Examples
        --------
        >>> import elosim
        >>> v = elosim.Votes.from_arrays(["x"], ["y"], ["tie"])
        >>> v.equals(elosim.Votes.from_frame(v.to_frame()))
        True
        """
        if not isinstance(other, Votes) or self.items != other.items:
            return False

        def same(x: NDArray[Any] | None, y: NDArray[Any] | None) -> bool:
            if x is None or y is None:
                return x is None and y is None
            return x.shape == y.shape and bool(np.all(x == y))

        return (
            all(
                same(getattr(self, k), getattr(other, k))
                for k in ("a", "b", "outcome", "weight", "time", "cluster")
            )
            and self.covariates.keys() == other.covariates.keys()
            and all(same(v, other.covariates[k]) for k, v in self.covariates.items())
        )

    # ------------------------------------------------------------------ subsets
    def cluster_codes(
        self, cluster: ArrayLike | None = None, *, purpose: str = "clustering"
    ) -> tuple[NDArray[np.intp], int]:
        """Integer codes ``0..G-1`` of the cluster of each vote, and ``G``.

        ``cluster`` overrides :attr:`cluster` (one id per vote). Raises a ``ValueError``
        naming ``purpose`` when there are no ids, the length is wrong, or ``G < 2``.
        """
        ids = self.cluster if cluster is None else np.asarray(cluster)
        if ids is None:
            raise ValueError(
                f"{purpose} needs cluster ids: build the votes with cluster=... or pass "
                "cluster=<array with one id per vote>"
            )
        if ids.shape != (self.n_votes,):
            raise ValueError(
                f"cluster must have one id per vote ({self.n_votes}); got shape {ids.shape}"
            )
        miss = np.flatnonzero(missing_mask(ids))
        if miss.size:
            raise VotesError(
                f"cluster has {miss.size} missing id(s) (None, NaN or blank) at row(s) "
                f"{row_numbers(miss)}; they would be merged into one cluster. Remedy: drop "
                "those votes, or give each its own id (e.g. its row number)"
            )
        try:
            _, codes = np.unique(ids, return_inverse=True)
        except TypeError:
            kinds = sorted({type(x).__name__ for x in ids.tolist()})
            raise VotesError(
                f"cluster ids mix types that cannot be compared ({', '.join(kinds)}); convert "
                "them to one type, e.g. str"
            ) from None
        codes = codes.ravel().astype(np.intp)
        n = int(codes.max()) + 1
        if n < 2:
            raise ValueError(f"{purpose} needs at least two clusters")
        return codes, n

    def cluster_matrix(
        self, cluster: ArrayLike | None = None, *, purpose: str = "clustering"
    ) -> Any:
        """Votes of each cluster in each cell of :attr:`counts`: sparse ``(G, n_cells)``.

        ``cluster`` overrides :attr:`cluster` (one id per vote); errors as
        :meth:`cluster_codes`. :class:`~elosim.VoteCounts` has the same method, so the
        cluster bootstrap and the cluster-robust covariance work from either.
        """
        codes, g = self.cluster_codes(cluster, purpose=purpose)
        return group_matrix(
            codes, g, self.row_cell, np.ones(codes.size, dtype=np.int64), self.counts.n_cells
        )

    def select(self, mask: ArrayLike) -> Votes:
        """Votes for the rows where ``mask`` is true (items with no vote left are dropped)."""
        m = np.asarray(mask)
        if m.dtype != bool or m.shape != (self.n_votes,):
            raise VotesError(f"mask must be a boolean array of length {self.n_votes}")
        if not m.any():
            raise VotesError("the selection is empty: no vote matches the mask")
        items, remap = _used_items(self.items, self.a[m], self.b[m])
        return Votes(
            items=items,
            a=remap[self.a[m]],
            b=remap[self.b[m]],
            outcome=self.outcome[m],
            weight=None if self.weight is None else self.weight[m],
            time=None if self.time is None else self.time[m],
            cluster=None if self.cluster is None else self.cluster[m],
            covariates={k: v[m] for k, v in self.covariates.items()},
        )

    def restrict(self, items: Iterable[str]) -> Votes:
        """Only the votes between the given items (labels as in :mod:`elosim.data.labels`)."""
        wanted = {normalize_label(x, "items") for x in items}
        unknown = wanted - set(self.items)
        if unknown:
            raise VotesError(f"unknown item(s): {sorted(unknown)[:10]}")
        keep = np.array([x in wanted for x in self.items])
        return self.select(keep[self.a] & keep[self.b])

    def drop_items(self, items: Iterable[str]) -> Votes:
        """All votes except those involving the given items (labels as in
        :mod:`elosim.data.labels`)."""
        drop = {normalize_label(x, "items") for x in items}
        unknown = drop - set(self.items)
        if unknown:
            raise VotesError(f"unknown item(s): {sorted(unknown)[:10]}")
        return self.restrict([x for x in self.items if x not in drop])

    def min_votes(self, n: int) -> Votes:
        """Drop items (iteratively) until every item has at least ``n`` votes."""
        n = check_positive_int(n, "n", minimum=0)
        v = self
        while True:
            low = [it for it, c in zip(v.items, v.votes_per_item, strict=True) if c < n]
            if not low:
                return v
            v = v.drop_items(low)

    # ------------------------------------------------------------------ export
    def to_frame(self) -> pd.DataFrame:
        """One row per vote in the LMArena convention (``model_a, model_b, winner``)."""
        from .._core.format import require_pandas

        pandas = require_pandas("Votes.to_frame")
        lab = np.array(["model_a", "model_b", "tie"], dtype=object)
        it = np.array(self.items, dtype=object)
        data: dict[str, Any] = {
            "model_a": it[self.a],
            "model_b": it[self.b],
            "winner": lab[self.outcome],
        }
        if self.weight is not None:
            data["weight"] = self.weight
        if self.time is not None:
            data["time"] = self.time
        if self.cluster is not None:
            data["cluster"] = self.cluster
        for k, v in self.covariates.items():
            data[k] = v
        frame: pd.DataFrame = pandas.DataFrame(data)
        return frame


def _used_items(
    items: tuple[str, ...], a: NDArray[np.intp], b: NDArray[np.intp]
) -> tuple[tuple[str, ...], NDArray[np.intp]]:
    """The items that votes ``a, b`` use (in item order), and each old index's new one."""
    used = np.union1d(a, b)
    remap = np.full(len(items), -1, dtype=np.intp)
    remap[used] = np.arange(used.size)
    return tuple(items[i] for i in used), remap


#: Most votes whose rows a counted :class:`Votes` will make when an operation needs them.
MAX_ROWS_FROM_COUNTS = 500_000_000


class _CountedVotes(Votes):
    """:class:`Votes` given as counts (:meth:`Votes.from_counts`): rows are made on demand.

    Holds ``_unique = (a, b, outcome, count)``: one row per distinct vote with how many
    times it occurred. :attr:`counts`, :attr:`n_votes`, :attr:`votes_per_item`,
    :meth:`restrict` and :meth:`equals` work from these; the per-vote arrays ``a``, ``b``
    and ``outcome`` are expanded (in the order of ``_unique``) only when first read.
    An object built through the dataclass constructor (e.g. by ``dataclasses.replace``)
    has real rows and behaves as a plain :class:`Votes`.
    """

    _row_names = ("a", "b", "outcome")
    _cached_names = (*Votes._cached_names, "_unique_reduced")

    @classmethod
    def build(
        cls,
        items: tuple[str, ...],
        a: NDArray[np.intp],
        b: NDArray[np.intp],
        outcome: NDArray[np.int8],
        count: NDArray[np.int64],
    ) -> Votes:
        same = np.flatnonzero(a == b)
        if same.size:
            raise VotesError(
                f"{int(count[same].sum())} self-comparison(s) (an item against itself), e.g. "
                f"{items[a[same[0]]]!r}"
            )
        obj = object.__new__(cls)
        set_ = object.__setattr__
        set_(obj, "items", items)
        for name in ("weight", "time", "cluster"):
            set_(obj, name, None)
        set_(obj, "covariates", freeze_mapping({}))
        set_(obj, "_unique", tuple(readonly(x) for x in (a, b, outcome, count)))
        return obj

    def _counted(self) -> tuple[NDArray[Any], ...] | None:
        out: tuple[NDArray[Any], ...] | None = self.__dict__.get("_unique")
        return out

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: the rows of a counted Votes, made on demand
        unique = self.__dict__.get("_unique")
        if name not in _CountedVotes._row_names or unique is None:
            raise AttributeError(name)
        a, b, o, n = unique
        total = int(n.sum())
        if total > MAX_ROWS_FROM_COUNTS:
            raise VotesError(
                f"this operation needs one row per vote, but these votes were given as counts "
                f"(Votes.from_counts) and hold {total:,} votes, more than the "
                f"{MAX_ROWS_FROM_COUNTS:,} elosim expands into rows; fits, bootstraps, "
                "summaries and reports work from the counts"
            )
        set_ = object.__setattr__
        for key, arr in (("a", a), ("b", b), ("outcome", o)):
            set_(self, key, readonly(np.repeat(arr, n)))
        return self.__dict__[name]

    def __reduce__(self) -> tuple[Any, ...]:
        unique = self._counted()
        if unique is None:
            return (_rebuild, (self.__getstate__(),))
        return (_from_unique, (self.items, *unique))

    @property
    def n_votes(self) -> int:
        """Number of votes (rows)."""
        unique = self._counted()
        return super().n_votes if unique is None else int(unique[3].sum())

    def __repr__(self) -> str:
        if self._counted() is None:
            return super().__repr__()
        return f"<Votes: {self.n_votes:,} votes, {self.n_items} items, {self.counts.n_ties:,} ties>"

    @cached_property
    def _unique_reduced(self) -> tuple[VoteCounts, NDArray[np.intp]]:
        a, b, o, n = self.__dict__["_unique"]
        return reduce_votes(self.n_items, self.items, a, b, o, None, count=n)

    @property
    def counts(self) -> VoteCounts:
        """The sufficient statistic: counts per (unordered pair, outcome), cached."""
        return super().counts if self._counted() is None else self._unique_reduced[0]

    @property
    def row_cell(self) -> NDArray[np.intp]:
        """Index of each vote's cell in :attr:`counts` (used by cluster resampling)."""
        unique = self._counted()
        if unique is None:
            return super().row_cell
        self.a  # noqa: B018  (refuses to make more rows than MAX_ROWS_FROM_COUNTS)
        return readonly(np.repeat(self._unique_reduced[1], unique[3]))

    def restrict(self, items: Iterable[str]) -> Votes:
        """Only the votes between the given items (labels as in :mod:`elosim.data.labels`)."""
        unique = self._counted()
        if unique is None:
            return super().restrict(items)
        wanted = {normalize_label(x, "items") for x in items}
        unknown = wanted - set(self.items)
        if unknown:
            raise VotesError(f"unknown item(s): {sorted(unknown)[:10]}")
        a, b, o, n = unique
        keep = np.array([x in wanted for x in self.items])
        rows = keep[a] & keep[b]
        if not rows.any():
            raise VotesError("the selection is empty: no vote matches the mask")
        used, remap = _used_items(self.items, a[rows], b[rows])
        return _CountedVotes.build(used, remap[a[rows]], remap[b[rows]], o[rows], n[rows])

    def equals(self, other: object) -> bool:
        """Whether ``other`` holds the same items, votes and per-vote data (array-wise)."""
        mine, theirs = self._counted(), getattr(other, "_counted", lambda: None)()
        if mine is not None and theirs is not None and isinstance(other, Votes):
            return self.items == other.items and all(
                x.shape == y.shape and bool(np.all(x == y))
                for x, y in zip(mine, theirs, strict=True)
            )
        return super().equals(other)


# Shown (in messages, reprs) as the public class it stands in for; pickled by __reduce__.
_CountedVotes.__name__ = _CountedVotes.__qualname__ = "Votes"


def _rebuild(state: dict[str, Any]) -> Votes:
    """Unpickle a :class:`_CountedVotes` that was built with rows (see ``__reduce__``)."""
    obj = object.__new__(_CountedVotes)
    obj.__setstate__(state)
    return obj


def _from_unique(items: tuple[str, ...], *unique: NDArray[Any]) -> Votes:
    """Unpickle a :class:`_CountedVotes` from its distinct rows and counts."""
    return _CountedVotes.build(items, *unique)
