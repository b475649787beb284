"""Parsing and validation of vote columns: item labels, outcomes, weights, count matrices.

Validation is vectorised: labels, outcomes and weights are checked once per *distinct* value
and mapped back to the rows. Every problem is reported with the column, the offending value
and its first row numbers. :class:`~elosim.Votes` and the readers build on these.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._core.errors import VotesError
from .labels import normalize_label, normalize_labels

if TYPE_CHECKING:
    pass


__all__ = ["A_WINS", "B_WINS", "NUMERIC_OUTCOMES", "TIE", "WINNER_LABELS"]

#: Outcome codes stored in :attr:`Votes.outcome`.
A_WINS, B_WINS, TIE = 0, 1, 2

#: Outcome labels accepted in a ``winner`` column (LMArena's conventions).
WINNER_LABELS: dict[str, int] = {
    "model_a": A_WINS,
    "model_b": B_WINS,
    "tie": TIE,
    "tie (bothbad)": TIE,
    "both_bad": TIE,
    "both bad": TIE,
}

#: Numeric outcomes: 1 = A wins, 0 = B wins, 0.5 = tie (also as the strings "1", "0", "0.5").
NUMERIC_OUTCOMES: dict[float, int] = {1.0: A_WINS, 0.0: B_WINS, 0.5: TIE}

_MAX_LABEL = 1000

# classes of outcome values (negative, so they never collide with real codes)
_UNKNOWN, _MISSING = -1, -3


#: Line of the file holding data row 0 while a file is parsed (None: an in-memory table).
_FIRST_LINE: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "elosim_first_data_line", default=None
)


@contextlib.contextmanager
def file_lines(first_line: int = 2) -> Iterator[None]:
    """Within this block, row numbers in messages are the lines of the file being read, as
    a user sees them in an editor (the header is line 1, so data row 0 is line 2)."""
    token = _FIRST_LINE.set(int(first_line))
    try:
        yield
    finally:
        _FIRST_LINE.reset(token)


def row_numbers(idx: NDArray[np.intp] | Sequence[int], limit: int = 5) -> str:
    """The first row numbers of ``idx`` for a message: 0-based positions in a table, or the
    file's line numbers (header = line 1) while a file is read (:func:`file_lines`)."""
    idx = list(idx)
    first = _FIRST_LINE.get()
    shift = 0 if first is None else first
    s = ", ".join(str(int(i) + shift) for i in idx[:limit])
    s += f", ... ({len(idx) - limit} more)" if len(idx) > limit else ""
    return s if first is None else s + " (lines of the file; the header is line 1)"


def _is_pandas_na(x: Any) -> bool:
    """Whether ``x`` is ``pandas.NA`` (without importing pandas)."""
    pd_mod = sys.modules.get("pandas")
    return pd_mod is not None and x is getattr(pd_mod, "NA", None)


def _is_missing(x: Any) -> bool:
    if x is None or _is_pandas_na(x):
        return True
    if isinstance(x, float) and math.isnan(x):
        return True
    if isinstance(x, str):
        return x.strip() == ""
    try:  # numpy.datetime64('NaT'), pandas.NaT, numpy floats
        return bool(x != x)
    except (TypeError, ValueError):
        return False


def _is_int_type(t: type) -> bool:
    return issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_))


def missing_mask(arr: NDArray[Any]) -> NDArray[np.bool_]:
    """Vectorised missing-value test (None, NaN, NaT, pandas.NA, blank strings)."""
    kind = arr.dtype.kind
    if kind in "fc":
        return np.asarray(np.isnan(arr), dtype=bool)
    if kind in "mM":
        return np.asarray(np.isnat(arr), dtype=bool)
    if kind == "U":
        return np.asarray(np.char.str_len(np.char.strip(arr)) == 0, dtype=bool)
    if kind != "O":
        return np.zeros(arr.shape, dtype=bool)
    flat = arr.ravel()
    lst = flat.tolist()
    types = set(map(type, lst))
    if all(_is_int_type(t) for t in types):
        out = np.zeros(flat.size, dtype=bool)
    elif types <= {str}:
        out = (flat == "") | np.fromiter(map(str.isspace, lst), dtype=bool, count=flat.size)
    else:
        out = np.fromiter(map(_is_missing, lst), dtype=bool, count=flat.size)
    return out.reshape(arr.shape)


