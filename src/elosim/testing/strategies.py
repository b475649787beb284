"""Hypothesis strategies for testing code that uses elosim.

These strategies generate the objects elosim works with -- item labels, true ratings,
:class:`~elosim.Votes`, comparison designs, K x K count matrices and LMArena-style frames --
so that you can write property-based tests of your own rating code, or of code that
consumes elosim's results. They follow the conventions of :mod:`hypothesis.extra.numpy`:
plural names, ``min_*`` / ``max_*`` size arguments with small defaults, arguments checked
when the strategy is *created* (a bad argument raises
:class:`hypothesis.errors.InvalidArgument` at once, not on the first draw), and examples
that shrink towards something small and readable: few items, few votes, labels ``'0'``,
``'1'``, ..., side A winning, no ties, unit weights.

Comparison graphs that must be connected (every item linked to every other by a chain of
comparisons) or *strongly* connected (every item beat, possibly indirectly, every other --
the condition for a finite maximum-likelihood estimate, Ford 1957) are connected **by
construction**: a random spanning tree, or a random Hamiltonian cycle of wins, plus random
extra votes. Nothing is generated and then filtered away, so these strategies stay fast and
never trigger Hypothesis' ``filter_too_much`` health check.

This module is the only place where elosim imports Hypothesis; ``import elosim`` never does.

Examples
--------
A tiny Elo implementation, written by a user, and three properties it should have:
updates are zero-sum, swapping the sides (and the outcome) gives the mirrored ratings, and
a win never lowers the winner's rating.

>>> import numpy as np
>>> from hypothesis import given, settings
>>> from elosim.testing import strategies as es
>>>
>>> def elo(votes, *, k=32.0, start=1000.0):
...     '''Online Elo over the votes in order; ratings aligned with votes.items.'''
...     r = np.full(votes.n_items, start)
...     score = np.array([1.0, 0.0, 0.5])  # A wins, B wins, tie
...     for a, b, o in zip(votes.a, votes.b, votes.outcome):
...         expected = 1.0 / (1.0 + 10.0 ** ((r[b] - r[a]) / 400.0))
...         delta = k * (score[o] - expected)
...         r[a] += delta
...         r[b] -= delta
...     return r
>>>
>>> @settings(max_examples=25)
... @given(es.votes(max_votes=30))
... def check_zero_sum(votes):
...     assert abs(elo(votes).sum() - 1000.0 * votes.n_items) < 1e-9
>>> check_zero_sum()

The minimal example of a strategy is what a failing test shrinks towards; ``find``
shows it (here: two items and one vote that side A won):

>>> from hypothesis import find
>>> v = find(es.votes(), lambda v: True)
>>> v.items, v.a.tolist(), v.b.tolist(), v.outcome.tolist()
(('0', '1'), [0], [1], [0])

The full worked example (symmetry and monotonicity too) is in elosim's own
``tests/test_strategies.py``.
"""

from __future__ import annotations

import itertools
import math
import numbers
import string
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "elosim.testing.strategies needs Hypothesis, which is not installed: "
        'pip install "elosim[strategies]"'
    ) from exc
from numpy.typing import NDArray

from elosim.data.labels import label_fold_key, normalize_label
from elosim.data.votes import A_WINS, B_WINS, TIE, Votes

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ComparisonDesign",
    "CountMatrices",
    "comparison_designs",
    "count_matrices",
    "degenerate_votes",
    "item_labels",
    "lmarena_frames",
    "true_ratings",
    "votes",
]

#: Characters of the default (ASCII) labels; labels shrink towards ``'0'``, ``'1'``, ...
LABEL_ALPHABET = string.ascii_lowercase + string.ascii_uppercase + string.digits + "_-."
#: The longest label elosim's readers accept (longer ones are reported as wrong columns).
MAX_LABEL_LENGTH = 1000
DEGENERATE_KINDS = ("never_loses", "never_wins", "disconnected", "dominating_group")
_TIE_LABELS = ("tie", "tie (bothbad)")
_EPOCH = np.datetime64("2024-01-01T00:00:00", "s")


