"""Shared fixtures: ``shared_data`` (the real CSVs, or skip), ``lmarena_csv``, ``tests_data``."""

from __future__ import annotations

import importlib.util
import os
import runpy
import sys
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def ref() -> Any:
    """``tests/bt_reference.py``: independent row-level Bradley-Terry code (Firth, profile)."""
    name = "elosim_tests_bt_reference"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("bt_reference.py")
        )
        assert spec is not None
        assert spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]