def as_column(values: Any, name: str) -> NDArray[Any]:
    """A 1-D numpy array view or copy of ``values`` (never modified afterwards)."""
    if isinstance(values, np.ndarray):
        arr = values
    elif hasattr(values, "to_numpy") and hasattr(values, "dtype"):  # pandas Series / Index
        if isinstance(values.dtype, np.dtype) and values.dtype.kind != "O":
            arr = values.to_numpy()
        else:  # str, string, categorical, nullable dtypes: python objects
            arr = values.to_numpy(dtype=object)
    else:
        try:
            arr = np.asarray(values, dtype=object)
        except (TypeError, ValueError) as exc:  # pragma: no cover - exotic inputs
            raise TypeError(f"{name} could not be read as a 1-D array: {exc}") from None
    if arr.ndim != 1:
        raise VotesError(f"{name} must be one-dimensional; got shape {arr.shape}")
    return arr


def _factorize_objects(lst: list[Any]) -> tuple[list[Any], NDArray[np.intp]]:
    """Distinct values (first-seen order) and each row's index into them (hash based)."""
    try:
        uniq = list(dict.fromkeys(lst))
    except TypeError:  # unhashable values: every row is its own "distinct" value
        return lst, np.arange(len(lst), dtype=np.intp)
    lookup = dict(zip(uniq, range(len(uniq)), strict=True))
    inv = np.fromiter(map(lookup.__getitem__, lst), dtype=np.intp, count=len(lst))
    return uniq, inv


def _label_error(values: NDArray[Any], name: str) -> None:
    """Raise the precise error for labels that are not all str (or all int)."""
    lst = values.tolist()
    missing = np.flatnonzero(np.fromiter(map(_is_missing, lst), dtype=bool, count=len(lst)))
    if missing.size:
        raise VotesError(
            f"column {name!r} has {missing.size} missing item label(s) at row(s) "
            f"{row_numbers(missing)}; drop or fill those rows first"
        )
    kinds = set()
    for v in lst:
        if isinstance(v, (str, np.str_)):
            kinds.add("str")
        elif _is_int_type(type(v)):
            kinds.add("int")
        else:
            raise TypeError(
                f"column {name!r} holds an item label of type {type(v).__name__} ({v!r}); "
                "item labels must be strings (or integers)"
            )
    raise TypeError(
        f"column {name!r} mixes string and integer item labels; use one type "
        "(e.g. convert all labels with str())"
    )


def _normalise_factor(
    labels: list[str], inv: NDArray[np.intp]
) -> tuple[list[str], NDArray[np.intp], dict[str, list[str]]]:
    """Apply the label rule (NFC, strip) to distinct labels; merge those that coincide.

    Returns the distinct normalised labels, the rows' codes into them, and the raw
    spellings of each normalised label (empty when no label changed).
    """
    norm = normalize_labels(labels)
    if norm == labels:
        return labels, inv, {}
    spellings: dict[str, list[str]] = {}
    for raw, x in zip(labels, norm, strict=True):
        spellings.setdefault(x, []).append(raw)
    uniq = list(spellings)
    if len(uniq) == len(norm):
        return norm, inv, spellings
    pos = {lab: k for k, lab in enumerate(uniq)}
    remap = np.array([pos[x] for x in norm], dtype=np.intp)
    return uniq, remap[inv], spellings


