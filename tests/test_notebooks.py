"""The notebooks are stored without outputs and are part of the documentation build.

They are executed by the documentation build in CI (MyST-NB, errors raise), and can be run
as tests locally with ``pytest --nbmake notebooks/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_every_notebook_is_in_the_examples_toctree() -> None:
    index = (Path(__file__).resolve().parents[1] / "docs" / "examples" / "index.md").read_text()
    assert len(NOTEBOOKS) >= 6
    for path in NOTEBOOKS:
        assert f"\n{path.stem}\n" in index, f"{path.name} is not listed in docs/examples/index.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_outputs_are_stripped_and_code_is_seeded(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.get("outputs") == [], f"{path.name}: outputs not stripped"
        assert cell.get("execution_count") is None, f"{path.name}: execution count kept"
    source = "".join("".join(c["source"]) for c in code)
    if "rng" in source or "bootstrap(" in source:
        assert "rng=" in source, f"{path.name}: random calls without a seed"
