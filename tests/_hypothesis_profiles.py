"""Hypothesis profiles for elosim's test suite; the one named by ``HYPOTHESIS_PROFILE`` is loaded.

* ``ci``: more examples, no deadline (shared CI machines have noisy timings), derandomised
  and without the example database, so that a CI run is reproducible from the commit alone.
  CI runs ``HYPOTHESIS_PROFILE=ci pytest``.
* ``dev``: few examples, for a quick local run.
* ``default``: Hypothesis' defaults (100 examples) without the deadline.

Import this module from ``tests/conftest.py`` (before any test module is collected).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, database=None)
settings.register_profile("dev", max_examples=10, deadline=None)
settings.register_profile("default", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