def factor_labels(
    values: NDArray[Any], name: str
) -> tuple[list[str], NDArray[np.intp], str, dict[str, list[str]]]:
    """Validate item labels and return (distinct normalised labels, row codes, label kind,
    raw spellings merged by the label rule of :mod:`elosim.data.labels`)."""
    kind = values.dtype.kind
    labels: list[str]
    if kind == "U":  # hashing python str is faster than sorting fixed-width unicode
        uniq, inv = _factorize_objects(values.tolist())
        labels = uniq
        lkind = "str"
    elif kind in "iu":
        uniq_arr, inv = np.unique(values, return_inverse=True)
        labels = [str(int(x)) for x in uniq_arr.tolist()]
        lkind = "int"
    elif kind == "O":
        lst = values.tolist()
        types = set(map(type, lst))
        if types and all(issubclass(t, str) for t in types):
            uniq, inv = _factorize_objects(lst)
            labels = [str(x) for x in uniq]
            lkind = "str"
        elif types and all(_is_int_type(t) for t in types):
            uniq, inv = _factorize_objects(lst)
            labels = [str(int(x)) for x in uniq]
            lkind = "int"
        else:
            _label_error(values, name)
            raise AssertionError("unreachable")  # pragma: no cover
    else:
        _label_error(values.astype(object), name)
        raise AssertionError("unreachable")  # pragma: no cover
    inv = np.asarray(inv, dtype=np.intp).ravel()
    spellings: dict[str, list[str]] = {}
    if lkind == "str":
        labels, inv, spellings = _normalise_factor(labels, inv)
        blank = [k for k, s in enumerate(labels) if not s]
        if blank:
            rows = np.flatnonzero(np.isin(inv, blank))
            raise VotesError(
                f"column {name!r} has {rows.size} missing item label(s) at row(s) "
                f"{row_numbers(rows)}; drop or fill those rows first"
            )
        long = [k for k, s in enumerate(labels) if len(s) > _MAX_LABEL]
        if long:
            rows = np.flatnonzero(np.isin(inv, long))
            raise VotesError(
                f"column {name!r} has item labels longer than {_MAX_LABEL} characters at "
                f"row(s) {row_numbers(rows)}; is this the right column?"
            )
    return labels, inv, lkind, spellings


def _classify_outcome(v: Any) -> tuple[int, int, str | None, bool]:
    """(label code, numeric code, item-label reading, looks numeric) of one distinct value.

    Codes are ``_UNKNOWN`` when the reading does not apply; ``_MISSING`` for missing cells.
    """
    if _is_missing(v):
        return _MISSING, _UNKNOWN, None, False
    if isinstance(v, (bool, np.bool_)):
        return _UNKNOWN, _UNKNOWN, None, False
    if _is_int_type(type(v)):
        return _UNKNOWN, NUMERIC_OUTCOMES.get(float(v), _UNKNOWN), str(int(v)), True
    if isinstance(v, numbers.Real):
        x = float(v)
        name = str(int(x)) if math.isfinite(x) and x == int(x) else None
        return _UNKNOWN, NUMERIC_OUTCOMES.get(x, _UNKNOWN), name, True
    if not isinstance(v, str):
        return _UNKNOWN, _UNKNOWN, None, False
    s = normalize_label(v)
    code = WINNER_LABELS.get(s.lower())
    if code is not None:
        return code, _UNKNOWN, None, False
    try:
        x = float(s)
    except ValueError:
        return _UNKNOWN, _UNKNOWN, s, False
    return _UNKNOWN, NUMERIC_OUTCOMES.get(x, _UNKNOWN), s, True


def _distinct_outcomes(values: NDArray[Any]) -> tuple[list[Any], NDArray[np.intp]]:
    if values.dtype.kind in "iuf":
        uniq_arr, inv = np.unique(values, return_inverse=True)
        return uniq_arr.tolist(), np.asarray(inv, dtype=np.intp).ravel()
    lst = values.tolist()
    if any(isinstance(x, (bool, np.bool_)) for x in lst):  # True == 1: no hashing
        return lst, np.arange(len(lst), dtype=np.intp)
    return _factorize_objects(lst)


