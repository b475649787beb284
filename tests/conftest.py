"""Shared fixtures: ``shared_data`` (the real CSVs, or skip), ``lmarena_csv``, ``tests_data``."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

# Hypothesis profiles (``HYPOTHESIS_PROFILE=ci`` in CI); run by path because of importlib mode
runpy.run_path(str(Path(__file__).with_name("_hypothesis_profiles.py")))

ROOT = Path(__file__).resolve().parent.parent
TESTS_DATA = Path(__file__).resolve().parent / "data"


def _shared() -> Path | None:
    for cand in (os.environ.get("ELOSIM_SHARED_DATA"), ROOT.parent / "shared" / "data"):
        if cand and Path(cand).is_dir():
            return Path(cand)
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the shared real-data CSVs (``../shared/data``); skips when absent."""
    path = _shared()
    if path is None:
        pytest.skip("shared data folder ../shared/data not found")
    return path


@pytest.fixture(scope="session")
def lmarena_csv(shared_data: Path) -> Path:
    """Path of ``lmarena_140k/battles.csv`` (135,634 votes)."""
    return shared_data / "lmarena_140k" / "battles.csv"


@pytest.fixture(scope="session")
def tests_data() -> Path:
    """``tests/data``: small reference files (e.g. ``reference_abilities.csv``)."""
    return TESTS_DATA