# ---------------------------------------------------------------------- validation
def _check_int(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgument(f"{name} must be an integer >= {minimum}; got {value!r}")
    if int(value) < minimum:
        raise InvalidArgument(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name} must be True or False; got {value!r}")
    return value


def _check_order(lo_name: str, lo: float, hi_name: str, hi: float) -> None:
    if lo > hi:
        raise InvalidArgument(f"{lo_name}={lo!r} must not exceed {hi_name}={hi!r}")


def _check_range(lo_name: str, lo: Any, hi_name: str, hi: Any, minimum: int) -> tuple[int, int]:
    """Two integer bounds, each at least ``minimum``, the first not above the second."""
    lo_, hi_ = _check_int(lo, lo_name, minimum), _check_int(hi, hi_name, minimum)
    _check_order(lo_name, lo_, hi_name, hi_)
    return lo_, hi_


def _check_flags(**flags: Any) -> None:
    """Every keyword is ``True`` or ``False`` (checked in the order given)."""
    for name, flag in flags.items():
        _check_bool(flag, name)


def _check_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgument(f"{name} must be a finite number; got {value!r}")
    if not math.isfinite(float(value)):
        raise InvalidArgument(f"{name} must be a finite number; got {value!r}")
    return float(value)


def _check_items(items: Any, name: str = "items") -> tuple[str, ...]:
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise InvalidArgument(f"{name} must be a sequence of str labels; got {items!r}")
    labels = tuple(items)
    if not all(isinstance(x, str) and x.strip() for x in labels):
        raise InvalidArgument(f"{name} must hold non-blank str labels; got {labels!r}")
    if len(set(labels)) != len(labels):
        raise InvalidArgument(f"{name} has duplicated labels: {labels!r}")
    if len(labels) < 2:
        raise InvalidArgument(f"{name} needs at least two labels; got {labels!r}")
    return labels


def _structure_size(k: int, *, connected: bool, strongly_connected: bool) -> int:
    """Votes needed to link ``k`` items: a cycle, a spanning tree, or a cover of every item."""
    if strongly_connected:
        return k
    if connected:
        return k - 1
    return (k + 1) // 2


def _item_bounds(
    min_items: Any, max_items: Any, min_votes: Any, max_votes: Any, *, connected: bool,
    strongly_connected: bool,
) -> tuple[int, int, int, int]:
    """Validate the size arguments; the largest item count the vote budget can link."""
    lo, hi = _check_range("min_items", min_items, "max_items", max_items, 2)
    vlo, vhi = _check_range("min_votes", min_votes, "max_votes", max_votes, 1)
    need = _structure_size(lo, connected=connected, strongly_connected=strongly_connected)
    if need > vhi:
        what = (
            "a strongly connected design (a cycle of wins)" if strongly_connected
            else "a connected design (a spanning tree)" if connected
            else "a design in which every item has a vote"
        )
        raise InvalidArgument(
            f"max_votes={vhi} is too small for {what} on min_items={lo} items: "
            f"it needs at least {need} votes"
        )
    while _structure_size(hi, connected=connected, strongly_connected=strongly_connected) > vhi:
        hi -= 1
    return lo, hi, vlo, vhi


_F = TypeVar("_F", bound=Callable[..., Any])


def _raises_when_created(what: str = "inconsistent arguments") -> Callable[[_F], _F]:
    """Add the numpydoc ``Raises`` section every strategy shares (before its ``Examples``):
    :class:`hypothesis.errors.InvalidArgument` when the strategy is created with ``what``."""
    when = textwrap.fill(
        f"When the strategy is created with {what}.", 92, initial_indent=" " * 8,
        subsequent_indent=" " * 8,
    )
    section = f"    Raises\n    ------\n    hypothesis.errors.InvalidArgument\n{when}\n\n"

    def add(strategy: _F) -> _F:
        if strategy.__doc__:  # None under python -OO
            strategy.__doc__ = strategy.__doc__.replace(
                "    Examples\n", section + "    Examples\n", 1
            )
        return strategy

    return add


# ---------------------------------------------------------------------- labels and ratings
@_raises_when_created("inconsistent or out-of-range arguments")
def item_labels(
    *,
    min_size: int = 2,
    max_size: int = 8,
    min_length: int = 1,
    max_length: int = 8,
    unicode: bool = False,
) -> st.SearchStrategy[tuple[str, ...]]:
    """Tuples of distinct, non-blank item labels.

    Parameters
    ----------
    min_size, max_size : int
        Number of labels (``2 <= min_size <= max_size``).
    min_length, max_length : int
        Length of each label in characters (``1 <= min_length <= max_length <= 1000``;
        1000 is the longest label elosim's readers accept, so ``max_length=1000`` tests
        huge labels).
    unicode : bool
        ``False``: ASCII letters, digits, ``_``, ``-`` and ``.``. ``True``: any Unicode
        character that UTF-8 can encode except surrogates and control characters
        (so also whitespace, combining marks, emoji and right-to-left scripts; a label is
        never blank). Labels are in the canonical form of :mod:`elosim.data.labels` (NFC,
        no surrounding whitespace) and no two differ only by case, whitespace, Unicode
        form or invisible characters.

    Returns
    -------
    SearchStrategy of tuple of str
        Examples shrink towards fewer, shorter labels: ``('0', '1')``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import item_labels
    >>> find(item_labels(), lambda labels: True)
    ('0', '1')
    >>> find(item_labels(min_size=3), lambda labels: True)
    ('0', '1', '2')
    """
    lo, hi = _check_range("min_size", min_size, "max_size", max_size, 2)
    llo, lhi = _check_range("min_length", min_length, "max_length", max_length, 1)
    if lhi > MAX_LABEL_LENGTH:
        raise InvalidArgument(
            f"max_length must be at most {MAX_LABEL_LENGTH} (elosim rejects longer labels); "
            f"got {max_length!r}"
        )
    _check_bool(unicode, "unicode")
    chars: st.SearchStrategy[str]
    if unicode:
        chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
        label = (
            st.text(chars, min_size=llo, max_size=lhi)
            .map(normalize_label)
            .filter(lambda s: llo <= len(s) <= lhi)
        )
    else:
        label = st.text(st.sampled_from(LABEL_ALPHABET), min_size=llo, max_size=lhi)
    # distinct under elosim's label rule: no two labels differ only by case, whitespace,
    # Unicode form or invisible characters (elosim would warn about such look-alikes)
    return st.lists(label, min_size=lo, max_size=hi, unique_by=label_fold_key).map(tuple)


@_raises_when_created("inconsistent or out-of-range arguments")
def true_ratings(
    n_items: int | None = None,
    *,
    items: Sequence[str] | None = None,
    min_rating: float = 600.0,
    max_rating: float = 1400.0,
) -> st.SearchStrategy[NDArray[np.float64]]:
    """Arrays of true ratings on the Elo scale, one per item.

    Parameters
    ----------
    n_items : int, optional
        Number of items (at least 2). Default: between 2 and 8.
    items : sequence of str, optional
        Item labels; the array is aligned with them (give ``n_items`` or ``items``).
    min_rating, max_rating : float
        Range of every rating (finite, ``min_rating <= max_rating``).

    Returns
    -------
    SearchStrategy of ndarray of float64, shape (n_items,)
        Examples shrink towards fewer items and all ratings equal to ``min_rating``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import true_ratings
    >>> find(true_ratings(items=["x", "y", "z"]), lambda r: True).tolist()
    [600.0, 600.0, 600.0]
    """
    if items is not None and n_items is not None:
        raise InvalidArgument("give n_items or items, not both")
    size: st.SearchStrategy[int]
    if items is not None:
        size = st.just(len(_check_items(items)))
    elif n_items is not None:
        size = st.just(_check_int(n_items, "n_items", 2))
    else:
        size = st.integers(2, 8)
    lo = _check_float(min_rating, "min_rating")
    hi = _check_float(max_rating, "max_rating")
    _check_order("min_rating", lo, "max_rating", hi)
    rating = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    return size.flatmap(lambda k: st.lists(rating, min_size=k, max_size=k)).map(
        lambda r: np.array(r, dtype=np.float64)
    )


# ---------------------------------------------------------------------- designs
class ComparisonDesign(NamedTuple):
    """Coded pairwise votes on items ``0`` to ``n_items - 1`` (as in :class:`elosim.Votes`).

    ``a[v]`` and ``b[v]`` are the items on side A and side B of vote ``v`` and
    ``outcome[v]`` is 0 (A wins), 1 (B wins) or 2 (tie).
    """

    n_items: int
    a: NDArray[np.intp]
    b: NDArray[np.intp]
    outcome: NDArray[np.int8]

    def to_votes(self, items: Sequence[str] | None = None) -> Votes:
        """The design as :class:`elosim.Votes` (labels ``'i0', 'i1', ...`` by default)."""
        labels = tuple(items) if items is not None else tuple(f"i{k}" for k in range(self.n_items))
        return Votes(items=labels, a=self.a, b=self.b, outcome=self.outcome)


def _outcomes(ties: bool) -> st.SearchStrategy[int]:
    return st.sampled_from((A_WINS, B_WINS, TIE) if ties else (A_WINS, B_WINS))


Edge = tuple[int, int, int]


def _sided(draw: st.DrawFn, winner: int, loser: int) -> Edge:
    """A win of ``winner`` over ``loser`` with random sides (shrinks to the winner on A)."""
    if draw(st.booleans()):
        return (loser, winner, B_WINS)
    return (winner, loser, A_WINS)


def _cycle(draw: st.DrawFn, members: Sequence[int]) -> list[Edge]:
    """A Hamiltonian cycle of wins through ``members`` (in the given order)."""
    m = len(members)
    if m < 2:
        return []
    return [_sided(draw, members[i], members[(i + 1) % m]) for i in range(m)]


def _structure(
    draw: st.DrawFn, perm: Sequence[int], *, ties: bool, connected: bool,
    strongly_connected: bool,
) -> list[Edge]:
    k = len(perm)
    if strongly_connected:
        return _cycle(draw, perm)
    outcome = _outcomes(ties)
    if connected:  # random recursive tree: child perm[i] hangs on an earlier node
        pairs = [(perm[draw(st.integers(0, i - 1))], perm[i]) for i in range(1, k)]
    else:  # only make sure that every item takes part in a vote
        pairs = [(perm[i], perm[(i + 1) % k]) for i in range(0, k, 2)]
    return [(p, c, draw(outcome)) for p, c in pairs]


def _extra_edges(
    draw: st.DrawFn, k: int, *, ties: bool, min_size: int, max_size: int
) -> list[Edge]:
    """Random further votes; each shrinks towards ``(0, 1, A wins)``."""
    edge = st.tuples(st.integers(0, k - 1), st.integers(1, k - 1), _outcomes(ties))
    raw = draw(st.lists(edge, min_size=min_size, max_size=max_size))
    return [(i, (i + off) % k, o) for i, off, o in raw]


def _design(
    draw: st.DrawFn, *, k: int, min_votes: int, max_votes: int, ties: bool, connected: bool,
    strongly_connected: bool,
) -> ComparisonDesign:
    perm = draw(st.permutations(range(k)))
    edges = _structure(
        draw, perm, ties=ties, connected=connected, strongly_connected=strongly_connected
    )
    s = len(edges)
    edges += _extra_edges(
        draw, k, ties=ties, min_size=max(0, min_votes - s), max_size=max_votes - s
    )
    arr = _in_random_order(draw, edges)
    return ComparisonDesign(
        n_items=k, a=arr[:, 0].copy(), b=arr[:, 1].copy(), outcome=arr[:, 2].astype(np.int8)
    )


def _in_random_order(draw: st.DrawFn, edges: Sequence[Edge]) -> NDArray[np.intp]:
    """The votes as rows ``(a, b, outcome)``, shuffled (shrinks towards the order given)."""
    order = draw(st.permutations(range(len(edges))))
    return np.array([edges[i] for i in order], dtype=np.intp).reshape(-1, 3)


def _designs(
    min_items: Any, max_items: Any, min_votes: Any, max_votes: Any, *, ties: bool,
    connected: bool, strongly_connected: bool,
) -> st.SearchStrategy[ComparisonDesign]:
    """The designs of :func:`comparison_designs` (sizes checked here, flags by the caller)."""
    lo, hi, vlo, vhi = _item_bounds(
        min_items, max_items, min_votes, max_votes, connected=connected,
        strongly_connected=strongly_connected,
    )

    @st.composite
    def designs(draw: st.DrawFn) -> ComparisonDesign:
        k = draw(st.integers(lo, hi))
        return _design(
            draw, k=k, min_votes=vlo, max_votes=vhi, ties=ties, connected=connected,
            strongly_connected=strongly_connected,
        )

    return designs()


@_raises_when_created(
    "inconsistent arguments (``min_items > max_items``, or fewer ``max_votes`` than needed "
    "to link ``min_items`` items...)"
)
def comparison_designs(
    *,
    min_items: int = 2,
    max_items: int = 8,
    min_votes: int = 1,
    max_votes: int = 50,
    ties: bool = True,
    connected: bool = True,
    strongly_connected: bool = False,
) -> st.SearchStrategy[ComparisonDesign]:
    """Coded comparison designs (who met whom, on which side, and who won).

    Parameters
    ----------
    min_items, max_items : int
        Number of items (at least 2). The upper bound is lowered when ``max_votes`` is too
        small to link that many items.
    min_votes, max_votes : int
        Number of votes (at least 1).
    ties : bool
        Whether outcomes may be ties.
    connected : bool
        ``True``: the comparison graph is connected, built from a random spanning tree plus
        random extra votes. ``False``: no guarantee (every item still takes part in at least
        one vote, so the graph may or may not be connected).
    strongly_connected : bool
        The directed win graph (an edge from winner to loser; a tie links both ways) is
        strongly connected, built from a random Hamiltonian cycle of wins plus random
        extra votes: the Bradley-Terry maximum-likelihood estimate is then finite.
        Implies a connected graph, whatever ``connected`` says.

    Returns
    -------
    SearchStrategy of ComparisonDesign
        The votes come in random order. Examples shrink towards fewer items and votes,
        the tree or cycle in item order ``0 - 1 - 2 ...``, extra votes between items 0 and
        1, side A winning, no ties.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import comparison_designs
    >>> d = find(comparison_designs(min_items=3, strongly_connected=True), lambda d: True)
    >>> d.n_items, d.a.tolist(), d.b.tolist(), d.outcome.tolist()
    (3, [0, 1, 2], [1, 2, 0], [0, 0, 0])
    """
    _check_flags(ties=ties, connected=connected, strongly_connected=strongly_connected)
    return _designs(
        min_items, max_items, min_votes, max_votes, ties=ties, connected=connected,
        strongly_connected=strongly_connected,
    )


@_raises_when_created()
def votes(
    *,
    min_items: int = 2,
    max_items: int = 8,
    min_votes: int = 1,
    max_votes: int = 200,
    ties: bool = True,
    weights: bool = False,
    clusters: bool = False,
    timestamps: bool = False,
    connected: bool = True,
    strongly_connected: bool = False,
    items: Sequence[str] | None = None,
    unicode_labels: bool = False,
) -> st.SearchStrategy[Votes]:
    """:class:`elosim.Votes` on a connected (or strongly connected) comparison graph.

    Parameters
    ----------
    min_items, max_items : int
        Number of items (at least 2); ignored when ``items`` is given.
    min_votes, max_votes : int
        Number of votes (at least 1).
    ties : bool
        Whether votes may be ties.
    weights : bool
        Attach a weight to every vote, between 0.25 and 4 (strictly positive, so weights
        never break the connectivity promised below).
    clusters : bool
        Attach a cluster id (an int between 0 and 4) to every vote.
    timestamps : bool
        Attach non-decreasing ``datetime64[s]`` time stamps from 2024-01-01.
    connected, strongly_connected : bool
        As in :func:`comparison_designs`: the graph is connected (``True``, default) or
        carries no guarantee (``False``); ``strongly_connected=True`` makes the
        Bradley-Terry maximum-likelihood estimate finite.
    items : sequence of str, optional
        Fixed item labels (otherwise drawn from :func:`item_labels`).
    unicode_labels : bool
        Draw labels from all of Unicode (see :func:`item_labels`).

    Returns
    -------
    SearchStrategy of elosim.Votes
        Every item of ``votes.items`` takes part in at least one vote. Examples shrink
        towards two items ``'0'``, ``'1'``, one vote won by side A, no ties, weights 1,
        a single cluster 0 and equal time stamps.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import votes
    >>> v = find(votes(strongly_connected=True, weights=True), lambda v: True)
    >>> v
    <Votes: 2 votes, 2 items, 0 ties, weighted>
    >>> v.a.tolist(), v.b.tolist(), v.outcome.tolist(), v.weight.tolist()
    ([0, 1], [1, 0], [0, 0], [1.0, 1.0])
    """
    _check_flags(
        ties=ties, weights=weights, clusters=clusters, timestamps=timestamps,
        connected=connected, strongly_connected=strongly_connected,
        unicode_labels=unicode_labels,
    )
    fixed = None if items is None else _check_items(items)
    if fixed is not None:
        min_items = max_items = len(fixed)
    designs = _designs(
        min_items, max_items, min_votes, max_votes, ties=ties, connected=connected,
        strongly_connected=strongly_connected,
    )

    @st.composite
    def votes_(draw: st.DrawFn) -> Votes:
        d = draw(designs)
        k = d.n_items
        labels = fixed if fixed is not None else draw(
            item_labels(min_size=k, max_size=k, unicode=unicode_labels)
        )
        n = d.a.size
        return Votes(
            items=labels, a=d.a, b=d.b, outcome=d.outcome,
            weight=_draw_weights(draw, n) if weights else None,
            cluster=_draw_clusters(draw, n) if clusters else None,
            time=_draw_times(draw, n) if timestamps else None,
        )

    return votes_()


def _draw_weights(draw: st.DrawFn, n: int) -> NDArray[np.float64]:
    w = st.floats(0.25, 4.0, allow_nan=False, allow_infinity=False)
    return np.array(draw(st.lists(w, min_size=n, max_size=n)), dtype=np.float64)


def _draw_clusters(draw: st.DrawFn, n: int) -> NDArray[np.int64]:
    return np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=np.int64)


