"""Rebuild the bundled ``.npz`` files from the plain CSV copies (maintainers only).

Usage: ``python -m elosim.data.datasets._build /path/to/shared/data``. Each CSV column is stored
losslessly in the smallest form: integers as the narrowest integer dtype, ISO dates as
``datetime64[D]`` and text as category codes plus the list of categories.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np

SOURCES = {
    "lmarena_140k": "lmarena_140k/battles.csv",
    "international_football": "international_football/matches.csv",
    "baseball": "bradleyterry2/baseball.csv",
    "icehockey": "bradleyterry2/icehockey.csv",
    "epl_football": "bradleyterry2/epl_football.csv",
}


def encode_column(name: str, cells: list[str]) -> dict[str, np.ndarray[Any, Any]]:
    """Arrays that store one text column losslessly."""
    if cells and all(c.lstrip("-").isdigit() for c in cells):
        vals = np.array([int(c) for c in cells], dtype=np.int64)
        if [str(v) for v in vals.tolist()] == cells:  # lossless (no "007" or "+1")
            lo, hi = int(vals.min()), int(vals.max())
            for dt in (np.int8, np.int16, np.int32, np.int64):
                if np.iinfo(dt).min <= lo and hi <= np.iinfo(dt).max:
                    return {name: vals.astype(dt)}
    if name == "timestamp":
        dates = np.array(cells, dtype="datetime64[D]")
        if dates.astype(str).tolist() == cells:
            return {name: dates}
    cats = sorted(set(cells))
    pos = {c: k for k, c in enumerate(cats)}
    dt = np.uint8 if len(cats) <= 256 else np.uint16 if len(cats) <= 65536 else np.uint32
    codes = np.array([pos[c] for c in cells], dtype=dt)
    return {name + ".codes": codes, name + ".cats": np.array(cats, dtype=str)}


def build(shared: Path, out: Path) -> None:
    for name, rel in SOURCES.items():
        with open(shared / rel, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        arrays: dict[str, np.ndarray[Any, Any]] = {"columns": np.array(header, dtype=str)}
        for k, col in enumerate(header):
            arrays.update(encode_column(col, [r[k] for r in body]))
        np.savez_compressed(out / f"{name}.npz", **arrays)  # type: ignore[arg-type]
        print(name, len(body), "rows ->", (out / f"{name}.npz").stat().st_size, "bytes")


if __name__ == "__main__":  # pragma: no cover
    build(Path(sys.argv[1]), Path(__file__).parent)
