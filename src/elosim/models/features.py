"""Per-vote features for contextual Bradley-Terry: validation, the design rows, and builders.

A *feature* is a number per vote, oriented so that swapping the two sides negates it (side A
minus side B, or +1 / -1 / 0 for home / away / neutral). The contextual model is
``logit P(A beats B) = lambda_A - lambda_B + x @ beta`` (in every tie model, ``x @ beta`` is
added to the log-strength difference).

The sufficient statistic is no longer the pair counts: votes are grouped into *design rows*
(unordered pair, oriented feature vector) with a table of outcome counts per row, and into
*cells* (design row, outcome, weight) for resampling. Discrete features (home advantage)
keep a few rows per pair; continuous features (style) give about one row per vote.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .._core.arrays import readonly
from .._core.errors import VotesError
from .._core.outcomes import outcome_totals
from ..data.votes import Votes

__all__ = ["FeatureDesign", "home_advantage_features", "resolve_features", "style_features"]

Array = NDArray[np.float64]


def _rows(idx: NDArray[np.intp], limit: int = 5) -> str:
    shown = ", ".join(str(int(i)) for i in idx[:limit])
    return shown + (f", ... ({idx.size - limit} more)" if idx.size > limit else "")


def _numeric_column(values: Any, name: str, n: int) -> Array:
    """One feature column as finite float64 of length ``n``; errors name the feature and rows."""
    arr = np.asarray(values)
    if arr.dtype.kind == "b":
        arr = arr.astype(float)
    if arr.dtype.kind not in "iuf":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(
                f"feature {name!r} must be numeric (side A minus side B, or +1/-1/0); "
                f"got dtype {arr.dtype}"
            ) from None
    arr = arr.astype(np.float64)
    if arr.shape != (n,):
        raise ValueError(
            f"feature {name!r} must have one value per vote ({n}); got shape {arr.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise VotesError(
            f"feature {name!r} has {bad.size} missing or non-finite value(s) at row(s) "
            f"{_rows(bad)} (e.g. {arr[bad[0]]!r}); drop or fill those votes first"
        )
    return arr


def covariate(votes: Votes, key: str, what: str, *, hint: str = "") -> Any:
    """The covariate ``key`` of the votes, or a ``KeyError`` that names ``what`` was asked
    for (e.g. ``"subset='is_math'"``), the covariates there are and a ``hint``."""
    if key not in votes.covariates:
        raise KeyError(
            f"{what} is not a covariate of the votes; they have "
            f"{sorted(votes.covariates)[:20]}{hint}"
        )
    return votes.covariates[key]


def resolve_features(votes: Votes, features: Any) -> tuple[Array, tuple[str, ...]]:
    """Per-vote feature matrix (N, p) and feature names from the ``features=`` argument.

    ``features`` is a covariate name, a sequence of covariate names (columns of
    ``votes.covariates``), a mapping of name to per-vote values, or an (N,) / (N, p) array
    (named ``x1``, ``x2``, ...).
    """
    n = votes.n_votes
    cols: list[Array] = []
    names: list[str] = []
    if isinstance(features, str):
        features = [features]
    if isinstance(features, Mapping):
        for key, val in features.items():
            names.append(str(key))
            cols.append(_numeric_column(val, str(key), n))
    elif isinstance(features, Sequence) and features and all(isinstance(f, str) for f in features):
        for f in features:
            col = covariate(
                votes, f, f"feature {f!r}",
                hint=" (pass covariates=[...] to Votes.from_frame / read_votes, or give an "
                "(N, p) array)",
            )
            names.append(f)
            cols.append(_numeric_column(col, f, n))
    else:
        try:
            arr = np.asarray(features, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                "features must be a covariate name, a list of covariate names, a mapping of "
                f"name to values or a numeric (N, p) array; got {type(features).__name__}"
            ) from None
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[0] != n or arr.shape[1] == 0:
            raise ValueError(
                f"a features array must have shape ({n},) or ({n}, p) (one row per vote); "
                f"got {arr.shape}"
            )
        for q in range(arr.shape[1]):
            names.append(f"x{q + 1}")
            cols.append(_numeric_column(arr[:, q], f"x{q + 1}", n))
    if not cols:
        raise ValueError("features is empty; give at least one feature (or features=None)")
    if len(set(names)) != len(names):
        raise ValueError(f"feature names must be unique; got {names}")
    return np.column_stack(cols), tuple(names)


@dataclass(frozen=True, eq=False)
class FeatureDesign:
    """Votes grouped by (unordered pair, oriented feature vector) and by cell.

    Attributes
    ----------
    names : tuple of str
        Feature names.
    n_items : int
    pair_i, pair_j : ndarray of int, shape (n_rows,)
        The pair of each design row (``pair_i < pair_j``; a pair may have several rows).
    x : ndarray, shape (n_rows, p)
        Features of each row, oriented ``pair_i`` minus ``pair_j``.
    cell_row, cell_outcome, cell_weight, cell_count : ndarray, shape (n_cells,)
        Distinct (row, outcome relative to the pair, weight) combinations and their counts.
    vote_cell : ndarray of int, shape (n_votes,)
        Each vote's cell (for cluster sums and resampling).
    """

    names: tuple[str, ...]
    n_items: int
    pair_i: NDArray[np.intp]
    pair_j: NDArray[np.intp]
    x: Array
    cell_row: NDArray[np.intp]
    cell_outcome: NDArray[np.intp]
    cell_weight: Array
    cell_count: Array
    vote_cell: NDArray[np.intp]

    @property
    def n_features(self) -> int:
        return len(self.names)

    @property
    def n_rows(self) -> int:
        return int(self.pair_i.size)

    @property
    def n_cells(self) -> int:
        return int(self.cell_row.size)

    def table(self, cell_count: Array | None = None, *, power: int = 1) -> Array:
        """Weighted outcome counts per design row, (n_rows, 3) or (R, n_rows, 3) for 2-D counts."""
        counts = self.cell_count if cell_count is None else np.asarray(cell_count, dtype=float)
        return outcome_totals(
            self.cell_row, self.cell_outcome, self.cell_weight**power, self.n_rows, counts
        )

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """Sparse design ``Z`` (n_rows, K + p): ``d = Z @ (lambda, beta)``."""
        k, p, d = self.n_items, self.n_features, self.n_rows
        rows = np.repeat(np.arange(d), 2 + p)
        cols = np.column_stack(
            [self.pair_i, self.pair_j, np.tile(np.arange(k, k + p), (d, 1))]
        ).ravel()
        vals = np.column_stack([np.ones(d), -np.ones(d), self.x]).ravel()
        return sparse.csr_matrix((vals, (rows, cols)), shape=(d, k + p))

    @classmethod
    def build(cls, votes: Votes, x: Array, names: tuple[str, ...]) -> FeatureDesign:
        """Group ``votes`` with per-vote features ``x`` (N, p), oriented side A minus side B."""
        a, b, o = votes.a, votes.b, votes.outcome.astype(np.intp)
        flip = a > b
        i = np.where(flip, b, a)
        j = np.where(flip, a, b)
        xo = np.where(flip[:, None], -x, x)
        oc = o.copy()
        oc[flip & (o == 0)] = 1
        oc[flip & (o == 1)] = 0
        k = votes.n_items
        # rows: group identical (pair, features); pair first so rows are sorted by pair
        key = np.column_stack([(i * k + j).astype(np.float64), xo])
        uniq, row_of = np.unique(key, axis=0, return_inverse=True)
        row_of = np.asarray(row_of, dtype=np.intp).ravel()
        pair = uniq[:, 0].astype(np.int64)
        w = np.ones(a.size) if votes.weight is None else np.asarray(votes.weight, dtype=float)
        ckey = np.column_stack([row_of.astype(np.float64), oc.astype(np.float64), w])
        cells, cell_of = np.unique(ckey, axis=0, return_inverse=True)
        cell_of = np.asarray(cell_of, dtype=np.intp).ravel()
        count = np.bincount(cell_of, minlength=cells.shape[0]).astype(np.float64)
        return cls(
            names=names,
            n_items=k,
            pair_i=readonly((pair // k).astype(np.intp)),
            pair_j=readonly((pair % k).astype(np.intp)),
            x=readonly(np.ascontiguousarray(uniq[:, 1:])),
            cell_row=readonly(cells[:, 0].astype(np.intp)),
            cell_outcome=readonly(cells[:, 1].astype(np.intp)),
            cell_weight=readonly(cells[:, 2].copy()),
            cell_count=readonly(count),
            vote_cell=readonly(cell_of),
        )


# ---------------------------------------------------------------------------- builders
def _column(votes: Votes, spec: Any, name: str) -> NDArray[Any]:
    """A per-vote column: a covariate name or an array of length N."""
    n = votes.n_votes
    arr = np.asarray(covariate(votes, spec, f"{name}={spec!r}") if isinstance(spec, str) else spec)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one value per vote ({n}); got shape {arr.shape}")
    return arr


def home_advantage_features(
    votes: Votes,
    *,
    home: str | ArrayLike = "a",
    neutral: str | ArrayLike | None = None,
    name: str = "home",
) -> Votes:
    """Votes with a home-advantage feature: +1 if side A is at home, -1 if side B is, 0 if neutral.

    Fit it with ``elosim.bradley_terry(votes, features="home")``; the coefficient (see
    ``fit.coefficients``) is the home advantage on the log-odds scale, and its ``elo``
    column the same on the Elo scale. With a binary feature this is exactly BradleyTerry2's
    ``formula = ~ team + at.home`` model.

    Parameters
    ----------
    votes : Votes
        The votes (not modified; a new :class:`Votes` is returned).
    home : {"a", "b"}, covariate name or array
        Which side played at home: ``"a"`` (side A always at home, e.g. a ``home_team``
        column read as side A) or ``"b"``; or, per vote, a covariate name or an array holding
        ``"a"`` / ``"b"`` (or 1 for side A, -1 for side B, 0 for neither).
    neutral : covariate name or array of bool, optional
        Per vote, true when the game was on neutral ground (feature 0 there).
    name : str
        Name of the covariate created.

    Returns
    -------
    Votes
        The same votes with covariate ``name`` added.

    Examples
    --------
    >>> import elosim
    >>> v = elosim.Votes.from_arrays(["x", "y", "x"], ["y", "x", "y"], [1, 1, 0],
    ...                              covariates={"neutral": [0, 0, 1]})
    >>> v2 = elosim.home_advantage_features(v, home="a", neutral="neutral")
    >>> v2.covariates["home"].tolist()
    [1.0, 1.0, 0.0]
    """
    if not isinstance(votes, Votes):
        raise TypeError(f"votes must be an elosim.Votes; got {type(votes).__name__}")
    n = votes.n_votes
    if isinstance(home, str) and home in ("a", "b"):
        x = np.full(n, 1.0 if home == "a" else -1.0)
    else:
        col = _column(votes, home, "home")
        if col.dtype.kind in "iufb":
            x = col.astype(float)
            bad = np.flatnonzero(~np.isin(x, (-1.0, 0.0, 1.0)))
        else:
            lab = np.array([str(v).strip().lower() for v in col.tolist()], dtype=object)
            x = np.where(lab == "a", 1.0, np.where(lab == "b", -1.0, np.nan))
            x[np.isin(lab, ("", "none", "nan", "neutral"))] = 0.0
            bad = np.flatnonzero(np.isnan(x))
        if bad.size:
            raise VotesError(
                f"home has {bad.size} value(s) that are not 'a', 'b' (or 1, -1, 0) at row(s) "
                f"{_rows(bad)}, e.g. {col[bad[0]]!r}"
            )
    if neutral is not None:
        nz = _column(votes, neutral, "neutral")
        try:
            flag = nz.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"neutral must hold booleans or 0/1; got dtype {nz.dtype}") from None
        bad = np.flatnonzero(~np.isin(flag, (0.0, 1.0)))
        if bad.size:
            raise VotesError(
                f"neutral has {bad.size} value(s) other than 0/1 at row(s) {_rows(bad)}"
            )
        x = np.where(flag == 1.0, 0.0, x)
    return dataclasses.replace(votes, covariates={**dict(votes.covariates), name: x})


def style_features(
    side_a: Mapping[str, ArrayLike],
    side_b: Mapping[str, ArrayLike],
    *,
    normalize: str | None = None,
) -> dict[str, Array]:
    """Style-control features from per-side columns (answer length, markdown counts, ...).

    Each feature is ``f(A) - f(B)`` (``normalize=None``), so swapping sides negates it and
    its coefficient is the change in log-odds per unit of difference. ``normalize="lmarena"``
    follows LMArena's style control: the relative difference ``(f_A - f_B) / (f_A + f_B)``
    (0 when both are 0), divided by its standard deviation over the votes, so a coefficient
    is per standard deviation. LMArena also subtracts the mean; elosim does not, because a
    centred feature is no longer negated by swapping sides (the mean would act as a
    side-A effect); with sides assigned at random the mean is close to 0 anyway.
    ``normalize="scale"``: the plain difference divided by its standard deviation.

    Parameters
    ----------
    side_a, side_b : mapping of str to array
        The same feature names for both sides, one value per vote.
    normalize : {None, "lmarena", "scale"}

    Returns
    -------
    dict of str to ndarray
        Pass it as ``features=`` to :func:`elosim.bradley_terry`, or add it to the votes'
        covariates.

    Examples
    --------
    >>> import elosim
    >>> f = elosim.style_features({"length": [100, 50]}, {"length": [50, 50]})
    >>> f["length"].tolist()
    [50.0, 0.0]
    """
    if normalize not in (None, "lmarena", "scale"):
        raise ValueError(f"normalize must be None, 'lmarena' or 'scale'; got {normalize!r}")
    if set(side_a) != set(side_b):
        raise ValueError(
            f"side_a and side_b must name the same features; got {sorted(side_a)} and "
            f"{sorted(side_b)}"
        )
    out: dict[str, Array] = {}
    for key in side_a:
        fa = np.asarray(side_a[key], dtype=float)
        fb = np.asarray(side_b[key], dtype=float)
        if fa.shape != fb.shape or fa.ndim != 1:
            raise ValueError(f"feature {key!r}: side_a and side_b need the same 1-D shape")
        n = fa.size
        fa = _numeric_column(fa, f"{key} (side A)", n)
        fb = _numeric_column(fb, f"{key} (side B)", n)
        diff = fa - fb
        if normalize == "lmarena":
            tot = fa + fb
            diff = np.divide(diff, tot, out=np.zeros(n), where=tot != 0)
        if normalize is not None:
            sd = float(np.std(diff))
            if not math.isfinite(sd) or sd == 0.0:
                raise ValueError(f"feature {key!r} does not vary; it cannot be scaled")
            diff = diff / sd
        out[str(key)] = diff
    return out