def _draw_times(draw: st.DrawFn, n: int) -> NDArray[Any]:
    gaps = draw(st.lists(st.integers(0, 86_400), min_size=n, max_size=n))
    return _EPOCH + np.cumsum(np.array(gaps, dtype=np.int64)).astype("timedelta64[s]")


# ---------------------------------------------------------------------- error paths
def _min_degenerate_items(kind: str) -> int:
    return {"never_loses": 2, "never_wins": 2, "dominating_group": 3, "disconnected": 4}[kind]


@_raises_when_created("an unknown ``kind`` or inconsistent sizes")
def degenerate_votes(
    kind: str,
    *,
    min_items: int | None = None,
    max_items: int = 8,
    max_votes: int = 60,
    ties: bool = True,
) -> st.SearchStrategy[Votes]:
    """Votes whose Bradley-Terry maximum-likelihood estimate does not exist.

    For testing error paths: ``bradley_terry`` raises :class:`elosim.NoFiniteEstimateError`
    (the first three kinds) or :class:`elosim.DisconnectedGraphError` (``"disconnected"``);
    with ``prior_strength > 0`` the first three fit.

    Parameters
    ----------
    kind : {"never_loses", "never_wins", "dominating_group", "disconnected"}
        ``"never_loses"``: one item wins every vote it takes part in (never a tie); the
        other items form a strongly connected group. ``"never_wins"``: one item loses
        every vote it takes part in. ``"dominating_group"``: a strongly connected group of
        at least two items beats every item outside it in every vote between them; the
        other items form a strongly connected group. ``"disconnected"``: two or more
        groups of at least two items, each strongly connected, with no vote between
        groups. Within a group, extra votes may be ties.
    min_items, max_items : int
        Number of items; ``min_items`` defaults to the smallest possible (2, 2, 3, 4).
    max_votes : int
        Upper bound on the number of votes (at least ``min_items + 1``).
    ties : bool
        Whether extra votes inside a group may be ties.

    Returns
    -------
    SearchStrategy of elosim.Votes
        Examples shrink towards the fewest items and votes.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import degenerate_votes
    >>> v = find(degenerate_votes("never_loses", min_items=3), lambda v: True)
    >>> v.items, v.a.tolist(), v.b.tolist(), v.outcome.tolist()
    (('0', '1', '2'), [1, 2, 0], [2, 1, 1], [0, 0, 0])
    """
    if kind not in DEGENERATE_KINDS:
        raise InvalidArgument(f"kind must be one of {DEGENERATE_KINDS}; got {kind!r}")
    least = _min_degenerate_items(kind)
    lo = least if min_items is None else _check_int(min_items, "min_items", least)
    hi = _check_int(max_items, "max_items", least)
    _check_order("min_items", lo, "max_items", hi)
    vhi = _check_int(max_votes, "max_votes", 1)
    if vhi < lo + 1:
        raise InvalidArgument(
            f"max_votes={vhi} is too small for kind={kind!r} on min_items={lo} items: "
            f"it needs at least {lo + 1} votes"
        )
    hi = min(hi, vhi - 1)
    _check_flags(ties=ties)

    @st.composite
    def degenerate(draw: st.DrawFn) -> Votes:
        k = draw(st.integers(lo, hi))
        perm = draw(st.permutations(range(k)))
        if kind in ("never_loses", "never_wins"):
            groups = [list(perm[:1]), list(perm[1:])]
        elif kind == "dominating_group":
            g = draw(st.integers(2, k - 1))
            groups = [list(perm[:g]), list(perm[g:])]
        else:
            # groups of at least two items: cut after an even number of items
            cuts = sorted(draw(st.sets(st.integers(1, k // 2 - 1), min_size=1)))
            bounds = [0, *[2 * c for c in cuts], k]
            groups = [list(perm[s:e]) for s, e in itertools.pairwise(bounds)]
        edges: list[Edge] = []
        for grp in groups:
            edges += _cycle(draw, grp)
        if kind != "disconnected":  # the first group beats (or, never_wins, loses to) the rest
            top, rest = groups
            n_cross = draw(st.integers(1, max(1, min(len(top) * len(rest), vhi - k))))
            for _ in range(n_cross):
                w, l_ = draw(st.sampled_from(top)), draw(st.sampled_from(rest))
                edges.append(_sided(draw, l_, w) if kind == "never_wins" else _sided(draw, w, l_))
        inner = [grp for grp in groups if len(grp) >= 2]
        budget = vhi - len(edges)
        if budget > 0 and inner:
            extra = st.tuples(
                st.integers(0, len(inner) - 1), st.integers(0, 10**6), st.integers(1, 10**6),
                _outcomes(ties),
            )
            for gi, x, off, o in draw(st.lists(extra, max_size=budget)):
                grp = inner[gi]
                i = x % len(grp)
                j = (i + 1 + off % (len(grp) - 1)) % len(grp)
                edges.append((grp[i], grp[j], o))
        arr = _in_random_order(draw, edges)
        labels = draw(item_labels(min_size=k, max_size=k))
        return Votes(items=labels, a=arr[:, 0], b=arr[:, 1], outcome=arr[:, 2].astype(np.int8))

    return degenerate()


# ---------------------------------------------------------------------- counts and frames
class CountMatrices(NamedTuple):
    """Arguments of :meth:`elosim.Votes.from_counts`: ``Votes.from_counts(*counts)``.

    ``wins[i, j]`` is how many times item i beat item j; ``ties`` is symmetric with a zero
    diagonal.
    """

    items: tuple[str, ...]
    wins: NDArray[np.int64]
    ties: NDArray[np.int64]


@_raises_when_created()
def count_matrices(
    *,
    min_items: int = 2,
    max_items: int = 6,
    max_count: int = 10,
    ties: bool = True,
    connected: bool = False,
    strongly_connected: bool = False,
) -> st.SearchStrategy[CountMatrices]:
    """K x K matrices of wins and (symmetric) ties, with item labels.

    Parameters
    ----------
    min_items, max_items : int
        Number of items K (at least 2).
    max_count : int
        Largest entry of either matrix (at least 1).
    ties : bool
        Whether the tie matrix may be non-zero.
    connected : bool
        The comparison graph is connected (a random spanning tree of non-zero cells).
    strongly_connected : bool
        The win graph is strongly connected (a random Hamiltonian cycle of non-zero wins).

    Returns
    -------
    SearchStrategy of CountMatrices
        There is at least one vote in total. Examples shrink towards two items, a single
        win of the first item, zero ties.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import count_matrices
    >>> m = find(count_matrices(), lambda m: True)
    >>> m.items, m.wins.tolist(), m.ties.tolist()
    (('0', '1'), [[0, 1], [0, 0]], [[0, 0], [0, 0]])
    """
    lo, hi = _check_range("min_items", min_items, "max_items", max_items, 2)
    top = _check_int(max_count, "max_count", 1)
    _check_flags(ties=ties, connected=connected, strongly_connected=strongly_connected)

    @st.composite
    def matrices(draw: st.DrawFn) -> CountMatrices:
        k = draw(st.integers(lo, hi))
        perm = draw(st.permutations(range(k)))
        low_w = np.zeros((k, k), dtype=np.int64)
        low_t = np.zeros((k, k), dtype=np.int64)
        if strongly_connected:
            for i in range(k):
                low_w[perm[i], perm[(i + 1) % k]] = 1
        elif connected:
            for i in range(1, k):
                p, c = perm[draw(st.integers(0, i - 1))], perm[i]
                o = draw(_outcomes(ties))
                if o == TIE:
                    low_t[p, c] = low_t[c, p] = 1
                else:
                    low_w[(p, c) if o == A_WINS else (c, p)] = 1
        else:
            low_w[perm[0], perm[1]] = 1
        wins = np.zeros((k, k), dtype=np.int64)
        tie = np.zeros((k, k), dtype=np.int64)
        for i in range(k):
            for j in range(k):
                if i != j:
                    wins[i, j] = draw(st.integers(int(low_w[i, j]), top))
                if ties and i < j:
                    tie[i, j] = tie[j, i] = draw(st.integers(int(low_t[i, j]), top))
        labels = draw(item_labels(min_size=k, max_size=k))
        return CountMatrices(items=labels, wins=wins, ties=tie)

    return matrices()


@_raises_when_created()
def lmarena_frames(
    *,
    min_items: int = 2,
    max_items: int = 8,
    min_votes: int = 1,
    max_votes: int = 50,
    ties: bool = True,
    connected: bool = True,
    strongly_connected: bool = False,
    unicode_labels: bool = False,
) -> st.SearchStrategy[pd.DataFrame]:
    """pandas DataFrames of votes in LMArena's format: ``model_a, model_b, winner``.

    ``winner`` holds ``"model_a"``, ``"model_b"``, ``"tie"`` or ``"tie (bothbad)"``. Needs
    pandas (imported when the strategy is created).

    Parameters
    ----------
    min_items, max_items, min_votes, max_votes, ties, connected, strongly_connected
        As in :func:`votes`.
    unicode_labels : bool
        Draw model names from all of Unicode (see :func:`item_labels`).

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        One row per vote. Examples shrink towards one row ``a, b, model_a``; tie rows
        towards ``"tie"``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from elosim.testing.strategies import lmarena_frames
    >>> find(lmarena_frames(), lambda df: True)
      model_a model_b   winner
    0       0       1  model_a
    """
    import pandas

    inner = votes(
        min_items=min_items, max_items=max_items, min_votes=min_votes, max_votes=max_votes,
        ties=ties, connected=connected, strongly_connected=strongly_connected,
        unicode_labels=unicode_labels,
    )

    @st.composite
    def frames(draw: st.DrawFn) -> pd.DataFrame:
        v = draw(inner)
        it = np.array(v.items, dtype=object)
        winner = [
            "model_a" if o == A_WINS else "model_b" if o == B_WINS
            else draw(st.sampled_from(_TIE_LABELS))
            for o in v.outcome.tolist()
        ]
        frame: pd.DataFrame = pandas.DataFrame(
            {"model_a": it[v.a], "model_b": it[v.b], "winner": np.array(winner, dtype=object)}
        )
        return frame

    return frames()
