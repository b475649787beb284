"""Exceptions and warnings raised by elosim.

All warnings derive from :class:`ElosimWarning` so that users can filter them
in one place (``warnings.simplefilter("ignore", elosim.ElosimWarning)``).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConvergenceWarning",
    "DegenerateBootstrapWarning",
    "DegenerateDataError",
    "DisconnectedGraphError",
    "ElosimWarning",
    "InsufficientMemoryError",
    "LabelWarning",
    "NoFiniteEstimateError",
    "NumericalError",
    "SparseDataWarning",
    "VotesError",
]


class VotesError(ValueError):
    """Invalid pairwise-vote input (bad labels, missing values, wrong shapes...)."""


class DegenerateDataError(VotesError):
    """The votes carry no information for the requested estimate (e.g. every vote is a tie):
    any number reported would be a confident-looking artefact."""


class NumericalError(ValueError):
    """A computation cannot be carried out in double precision (a singular or non-finite
    information matrix, an overflow); the message says which input caused it and what to do.

    Raised instead of numpy's ``LinAlgError`` or Python's ``OverflowError``.
    """


def _fmt_items(items: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(repr(x) for x in items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items) - limit} more)"
    return "[" + shown + "]"


class DisconnectedGraphError(ValueError):
    """The comparison graph has several connected components.

    Ratings in different components are not comparable: no vote links them,
    so their relative level is not identified. ``components`` holds the item
    labels of each component, largest first.
    """

    def __init__(self, components: Sequence[Sequence[str]]) -> None:
        self.components = [list(c) for c in components]
        parts = "; ".join(
            f"component {k + 1} ({len(c)} items): {_fmt_items(list(c), 6)}"
            for k, c in enumerate(self.components[:5])
        )
        more = "" if len(self.components) <= 5 else f"; ... ({len(self.components) - 5} more)"
        super().__init__(
            f"the comparison graph is disconnected into {len(self.components)} components "
            f"({parts}{more}); ratings in different components cannot be compared. "
            "Remedy: fit each component separately, e.g. "
            "votes.restrict(votes.components()[0]) for the largest one."
        )


class NoFiniteEstimateError(ValueError):
    """The maximum-likelihood estimate is not finite.

    This happens when the directed win graph is not strongly connected
    (Ford 1957; Hunter 2004): some group of items never lost to the other
    items (``items_up``, whose ratings would go to +infinity) or never beat
    them (``items_down``, going to -infinity).
    """

    def __init__(
        self, items_up: Sequence[str], items_down: Sequence[str], *, reason: str | None = None
    ) -> None:
        self.items_up = list(items_up)
        self.items_down = list(items_down)
        if reason is not None:
            super().__init__(reason)
            return
        parts = []
        if self.items_up:
            parts.append(
                f"never lost to any item outside their group: {_fmt_items(self.items_up)}"
            )
        if self.items_down:
            parts.append(f"never beat any item outside their group: {_fmt_items(self.items_down)}")
        super().__init__(
            "no finite maximum-likelihood estimate: the win graph is not strongly connected; "
            + "; ".join(parts)
            + '. Remedy: pass bias_reduction="firth" (Jeffreys-penalised, finite estimates '
            "with less small-sample bias; profile intervals then give one-sided bounds for "
            "these items), or prior_strength > 0 (e.g. prior_strength=1.0) for finite, shrunk "
            "estimates, or drop these items with votes.drop_items([...])."
        )


class InsufficientMemoryError(MemoryError):
    """A computation would need more memory than is available (estimated before starting).

    The message gives the estimate, what it is made of and the remedy.
    """


class ElosimWarning(UserWarning):
    """Base class of every warning elosim emits."""


class ConvergenceWarning(ElosimWarning):
    """An iterative fit stopped before reaching its tolerance."""


class LabelWarning(ElosimWarning):
    """Item labels that look alike (case, whitespace, Unicode form, invisible characters)
    were kept apart, or spellings differing only by surrounding whitespace or Unicode
    form were merged (see :mod:`elosim.data.labels`)."""


class SparseDataWarning(ElosimWarning):
    """Some items have very few votes; their intervals are unreliable."""


class DegenerateBootstrapWarning(ElosimWarning):
    """Some bootstrap replicates had no finite estimate and were handled by the documented rule."""
