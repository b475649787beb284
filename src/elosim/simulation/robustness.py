"""How many votes would have to be dropped to flip an order? (dropping-data robustness)

First-order (AMIP-style) analysis after Broderick, Giordano & Meager and Huang, Shen, Wei
& Broderick (2025), who found that removing 0.003% of Chatbot Arena's votes can change the
top model (Huang et al. 2025; references: ref-robustness). Bootstrap intervals do not
measure this.

Influence. Removing a vote ``t`` changes the estimate by about ``-H⁺ s_t`` (``s_t`` its
score at the fit, ``H`` the information), so the gap ``g = R_a - R_b`` moves by about
``-ψ_t`` with ``ψ_t = f (e_a - e_b)' H⁺ s_t`` (``f`` Elo points per log-odds unit; the tie
parameter's row of ``H⁺`` is included for tie models). Votes of one (pair, outcome) cell
share ``ψ``. Removing the votes with the largest ``ψ`` first is the optimal removal set of
the linear approximation (every vote costs one), so the predicted number to flip is the
smallest ``m`` with ``ψ_(1) + ... + ψ_(m) > g``.

The linear prediction is then **checked by refitting** without those votes. With
``refine=True`` (default), if the refit has not flipped, the influence is recomputed at
the refitted estimate and more votes are removed, until the order flips (at most
``max_rounds`` refits). With ``trim=True`` (default) the shortest prefix of that removal
sequence that still flips the order is then found by bisection (a few more refits). The
reported number is a verified upper bound on the true minimum (the linear first round
alone can under- or over-shoot it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._core.errors import DisconnectedGraphError, NoFiniteEstimateError, VotesError
from .._core.frames import table_frame
from .._core.results import DisplayMethods
from .._core.validation import check_positive_int
from ..data.votes import Votes
from ..models.fit import BradleyTerryResult, bradley_terry

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RemovedVotes", "TopRobustnessResult", "VotesToFlipResult", "top_robustness",
           "vote_influence", "votes_to_flip"]

Array = NDArray[np.float64]


class RemovedVotes(NamedTuple):
    """Votes removed from one (pair, outcome) cell.

    ``item_a``/``item_b`` are the pair (in the fit's item order), ``winner`` the label of the
    winner (``None`` for ties), ``count`` the number of votes removed and ``influence`` the
    first-order effect of removing *one* of them on the gap (Elo points, at the original fit).
    """

    item_a: str
    item_b: str
    winner: str | None
    n_removed: int
    influence: float


def _check_fit(result: Any) -> BradleyTerryResult:
    if not isinstance(result, BradleyTerryResult):
        raise TypeError(
            "result must be a BradleyTerryResult from elosim.bradley_terry; got "
            f"{type(result).__name__}"
        )
    if getattr(result, "features", ()):
        raise ValueError(
            "vote-removal robustness works on plain fits only; this fit has features "
            f"{list(result.features)} (refit without features=, or study the features' "  # type: ignore[attr-defined]
            "influence with the bootstrap)"
        )
    return result


def _vote_rows(fit: BradleyTerryResult, purpose: str) -> Votes:
    """The fit's vote rows; a fit from counts has none (a named error)."""
    if not isinstance(fit.votes, Votes):
        raise TypeError(
            f"{purpose} needs the vote rows (a fit of elosim.Votes); this fit is of "
            "elosim.VoteCounts, which keeps only counts"
        )
    return fit.votes


def _influence_matrix(fit: BradleyTerryResult, contrasts: Array) -> Array:
    """``(n_contrasts, n_cells)``: change of each contrast per unit weight added to a cell's vote.

    Removing one vote of cell ``c`` changes contrast ``r`` by about ``-out[r, c]``.
    """
    return fit._cell_influence(contrasts)


def vote_influence(result: BradleyTerryResult, a: str | int, b: str | int) -> Array:
    """First-order influence of every vote on the gap ``R_a - R_b`` (Elo points).

    ``out[t]`` is ``ψ_t``: removing vote ``t`` changes the gap by about ``-out[t]``
    (removing a set of votes: minus the sum). Votes in one (pair, outcome) cell share it.

    Examples
    --------
    >>> import elosim
    >>> from elosim.simulation.robustness import vote_influence
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["x", "y"], [[0, 6], [4, 0]]))
    >>> psi = vote_influence(fit, "x", "y")
    >>> bool(psi[fit.votes.outcome == 0].max() > 0)  # a win of x pushes the gap up
    True
    """
    fit = _check_fit(result)
    ia, ib = fit.index(a, "a"), fit.index(b, "b")
    if ia == ib:
        raise ValueError(f"a and b must be different items; got {a!r} twice")
    cm = np.zeros((1, fit.n_items))
    cm[0, ia], cm[0, ib] = 1.0, -1.0
    rows = _vote_rows(fit, "vote_influence")
    return np.asarray(_influence_matrix(fit, cm)[0][rows.row_cell])


def _greedy(psi: Array, count: Array, gap: float, budget: int) -> tuple[Array, float, bool]:
    """Votes to take per cell so that the linear gap ``gap - sum`` drops below 0.

    Returns (taken per cell, predicted gap, whether it crossed zero within ``budget``).
    """
    take = np.zeros(psi.size)
    order = np.argsort(-psi, kind="stable")
    acc = 0.0
    used = 0
    for c in order:
        if psi[c] <= 0 or used >= budget:
            break
        remaining = gap - acc
        need = math.floor(remaining / psi[c]) + 1
        n = int(min(need, count[c], budget - used))
        take[c] = n
        acc += n * psi[c]
        used += n
        if acc > gap:
            return take, gap - acc, True
    return take, gap - acc, False


@dataclass(frozen=True, repr=False)
class VotesToFlipResult(DisplayMethods):
    """Result of :func:`votes_to_flip`.

    Attributes
    ----------
    item_a, item_b : str
        The two items, the one rated higher in the fit first.
    gap : float
        ``R_a - R_b`` in the fit (>= 0).
    n_votes : int
        Votes in the fit.
    n_removed : int or None
        Votes removed (all rounds). ``None`` when even removing ``max_removed`` votes (or
        every vote that pushes the gap up) does not flip the order, to first order.
    n_removed_linear : int or None
        The first-order prediction from the original fit (first round only).
    fraction_removed : float
        ``n_removed / n_votes`` (NaN when ``n_removed`` is None).
    predicted_gap : float
        The first-round linear prediction of the gap after removal.
    removed : tuple of RemovedVotes
        Which votes: (pair, outcome) cells and counts, most influential first.
    refit_gap : float
        ``R_a - R_b`` refitted without the removed votes (NaN when the refit failed).
    flipped : bool or None
        Whether the refit really puts ``item_b`` above ``item_a`` (None: no refit).
    n_refits : int
        Refits made (refinement rounds plus trimming).
    refit_error : str or None
        Why the refit failed (e.g. an item lost all its wins), if it did.
    """

    item_a: str
    item_b: str
    gap: float
    n_votes: int
    n_removed: int | None
    n_removed_linear: int | None
    fraction_removed: float
    predicted_gap: float
    removed: tuple[RemovedVotes, ...]
    refit_gap: float
    flipped: bool | None
    n_refits: int
    refit_error: str | None
    _keep: NDArray[np.bool_]

    @property
    def keep_mask(self) -> NDArray[np.bool_]:
        """Boolean mask over the fit's votes: True for the votes kept."""
        return np.array(self._keep, dtype=bool)

    def __repr__(self) -> str:
        if self.n_removed is None:
            what = "not flippable within the limit"
        else:
            what = (
                f"{self.n_removed:,} of {self.n_votes:,} votes "
                f"({100 * self.fraction_removed:.3g}%) flip it; refit "
                f"{'confirms' if self.flipped else 'does not confirm'}"
            )
        return f"<VotesToFlipResult: {self.item_a} over {self.item_b} by {self.gap:.2f}; {what}>"

    def _outcome_text(self) -> str:
        if self.n_removed is None:
            return "not flippable by removing votes within the limit (first order)"
        text = (
            f"removing {self.n_removed:,} of {self.n_votes:,} votes "
            f"({100 * self.fraction_removed:.4g}%) flips the order"
        )
        if self.refit_error is not None:
            return text + f" to first order; refit failed: {self.refit_error}"
        if self.flipped is not None:
            return text + (
                f"; refit gap {self.refit_gap:.2f} ("
                f"{'confirmed' if self.flipped else 'NOT confirmed'}, {self.n_refits} refits)"
            )
        return text + " (first order, not refitted)"

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): the removed
        (pair, outcome) cells, most influential first (``winner`` empty for ties)."""
        from .._core.table import Table

        cols: dict[str, list[Any]] = {
            "item_a": [r.item_a for r in self.removed],
            "item_b": [r.item_b for r in self.removed],
            "winner": [r.winner for r in self.removed],
            "n_removed": [int(r.n_removed) for r in self.removed],
            "influence": [float(r.influence) for r in self.removed],
        }
        notes = (
            f"gap {self.item_a} - {self.item_b} = {self.gap:.{int(digits) + 1}f} Elo; "
            + self._outcome_text(),
            "influence: first-order change of the gap per removed vote (Elo points)",
        )
        title = f"Votes to flip {self.item_a} over {self.item_b}"
        return Table(cols, {"influence": ".4f"}, title, notes)

    def to_frame(self) -> pd.DataFrame:
        """The removed cells: ``item_a, item_b, winner, n_removed, influence``. Needs pandas."""
        return table_frame(
            self._table(), "VotesToFlipResult.to_frame", item_a=self.item_a,
            item_b=self.item_b, gap=self.gap, n_removed=self.n_removed, flipped=self.flipped,
        )

    def summary(self) -> str:
        """Text: how many votes flip the order, which ones, and the refit check."""
        lines = [
            f"Votes to flip {self.item_a} over {self.item_b} (gap {self.gap:.2f} Elo, "
            f"{self.n_votes:,} votes)",
        ]
        if self.n_removed is None:
            lines.append("  not flippable by removing votes within the limit (first order)")
        else:
            lines.append(
                f"  remove {self.n_removed:,} votes ({100 * self.fraction_removed:.4g}%); "
                f"first-order prediction {self.n_removed_linear}, predicted gap "
                f"{self.predicted_gap:.2f}"
            )
        if self.refit_error is not None:
            lines.append(f"  refit failed: {self.refit_error}")
        elif self.flipped is not None:
            lines.append(
                f"  refit without them: gap {self.refit_gap:.2f} -> "
                f"{'order flipped' if self.flipped else 'order NOT flipped'} "
                f"({self.n_refits} refit(s))"
            )
        if self.removed:
            lines.append("  removed votes (pair, winner, count, influence per vote):")
            for r in self.removed[:15]:
                win = "tie" if r.winner is None else f"{r.winner} won"
                lines.append(
                    f"    {r.item_a} vs {r.item_b}: {win:<20} {r.n_removed:>7,}  {r.influence:.4f}"
                )
            if len(self.removed) > 15:
                lines.append(f"    ... {len(self.removed) - 15} more cells")
        return "\n".join(lines)


def _refit(fit: BradleyTerryResult, votes: Votes) -> BradleyTerryResult:
    return bradley_terry(
        votes, ties=fit.ties, prior_strength=fit.prior_strength, scale=fit.scale, base=fit.base,
        bias_reduction=fit.bias_reduction,
    )


def votes_to_flip(
    result: BradleyTerryResult,
    a: str | int,
    b: str | int,
    *,
    max_removed: int | None = None,
    refine: bool = True,
    trim: bool = True,
    max_rounds: int = 10,
) -> VotesToFlipResult:
    """Roughly how many votes must be removed to flip the order of two items.

    Parameters
    ----------
    result : BradleyTerryResult
        The fit.
    a, b : str or int
        The two items (order does not matter: the higher-rated one is reported first).
    max_removed : int, optional
        Most votes that may be removed (default: no limit).
    refine : bool
        After the first-order removal, refit; while the order has not flipped, recompute
        the influence at the refit and remove more (up to ``max_rounds`` refits).
    trim : bool
        Once the order has flipped, find by bisection (refits) the shortest prefix of the
        removal sequence (most influential first) that still flips it: the linear
        approximation usually overshoots because the gap falls faster than linearly.
    max_rounds : int
        Largest number of refinement rounds.

    Returns
    -------
    VotesToFlipResult

    Raises
    ------
    TypeError
        ``result`` is not a fit.
    KeyError
        Unknown item (an ``int`` is an item label, never a position).
    ValueError
        ``a == b``, or a bad ``max_removed``/``max_rounds``.

    Notes
    -----
    The refit keeps the fit's tie model, prior strength and scale (mean normalisation;
    the gap does not depend on it). If the removal leaves an item with no finite estimate
    or disconnects the graph, ``refit_error`` says so and ``flipped`` is None.

    References
    ----------
    .. [1] Broderick, T., Giordano, R. & Meager, R. (2020). An automatic finite-sample
       robustness metric: when can dropping a little data make a big difference?
       arXiv:2011.14999.
    .. [2] Huang, J. Y., Shen, Y., Wei, D. & Broderick, T. (2025). Dropping just a handful of
       preferences can change top large language model rankings. arXiv:2508.11847.

    Examples
    --------
    >>> import elosim
    >>> from elosim.simulation.robustness import votes_to_flip
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["x", "y"], [[0, 12], [8, 0]]))
    >>> res = votes_to_flip(fit, "x", "y")
    >>> res.n_removed, res.flipped  # drop 5 of x's wins: 7 vs 8
    (5, True)
    """
    fit = _check_fit(result)
    ia, ib = fit.index(a, "a"), fit.index(b, "b")
    if ia == ib:
        raise ValueError(f"a and b must be different items; got {a!r} twice")
    budget = (
        fit.n_votes if max_removed is None else check_positive_int(max_removed, "max_removed")
    )
    if not isinstance(refine, bool):
        raise TypeError(f"refine must be True or False; got {refine!r}")
    if not isinstance(trim, bool):
        raise TypeError(f"trim must be True or False; got {trim!r}")
    rounds = check_positive_int(max_rounds, "max_rounds")
    if fit.ratings[ia] < fit.ratings[ib]:
        ia, ib = ib, ia
    lead, trail = fit.items[ia], fit.items[ib]
    gap = float(fit.ratings[ia] - fit.ratings[ib])
    votes = _vote_rows(fit, "votes_to_flip")
    keep = np.ones(votes.n_votes, dtype=bool)
    sequence: list[NDArray[np.intp]] = []  # original rows, in removal order
    first_psi: Array | None = None
    n_linear: int | None = None
    predicted = gap
    current = fit
    refit_gap = math.nan
    flipped: bool | None = None
    error: str | None = None
    n_refits = 0
    ok = True

    def refit_without(
        mask: NDArray[np.bool_],
    ) -> tuple[BradleyTerryResult | None, float, str | None]:
        try:
            sub = votes.select(mask)
            if lead not in sub.items or trail not in sub.items:
                raise VotesError("one of the two items has no vote left")
            new = _refit(fit, sub)
        except (NoFiniteEstimateError, DisconnectedGraphError, VotesError) as exc:
            return None, math.nan, f"{type(exc).__name__}: {exc}"
        return new, float(new.ratings[new.index(lead)] - new.ratings[new.index(trail)]), None

    for _round in range(rounds if refine else 1):
        cm = np.zeros((1, current.n_items))
        cm[0, current.index(lead)], cm[0, current.index(trail)] = 1.0, -1.0
        psi = _influence_matrix(current, cm)[0]
        g_now = float(cm[0] @ current.ratings)
        cnt = current.votes.counts.cell_count.astype(float)
        used = int(np.count_nonzero(~keep))
        take, pred, ok = _greedy(psi, cnt, g_now, budget - used)
        if first_psi is None:
            first_psi = psi
            predicted = pred
            n_linear = int(take.sum()) if ok else None
        # map the removed cells (most influential first) to rows of the original votes
        rows_now = np.flatnonzero(keep)
        rc = _vote_rows(current, "votes_to_flip").row_cell
        chosen = np.flatnonzero(take > 0)
        for cell in chosen[np.argsort(-psi[chosen], kind="stable")]:
            rows = rows_now[np.flatnonzero(rc == cell)[: int(take[cell])]]
            keep[rows] = False
            sequence.append(rows)
        if not ok:
            break
        n_refits += 1
        new_fit, refit_gap, error = refit_without(keep)
        if new_fit is None:
            flipped = None
            break
        current = new_fit
        flipped = refit_gap < 0
        if flipped:
            break
    if flipped and trim:
        # smallest prefix of the removal sequence that still flips (binary search, refits)
        order = np.concatenate(sequence)
        lo, hi = 0, order.size
        while hi - lo > 1:
            mid = (lo + hi) // 2
            mask = np.ones(votes.n_votes, dtype=bool)
            mask[order[:mid]] = False
            new_fit, g_mid, _ = refit_without(mask)
            n_refits += 1
            if new_fit is not None and g_mid < 0:
                hi, refit_gap = mid, g_mid
            else:
                lo = mid
        keep = np.ones(votes.n_votes, dtype=bool)
        keep[order[:hi]] = False
    n_removed = int(np.count_nonzero(~keep)) if ok else None
    # describe the removed votes by (pair, outcome) cell of the original fit
    c0 = votes.counts
    assert first_psi is not None
    psi0: Array = first_psi
    removed_cells = np.bincount(votes.row_cell[~keep], minlength=c0.n_cells)
    cells = [int(c) for c in np.flatnonzero(removed_cells)]
    cells.sort(key=lambda c: -psi0[c])
    removed = []
    for c in cells:
        i, j = int(c0.pair_i[c0.cell_pair[c]]), int(c0.pair_j[c0.cell_pair[c]])
        o = int(c0.cell_outcome[c])
        winner = None if o == 2 else fit.items[i if o == 0 else j]
        removed.append(RemovedVotes(fit.items[i], fit.items[j], winner, int(removed_cells[c]),
                                    float(psi0[c])))
    return VotesToFlipResult(
        item_a=lead,
        item_b=trail,
        gap=gap,
        n_votes=fit.n_votes,
        n_removed=n_removed,
        n_removed_linear=n_linear,
        fraction_removed=(n_removed / fit.n_votes) if n_removed is not None else math.nan,
        predicted_gap=predicted,
        removed=tuple(removed),
        refit_gap=refit_gap,
        flipped=flipped,
        n_refits=n_refits,
        refit_error=error,
        _keep=keep,
    )


@dataclass(frozen=True, repr=False)
class TopRobustnessResult(DisplayMethods):
    """Result of :func:`top_robustness`.

    Attributes
    ----------
    leader : str
        The #1 item of the fit.
    challenger : str or None
        The challenger that needs the fewest removals (verified), if any flips.
    n_removed : int or None
        Votes to remove so that the leader is no longer #1 (from the verified challenger).
    fraction_removed : float
    linear_counts : dict
        First-order number of votes to flip the leader with each challenger (None when not
        flippable to first order), best first.
    best : VotesToFlipResult or None
        The detailed, refitted result for ``challenger``.
    """

    leader: str
    challenger: str | None
    n_removed: int | None
    fraction_removed: float
    linear_counts: dict[str, int | None]
    best: VotesToFlipResult | None

    def __repr__(self) -> str:
        if self.n_removed is None:
            return f"<TopRobustnessResult: {self.leader} stays #1 within the limit>"
        return (
            f"<TopRobustnessResult: removing {self.n_removed:,} votes "
            f"({100 * self.fraction_removed:.3g}%) puts {self.challenger} above {self.leader}>"
        )

    def summary(self) -> str:
        """Text: the leader, the easiest challenger, and first-order counts per challenger."""
        lines = [f"Robustness of #1 ({self.leader}) to removing votes"]
        if self.best is not None:
            lines.append(self.best.summary())
        else:
            lines.append("  no challenger overtakes the leader within the limit")
        lines.append("  first-order votes to flip, per challenger:")
        for name, n in list(self.linear_counts.items())[:10]:
            lines.append(f"    {name:<30} {'-' if n is None else f'{n:,}'}")
        return "\n".join(lines)

    def _table(self, digits: int = 1) -> Any:
        """The standard display table (see :func:`elosim.report.result_table`): first-order
        votes to flip the leader, per challenger (empty: not flippable), best first."""
        from .._core.table import Table

        cols: dict[str, list[Any]] = {
            "challenger": list(self.linear_counts),
            "n_removed_linear": [None if n is None else int(n)
                                 for n in self.linear_counts.values()],
        }
        if self.n_removed is None:
            verdict = f"{self.leader} stays #1 within the limit"
        else:
            verdict = (
                f"verified: removing {self.n_removed:,} votes "
                f"({100 * self.fraction_removed:.3g}%) puts {self.challenger} above "
                f"{self.leader}"
            )
        notes = (verdict, "n_removed_linear: first-order prediction from the original fit")
        return Table(cols, {"n_removed_linear": "d"}, f"Robustness of #1 ({self.leader})", notes)

    def to_frame(self) -> pd.DataFrame:
        """``challenger, n_removed_linear`` (NaN: not flippable); the leader and the verified
        count are in ``DataFrame.attrs``. Needs pandas."""
        return table_frame(
            self._table(), "TopRobustnessResult.to_frame", leader=self.leader,
            challenger=self.challenger, n_removed=self.n_removed,
            fraction_removed=self.fraction_removed,
        )


def top_robustness(
    result: BradleyTerryResult,
    *,
    max_removed: int | None = None,
    n_verify: int = 3,
    refine: bool = True,
) -> TopRobustnessResult:
    """How many votes must be removed to change the #1 item.

    The leader stops being #1 exactly when some challenger overtakes it, so the answer is
    the minimum over challengers of :func:`votes_to_flip` (leader, challenger). The
    first-order count is computed for every challenger (one matrix solve); the ``n_verify``
    most fragile pairs are then refitted (:func:`votes_to_flip` with refinement) and the
    smallest verified count is reported.

    Parameters
    ----------
    result : BradleyTerryResult
    max_removed : int, optional
        Most votes that may be removed.
    n_verify : int
        Challengers checked by refitting.
    refine : bool
        Passed to :func:`votes_to_flip`.

    Returns
    -------
    TopRobustnessResult

    Examples
    --------
    >>> import elosim
    >>> from elosim.simulation.robustness import top_robustness
    >>> votes = elosim.Votes.from_counts(
    ...     ["a", "b", "c"], [[0, 14, 20], [10, 0, 18], [8, 10, 0]])
    >>> res = top_robustness(elosim.bradley_terry(votes))
    >>> res.leader, res.challenger, res.best.flipped
    ('a', 'b', True)
    """
    fit = _check_fit(result)
    budget = (
        fit.n_votes if max_removed is None else check_positive_int(max_removed, "max_removed")
    )
    nv = check_positive_int(n_verify, "n_verify")
    lead = int(np.argmax(fit.ratings))
    others = [j for j in range(fit.n_items) if j != lead]
    cm = np.zeros((len(others), fit.n_items))
    cm[:, lead] = 1.0
    cm[np.arange(len(others)), others] = -1.0
    infl = _influence_matrix(fit, cm)
    cnt = fit.votes.counts.cell_count.astype(float)
    counts: dict[str, int | None] = {}
    for row, j in enumerate(others):
        g = float(fit.ratings[lead] - fit.ratings[j])
        take, _, ok = _greedy(infl[row], cnt, g, budget)
        counts[fit.items[j]] = int(take.sum()) if ok else None
    order = sorted(counts, key=lambda x: (counts[x] is None, counts[x] or 0))
    counts = {x: counts[x] for x in order}
    best: VotesToFlipResult | None = None
    for name in [x for x in order if counts[x] is not None][:nv]:
        res = votes_to_flip(fit, fit.items[lead], name, max_removed=budget, refine=refine)
        if res.flipped and res.n_removed is not None and (
            best is None or best.n_removed is None or res.n_removed < best.n_removed
        ):
            best = res
    return TopRobustnessResult(
        leader=fit.items[lead],
        challenger=None if best is None else best.item_b,
        n_removed=None if best is None else best.n_removed,
        fraction_removed=math.nan if best is None or best.n_removed is None
        else best.n_removed / fit.n_votes,
        linear_counts=counts,
        best=best,
    )
