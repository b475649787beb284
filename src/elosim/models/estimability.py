"""Whether a fit's data have a finite maximum-likelihood estimate, and why not.

* :func:`check_estimable`: the comparison graph must be connected, and (without a prior or a
  penalty) its win graph strongly connected, or some ratings run off to infinity.
* :func:`check_prior_is_enough`: a prior too weak to matter in double precision does not
  make the estimate finite.
* :func:`check_tie_model_estimable`: with Davidson or Rao-Kupper ties the likelihood can grow
  without bound even on a strongly connected graph (a linear feasibility problem).

Each raises the named error (:class:`~elosim.DisconnectedGraphError`,
:class:`~elosim.NoFiniteEstimateError`) listing the items at fault and a remedy.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .._core.errors import DisconnectedGraphError, NoFiniteEstimateError
from ..data.counts import VoteCounts
from ..data.votes import Votes
from .inputs import MIN_USEFUL_PRIOR

__all__ = ["check_estimable", "check_prior_is_enough", "check_tie_model_estimable"]

Array = NDArray[np.float64]


def check_estimable(votes: Votes | VoteCounts, table: Array, *, need_strong: bool) -> None:
    """Raise if the comparison graph is disconnected or (when needed) not strongly connected."""
    c = votes.counts
    k = votes.n_items
    present = table.sum(axis=1) > 0
    pi, pj = c.pair_i[present], c.pair_j[present]
    g = sparse.coo_matrix((np.ones(pi.size), (pi, pj)), shape=(k, k)).tocsr()
    n_comp, labels = connected_components(g, directed=False)
    if n_comp > 1:
        comps = [[votes.items[i] for i in np.flatnonzero(labels == q)] for q in range(n_comp)]
        raise DisconnectedGraphError(sorted(comps, key=lambda x: (-len(x), x)))
    if not need_strong:
        return
    t = table[present]
    # edge winner -> loser; a tie links both ways
    fwd = (t[:, 0] + t[:, 2]) > 0  # i beat (or tied) j: edge i -> j
    bwd = (t[:, 1] + t[:, 2]) > 0
    src = np.concatenate([pi[fwd], pj[bwd]])
    dst = np.concatenate([pj[fwd], pi[bwd]])
    dg = sparse.coo_matrix((np.ones(src.size), (src, dst)), shape=(k, k)).tocsr()
    n_scc, scc = connected_components(dg, directed=True, connection="strong")
    if n_scc == 1:
        return
    # condensation: sources (nobody outside beat them) go to +inf, sinks to -inf
    cross = scc[src] != scc[dst]
    has_in = np.zeros(n_scc, bool)
    has_out = np.zeros(n_scc, bool)
    has_in[scc[dst[cross]]] = True
    has_out[scc[src[cross]]] = True
    up = [votes.items[i] for i in range(k) if not has_in[scc[i]]]
    down = [votes.items[i] for i in range(k) if not has_out[scc[i]]]
    raise NoFiniteEstimateError(up, down)


def check_prior_is_enough(votes: Votes | VoteCounts, table: Array, prior_strength: float) -> None:
    """A prior too weak to matter in double precision cannot make the estimate finite."""
    try:
        check_estimable(votes, table, need_strong=True)
    except NoFiniteEstimateError as exc:
        raise NoFiniteEstimateError(
            exc.items_up,
            exc.items_down,
            reason=(
                f"prior_strength={prior_strength!r} is too weak to give a finite estimate "
                f"(below {MIN_USEFUL_PRIOR:g}, a prior SD of more than "
                f"{173.7 / math.sqrt(MIN_USEFUL_PRIOR):,.0f} Elo points): the win graph is not "
                f"strongly connected (never lost to the rest: {exc.items_up[:5]}; never beat "
                f"the rest: {exc.items_down[:5]}), so these ratings would sit wherever the "
                "solver stops. Remedy: use prior_strength of about 0.1 to 1, or drop these "
                "items with votes.drop_items([...])"
            ),
        ) from None


def check_tie_model_estimable(votes: Votes | VoteCounts, table: Array, ties: str) -> None:
    """Raise if a tie model's likelihood has no finite maximum despite strong connectivity.

    With Davidson or Rao-Kupper ties the likelihood can keep growing along
    ``tau = t, lam = t * x`` (``t -> inf``): ties become ever more likely while every
    decisive vote stays likely because its winner is ever further ahead. This is possible
    exactly when some ``x`` has ``x_w - x_l >= c`` for every decisive vote (winner ``w``)
    and ``|x_i - x_j| <= c`` for every tied pair, with ``c = 2`` (Davidson) or ``1``
    (Rao-Kupper): a linear feasibility problem (separation, as in Albert & Anderson 1984).
    """
    c = votes.counts
    present = table.sum(axis=1) > 0
    pi, pj, t = c.pair_i[present], c.pair_j[present], table[present]
    k = votes.n_items
    cst = 2.0 if ties == "davidson" else 1.0
    rows: list[tuple[int, int, float]] = []  # x_p - x_q <= rhs
    for (i, j), (wi, wj, tt) in zip(zip(pi, pj, strict=True), t, strict=True):
        if wi > 0:  # i beat j: x_j - x_i <= -c
            rows.append((int(j), int(i), -cst))
        if wj > 0:
            rows.append((int(i), int(j), -cst))
        if tt > 0:
            rows.append((int(i), int(j), cst))
            rows.append((int(j), int(i), cst))
    from scipy.optimize import linprog

    a_ub = sparse.coo_matrix(
        (
            np.concatenate([np.ones(len(rows)), -np.ones(len(rows))]),
            (np.tile(np.arange(len(rows)), 2), [r[0] for r in rows] + [r[1] for r in rows]),
        ),
        shape=(len(rows), k),
    ).tocsr()
    res = linprog(
        np.zeros(k), A_ub=a_ub, b_ub=np.array([r[2] for r in rows]),
        bounds=[(0, 0)] + [(None, None)] * (k - 1), method="highs",
    )
    if res.status != 0:
        return
    x = res.x
    top = [votes.items[i] for i in np.flatnonzero(x >= x.max() - 1e-9)]
    bottom = [votes.items[i] for i in np.flatnonzero(x <= x.min() + 1e-9)]
    raise NoFiniteEstimateError(
        top,
        bottom,
        reason=(
            f"no finite maximum-likelihood estimate with ties={ties!r}: the items can be "
            "spread out so that every decisive vote is won by a much stronger item while "
            "every tie joins close items, and the likelihood then keeps growing with the tie "
            f"parameter (strongest: {top[:5]}; weakest: {bottom[:5]}). This happens with few "
            "decisive votes. Remedy: pass bias_reduction='firth' (Jeffreys-penalised, finite), "
            "or prior_strength > 0 (e.g. prior_strength=1.0), or use ties='half'."
        ),
    )
