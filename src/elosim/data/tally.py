"""The reduction kernel of :func:`elosim.count_votes`: batches of vote rows -> counts.

A batch (a slice of a file, one DataFrame of an iterator, a Dask partition) is reduced in
three steps, each costing one pass over its rows:

1. every key column (side A, side B, outcome, and optional weight, cluster and time bin) is
   encoded to integer codes and its distinct values (pyarrow's hash encoding for Arrow
   data, the dictionary pages of Parquet, pandas' factorize otherwise);
2. the codes are combined into one integer per row and counted (``np.bincount`` over the
   small product of the cardinalities, a sort otherwise): one *group* per distinct
   combination of raw values, with its number of rows;
3. the groups -- at most (distinct pairs) x (outcome labels) x ... of them, whatever the
   number of rows -- are validated and parsed with the rules of :class:`~elosim.Votes`
   (labels, outcomes, weights, self-comparisons, missing values), once per distinct value.

Rows are only looked at again on the error path, to name the first rows of a problem. The
groups of all batches are merged into a :class:`Tally`, whose memory is O(cells).
"""

from __future__ import annotations

import ctypes
import math
import numbers
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._core.arrays import readonly
from .._core.errors import VotesError
from .counts import VoteCounts, group_matrix, reduce_votes
from .labels import check_label_set, merged_spellings, normalize_label
from .parse import (
    _MAX_LABEL,
    _MISSING,
    _UNKNOWN,
    A_WINS,
    B_WINS,
    _classify_outcome,
    _is_int_type,
    _is_missing,
)

__all__ = ["ROLES", "Batch", "Problems", "Tally", "encode_batch", "encode_column", "group_codes"]

#: Column roles, in the order of the combined key.
ROLES = ("a", "b", "winner", "weight", "cluster", "time")

Codes = NDArray[np.integer[Any]]

_KEY_LIMIT = 1 << 62
_DENSE_LIMIT = 1 << 22