def parse_outcomes(
    values: NDArray[Any], ia: NDArray[np.intp], ib: NDArray[np.intp], space: list[str], name: str
) -> NDArray[np.int8]:
    """Outcome code (0 A wins, 1 B wins, 2 tie) of each row; unknown values are an error,
    never a tie.

    A cell is an outcome label (``model_a``, ``tie``, ...), a number (1, 0, 0.5, also as
    text) or the label of the winning item (normalised by :mod:`elosim.data.labels`).
    With numeric item labels a value such as ``1`` can be both an outcome code and one of
    the row's items; where the two readings disagree the whole column decides: item ids if
    every numeric value is one of its row's items (or 0.5 for a tie) while some are not
    0/1/0.5; outcome codes in the opposite case; otherwise the column is refused as
    ambiguous, with the remedy. ``space`` holds the normalised labels ``ia``/``ib`` index.
    """
    uniq, inv = _distinct_outcomes(values)
    info = [_classify_outcome(u) for u in uniq]
    codes = np.array([t[0] for t in info], dtype=np.int8)[inv]
    open_ = np.flatnonzero(codes == _UNKNOWN)
    if open_.size:
        pos = {lab: k for k, lab in enumerate(space)}
        u = inv[open_]
        num = np.array([t[1] for t in info], dtype=np.int64)[u]
        nm_idx = np.array([-1 if t[2] is None else pos.get(t[2], -1) for t in info], np.intp)[u]
        nm = np.where(
            nm_idx < 0, _UNKNOWN,
            np.where(nm_idx == ia[open_], A_WINS, np.where(nm_idx == ib[open_], B_WINS, _UNKNOWN)),
        )
        chosen = np.where(num >= 0, num, nm)
        conflict = (num >= 0) & (nm >= 0) & (num != nm)
        if conflict.any():
            numeric = np.array([t[3] for t in info], dtype=bool)[u]
            ids_ok = bool(np.all((nm >= 0) | (num == TIE) | ~numeric))
            codes_ok = bool(np.all((num >= 0) | ~numeric))
            if ids_ok and not codes_ok:
                chosen = np.where(nm >= 0, nm, num)
            elif ids_ok == codes_ok and not (not ids_ok and np.any(chosen < 0)):
                r = int(open_[np.flatnonzero(conflict)[0]])
                raise VotesError(
                    f"column {name!r} is ambiguous: its values are both outcome codes "
                    "(1 = A wins, 0 = B wins, 0.5 = tie) and labels of the items compared, "
                    f"and the two readings disagree on {int(conflict.sum())} row(s) (e.g. row "
                    f"{r}: {space[ia[r]]!r} vs {space[ib[r]]!r}, {name} = {values[r]!r}). "
                    "Remedy: write the outcome as 'model_a' / 'model_b' / 'tie', e.g. "
                    "np.where(winner == a, 'model_a', np.where(winner == b, 'model_b', "
                    "'tie')), or give the items non-numeric labels"
                )
        codes[open_] = chosen
    missing = np.flatnonzero(codes == _MISSING)
    if missing.size:
        raise VotesError(
            f"column {name!r} has {missing.size} missing outcome(s) at row(s) "
            f"{row_numbers(missing)}"
        )
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        kbad = inv[bad]
        ks, first = np.unique(kbad, return_index=True)
        ks = ks[np.argsort(first)]
        desc = "; ".join(
            f"{uniq[k]!r} (row(s) {row_numbers(bad[kbad == k], 3)})" for k in ks[:10].tolist()
        )
        allowed = "'model_a', 'model_b', 'tie', 'tie (bothbad)', 'both_bad'"
        raise VotesError(
            f"column {name!r} has {ks.size} unknown outcome label(s): {desc}. Allowed: "
            f"{allowed}, the name of the winning item (one of the row's two items), or the "
            "numbers 1 (A wins), 0 (B wins) and 0.5 (tie). Unknown labels are never read as "
            "ties."
        )
    return codes


def parse_weight(values: NDArray[Any], name: str) -> NDArray[np.float64]:
    """Weights as float; missing cells (None, NaN, empty strings) are named with their rows."""
    kind = values.dtype.kind
    if kind in "iufb":
        w = values.astype(float)
    elif kind in "UO":
        lst = values.tolist()
        uniq, inv = _factorize_objects(lst)
        conv = np.empty(len(uniq))
        bad_text: list[int] = []
        for k, u in enumerate(uniq):
            if _is_missing(u):
                conv[k] = np.nan
            elif isinstance(u, (bool, np.bool_, numbers.Real)):
                conv[k] = float(u)
            elif isinstance(u, str):
                try:
                    conv[k] = float(u)
                except ValueError:
                    bad_text.append(k)
                    conv[k] = np.nan
            else:
                raise TypeError(
                    f"weight column {name!r} holds a value of type {type(u).__name__} "
                    f"({u!r}); weights must be numbers"
                )
        if bad_text:
            rows = np.flatnonzero(np.isin(inv, bad_text))
            vals = [uniq[k] for k in bad_text[:5]]
            raise VotesError(
                f"weight column {name!r} has {rows.size} non-numeric value(s) {vals} at "
                f"row(s) {row_numbers(rows)}"
            )
        w = conv[inv]
    else:
        raise TypeError(f"weight must be numeric; got dtype {values.dtype}")
    if kind in "UO" or kind == "f":
        miss = np.flatnonzero(np.isnan(w))
        if miss.size:
            raise VotesError(
                f"weight column {name!r} has {miss.size} missing value(s) at row(s) "
                f"{row_numbers(miss)}; drop or fill those rows first"
            )
    return w


