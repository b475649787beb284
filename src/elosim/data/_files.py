"""The file engine of :func:`elosim.count_votes`: CSV, CSV.gz and Parquet, streamed.

pyarrow's streaming readers are the embedded default: they come with the ``[parquet]``
extra elosim already has, read in blocks (memory bounded by the block, not the file),
parse CSV in C++ on every core, hand Parquet's dictionary pages over as they are (labels
are then never hashed again) and let us keep CSV cells as text, exactly as
:func:`elosim.read_votes` reads them. DuckDB would be as fast on a ``GROUP BY`` but is a
further dependency and does not report the line of a bad row.
"""

from __future__ import annotations

import csv
import glob
import io
import itertools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .._core.errors import VotesError
from .._core.progress import ProgressBar
from .columns import check_columns, rows_text
from .counts import VoteCounts
from .tally import Tally, encode_batch

__all__ = ["count_files", "vote_files"]

_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")
#: Bytes per CSV block; pyarrow's streaming reader reads up to 32 blocks ahead.
_CSV_BLOCK = 1 << 22


def _is_parquet(p: str) -> bool:
    return p.endswith((".parquet", ".pq"))


def vote_files(source: str | os.PathLike[str]) -> list[str]:
    """The files a path, glob pattern or directory names (sorted)."""
    p = os.fspath(source)
    if os.path.isdir(p):
        files = sorted(
            str(f) for f in Path(p).rglob("*") if f.is_file() and f.name.endswith(_SUFFIXES)
        )
        if not files:
            raise FileNotFoundError(
                f"no vote file (.csv, .csv.gz, .parquet, .pq) in the directory {p!r}"
            )
        return files
    if any(ch in p for ch in "*?["):
        files = sorted(f for f in glob.glob(p, recursive=True) if os.path.isfile(f))
        if not files:
            raise FileNotFoundError(f"no file matches {p!r}")
        return files
    if not os.path.exists(p):
        raise FileNotFoundError(f"no such file: {p!r}")
    return [p]


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError(
            "count_votes reads files with pyarrow: pip install 'elosim[parquet]'"
        ) from None
    return pyarrow


def count_files(source: str | os.PathLike[str], tally: Tally, cols: Mapping[str, str],
                names: Mapping[str, str], encoding: str, batch_rows: int,
                progress: bool) -> VoteCounts:
    """Count every file of ``source`` into ``tally``."""
    from .readers import _check_encoding

    _check_encoding(encoding)
    files = vote_files(source)
    _pyarrow()
    total = sum(os.path.getsize(f) for f in files)
    with ProgressBar(total, desc="count_votes", enabled=progress) as bar:
        for f in files:
            start = tally.n_rows_seen
            reader = _parquet_batches if _is_parquet(f) else _csv_batches
            for columns, count, done in reader(f, cols, encoding, batch_rows):
                tally.add_batch(encode_batch(columns, tally.n_rows_seen, count))
                tally.n_rows_seen += len(next(iter(columns.values())))
                bar.update(done)
            if tally.problems:
                _raise(tally, f, start, names, encoding)
    return tally.finish(names, rows_text)


def _raise(tally: Tally, f: str, start: int, names: Mapping[str, str], encoding: str) -> None:
    """Raise the first problem of file ``f`` (rows from ``start``) with its lines."""
    if _is_parquet(f):
        def where(rows: list[int] | None, count: int, limit: int) -> str:
            local = None if rows is None else [r - start for r in rows]
            return rows_text(local, count, limit)
    else:
        wanted = sorted({r - start for fnd in tally.problems.found.values()
                         for r in (fnd.rows or [])}
                        | {r - start for fnd in tally.problems.found.values()
                           for v in fnd.values.values() for r in (v[2] or [])})
        lines = _csv_lines(f, wanted, encoding)

        def where(rows: list[int] | None, count: int, limit: int) -> str:
            local = None if rows is None else [lines.get(r - start, r - start + 2) for r in rows]
            return rows_text(local, count, limit, word="line")

    tally.problems.raise_first(names, where, prefix=f"{f!r}: ")


def _open_text(f: str, encoding: str) -> io.TextIOBase:
    if f.endswith(".gz"):
        import gzip

        return gzip.open(f, "rt", encoding=encoding, newline="")
    return open(f, encoding=encoding, newline="")


