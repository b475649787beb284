"""Scale benchmark: rows -> counts (this file's ``--reduction`` section).

Sections are functions with a CLI flag each, so further sections (solvers, bootstrap at
10^4-10^5 items) can be added beside this one::

    python benchmarks/bench_scale.py --reduction                 # 1e7 in memory, 1e8 from disk
    python benchmarks/bench_scale.py --reduction --disk-votes 1e7 --memory-votes 1e6  # quick

Reduction, in memory (one DataFrame of string labels: pandas' default ``str`` dtype,
``object`` with the rows sharing one string object per label, as pandas' CSV parser makes,
and ``object-copies`` with one string object per row): ``elosim.count_votes`` against a plain pandas ``factorize`` x3 + ``np.bincount``
(the floor anyone can write), ``Votes.from_frame(...).counts`` and DuckDB ``GROUP BY``.
From disk (a Parquet and a CSV file of ``--disk-votes`` votes generated under ``--dir``,
never committed): ``count_votes(path)`` against DuckDB ``GROUP BY`` over the file and
pandas reading in chunks + factorize + bincount. Every method runs in its own process;
peak RSS is that process's high-water mark (``VmHWM``), "extra" is the peak minus the
memory after the input was loaded. Times are wall-clock seconds of one run on a shared
machine: compare ratios within one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

K_ITEMS = 100
LABELS = np.array([f"model-{i:03d}-large-language-model" for i in range(K_ITEMS)], dtype=object)
WINNERS = np.array(["model_a", "model_b", "tie", "tie (bothbad)"], dtype=object)
CHUNK = 1_000_000


def _vm(field: str) -> float:
    """A /proc/self/status memory field in MB (VmRSS, VmHWM)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    """Restart the peak-RSS count (VmHWM) here, so making the input does not count."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:  # not Linux, or not allowed: the peak then includes making the input
        pass


def _codes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, K_ITEMS, n)
    b = (a + rng.integers(1, K_ITEMS, n)) % K_ITEMS
    w = rng.integers(0, WINNERS.size, n)
    return a, b, w


def memory_frame(n: int, dtype: str):
    """The in-memory input. ``str``: pandas' default string dtype. ``object``: one Python
    string per distinct label, shared by the rows (what pandas' CSV parser and indexing a
    list of labels make). ``object-copies``: a separate string object in every row (what
    ``astype(object)`` of a ``str`` column makes)."""
    import pandas as pd

    a, b, w = _codes(n, 0)
    cols = {"model_a": LABELS[a], "model_b": LABELS[b], "winner": WINNERS[w]}
    if dtype == "object":
        return pd.DataFrame(cols, dtype=object)
    df = pd.DataFrame(cols)
    return df.astype(object) if dtype == "object-copies" else df


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    """A Parquet and a CSV file of ``n`` votes (written in chunks; reused when present)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    pq_path, csv_path = folder / f"votes-{n}.parquet", folder / f"votes-{n}.csv"
    if pq_path.exists() and csv_path.exists():
        return pq_path, csv_path
    labels = pa.array(LABELS.tolist())
    winners = pa.array(WINNERS.tolist())
    schema = pa.schema([("model_a", pa.string()), ("model_b", pa.string()),
                        ("winner", pa.string())])
    with pq.ParquetWriter(str(pq_path) + ".tmp", schema) as pw, \
            pacsv.CSVWriter(str(csv_path) + ".tmp", schema) as cw:
        for k, lo in enumerate(range(0, n, CHUNK)):
            m = min(CHUNK, n - lo)
            a, b, w = _codes(m, 1000 + k)
            cols = [pa.DictionaryArray.from_arrays(pa.array(a.astype(np.int32)), labels),
                    pa.DictionaryArray.from_arrays(pa.array(b.astype(np.int32)), labels),
                    pa.DictionaryArray.from_arrays(pa.array(w.astype(np.int32)), winners)]
            table = pa.table([c.cast(pa.string()) for c in cols], schema=schema)
            pw.write_table(table)
            cw.write_table(table)
    os.replace(str(pq_path) + ".tmp", pq_path)
    os.replace(str(csv_path) + ".tmp", csv_path)
    return pq_path, csv_path


# ---------------------------------------------------------------------------- methods
def pandas_counts(df) -> int:
    """The floor: pandas factorize of each column, one combined key, np.bincount."""
    import pandas as pd

    ca, ua = pd.factorize(df["model_a"])
    cb, ub = pd.factorize(df["model_b"])
    cw, uw = pd.factorize(df["winner"])
    key = (ca.astype(np.int64) * len(ub) + cb) * len(uw) + cw
    return int(np.count_nonzero(np.bincount(key, minlength=len(ua) * len(ub) * len(uw))))


def duckdb_counts(source) -> int:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads=2")
    if isinstance(source, (str, Path)):
        p = str(source)
        rel = f"read_parquet('{p}')" if p.endswith(".parquet") else f"read_csv('{p}', header=true)"
    else:
        con.register("df", source)
        rel = "df"
    q = f"SELECT model_a, model_b, winner, count(*) AS n FROM {rel} GROUP BY ALL"
    return len(con.sql(q).fetchall())


