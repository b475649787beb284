"""Readers: CSV, CSV.gz and Parquet files into :class:`~elosim.Votes` (:func:`read_votes`)."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._core.errors import InsufficientMemoryError, VotesError

if TYPE_CHECKING:
    pass

from .parse import file_lines, infer_text_column, row_numbers
from .votes import Votes

__all__ = ["read_votes"]


def read_votes(
    path: str | os.PathLike[str],
    *,
    a: str = "model_a",
    b: str = "model_b",
    winner: str = "winner",
    weight: str | None = None,
    time: str | None = None,
    cluster: str | None = None,
    covariates: Sequence[str] = (),
    drop_self: bool = False,
    encoding: str = "utf-8",
) -> Votes:
    """Read votes from a CSV file (or Parquet, when pyarrow is installed).

    CSV cells are read as text (an empty cell is a missing value; ``"NA"`` is a label like
    any other). The ``winner`` column is parsed as in :meth:`Votes.from_frame` (``"1"``,
    ``"0"`` and ``"0.5"`` count like the numbers); ``weight`` is converted to float; ``time``
    and covariate columns become int64, float64 (or, for ``time``, datetime64 for ISO dates)
    when every cell parses, and stay text otherwise; ``cluster`` ids stay text. pandas is
    used for speed when it is installed; without it the standard :mod:`csv` module gives
    the same votes and the same errors.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` (optionally ``.csv.gz``) or ``.parquet`` file with one row per vote.
    a, b, winner, weight, time, cluster, covariates, drop_self
        As in :meth:`Votes.from_frame`.
    encoding : str
        Text encoding of a CSV file.

    Returns
    -------
    Votes

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        ``encoding`` is not a known text encoding.
    elosim.InsufficientMemoryError
        The file does not fit in memory (reported as such; never retried with a reader
        that needs more memory).
    elosim.VotesError
        The file cannot be decoded or parsed (wrong number of fields, e.g. a truncated
        file; duplicated column names), or its contents are invalid. Messages about a CSV
        file name its lines as an editor numbers them (the header is line 1).

    Examples
    --------
    >>> import os, tempfile, elosim
    >>> path = os.path.join(tempfile.mkdtemp(), "votes.csv")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("model_a,model_b,winner\\nx,y,model_a\\ny,z,tie\\nz,x,1\\n")
    >>> elosim.read_votes(path)
    <Votes: 3 votes, 3 items, 1 ties>
    """
    _check_encoding(encoding)
    p = os.fspath(path)
    if not os.path.exists(p):
        raise FileNotFoundError(f"no such file: {p!r}")
    kw: dict[str, Any] = {
        "a": a, "b": b, "winner": winner, "weight": weight, "time": time, "cluster": cluster,
        "covariates": covariates, "drop_self": drop_self,
    }
    if p.endswith(".parquet") or p.endswith(".pq"):
        return Votes.from_frame(_read_parquet(p), **kw)
    frame = _read_csv_pandas(p, encoding)
    if frame is None:
        try:
            frame = _read_csv_module(p, encoding)
        except MemoryError:
            raise _out_of_memory(p) from None
    if time is not None and time in frame.columns:
        frame.infer(time, dates=True)
    for c in covariates:
        if c in frame.columns:
            frame.infer(c, dates=False)
    with file_lines():  # messages name the lines of the file (header = line 1)
        return Votes.from_frame(frame, **kw)


def _check_encoding(encoding: Any) -> str:
    """``encoding`` must name a text codec known to Python (e.g. 'utf-8', 'latin-1')."""
    if not isinstance(encoding, str):
        raise TypeError(
            f"encoding must be the name of a text encoding (e.g. 'utf-8'); got {encoding!r}"
        )
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ValueError(
            f"encoding {encoding!r} is not a known text encoding; use e.g. 'utf-8', "
            "'utf-8-sig', 'latin-1' or 'cp1252'"
        ) from None
    if not info._is_text_encoding:
        raise ValueError(f"encoding {encoding!r} is not a text encoding; use e.g. 'utf-8'")
    return encoding


class _ColumnFrame:
    """A minimal column-name-indexable frame (so reading needs no pandas)."""

    def __init__(self, cols: dict[str, NDArray[Any]]) -> None:
        self.columns = list(cols)
        self._cols = cols

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self._cols[name]

    def infer(self, name: str, *, dates: bool) -> None:
        self._cols[name] = infer_text_column(self._cols[name], dates=dates)


def _read_parquet(p: str) -> _ColumnFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("reading Parquet needs pyarrow: pip install 'elosim[parquet]'") from None
    try:
        table = pq.read_table(p)
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise VotesError(f"could not read Parquet file {p!r}: {exc}") from None
    names = [str(c) for c in table.column_names]
    if len(set(names)) != len(names):
        dup = sorted(k for k, c in Counter(names).items() if c > 1)
        raise VotesError(f"{p!r} has duplicated column names: {dup}")
    cols = {
        name: np.asarray(table.column(k).to_numpy(zero_copy_only=False))
        for k, name in enumerate(names)
    }
    return _ColumnFrame(cols)


def _read_text(p: str, encoding: str) -> str:
    try:
        if p.endswith(".gz"):
            import gzip

            with gzip.open(p, "rt", encoding=encoding, newline="") as fh:
                return fh.read()
        with open(p, encoding=encoding, newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise VotesError(
            f"could not decode {p!r} as {encoding} (byte {exc.start}); pass encoding=... "
            "(e.g. encoding='latin-1')"
        ) from None
    except (OSError, EOFError) as exc:  # e.g. gzip.BadGzipFile, a truncated .gz
        raise VotesError(f"could not read {p!r}: {exc}") from None


def _frame_from_rows(header: list[str], columns: list[NDArray[Any]], p: str) -> _ColumnFrame:
    if header and header[0].startswith("\ufeff"):  # byte-order mark
        header = [header[0][1:], *header[1:]]
    if len(set(header)) != len(header):
        dup = sorted(k for k, c in Counter(header).items() if c > 1)
        raise VotesError(f"{p!r} has duplicated column names: {dup}")
    return _ColumnFrame(dict(zip(header, columns, strict=True)))


def _read_csv_module(p: str, encoding: str) -> _ColumnFrame:
    """The reference reader: standard-library csv; every error is reported from here."""
    text = _read_text(p, encoding)
    if not text.strip():
        raise VotesError(f"{p!r} is empty")
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[list[str]] = []
    bad: list[int] = []
    try:
        header = next(reader)
        width = len(header)
        for r in reader:
            if not r or (len(r) == 1 and not r[0].strip()):  # blank line (as pandas)
                continue
            if len(r) != width:
                bad.append(reader.line_num)
            rows.append(r)
    except csv.Error as exc:
        raise VotesError(
            f"could not parse {p!r} as CSV (line {reader.line_num}): {exc}; "
            "the file may be truncated or malformed"
        ) from None
    if bad:
        raise VotesError(
            f"{p!r}: line(s) {row_numbers(bad)} have a different number of fields than the header "
            f"({width}); the file may be truncated or malformed"
        )
    columns = [np.array(c, dtype=object) for c in zip(*rows, strict=True)] if rows else []
    if not rows:
        columns = [np.empty(0, dtype=object) for _ in header]
    return _frame_from_rows(header, columns, p)


def _read_csv_pandas(p: str, encoding: str) -> _ColumnFrame | None:
    """Fast path with pandas' C parser; None means: let the csv module read (and report)."""
    try:
        import pandas as pd
    except ImportError:
        return None
    try:
        df = pd.read_csv(
            p, header=None, dtype=object, na_filter=False, keep_default_na=False,
            encoding=encoding, skip_blank_lines=True, engine="c",
        )
    except MemoryError:  # never fall back to the csv module: it needs several times more
        raise _out_of_memory(p) from None
    except Exception:  # any parse/decode problem: the reference reader reports it
        return None
    if df.shape[0] == 0:
        return None
    columns = [df[k].to_numpy(dtype=object) for k in df.columns]
    # pandas pads short rows (e.g. a truncated last line) with "": those show up as an
    # empty last cell, so only then are the field counts checked like the csv module does
    if (columns[-1][1:] == "").any() and _has_short_rows(p, len(columns)):
        return None
    header = [str(c[0]) for c in columns]
    if not any(h.strip() for h in header):
        return None
    return _frame_from_rows(header, [c[1:] for c in columns], p)


def _out_of_memory(p: str) -> InsufficientMemoryError:
    size = os.path.getsize(p)
    return InsufficientMemoryError(
        f"reading {p!r} ({size / 1e9:.3g} GB) ran out of memory. elosim does not retry "
        "with a slower reader (it would need several times more memory). Remedy: read "
        "only the needed columns in chunks and count the votes per pair, or free memory"
    )


def _has_short_rows(p: str, width: int) -> bool:
    """Whether some non-blank record has fewer than ``width`` fields (RFC 4180 quoting)."""
    if p.endswith(".gz"):
        import gzip

        with gzip.open(p, "rb") as fh:
            raw = fh.read()
    else:
        with open(p, "rb") as fh:
            raw = fh.read()
    buf = np.frombuffer(raw, dtype=np.uint8)
    if not (buf == 10).any() and (buf == 13).any():
        return True  # old-Mac line ends: let the csv module decide
    outside = (np.cumsum(buf == 34) & 1) == 0  # "" escapes toggle twice
    sep = np.flatnonzero((buf == 44) & outside)
    ends = np.flatnonzero((buf == 10) & outside)
    if ends.size == 0 or ends[-1] != buf.size - 1:
        ends = np.append(ends, buf.size)
    starts = np.concatenate([[0], ends[:-1] + 1])
    nsep = np.searchsorted(sep, ends) - np.searchsorted(sep, starts)
    length = ends - starts
    last = buf[np.clip(starts, 0, max(buf.size - 1, 0))] if buf.size else np.zeros(0)
    blank = (length == 0) | ((length == 1) & (last == 13))
    return bool(np.any((nsep + 1 < width) & ~blank))