def check_weight_values(w: NDArray[np.float64], label: str) -> NDArray[np.float64]:
    """Reject non-finite and negative weights, naming ``label`` (e.g. "weight column 'w'")."""
    bad = np.flatnonzero(~np.isfinite(w))
    if bad.size:
        raise VotesError(
            f"{label} has {bad.size} missing or non-finite value(s) at row(s) {row_numbers(bad)} "
            f"(e.g. {float(w[bad[0]])!r}); weights must be finite numbers >= 0"
        )
    bad = np.flatnonzero(w < 0)
    if bad.size:
        raise VotesError(
            f"{label} has {bad.size} negative value(s) at row(s) {row_numbers(bad)}; weights must "
            f"be >= 0 (got {float(w[bad[0]]):g} at row {row_numbers(bad[:1])})"
        )
    return w


def check_weight_scale(w: NDArray[np.float64], label: str = "weight") -> None:
    """Refuse weights whose unit cannot be represented: a total that overflows, or
    subnormal values (fewer significant bits). Only ratios of weights matter to elosim."""
    with np.errstate(over="ignore"):
        total = float(np.sum(w))
    if not np.isfinite(total):
        raise VotesError(
            f"{label} values are so large that their total overflows (largest "
            f"{float(w.max()):g}); only ratios of weights matter, so divide them by their "
            "maximum (weight / weight.max())"
        )
    tiny = np.flatnonzero((w > 0) & (w < np.finfo(np.float64).tiny))
    if tiny.size:
        raise VotesError(
            f"{label} has {tiny.size} subnormal value(s) (below 2.2e-308, e.g. "
            f"{float(w[tiny[0]]):g} at row {int(tiny[0])}), which lose precision; only ratios "
            "of weights matter, so rescale them (weight / weight.max()) or drop those votes"
        )


def native(values: Any) -> NDArray[Any]:
    """Per-vote extra data as a numpy array (pandas columns via ``to_numpy``)."""
    return values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)


def infer_text_column(values: NDArray[Any], *, dates: bool) -> NDArray[Any]:
    """Text read from CSV -> int64, float64 (or datetime64 when ``dates``) if every cell parses."""
    if values.dtype.kind != "O" or values.size == 0:
        return values
    for dtype in (np.int64, np.float64):
        try:
            return values.astype(dtype)
        except (TypeError, ValueError, OverflowError):
            pass
    if dates:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                return np.array(values.astype(str), dtype="datetime64")
            except (TypeError, ValueError, Warning):
                pass
    return values