def pandas_file_counts(path: Path) -> int:
    """pandas reading the file in chunks of 1M rows, factorize + bincount, merged."""
    import pandas as pd

    total: dict[tuple[str, str, str], int] = {}
    if str(path).endswith(".parquet"):
        import pyarrow.parquet as pq

        chunks = (rb.to_pandas() for rb in pq.ParquetFile(path).iter_batches(CHUNK))
    else:
        chunks = pd.read_csv(path, chunksize=CHUNK, dtype=str, keep_default_na=False)
    for df in chunks:
        ca, ua = pd.factorize(df["model_a"])
        cb, ub = pd.factorize(df["model_b"])
        cw, uw = pd.factorize(df["winner"])
        key = (ca.astype(np.int64) * len(ub) + cb) * len(uw) + cw
        cnt = np.bincount(key, minlength=len(ua) * len(ub) * len(uw))
        for k in np.flatnonzero(cnt).tolist():
            ia, rest = divmod(k, len(ub) * len(uw))
            ib, iw = divmod(rest, len(uw))
            t = (ua[ia], ub[ib], uw[iw])
            total[t] = total.get(t, 0) + int(cnt[k])
    return len(total)


def _run_one(spec: dict) -> dict:
    """Run one method in this process; report seconds and memory."""
    import duckdb  # noqa: F401  (imports are not timed)
    import pandas  # noqa: F401
    import pyarrow.csv
    import pyarrow.parquet  # noqa: F401

    import elosim

    src: object
    if spec["where"] == "memory":
        src = memory_frame(spec["n"], spec["dtype"])
    else:
        src = Path(spec["path"])
    _reset_peak()
    loaded = _vm("VmRSS")
    t0 = time.perf_counter()
    m = spec["method"]
    if m == "elosim":
        out = elosim.count_votes(src, progress=False).n_cells
    elif m == "votes":
        out = elosim.Votes.from_frame(src).counts.n_cells
    elif m == "pandas":
        out = pandas_counts(src) if spec["where"] == "memory" else pandas_file_counts(src)
    elif m == "duckdb":
        out = duckdb_counts(src)
    else:
        raise ValueError(m)
    sec = time.perf_counter() - t0
    peak = _vm("VmHWM")
    return {"seconds": sec, "peak_mb": peak, "input_mb": loaded,
            "extra_mb": peak - loaded, "groups": out}


def _child(spec: dict) -> dict:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, __file__, "--run-one", json.dumps(spec)],
        capture_output=True, text=True, env=env, check=False,
    )
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(label: str, n: int, res: dict, ref: float | None) -> str:
    if "error" in res:
        return f"| {label} | failed: {res['error'][0][:60]} | | | | |"
    ratio = f"{ref / res['seconds']:.2f}x" if ref else ""
    return (f"| {label} | {res['seconds']:.2f} | {n / res['seconds'] / 1e6:.1f} | "
            f"{res['peak_mb']:.0f} | {res['extra_mb']:.0f} | {ratio} |")


def reduction_section(args: argparse.Namespace) -> None:
    """Rows -> counts: in memory and from disk, against pandas and DuckDB."""
    head = ("| method | seconds | M votes/s | peak RSS MB | extra MB | speed vs pandas |\n"
            "|---|---|---|---|---|---|")
    n_mem = int(float(args.memory_votes))
    for dtype in [d for d in args.memory_dtypes.split(",") if d]:
        print(f"\n### In memory: {n_mem:,} votes, {K_ITEMS} items, pandas dtype {dtype!r}\n")
        print(head)
        spec = {"where": "memory", "n": n_mem, "dtype": dtype}
        base = _child({**spec, "method": "pandas"})
        ref = base.get("seconds")
        print(_row("pandas factorize + bincount", n_mem, base, ref), flush=True)
        for label, m in (("elosim.count_votes", "elosim"), ("Votes.from_frame().counts", "votes"),
                         ("DuckDB GROUP BY (2 threads)", "duckdb")):
            print(_row(label, n_mem, _child({**spec, "method": m}), ref), flush=True)
    n_disk = int(float(args.disk_votes))
    if n_disk <= 0:
        return
    t0 = time.perf_counter()
    pq_path, csv_path = write_files(n_disk, Path(args.dir))
    print(f"\n(files written or reused in {time.perf_counter() - t0:.0f} s: "
          f"{pq_path.stat().st_size / 1e9:.2f} GB Parquet, {csv_path.stat().st_size / 1e9:.2f} GB CSV)")
    for path in (pq_path, csv_path):
        print(f"\n### From disk: {n_disk:,} votes, {path.suffix[1:]}\n")
        print(head)
        spec = {"where": "disk", "path": str(path)}
        base = _child({**spec, "method": "pandas"})
        ref = base.get("seconds")
        print(_row("pandas chunks + factorize + bincount", n_disk, base, ref), flush=True)
        for label, m in (("elosim.count_votes(path)", "elosim"),
                         ("DuckDB GROUP BY (2 threads)", "duckdb")):
            print(_row(label, n_disk, _child({**spec, "method": m}), ref), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reduction", action="store_true", help="rows -> counts section")
    ap.add_argument("--memory-votes", default="1e7", help="votes of the in-memory frame")
    ap.add_argument("--memory-dtypes", default="str,object,object-copies",
                    help="pandas dtypes of the in-memory runs ('' skips them)")
    ap.add_argument("--disk-votes", default="1e8", help="votes of the generated files (0 skips)")
    ap.add_argument("--dir", default="/tmp/elosim-bench-scale", help="where files go")
    ap.add_argument("--run-one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run_one:
        print(json.dumps(_run_one(json.loads(args.run_one))))
        return
    if not args.reduction:
        ap.error("choose a section, e.g. --reduction")
    print(f"machine: {os.cpu_count()} cores (shared); one run; ratios are within this run")
    if args.reduction:
        reduction_section(args)


if __name__ == "__main__":
    main()
