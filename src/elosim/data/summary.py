"""What :meth:`Votes.summary` and :meth:`VoteCounts.summary` report."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._core.frames import table_frame
from .._core.results import DisplayMethods

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["VotesSummary"]


@dataclass(frozen=True)
class VotesSummary(DisplayMethods):
    """What :meth:`Votes.summary` reports; ``str()`` and :meth:`summary` give a fixed-width
    text, :meth:`to_markdown`/:meth:`to_latex`/:meth:`to_frame` the votes per item."""

    n_votes: int
    n_items: int
    n_ties: int
    n_pairs_compared: int
    n_pairs_possible: int
    votes_per_item: dict[str, int]
    n_components: int
    component_sizes: tuple[int, ...]
    weighted: bool

    def __str__(self) -> str:
        counts = sorted(self.votes_per_item.items(), key=lambda kv: -kv[1])
        lines = [
            "Pairwise votes",
            "=" * 60,
            f"{'votes':<28}{self.n_votes:>12,}",
            f"{'items':<28}{self.n_items:>12,}",
            f"{'ties':<28}{self.n_ties:>12,}"
            f"  ({100 * self.n_ties / max(self.n_votes, 1):.1f}%)",
            f"{'pairs compared':<28}{self.n_pairs_compared:>12,}"
            f"  of {self.n_pairs_possible:,}",
            f"{'connected components':<28}{self.n_components:>12,}",
            f"{'weighted':<28}{'yes' if self.weighted else 'no':>12}",
            "-" * 60,
            f"{'votes per item: max':<28}{counts[0][1]:>12,}  ({counts[0][0]})",
            f"{'votes per item: min':<28}{counts[-1][1]:>12,}  ({counts[-1][0]})",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        text = (
            f"<VotesSummary: {self.n_votes:,} votes, {self.n_items:,} items, "
            f"{self.n_ties:,} ties, {self.n_pairs_compared:,} of {self.n_pairs_possible:,} "
            f"pairs compared, {self.n_components} component(s)"
            + (", weighted" if self.weighted else "")
            + ">"
        )
        return text

    def summary(self) -> str:
        """The fixed-width text (same as ``str()``)."""
        return str(self)

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): votes per
        item, most first, and the fraction of all votes that involve the item."""
        from .._core.table import Table

        counts = sorted(self.votes_per_item.items(), key=lambda kv: -kv[1])
        total = self.n_votes
        cols: dict[str, list[Any]] = {
            "item": [k for k, _ in counts],
            "n_votes": [int(n) for _, n in counts],
            "fraction_of_votes": [n / total if total else math.nan for _, n in counts],
        }
        notes = (
            f"{self.n_votes:,} {'weighted ' if self.weighted else ''}votes, "
            f"{self.n_items:,} items, {self.n_ties:,} ties; {self.n_pairs_compared:,} of "
            f"{self.n_pairs_possible:,} pairs compared; {self.n_components} connected "
            "component(s)",
        )
        return Table(cols, {"fraction_of_votes": ".3f"}, "Votes per item", notes)

    def to_frame(self) -> pd.DataFrame:
        """Votes per item (``item, n_votes, fraction_of_votes``), most first; totals in
        ``DataFrame.attrs``. Needs pandas."""
        return table_frame(
            self._table(), "VotesSummary.to_frame", n_votes=self.n_votes, n_items=self.n_items,
            n_ties=self.n_ties, n_pairs_compared=self.n_pairs_compared,
            n_pairs_possible=self.n_pairs_possible, n_components=self.n_components,
            weighted=self.weighted,
        )
