"""Helpers for testing code that uses elosim.

:mod:`elosim.testing.strategies` holds `Hypothesis <https://hypothesis.readthedocs.io>`_
strategies that generate item labels, ratings, votes, comparison designs, count matrices
and LMArena-style frames. It needs Hypothesis (``pip install "elosim[strategies]"``) and is never
imported by ``import elosim`` or by ``import elosim.testing``::

    from elosim.testing import strategies as es
"""

from __future__ import annotations

__all__: list[str] = []
