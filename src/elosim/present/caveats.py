"""The caveats of a result: the one place that decides what a reader must be told.

Every output of a result (``summary()``, the notebook HTML, ``to_markdown``, ``to_latex``,
``to_frame().attrs``, the command line and plots where it fits) shows the same notes:
the description of the interval first, then the caveats assembled here. A caveat is a
short sentence about something that weakens the numbers: items with too few votes,
resamples redrawn or not converged, p-values that are bounds, a fit that did not
converge, a penalised (shrunk) estimate.

The rules read the result's public attributes, so any result that has them gets the
caveat. A result class whose caveats need knowledge only it has may also define
``_caveats()`` returning a sequence of sentences; they are appended here (duplicates
dropped), so every output still shows them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._core import hooks
from .._core.format import format_count, format_pvalue

__all__ = ["SPARSE_MARK", "caveats", "pvalue_floor", "sparse_items"]

#: Marker after the name of an item with too few votes in display tables.
SPARSE_MARK = "†"


def _fit_of(result: Any) -> Any:
    fit = getattr(result, "fit", None)
    if fit is not None and hasattr(fit, "votes"):
        return fit
    return result if hasattr(result, "votes") and hasattr(result, "ratings") else None


def sparse_items(result: Any) -> tuple[str, ...]:
    """Items of ``result`` with too few votes for reliable intervals (empty if unknown)."""
    fit = _fit_of(result)
    own = getattr(fit if fit is not None else result, "sparse_items", None)
    if callable(own):
        return tuple(own())
    if own is not None and not isinstance(own, (str, bytes)):
        return tuple(own)
    return ()


def _sparse_threshold() -> int:
    from .._core.sparse import SPARSE_VOTES

    return int(SPARSE_VOTES)


def _shown(names: Iterable[str], n: int = 4) -> str:
    names = list(names)
    text = ", ".join(names[:n])
    return text + (f", … ({len(names) - n} more)" if len(names) > n else "")


def pvalue_floor(result: Any) -> float | None:
    """The smallest p-value a resampling test of ``result`` can give, or ``None`` when its
    p-values are not from counting resamples (Wald, likelihood ratio, BCa).

    Counting ``(1 + #{resamples beyond}) / (B + 1)`` cannot go below ``1 / (B + 1)``, and a
    two-sided p-value (twice the smaller tail) not below ``2 / (B + 1)``.

    An explicit ``pvalue_floor`` attribute on the result wins; otherwise it is read from
    the method text (``"bootstrap percentile, 1,000 resamples"``).
    """
    own = getattr(result, "pvalue_floor", None)
    if own is not None:
        value = float(own)
        return value if math.isfinite(value) and value > 0 else None
    method = str(getattr(result, "method", ""))
    low = method.lower()
    if "bootstrap" not in low or "wald" in low or "bca" in low or "resamples" not in low:
        return None
    digits = "".join(ch for ch in method.split("resamples")[0].split(",")[-1] if ch.isdigit())
    if not digits:
        return None
    tails = 2.0 if getattr(result, "alternative", "two-sided") == "two-sided" else 1.0
    return min(1.0, tails / (int(digits) + 1))


def _fit_caveats(fit: Any) -> list[str]:
    out: list[str] = []
    few = sparse_items(fit)
    if few:
        n = _sparse_threshold()
        out.append(
            f"{SPARSE_MARK} {len(few)} item(s) with fewer than {n} votes ({_shown(few)}): "
            f"their intervals are unreliable; consider votes.min_votes({n})."
        )
    if getattr(fit, "converged", True) is False:
        out.append(
            f"The fit did NOT converge ({getattr(fit, 'n_iter', '?')} iterations): the "
            "ratings may be inaccurate."
        )
    br = getattr(fit, "bias_reduction", None)
    if br:
        out.append(
            f"Ratings are {br.capitalize() if br == 'firth' else br} bias-reduced "
            "(penalised) estimates, finite even where maximum likelihood has none."
        )
    elif getattr(fit, "prior_strength", 0) and fit.prior_strength > 0:
        out.append(
            f"Ratings are shrunk towards each other by a prior of strength "
            f"{fit.prior_strength:g}."
        )
    return out


def _bootstrap_caveats(result: Any) -> list[str]:
    out: list[str] = []
    b = int(getattr(result, "n_resamples", 0) or 0)
    deg = int(getattr(result, "n_degenerate", 0) or 0)
    if deg:
        items = tuple(getattr(result, "degenerate_items", ()) or ())
        which = f", mostly for {_shown(items, 3)}" if items else ""
        out.append(
            f"{format_count(deg)} degenerate resamples (an item with no win or no "
            f"loss{which}) were redrawn: the intervals are conditional on estimability."
        )
    nc = int(getattr(result, "n_not_converged", 0) or 0)
    if nc:
        out.append(f"{format_count(nc)} of {format_count(b)} resamples did not converge.")
    return out


def _test_caveats(result: Any) -> list[str]:
    out: list[str] = []
    floor = pvalue_floor(result)
    if floor is not None:
        p = np.asarray(getattr(result, "pvalue", np.nan), dtype=float)
        at = int(np.count_nonzero(p <= floor * (1 + 1e-9)))
        if at:
            out.append(
                f"p-values counted from resamples cannot go below {format_pvalue(floor)} "
                f"(1/(B+1), two-sided 2/(B+1)): {format_count(at)} at that floor are "
                "bounds, shown as ≤, and so are their adjusted values."
            )
    return out


@hooks.provides("caveats")
def caveats(result: Any) -> tuple[str, ...]:
    """The caveats of ``result``: sentences every output of it shows under the table.

    Parameters
    ----------
    result : elosim result
        A fit, bootstrap, gap test(s), rank sets or any other result.

    Returns
    -------
    tuple of str
        Empty when there is nothing to warn about.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(["a", "b", "c"], [[0, 30, 2], [20, 0, 1], [1, 1, 0]])
    >>> elosim.report.caveats(elosim.bradley_terry(votes))[0][:44]
    '† 1 item(s) with fewer than 20 votes (c): th'
    """
    found: list[str] = []
    fit = _fit_of(result)
    if fit is not None:
        found += _fit_caveats(fit)
    if getattr(result, "bootstrap_distribution", None) is not None:
        found += _bootstrap_caveats(result)
    if hasattr(result, "pvalue"):
        found += _test_caveats(result)
    own = getattr(result, "_caveats", None)
    if callable(own):
        found += [str(x) for x in own()]
    return tuple(dict.fromkeys(x for x in found if x))