def _csv_lines(f: str, rows: list[int], encoding: str) -> dict[int, int]:
    """Editor line (header = 1) where each wanted data row starts (blank lines skipped)."""
    out: dict[int, int] = {}
    if not rows:
        return out
    wanted = set(rows)
    last = max(rows)
    with _open_text(f, encoding) as fh:
        reader = csv.reader(fh)
        next(reader, None)
        prev = reader.line_num
        k = 0
        for rec in reader:
            if rec and not (len(rec) == 1 and not rec[0]):
                if k in wanted:
                    out[k] = prev + 1
                k += 1
                if k > last:
                    break
            prev = reader.line_num
    return out


def _header(f: str, encoding: str) -> list[str]:
    try:
        with _open_text(f, encoding) as fh:
            head = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        raise VotesError(
            f"could not decode {f!r} as {encoding} (byte {exc.start}); pass encoding=... "
            "(e.g. encoding='latin-1')"
        ) from None
    except (OSError, EOFError) as exc:
        raise VotesError(f"could not read {f!r}: {exc}") from None
    if not head:
        raise VotesError(f"{f!r} is empty")
    head[0] = head[0].lstrip("\ufeff")
    return head


def _first_bad_record(f: str, encoding: str, width: int) -> str:
    """Line and problem of the first malformed CSV record (error path only)."""
    with _open_text(f, encoding) as fh:
        reader = csv.reader(fh, strict=True)
        try:
            next(reader, None)
            for rec in reader:
                if rec and not (len(rec) == 1 and not rec[0].strip()) and len(rec) != width:
                    return (f"line {reader.line_num} has {len(rec)} field(s), the header "
                            f"{width}")
        except csv.Error as exc:
            return f"line {reader.line_num}: {exc}"
    return "the file could not be parsed"


def _csv_batches(f: str, cols: Mapping[str, str], encoding: str,
                 batch_rows: int) -> Iterator[tuple[dict[str, Any], Any, int]]:
    pa = _pyarrow()
    from pyarrow import csv as pacsv

    header = _header(f, encoding)
    check_columns(header, cols, f"file {f!r}")
    text = pa.dictionary(pa.int32(), pa.string())
    keys = [name for role, name in cols.items() if role != "count"]
    types = dict.fromkeys(keys, text)
    if "count" in cols:
        types[cols["count"]] = pa.float64()
    raw = pa.OSFile(f)
    stream = pa.CompressedInputStream(raw, "gzip") if f.endswith(".gz") else raw
    try:
        reader = pacsv.open_csv(
            stream,
            # small blocks: the reader prefetches up to 32 of them, so this bounds memory
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=_CSV_BLOCK),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(dict.fromkeys(cols.values())),
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
        pos = 0
        pending: list[Any] = []
        n_pending = 0
        for rb in itertools.chain(reader, [None]):
            if rb is not None:
                pending.append(rb)
                n_pending += rb.num_rows
                if n_pending < batch_rows:
                    continue
            if not pending:
                break
            table = pa.Table.from_batches(pending)  # a few blocks make one batch (no copy)
            pending, n_pending = [], 0
            now = raw.tell()
            columns = {role: table.column(name) for role, name in cols.items() if role != "count"}
            count = table.column(cols["count"]) if "count" in cols else None
            yield columns, count, now - pos
            pos = now
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError, EOFError) as exc:
        detail = _first_bad_record(f, encoding, len(header))
        raise VotesError(
            f"could not parse {f!r} as CSV ({detail}); the file may be truncated or "
            f"malformed [{type(exc).__name__}]"
        ) from None
    finally:
        raw.close()


def _parquet_batches(f: str, cols: Mapping[str, str], encoding: str,
                     batch_rows: int) -> Iterator[tuple[dict[str, Any], Any, int]]:
    pa = _pyarrow()
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(f)
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise VotesError(f"could not read Parquet file {f!r}: {exc}") from None
    check_columns(schema.names, cols, f"file {f!r}")
    wanted = list(dict.fromkeys(cols.values()))
    as_dict = [n for n in wanted
               if pa.types.is_string(schema.field(n).type)
               or pa.types.is_large_string(schema.field(n).type)]
    try:
        pf = pq.ParquetFile(f, read_dictionary=as_dict)
        size = os.path.getsize(f)
        n = max(pf.metadata.num_rows, 1)
        for rb in pf.iter_batches(batch_size=batch_rows, columns=wanted):
            columns = {role: rb.column(name) for role, name in cols.items() if role != "count"}
            count = rb.column(cols["count"]) if "count" in cols else None
            yield columns, count, int(size * rb.num_rows / n)
    except (pa.ArrowInvalid, OSError) as exc:
        raise VotesError(f"could not read Parquet file {f!r}: {exc}") from None