def _datetimes(lst: list[Any], name: str) -> NDArray[Any] | None:
    """Python/pandas/numpy date-times as datetime64, or None when they are not all such."""
    import datetime as dt

    if not all(isinstance(x, (dt.date, np.datetime64)) for x in lst):
        return None
    if any(getattr(x, "tzinfo", None) is not None for x in lst):
        raise VotesError(
            f"{name} holds time stamps with a time zone; they cannot be compared with "
            "naive ones reliably. Remedy: convert them to UTC and drop the zone first, e.g. "
            "series.dt.tz_convert('UTC').dt.tz_localize(None)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return np.array([np.datetime64(x) for x in lst])
        except (TypeError, ValueError, Warning) as exc:
            raise VotesError(f"{name} holds time stamps numpy cannot read: {exc}") from None


def parse_time(values: NDArray[Any], name: str = "time") -> NDArray[Any]:
    """Time stamps that sort in time order: numbers or datetime64 (text is parsed).

    Text holding numbers becomes numbers (``"10"`` sorts after ``"9"``) and ISO dates become
    datetime64; any other text, mixed types (numbers and text, dates and numbers) and
    time-zone-aware stamps are refused with a :class:`VotesError` naming the first bad row:
    sorting them would silently give an order that is not the order in time.
    """
    kind = values.dtype.kind
    if kind in "iufmM":
        return values
    if kind == "b":
        raise TypeError(f"{name} must hold numbers or dates; got booleans")
    if kind not in "OU":
        raise TypeError(f"{name} must hold numbers or dates; got dtype {values.dtype}")
    obj = values.astype(object)
    lst = obj.tolist()
    types = set(map(type, lst))
    if all(issubclass(t, str) for t in types):
        out = infer_text_column(obj, dates=True)
        if out.dtype.kind != "O":
            return out
        bad = next(k for k, x in enumerate(lst) if _unparsable_time(x))
        raise VotesError(
            f"{name} holds text that is neither a number nor an ISO date, e.g. {lst[bad]!r} at "
            f"row {bad}; as text it would sort alphabetically ('10' before '9'), not in time. "
            "Remedy: convert it first, e.g. pandas.to_datetime(column, format=...) or "
            "column.astype(float)"
        )
    if all(_is_int_type(t) for t in types):
        return np.array(lst, dtype=np.int64)
    if all(issubclass(t, numbers.Real) and not issubclass(t, (bool, np.bool_)) for t in types):
        return np.array(lst, dtype=np.float64)
    dts = _datetimes(lst, name)
    if dts is not None:
        return dts
    first: dict[str, int] = {}
    for k, x in enumerate(lst):
        first.setdefault(type(x).__name__, k)
    shown = ", ".join(f"{t} (first at row {r})" for t, r in first.items())
    raise VotesError(
        f"{name} mixes types that cannot be ordered in time: {shown}. Remedy: use one type "
        "for every time stamp (numbers, or dates converted with pandas.to_datetime)"
    )


def _unparsable_time(x: str) -> bool:
    for conv in (int, float):
        try:
            conv(x)
            return False
        except ValueError:
            pass
    try:
        np.datetime64(x)
        return False
    except ValueError:
        return True


def count_matrix(m: Any, name: str, labels: list[str]) -> NDArray[np.int64]:
    """A (K, K) matrix of counts as int64 (in all at most 2**62 votes); every problem
    named with its (row, column)."""
    k = len(labels)

    def where(i: int, j: int) -> str:
        return f"({i}, {j}) (row {labels[i]!r}, column {labels[j]!r})"

    if isinstance(m, np.ndarray) and m.dtype.kind in "iuf":
        arr = m.astype(float)
    else:
        try:
            obj: NDArray[Any] | None = np.asarray(m, dtype=object)
        except ValueError:  # ragged nesting numpy cannot even hold as objects
            obj = None
        if obj is None or obj.shape != (k, k):
            detail = "a ragged (non-rectangular) matrix" if obj is None else str(obj.shape)
            if obj is not None and obj.ndim == 1 and obj.size:
                row_lens = [len(r) if hasattr(r, "__len__") else 1 for r in obj.tolist()]
                if len(set(row_lens)) > 1:
                    detail = f"a ragged matrix with rows of lengths {row_lens[:10]}"
            raise VotesError(f"{name} must have shape ({k}, {k}) for {k} items; got {detail}")
        for pos, v in enumerate(obj.ravel().tolist()):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                i, j = divmod(pos, k)
                raise VotesError(
                    f"{name} must hold numbers (non-negative integer counts); got {v!r} "
                    f"(type {type(v).__name__}) at {where(i, j)}"
                )
        arr = obj.astype(float)
    if arr.shape != (k, k):
        raise VotesError(f"{name} must have shape ({k}, {k}) for {k} items; got {arr.shape}")
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise VotesError(
            f"{name} has missing or non-finite entries ({len(bad)}), e.g. "
            f"{float(arr[i, j])!r} at {where(i, j)}"
        )
    bad = np.argwhere((arr < 0) | (arr != np.round(arr)))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise VotesError(
            f"{name} must hold non-negative integer counts; got {float(arr[i, j]):g} at "
            f"{where(i, j)}{more}"
        )
    diag = np.flatnonzero(np.diag(arr) != 0)
    if diag.size:
        i = int(diag[0])
        raise VotesError(
            f"{name} has non-zero diagonal entries (self-comparisons), e.g. "
            f"{float(arr[i, i]):g} at {where(i, i)}"
        )
    if arr.sum() >= 2.0**62:
        raise VotesError(f"{name} holds {arr.sum():.3g} votes in all, more than int64 counts hold")
    out: NDArray[np.int64] = arr.astype(np.int64)
    return out