# ---------------------------------------------------------------------------- encoding
def _arrow_encode(col: Any) -> tuple[Codes, list[Any]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts: list[tuple[Codes, list[Any]]] = []
    for ch in chunks:
        if not pa.types.is_dictionary(ch.type):
            ch = pc.dictionary_encode(ch, null_encoding="encode")
        dictionary = ch.dictionary.to_pylist()
        idx = ch.indices
        if idx.null_count:
            idx = pc.fill_null(idx, len(dictionary))
            dictionary = [*dictionary, None]
        parts.append((idx.to_numpy(zero_copy_only=False), dictionary))  # int32, no copy
    if len(parts) == 1:
        return parts[0]
    return _unify(parts)


def _unify(parts: list[tuple[Codes, list[Any]]]) -> tuple[Codes, list[Any]]:
    """One code space for several (codes, distinct values) parts."""
    if not parts:
        return np.zeros(0, dtype=np.int64), []
    uniques, remaps = _unify_values([values for _, values in parts])
    return np.concatenate([r[codes] for r, (codes, _) in zip(remaps, parts, strict=True)]), uniques


def _unify_values(value_lists: list[list[Any]]) -> tuple[list[Any], list[Codes]]:
    """The distinct values of several lists, and each list's map into them."""
    pos: dict[Any, int] = {}
    uniques: list[Any] = []
    remaps: list[Codes] = []
    for values in value_lists:
        remap = np.empty(len(values), dtype=np.int64)
        for k, v in enumerate(values):
            key = _hash_key(v)
            j = pos.get(key)
            if j is None:
                j = pos[key] = len(uniques)
                uniques.append(v)
            remap[k] = j
        remaps.append(remap)
    return uniques, remaps


def _hash_key(v: Any) -> Any:
    """A dict key that keeps values of different types apart (1 and "1" and True)."""
    if isinstance(v, float) and math.isnan(v):
        return ("nan",)
    return (type(v).__name__, v)


class _Addresses:
    """The object pointers of an object array, seen as integers (CPython, no copy)."""

    def __init__(self, arr: NDArray[Any]) -> None:
        self.__array_interface__ = {
            "shape": arr.shape, "typestr": np.dtype(np.intp).str,
            "data": (arr.ctypes.data, True), "version": 3,
        }


def _shared_object_codes(col: Any, factorize: Callable[..., Any]) -> tuple[Codes, list[Any]] | None:
    """Codes of an object column whose rows share a few string objects, or ``None``.

    Columns read by pandas' CSV parser (or built by indexing a list of labels) hold one
    Python object per distinct label, shared by every row that has it: factorising the
    object *addresses* (integers) and then the few distinct objects by value gives the
    same codes as hashing every row's value, several times faster. Columns with (nearly)
    one object per row return ``None`` (the caller hashes values instead).
    """
    if sys.implementation.name != "cpython":  # pragma: no cover - addresses are CPython's
        return None
    arr = np.ascontiguousarray(np.asarray(col, dtype=object))
    if arr.ndim != 1 or arr.size < 10_000:
        return None
    pointers = np.asarray(_Addresses(arr))
    limit = max(1_000, arr.size // 100)
    sample = pointers[:: max(1, arr.size // 20_000)]
    if np.unique(sample).size > max(1_000, sample.size // 10):
        return None  # a sample already has many distinct objects: not worth it
    codes, addresses = factorize(pointers)
    if len(addresses) > limit:
        return None
    # ``arr`` holds a reference to every object while they are fetched
    objects = [ctypes.cast(int(p), ctypes.py_object).value for p in addresses]
    try:
        return _unify([(np.asarray(codes, dtype=np.int64), objects)])
    except TypeError:  # unhashable values: the caller's path reports them
        return None


def encode_column(col: Any) -> tuple[Codes, list[Any]]:
    """Integer codes of a column's rows and its distinct values (as Python objects).

    Accepts Arrow arrays (dictionary-encoded ones are used as they are), pandas Series
    (categorical codes are reused; Arrow-backed strings go through pyarrow) and numpy
    arrays. Missing values are distinct values of their own (``None`` or NaN).
    """
    mod = type(col).__module__
    if mod.startswith("pyarrow"):
        return _arrow_encode(col)
    dtype = getattr(col, "dtype", None)
    if hasattr(col, "cat") and str(dtype) == "category":
        codes = np.asarray(col.cat.codes.to_numpy(), dtype=np.int64)
        values = list(col.cat.categories.tolist())
        if (codes < 0).any():
            codes = np.where(codes < 0, len(values), codes)
            values.append(None)
        return codes, values
    if hasattr(col, "array") and hasattr(col.array, "__arrow_array__"):
        try:
            import pyarrow as pa
        except ImportError:  # pragma: no cover - pandas Arrow dtypes need pyarrow
            pass
        else:
            return _arrow_encode(pa.array(col.array))
    try:
        import pandas as pd
    except ImportError:  # hash every row's value (Python speed; pandas is much faster)
        lst = np.asarray(col, dtype=object).tolist()
        return _unify([(np.arange(len(lst), dtype=np.int64), lst)])
    values_in = col if hasattr(col, "dtype") else np.asarray(col, dtype=object)
    if values_in.dtype == object:
        shared = _shared_object_codes(values_in, pd.factorize)
        if shared is not None:
            return shared
    # missing values get code -1 here (cheaper than use_na_sentinel=False, which scans the
    # whole column for them); the few missing rows are then coded by their own values
    codes_pd, uniq_pd = pd.factorize(values_in)
    codes = np.asarray(codes_pd, dtype=np.int64)
    values = list(np.asarray(uniq_pd, dtype=object).tolist())
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        rest = np.asarray(values_in, dtype=object)[missing]
        sub_codes, sub_uniq = pd.factorize(rest, use_na_sentinel=False)
        codes[missing] = len(values) + np.asarray(sub_codes, dtype=np.int64)
        values += list(np.asarray(sub_uniq, dtype=object).tolist())
    return codes, values


# ---------------------------------------------------------------------------- grouping
def _dense(key: Codes, size: int) -> tuple[Codes, Codes, NDArray[np.int64]]:
    """Distinct keys (sorted), each row's index into them, and their counts."""
    if size <= max(4 * key.size, _DENSE_LIMIT):
        full = np.bincount(key, minlength=size)
        present = np.flatnonzero(full)
        index = np.zeros(size, dtype=np.int64)
        index[present] = np.arange(present.size)
        return present.astype(np.int64), index[key], full[present].astype(np.int64)
    uniq, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    return uniq.astype(np.int64), inv.ravel().astype(np.int64), cnt.astype(np.int64)


def group_codes(
    codes: Sequence[Codes], sizes: Sequence[int], weights: NDArray[np.int64] | None = None
) -> tuple[list[Codes], NDArray[np.int64]]:
    """Distinct combinations of the code columns and how many rows have each.

    Returns the code of each column per group and the counts (the sum of ``weights`` when
    given: rows then stand for that many votes).
    """
    sizes = [max(int(m), 1) for m in sizes]
    small = math.prod(sizes) < 2**31  # the usual case: 32-bit keys halve the memory traffic
    key: Codes = np.asarray(codes[0], dtype=np.int32 if small else np.int64)
    size = sizes[0]
    stages: list[tuple[int, Codes | None]] = []  # (radix, uniq keys before it if densified)
    for c, m in zip(codes[1:], sizes[1:], strict=True):
        prev: Codes | None = None
        if size * m >= _KEY_LIMIT:
            prev, key, _ = _dense(key, size)
            size = int(prev.size)
        key = key * m  # a new array: the caller's codes are never modified
        key += c
        size *= m
        stages.append((m, prev))
    gkey: Codes
    if weights is None:
        if size <= max(4 * key.size, _DENSE_LIMIT):
            full = np.bincount(key, minlength=size)
            gkey = np.flatnonzero(full).astype(np.int64)
            counts = full[gkey].astype(np.int64)
        else:
            uk, uc = np.unique(key, return_counts=True)
            gkey, counts = uk.astype(np.int64), uc.astype(np.int64)
    else:
        gkey, inv, _ = _dense(key, size)
        counts = np.bincount(inv, weights=weights, minlength=gkey.size).astype(np.int64)
    cols: list[Codes] = []
    rest: Codes = gkey
    for m, prev in reversed(stages):
        cols.append(rest % m)
        rest = rest // m
        if prev is not None:
            rest = prev[rest]
    cols.append(rest)
    cols.reverse()
    return cols, counts


# ---------------------------------------------------------------------------- problems
#: Where rows are: (first global rows or None when unknown, how many, how many to show)
#: -> text such as "row(s) 3, 7", "line(s) 5, 9" or "2 row(s)".
Where = Callable[[list[int] | None, int, int], str]

#: Order in which problems are reported: the order in which Votes.from_frame checks.
_RANKS = (
    "label_missing_a", "label_type_a", "label_mixed_a", "label_long_a",
    "label_missing_b", "label_type_b", "label_mixed_b", "label_long_b", "label_kinds",
    "count_bad", "outcome_missing", "outcome_unknown", "weight_type", "weight_text",
    "weight_missing", "weight_nonfinite", "weight_negative", "self", "not_in_items_a",
    "not_in_items_b", "time_missing", "cluster_missing",
)
_LIMIT = 5
_NONE = object()


def _merge_rows(mine: list[int] | None, new: Sequence[int] | None, limit: int) -> list[int] | None:
    if mine is None or new is None:
        return None
    if len(mine) < limit:
        mine.extend(int(r) for r in new[: limit - len(mine)])
    return mine


@dataclass
class _Found:
    count: int = 0
    rows: list[int] | None = field(default_factory=list)
    values: dict[Any, list[Any]] = field(default_factory=dict)  # key -> [value, count, rows]
    n_values: int = 0
    example: Any = _NONE


class Problems:
    """Every invalid value met while counting, with its first rows and how many there are."""

    def __init__(self) -> None:
        self.found: dict[str, _Found] = {}

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, kind: str, count: int, rows: Sequence[int] | None, *, value: Any = _NONE,
            example: Any = _NONE) -> None:
        """Record ``count`` rows (first ones: ``rows``, None when unknown) with problem ``kind``."""
        f = self.found.setdefault(kind, _Found())
        f.count += count
        f.rows = _merge_rows(f.rows, rows, _LIMIT)
        if example is not _NONE and f.example is _NONE:
            f.example = example
        if value is not _NONE:
            key = _hash_key(value)
            if key not in f.values:
                f.n_values += 1
                if len(f.values) >= 10:
                    return
                f.values[key] = [value, 0, []]
            entry = f.values[key]
            entry[1] += count
            entry[2] = _merge_rows(entry[2], rows, 3)

    def raise_first(self, names: Mapping[str, str], where: Where, prefix: str = "") -> None:
        """Raise the first problem, in :class:`~elosim.Votes`' order, as Votes words it."""
        if not self.found:
            return
        kind = min(self.found, key=_RANKS.index)
        exc = _message(kind, self.found[kind], names, where)
        if prefix:
            exc = type(exc)(prefix + str(exc))
        raise exc


def _message(kind: str, f: _Found, names: Mapping[str, str], where: Where) -> Exception:
    col = names.get(kind[-1], "")
    at = where(f.rows, f.count, _LIMIT)
    wname = names.get("weight", "weight")
    ex = f.example
    if kind.startswith("label_missing"):
        return VotesError(
            f"column {col!r} has {f.count} missing item label(s) at {at}; "
            "drop or fill those rows first"
        )
    if kind.startswith("label_type"):
        return TypeError(
            f"column {col!r} holds an item label of type {type(ex).__name__} ({ex!r}); "
            "item labels must be strings (or integers)"
        )
    if kind.startswith("label_mixed"):
        return TypeError(
            f"column {col!r} mixes string and integer item labels; use one type "
            "(e.g. convert all labels with str())"
        )
    if kind.startswith("label_long"):
        return VotesError(
            f"column {col!r} has item labels longer than {_MAX_LABEL} characters at {at}; "
            "is this the right column?"
        )
    if kind == "label_kinds":
        return TypeError(
            f"columns {names['a']!r} and {names['b']!r} hold different kinds of item labels "
            f"({ex[0]} and {ex[1]}); use one type (e.g. convert all labels with str())"
        )
    if kind == "count_bad":
        return VotesError(
            f"count column {names.get('count', 'count')!r} must hold non-negative integers; "
            f"got {ex!r} at {at}"
        )
    if kind == "outcome_missing":
        return VotesError(f"column {names['winner']!r} has {f.count} missing outcome(s) at {at}")
    if kind == "outcome_unknown":
        desc = "; ".join(f"{v!r} ({where(r, n, 3)})" for v, n, r in f.values.values())
        allowed = "'model_a', 'model_b', 'tie', 'tie (bothbad)', 'both_bad'"
        return VotesError(
            f"column {names['winner']!r} has {f.n_values} unknown outcome label(s): {desc}. "
            f"Allowed: {allowed}, the name of the winning item (one of the row's two items), "
            "or the numbers 1 (A wins), 0 (B wins) and 0.5 (tie). Unknown labels are never "
            "read as ties."
        )
    if kind == "weight_type":
        return TypeError(
            f"weight column {wname!r} holds a value of type {type(ex).__name__} ({ex!r}); "
            "weights must be numbers"
        )
    if kind == "weight_text":
        vals = [v for v, _, _ in f.values.values()][:5]
        return VotesError(f"weight column {wname!r} has {f.count} non-numeric value(s) "
                          f"{vals} at {at}")
    if kind == "weight_missing":
        return VotesError(
            f"weight column {wname!r} has {f.count} missing value(s) at {at}; drop or fill "
            "those rows first"
        )
    if kind == "weight_nonfinite":
        return VotesError(
            f"weight column {wname!r} has {f.count} missing or non-finite value(s) at {at} "
            f"(e.g. {ex!r}); weights must be finite numbers >= 0"
        )
    if kind == "weight_negative":
        first = "" if not f.rows else " at " + where(f.rows[:1], 1, 1).replace("(s)", "")
        return VotesError(
            f"weight column {wname!r} has {f.count} negative value(s) at {at}; weights must "
            f"be >= 0 (got {ex:g}{first})"
        )
    if kind == "self":
        return VotesError(
            f"{f.count} self-comparison(s) (an item against itself) at {at}, e.g. {ex!r}; "
            "pass drop_self=True to drop them"
        )
    if kind.startswith("not_in_items"):
        labs = sorted(str(v) for v, _, _ in f.values.values())[:10]
        return VotesError(f"column {col!r} has labels not in items: {labs} (first at {at})")
    role = kind.split("_")[0]  # time_missing, cluster_missing
    return VotesError(f"{role} has {f.count} missing value(s) at {at}")


# ---------------------------------------------------------------------------- parsing
def _used(codes: Codes, n: int) -> list[int]:
    """The distinct codes that occur (sorted), by counting: O(len(codes) + n)."""
    return np.flatnonzero(np.bincount(codes, minlength=n)).tolist()  # type: ignore[no-any-return]


def _label_class(v: Any) -> str:
    """"str", "int", "missing", "long" or "other" for one distinct item label."""
    if isinstance(v, (str, np.str_)):
        if not v.strip():
            return "missing"
        return "long" if len(v) > _MAX_LABEL else "str"
    if _is_int_type(type(v)):
        return "int"
    if _is_missing(v):
        return "missing"
    return "other"


def _weight_value(v: Any) -> tuple[float, str | None]:
    """A distinct weight as float, or the kind of its problem."""
    if _is_missing(v):
        return math.nan, "weight_missing"
    if isinstance(v, (bool, np.bool_, numbers.Real)):
        w = float(v)
    elif isinstance(v, str):
        try:
            w = float(v)
        except ValueError:
            return math.nan, "weight_text"
    else:
        return math.nan, "weight_type"
    if math.isnan(w):
        return w, "weight_missing"
    if not math.isfinite(w):
        return w, "weight_nonfinite"
    if w < 0:
        return w, "weight_negative"
    return w, None


@dataclass
class Batch:
    """One batch of rows: codes and distinct values of its key columns, its first row."""

    codes: Mapping[str, Codes]
    values: dict[str, list[Any]]
    start: int
    count: NDArray[np.int64] | None = None
    #: the batch's groups and their counts, when already formed (see :func:`encode_batch`)
    groups: tuple[list[Codes], NDArray[np.int64]] | None = None
    size: int | None = None

    @property
    def n_rows(self) -> int:
        if self.size is not None:
            return self.size
        return int(next(iter(self.codes.values())).size)

    def rows_where(self, role: str, which: Sequence[int]) -> list[int]:
        """First global rows whose ``role`` value is one of ``which``."""
        mask = np.isin(self.codes[role], np.asarray(list(which), dtype=np.int64))
        return [int(r) + self.start for r in np.flatnonzero(mask)[:_LIMIT]]

    def rows_of_groups(self, gcodes: Mapping[str, Codes], sel: NDArray[np.intp]) -> list[int]:
        """First global rows of the selected groups."""
        mask = np.zeros(self.n_rows, dtype=bool)
        for g in sel[:_LIMIT].tolist():
            m = np.ones(self.n_rows, dtype=bool)
            for role, c in self.codes.items():
                m &= c == gcodes[role][g]
            mask |= m
        return [int(r) + self.start for r in np.flatnonzero(mask)[:_LIMIT]]


def encode_batch(columns: Mapping[str, Any], start: int, count: Any = None) -> Batch:
    """Encode the key columns (by role) of one batch; ``count``: votes per row, if any."""
    roles = [r for r in ROLES if r in columns]
    cols = [columns[r] for r in roles]
    n = len(cols[0])
    if count is None and _THREADS > 1 and n >= _THREAD_ROWS and all(map(_is_arrow, cols)):
        # pyarrow's hash encoding releases the GIL: each thread encodes and groups a slice
        # of rows; the slices' few groups are then merged (their values unified)
        arrow = [_as_arrow(c) for c in cols]
        step = -(-n // _THREADS)
        slices = [[c.slice(lo, step) for c in arrow] for lo in range(0, n, step)]
        with ThreadPoolExecutor(_THREADS) as pool:
            return _merge_slices(roles, list(pool.map(_encode_and_group, slices)), start, n)
    # tables of counts (a count column) are small: one pass per column
    encoded = [encode_column(c) for c in cols]
    codes = {r: e[0] for r, e in zip(roles, encoded, strict=True)}
    values = {r: e[1] for r, e in zip(roles, encoded, strict=True)}
    cnt = None if count is None else _native_array(count)
    return Batch(codes, values, start, cnt)


_Slice = tuple[list[Codes], list[list[Any]], list[Codes], NDArray[np.int64]]


def _encode_and_group(columns: list[Any]) -> _Slice:
    """Codes and distinct values of each column of a slice of rows, and its groups."""
    encoded = [_arrow_encode(c) for c in columns]
    codes = [e[0] for e in encoded]
    values = [e[1] for e in encoded]
    gcols, counts = group_codes(codes, [len(v) for v in values])
    return codes, values, gcols, counts


def _merge_slices(roles: list[str], parts: list[_Slice], start: int, n: int) -> Batch:
    """One :class:`Batch` from slices encoded and grouped apart (see :func:`encode_batch`).

    The groups are merged over the unified values; each row's code (needed only to locate
    rows with a problem) is made when first asked for.
    """
    values: dict[str, list[Any]] = {}
    remaps: dict[str, list[Codes]] = {}
    for k, role in enumerate(roles):
        values[role], remaps[role] = _unify_values([p[1][k] for p in parts])
    gcodes = [
        np.concatenate([remaps[role][t][p[2][k]] for t, p in enumerate(parts)])
        for k, role in enumerate(roles)
    ]
    counts = np.concatenate([p[3] for p in parts])
    groups = group_codes(gcodes, [len(values[r]) for r in roles], counts)

    def row_codes(role: str) -> Codes:
        k = roles.index(role)
        return np.concatenate([remaps[role][t][p[0][k]] for t, p in enumerate(parts)])

    return Batch(_RowCodes(roles, row_codes), values, start, None, groups, n)


class _RowCodes(Mapping[str, Codes]):
    """Each row's code per role, made (and kept) when first asked for."""

    def __init__(self, roles: list[str], make: Callable[[str], Codes]) -> None:
        self._roles = roles
        self._make = make
        self._done: dict[str, Codes] = {}

    def __getitem__(self, role: str) -> Codes:
        if role not in self._roles:
            raise KeyError(role)
        if role not in self._done:
            self._done[role] = self._make(role)
        return self._done[role]

    def __contains__(self, role: object) -> bool:  # without making the codes
        return role in self._roles

    def __iter__(self) -> Iterator[str]:
        return iter(self._roles)

    def __len__(self) -> int:
        return len(self._roles)


#: Threads that encode and group slices of one batch (Arrow data only), and the least rows
#: for which they are worth starting.
_THREADS = min(4, os.cpu_count() or 1)
_THREAD_ROWS = 1 << 16


def _as_arrow(col: Any) -> Any:
    if type(col).__module__.startswith("pyarrow"):
        return col
    import pyarrow as pa

    return pa.array(col.array)


def _is_arrow(col: Any) -> bool:
    if type(col).__module__.startswith("pyarrow"):
        return True
    return hasattr(col, "array") and hasattr(col.array, "__arrow_array__") and (
        str(getattr(col, "dtype", "")) != "category"
    )


def _native_array(col: Any) -> NDArray[Any]:
    if hasattr(col, "to_numpy"):
        return np.asarray(col.to_numpy(zero_copy_only=False) if type(col).__module__.startswith(
            "pyarrow") else col.to_numpy())
    return np.asarray(col)


def invalid_counts(c: NDArray[Any]) -> NDArray[np.bool_]:
    """Which entries of a count column are not non-negative integers."""
    if c.dtype.kind in "iu":
        return np.asarray(c < 0)
    if c.dtype.kind == "f":
        return np.asarray(~np.isfinite(c) | (c < 0) | (c != np.round(c)))
    return np.ones(c.shape, dtype=bool)


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def check_counts(c: NDArray[Any], name: str) -> NDArray[np.int64]:
    """A count column as int64, or the VotesError naming a bad value (no row positions)."""
    bad = np.flatnonzero(invalid_counts(c))
    if bad.size:
        raise VotesError(
            f"count column {name!r} must hold non-negative integers; got {_py(c[bad[0]])!r} "
            f"in {bad.size:,} row(s)"
        )
    return np.asarray(c, dtype=np.int64)


@dataclass
class Tally:
    """Counts merged over batches: groups of (label ids, outcome code[, weight][, cluster
    and time-bin ids]) with their numbers of votes. Memory O(distinct groups)."""

    items: Sequence[str] | None = None
    drop_self: bool = False
    labels: dict[str, int] = field(default_factory=dict)
    label_kind: dict[str, str] = field(default_factory=dict)
    #: side -> normalised label -> the raw spellings seen (several: reported as merged)
    spellings: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    others: dict[str, dict[Any, int]] = field(default_factory=dict)
    other_values: dict[str, list[Any]] = field(default_factory=dict)
    parts: list[dict[str, NDArray[Any]]] = field(default_factory=list)
    n_part_groups: int = 0
    problems: Problems = field(default_factory=Problems)
    n_rows: int = 0
    n_rows_seen: int = 0
    n_dropped: int = 0

    def __post_init__(self) -> None:
        if self.items is not None:
            self.items = [str(x) for x in self.items]
        for role in ("cluster", "time"):
            self.others.setdefault(role, {})
            self.other_values.setdefault(role, [])

    # -------------------------------------------------------------- one batch
    def add_batch(self, batch: Batch) -> None:
        """Group the rows of ``batch``, validate the groups and merge them."""
        count = batch.count
        if count is not None:
            count = self._check_count(batch, count)
        roles = [r for r in ROLES if r in batch.codes]
        if batch.groups is not None:
            cols, counts = batch.groups
        else:
            cols, counts = group_codes(
                [batch.codes[r] for r in roles], [len(batch.values[r]) for r in roles], count
            )
        self.add_groups(dict(zip(roles, cols, strict=True)), counts, batch.values, batch)

    def _check_count(self, batch: Batch, count: NDArray[Any]) -> NDArray[np.int64] | None:
        c = np.asarray(count)
        bad = invalid_counts(c)
        if bad.any():
            idx = np.flatnonzero(bad)
            self.problems.add("count_bad", int(idx.size), (idx[:_LIMIT] + batch.start).tolist(),
                              example=c[idx[0]].item())
            return None
        return c.astype(np.int64)

    def add_groups(self, gcodes: dict[str, Codes], counts: NDArray[np.int64],
                   values: Mapping[str, list[Any]], batch: Batch | None = None) -> None:
        """Validate and merge groups: ``values[role][gcodes[role][g]]`` is group ``g``'s value.

        With ``batch`` (the rows at hand) problems are located by row; without (groups
        reduced elsewhere, e.g. by Dask or Spark) only counted.
        """
        probs = self.problems
        self.n_rows += int(counts.sum())

        def rows(role: str, which: Sequence[int]) -> tuple[int, list[int] | None]:
            sel = np.isin(gcodes[role], np.asarray(list(which), dtype=np.int64))
            n = int(counts[sel].sum())
            return n, None if batch is None else batch.rows_where(role, which)

        def group_rows(sel: NDArray[np.intp]) -> list[int] | None:
            return None if batch is None else batch.rows_of_groups(gcodes, sel)

        ok = np.ones(counts.size, dtype=bool)
        ids = {side: self._labels(side, values[side], gcodes[side], rows) for side in "ab"}
        ka, kb = self.label_kind.get("a"), self.label_kind.get("b")
        if ka and kb and ka != kb:
            probs.add("label_kinds", 0, None, example=(ka, kb))
        ia, ib = ids["a"][gcodes["a"]], ids["b"][gcodes["b"]]
        ok &= (ia >= 0) & (ib >= 0)
        code = self._outcomes(values["winner"], gcodes["winner"], ia, ib, counts, rows,
                              group_rows)
        ok &= code >= 0
        weight = None
        if "weight" in values:
            weight = self._weights(values["weight"], gcodes["weight"], rows)
            ok &= np.isfinite(weight)
        other: dict[str, Codes] = {}
        for role in ("time", "cluster"):
            if role in values:
                other[role] = self._others(role, values[role], gcodes[role], rows)
                ok &= other[role] >= 0
        same = np.flatnonzero(ok & (ia == ib))
        if same.size:
            ok[same] = False
            if self.drop_self:
                self.n_dropped += int(counts[same].sum())
            else:
                lab = values["a"][int(gcodes["a"][same[0]])]
                probs.add("self", int(counts[same].sum()), group_rows(same), example=str(lab))
        if self.items is not None:
            self._check_items(values, gcodes, ids, ok, rows)
        if probs:
            return
        part: dict[str, NDArray[Any]] = {"a": ia[ok], "b": ib[ok], "o": code[ok], "n": counts[ok]}
        if weight is not None:
            part["w"] = weight[ok]
        for role, oid in other.items():
            part[role] = oid[ok]
        self.parts.append(part)
        self.n_part_groups += int(ok.sum())
        if len(self.parts) > 64 or self.n_part_groups > 4_000_000:
            self.compact()

    def _labels(self, side: str, vals: list[Any], codes: Codes,
                rows: Callable[[str, Sequence[int]], tuple[int, list[int] | None]]) -> Codes:
        """Label id (into :attr:`labels`) of each distinct value; -1 for invalid ones."""
        cls = {u: _label_class(vals[u]) for u in _used(codes, len(vals))}
        for c in ("missing", "long"):
            sel = [u for u, k in cls.items() if k == c]
            if sel:
                self.problems.add(f"label_{c}_{side}", *rows(side, sel))
        other = [u for u, k in cls.items() if k == "other"]
        if other:
            self.problems.add(f"label_type_{side}", 0, None, example=vals[other[0]])
        kinds = {k for k in cls.values() if k in ("str", "int")}
        if side in self.label_kind:
            kinds.add(self.label_kind[side])
        if len(kinds) > 1:
            self.problems.add(f"label_mixed_{side}", 0, None)
        elif kinds:
            self.label_kind[side] = kinds.pop()
        ids = np.full(len(vals), -1, dtype=np.int64)
        spelled = self.spellings.setdefault(side, {})
        for u, k in cls.items():
            if k in ("str", "int"):
                s = normalize_label(vals[u], side)
                ids[u] = self.labels.setdefault(str(s), len(self.labels))
                if k == "str":
                    spelled.setdefault(s, set()).add(str(vals[u]))
        return ids

    def _outcomes(self, vals: list[Any], codes: Codes, ia: Codes, ib: Codes,
                  counts: NDArray[np.int64],
                  rows: Callable[[str, Sequence[int]], tuple[int, list[int] | None]],
                  group_rows: Callable[[NDArray[np.intp]], list[int] | None]) -> Codes:
        """Outcome code (relative to sides A and B) of each group; negative when invalid."""
        used = _used(codes, len(vals))
        info = {u: _classify_outcome(vals[u]) for u in used}
        table = np.full(len(vals), _UNKNOWN, dtype=np.int64)
        for u, t in info.items():
            table[u] = t[0]
        code = table[codes]
        open_ = np.flatnonzero(code == _UNKNOWN)
        if open_.size:  # a number (1, 0, 0.5) or the label of the row's winning item
            label_of = {j: s for s, j in self.labels.items()}
            for g in open_.tolist():
                _, num, name, _ = info[int(codes[g])]
                named = (A_WINS if name is not None and label_of.get(int(ia[g])) == name
                         else B_WINS if name is not None and label_of.get(int(ib[g])) == name
                         else _UNKNOWN)
                code[g] = num if num >= 0 else named
        miss = [u for u in used if table[u] == _MISSING]
        if miss:
            self.problems.add("outcome_missing", *rows("winner", miss))
        bad = np.flatnonzero(code == _UNKNOWN)
        for u in _used(codes[bad], len(vals)):
            sel = bad[codes[bad] == u]
            self.problems.add("outcome_unknown", int(counts[sel].sum()), group_rows(sel),
                              value=vals[u])
        return code

    def _weights(self, vals: list[Any], codes: Codes,
                 rows: Callable[[str, Sequence[int]], tuple[int, list[int] | None]]
                 ) -> NDArray[np.float64]:
        conv = np.full(len(vals), np.nan)
        for u in _used(codes, len(vals)):
            w, problem = _weight_value(vals[u])
            if problem is None:
                conv[u] = w
            elif problem == "weight_type":
                self.problems.add(problem, 0, None, example=vals[u])
            else:
                n, r = rows("weight", [u])
                ex = vals[u] if problem == "weight_text" else w
                self.problems.add(problem, n, r, example=ex,
                                  **({"value": vals[u]} if problem == "weight_text" else {}))
        out: NDArray[np.float64] = conv[codes]
        return out

    def _others(self, role: str, vals: list[Any], codes: Codes,
                rows: Callable[[str, Sequence[int]], tuple[int, list[int] | None]]) -> Codes:
        ids = np.full(len(vals), -1, dtype=np.int64)
        lookup, seen = self.others[role], self.other_values[role]
        missing = []
        for u in _used(codes, len(vals)):
            v = vals[u]
            if _is_missing(v):
                missing.append(u)
                continue
            key = _hash_key(v)
            j = lookup.get(key)
            if j is None:
                j = lookup[key] = len(seen)
                seen.append(v)
            ids[u] = j
        if missing:
            self.problems.add(f"{role}_missing", *rows(role, missing))
        out: Codes = ids[codes]
        return out

    def _check_items(self, values: Mapping[str, list[Any]], gcodes: Mapping[str, Codes],
                     ids: Mapping[str, Codes], ok: NDArray[np.bool_],
                     rows: Callable[[str, Sequence[int]], tuple[int, list[int] | None]]) -> None:
        assert self.items is not None
        wanted = set(self.items)
        label_of = {j: s for s, j in self.labels.items()}
        for side in "ab":
            used = _used(gcodes[side][ok], len(values[side]))
            out = [u for u in used if label_of[int(ids[side][u])] not in wanted]
            if out:
                n, r = rows(side, out)
                for u in out:
                    self.problems.add(f"not_in_items_{side}", 0, None,
                                      value=label_of[int(ids[side][u])])
                self.problems.add(f"not_in_items_{side}", n, r)

    # -------------------------------------------------------------- merging
    def _merged(self) -> dict[str, NDArray[Any]]:
        keys = list(self.parts[0])
        return {k: np.concatenate([p[k] for p in self.parts]) for k in keys}

    def compact(self) -> None:
        """Merge the accumulated groups (sum the counts of equal groups)."""
        if len(self.parts) < 2:
            return
        m = self._merged()
        roles = [k for k in m if k not in ("n", "w")]
        codes = [m[k] for k in roles]
        sizes = [int(c.max()) + 1 if c.size else 1 for c in codes]
        wu = None
        if "w" in m:
            wu, winv = np.unique(m["w"], return_inverse=True)
            codes.append(winv.ravel().astype(np.int64))
            sizes.append(int(wu.size))
        cols, counts = group_codes(codes, sizes, m["n"])
        out = dict(zip(roles, cols, strict=False))
        if wu is not None:
            out["w"] = wu[cols[-1]]
        out["n"] = counts
        self.parts = [out]
        self.n_part_groups = int(counts.size)

    def finish(self, names: Mapping[str, str], where: Where, prefix: str = "") -> VoteCounts:
        """The :class:`~elosim.VoteCounts` of everything added (or the first problem)."""
        self.problems.raise_first(names, where, prefix)
        if not self.parts or not any(p["n"].size for p in self.parts):
            if self.n_dropped:
                raise VotesError(prefix + "no votes left after dropping self-comparisons")
            raise VotesError(prefix + "no votes: the input is empty")
        self.compact()
        m = self.parts[0]
        label_of = np.array(sorted(self.labels, key=self.labels.__getitem__), dtype=object)
        if self.items is None:
            used = np.union1d(m["a"], m["b"])
            items = tuple(sorted(label_of[used].tolist()))
        else:
            items = tuple(self.items)
            if len(set(items)) != len(items):
                dup = sorted({x for x in items if items.count(x) > 1})
                raise VotesError(f"items has duplicated labels: {dup[:10]}")
        if len(items) < 2:
            raise VotesError(f"need at least two items to compare; got {len(items)}: {items}")
        check_label_set(
            items, name=f"columns {names['a']!r} and {names['b']!r}", stacklevel=4,
            merged=merged_spellings(*(
                {lab: sorted(raw) for lab, raw in sp.items()} for sp in self.spellings.values()
            )),
        )
        pos = {s: k for k, s in enumerate(items)}
        remap = np.array([pos.get(s, -1) for s in label_of.tolist()], dtype=np.intp)
        w = m.get("w")
        if w is not None and not np.any(w > 0):
            raise VotesError(prefix + "all weights are zero")
        counts, row_cell = reduce_votes(
            len(items), items, remap[m["a"]], remap[m["b"]], m["o"].astype(np.int8), w,
            count=m["n"],
        )
        keep = m["n"] > 0
        extra: dict[str, Any] = {}
        for role in ("cluster", "time"):
            if role in m:
                uniq, rank = np.unique(np.array(self.other_values[role]), return_inverse=True)
                ids = rank.ravel()[m[role][keep]]
                extra[role] = readonly(uniq)
                extra[f"{role}_counts"] = group_matrix(
                    ids, int(uniq.size), row_cell, m["n"][keep], counts.n_cells
                )
        if extra:
            counts = replace(counts, **extra)
        return counts
