"""Text for papers and notebooks: cited intervals, methods paragraphs and tables.

* :func:`format_interval`: ``"1541 (95% CI 1533 to 1549)"`` or ``"1541 +8/−8"``.
* :func:`interval_description`: ``"95% percentile bootstrap CI, 1,000 resamples"``.
* :func:`methods_text`: a paragraph stating exactly what was computed, to paste into a
  methods section.
* :class:`Table` and the renderers :func:`to_markdown`, :func:`to_latex` (booktabs) and
  :func:`html_table` (escaped, size-capped), shared by every result; :func:`result_table`
  builds the standard table of any elosim result, and :func:`result_markdown`,
  :func:`result_latex`, :func:`result_html` render it in one call (these back the results'
  ``to_markdown``, ``to_latex`` and ``_repr_html_`` methods).
* :func:`repr_line`: the one-line ``<Kind: a, b, c>`` repr.
* :func:`caveats`: what weakens a result's numbers; every format above shows these notes
  under the interval description, and :func:`result_text` is the fixed-width ``summary()``.

Nothing here prints or imports IPython, pandas or matplotlib. Stored numbers are never
rounded; rounding happens only in the text produced here.
"""

from __future__ import annotations

import html
import math
import numbers
import textwrap
import warnings
from typing import Any

import numpy as np

from .._core import hooks
from .._core.errors import SparseDataWarning
from .._core.format import (
    MINUS,
    format_count,
    format_number,
    level_text,
)
from .._core.table import Bound, Table, html_table, repr_line, to_latex, to_markdown, to_text
from .._core.validation import check_choice, check_confidence_level
from .caveats import SPARSE_MARK, caveats, pvalue_floor, sparse_items
from .citation import method_references

__all__ = [
    "Bound",
    "Table",
    "caveats",
    "format_interval",
    "html_table",
    "interval_description",
    "methods_text",
    "repr_line",
    "result_html",
    "result_latex",
    "result_markdown",
    "result_table",
    "result_text",
    "to_latex",
    "to_markdown",
    "to_text",
]

_COVARIANCE_TEXT = {
    "max": (
        "the larger of the sandwich (Huber-White) and the quasi-likelihood model-based "
        "covariance in every direction (honest for items with few votes)"
    ),
    "model": "model-based (inverse Fisher information)",
    "sandwich": "sandwich (Huber-White, robust to model misspecification)",
    "cluster": "cluster-robust sandwich",
}


# ---------------------------------------------------------------------------- intervals
def format_interval(
    value: float,
    low: float,
    high: float,
    *,
    confidence_level: float = 0.95,
    digits: int = 0,
    style: str = "ci",
    ascii: bool = False,
) -> str:
    """Format an estimate and its interval for citing.

    Parameters
    ----------
    value, low, high : float
        The estimate and its interval (infinite ends allowed, for one-sided intervals).
    confidence_level : float
        Level quoted in the ``"ci"`` style.
    digits : int
        Decimal places (``0`` for Elo ratings).
    style : {"ci", "pm"}
        ``"ci"``: ``1541 (95% CI 1533 to 1549)``. ``"pm"``: ``1541 +8/−8`` (distances from
        the estimate to the upper and lower ends, so asymmetric intervals stay visible).
    ascii : bool
        Use the ASCII hyphen ``-`` instead of the typographic minus ``−`` (U+2212).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        Unknown ``style``, negative ``digits`` or a bad ``confidence_level``.

    Examples
    --------
    >>> import elosim
    >>> elosim.report.format_interval(1541.3, 1533.2, 1549.4)
    '1541 (95% CI 1533 to 1549)'
    >>> elosim.report.format_interval(1541.3, 1533.2, 1549.4, style="pm")
    '1541 +8/−8'
    >>> elosim.report.format_interval(-3.21, -7.5, 1.25, digits=1, confidence_level=0.9, ascii=True)
    '-3.2 (90% CI -7.5 to 1.2)'
    """
    check_choice(style, "style", ("ci", "pm"))
    level = check_confidence_level(confidence_level)
    d_any: Any = digits
    if isinstance(d_any, bool) or not isinstance(d_any, numbers.Integral) or int(d_any) < 0:
        raise ValueError(f"digits must be a non-negative integer; got {digits!r}")
    d = int(d_any)
    minus = "-" if ascii else MINUS
    v = format_number(value, d, minus=minus)
    if style == "ci":
        lo = format_number(low, d, minus=minus)
        hi = format_number(high, d, minus=minus)
        return f"{v} ({level_text(level)} CI {lo} to {hi})"
    up = float(high) - float(value)
    down = float(value) - float(low)
    up_text = ("+" if up >= 0 else minus) + format_number(abs(up), d)
    down_text = (minus if down >= 0 else "+") + format_number(abs(down), d)
    return f"{v} {up_text}/{down_text}"


def _is_bootstrap(result: Any) -> bool:
    return getattr(result, "bootstrap_distribution", None) is not None


def interval_description(
    result: Any,
    confidence_level: float | None = None,
    *,
    method: str | None = None,
    kind: str | None = None,
) -> str:
    """Short text naming the level and method of a result's intervals.

    Used in axis labels, table notes and :func:`methods_text`.

    Parameters
    ----------
    result : BradleyTerryResult, BootstrapResult, QuasiVarianceResult or OnlineEloResult
    confidence_level : float, optional
        Default: the bootstrap's own level, else 0.95.
    method : str, optional
        Bootstrap interval method (default: the result's).
    kind : str, optional
        Covariance kind of a fit (default: the fit's).

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(
    ...     ["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    >>> fit = elosim.bradley_terry(votes)
    >>> elosim.report.interval_description(fit)
    '95% Wald CI, max covariance'
    >>> boot = elosim.bootstrap(fit, n_resamples=50, rng=0)
    >>> elosim.report.interval_description(boot, 0.9, method="bca")
    '90% BCa bootstrap CI, 50 resamples'
    """
    if _is_bootstrap(result):
        level = getattr(result, "confidence_level", 0.95) if confidence_level is None else (
            confidence_level
        )
        meth = str(method or getattr(result, "method", "percentile"))
        name = {"bca": "BCa", "studentized": "studentized (bootstrap-t)"}.get(meth, meth)
        b = np.asarray(result.bootstrap_distribution).shape[1]
        unit = "cluster resamples" if getattr(result, "cluster", False) else "resamples"
        return f"{level_text(level)} {name} bootstrap CI, {format_count(b)} {unit}"
    level = 0.95 if confidence_level is None else confidence_level
    if hasattr(result, "quasi_se"):
        return (
            f"{level_text(level)} comparison intervals (quasi-SE, "
            f"{result.covariance_kind} covariance)"
        )
    if hasattr(result, "ordering_ratings"):
        return (
            f"{level_text(level)} range over {format_count(result.n_orderings)} vote orderings"
        )
    used = kind if kind is not None else getattr(result, "default_covariance", "model")
    return f"{level_text(level)} Wald CI, {used} covariance"


def _intervals(
    result: Any, confidence_level: float | None, method: str | None, kind: str | None
) -> tuple[np.ndarray, np.ndarray]:
    # a table shows the sparse-item caveat in its notes (and summary() warns once itself):
    # computing its intervals must not warn a second time
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparseDataWarning)
        if _is_bootstrap(result):
            ci = result.confidence_interval(confidence_level, method=method)
        elif hasattr(result, "quasi_se"):
            ci = result.comparison_interval(
                0.95 if confidence_level is None else confidence_level
            )
        elif hasattr(result, "ordering_ratings"):
            ci = result.ordering_interval(
                0.95 if confidence_level is None else confidence_level
            )
        else:
            ci = result.confidence_interval(
                0.95 if confidence_level is None else confidence_level, kind=kind
            )
    return np.asarray(ci.low, dtype=float), np.asarray(ci.high, dtype=float)


# ---------------------------------------------------------------------------- methods
def _version() -> str:
    from .._version import __version__

    return __version__


def _fit_sentences(fit: Any) -> list[str]:
    votes = fit.votes
    n_ties = votes.counts.n_ties
    weighted = votes.counts.weighted
    if fit.ties == "half":
        tie_rule = (
            "counting each tie as half a win for each side (a quasi-likelihood, the "
            "convention of LMArena)"
        )
    else:
        name = "Davidson's (1970)" if fit.ties == "davidson" else "the Rao-Kupper (1967)"
        sym = "nu" if fit.ties == "davidson" else "theta"
        par = ""
        if fit.tie_parameter is not None:
            par = f", estimated {sym} = {fit.tie_parameter:.3g}"
            if fit.tie_parameter_se is not None:
                par += f" (SE {fit.tie_parameter_se:.2g})"
        tie_rule = f"with ties modelled by {name} extension{par}"
    est = "maximum likelihood"
    if fit.bias_reduction == "firth":
        est = (
            "Firth's (1993) bias-reduced maximum likelihood (the likelihood penalised by "
            "the Jeffreys prior, half the log-determinant of the Fisher information)"
        )
    if fit.prior_strength > 0:
        prior_sd = fit.elo_factor / math.sqrt(fit.prior_strength)
        est = (
            "penalised maximum likelihood (posterior mode under an independent Gaussian "
            f"prior of strength {fit.prior_strength:g} on the log-strengths, a prior SD of "
            f"{prior_sd:.1f} rating points)"
        )
    first = (
        f"Ratings were estimated by {est} under the Bradley-Terry model from "
        f"{format_count(fit.n_votes)} {'weighted ' if weighted else ''}pairwise votes "
        f"({format_count(n_ties)} ties) on {fit.n_items} items, {tie_rule}."
    )
    norm_text = fit.normalization.describe(fit.items)
    second = (
        f"Ratings are on the Elo scale ({fit.scale:g} points per factor of {fit.base:g} in "
        f"the odds of winning), with the {norm_text}; differences between ratings do not "
        "depend on this choice."
    )
    extra = getattr(fit, "_methods_sentences", None)  # e.g. the features of a contextual fit
    return [first, second, *(extra() if callable(extra) else [])]


def _software(fit: Any | None) -> str:
    text = f"Computed with elosim {_version()}"
    if fit is not None:
        status = "converged" if fit.converged else "NOT converged"
        text += f" ({fit.solver} solver, {fit.n_iter} iterations, {status})"
    return text + "."


@hooks.provides("methods_text")
def methods_text(
    result: Any,
    *,
    confidence_level: float | None = None,
    method: str | None = None,
    kind: str | None = None,
    width: int | None = None,
    references: bool = True,
) -> str:
    """A paragraph stating exactly what was computed, ready for a methods section.

    States the model, tie rule, normalisation, interval method and level, resampling
    scheme, number of resamples and seed, numbers of votes and items, and the elosim
    version.

    Parameters
    ----------
    result : elosim result
        :class:`~elosim.BradleyTerryResult`, :class:`~elosim.BootstrapResult`,
        ``RankSetResult``, ``GapTestResult``, ``PairwiseGapTests``, ``OnlineEloResult`` or
        ``QuasiVarianceResult``.
    confidence_level, method, kind : optional
        The interval settings to describe (defaults: the result's own).
    width : int, optional
        Wrap the paragraph to this many characters.
    references : bool
        Follow the paragraph with the full references of the methods used (one per line,
        after a blank line and ``References:``); :func:`elosim.cite` gives them as BibTeX.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        ``result`` is not an elosim result.

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    >>> print(elosim.report.methods_text(elosim.bradley_terry(votes), width=88)[:165])
    Ratings were estimated by maximum likelihood under the Bradley-Terry model from 130
    pairwise votes (0 ties) on 3 items, counting each tie as half a win for each side
    """
    parts: list[str] = []
    if _is_bootstrap(result) and hasattr(result, "fit"):
        fit = result.fit
        parts += _fit_sentences(fit)
        b = result.n_resamples
        if result.cluster:
            plan = getattr(result, "_plan", None)
            cm = getattr(plan, "cluster_matrix", None)
            g = f" ({format_count(cm.shape[0])} clusters)" if cm is not None else ""
            scheme = (
                f"resampling whole clusters{g} with replacement, so that dependent votes "
                "within a cluster stay together"
            )
        else:
            scheme = (
                "resampling votes with replacement (the counts of distinct votes drawn from "
                "a multinomial distribution with the observed proportions)"
            )
        level = result.confidence_level if confidence_level is None else confidence_level
        meth = method or result.method
        meth_text = {
            "percentile": "percentile intervals",
            "basic": "basic (reflected percentile) intervals",
            "bca": "bias-corrected and accelerated (BCa) intervals, with the acceleration "
            "from empirical influence values",
            "studentized": "studentized (bootstrap-t) intervals",
        }.get(meth, f"{meth} intervals")
        parts.append(
            f"Uncertainty was assessed with a nonparametric bootstrap of "
            f"{format_count(b)} resamples, {scheme}; every resample was refitted by the same "
            f"method and the reported ratings are the full-data estimates. We report "
            f"{level_text(level)} {meth_text} (random seed {result.seed})."
        )
        if result.n_degenerate:
            parts.append(
                f"{format_count(result.n_degenerate)} resamples without a finite estimate "
                "(an item with no win or no loss) were redrawn, so the intervals are "
                "conditional on estimability."
            )
        parts.append(_software(fit))
    elif hasattr(result, "default_covariance") and hasattr(result, "votes"):
        parts += _fit_sentences(result)
        used = kind if kind is not None else result.default_covariance
        level = 0.95 if confidence_level is None else confidence_level
        cov = _COVARIANCE_TEXT.get(used, used)
        if used == "cluster" and result.votes.cluster is not None:
            n_cl = np.unique(result.votes.cluster).size
            cov += f" ({format_count(n_cl)} clusters)"
        parts.append(
            f"We report {level_text(level)} Wald confidence intervals (rating +/- z SE) with "
            f"{cov} standard errors."
        )
        parts.append(_software(result))
    elif hasattr(result, "rank_low") and hasattr(result, "rank_high"):
        seed = getattr(result, "seed", None)
        parts.append(
            f"Confidence sets for the ranks of the {len(result.items)} items (rank 1 = best) "
            f"were computed as {result.method}"
            + (f" (random seed {seed})." if seed is not None else ".")
        )
        parts.append(_software(None))
    elif hasattr(result, "pvalue_adjusted"):
        k = len(result.items)
        adj = {
            "holm": "Holm's step-down method (family-wise error rate)",
            "bonferroni": "the Bonferroni correction (family-wise error rate)",
            "fdr_bh": "the Benjamini-Hochberg procedure (false discovery rate)",
        }.get(result.adjust or "", "no adjustment")
        parts.append(
            f"All {format_count(result.n_pairs)} pairwise rating gaps among {k} items were "
            f"tested ({result.alternative}; {result.method}), with p-values adjusted for "
            f"multiple testing by {adj}; per-pair {level_text(result.confidence_level)} "
            "confidence intervals are unadjusted."
        )
        parts.append(_software(None))
    elif hasattr(result, "item_a") and hasattr(result, "pvalue"):
        parts.append(
            f"The rating gap {result.item_a} - {result.item_b} was tested "
            f"({result.alternative}; {result.method}), with a "
            f"{level_text(result.confidence_level)} confidence interval for the gap."
        )
        parts.append(_software(None))
    elif hasattr(result, "ordering_ratings"):
        order = (
            f"over {format_count(result.n_orderings)} random orderings of the votes (the "
            "reported rating is the mean; the spread measures order dependence only)"
            if result.n_orderings > 1
            else f"in {result.ordered_by} order"
        )
        parts.append(
            f"Online Elo ratings were computed sequentially from {format_count(result.n_votes)}"
            f" votes on {len(result.items)} items (K-factor {result.k:g}, initial rating "
            f"{result.initial:g}, {result.scale:g} points per factor of {result.base:g}), "
            f"{order}."
        )
        parts.append(_software(None))
    elif hasattr(result, "quasi_se"):
        lo, hi = result.worst_relative_error
        parts.append(
            f"Quasi-variances (Firth and de Menezes 2004) summarise the {result.covariance_kind}"
            f" covariance of the {len(result.items)} ratings; they reproduce the standard "
            f"error of every pairwise gap to within {100 * lo:+.1f}% to {100 * hi:+.1f}%."
        )
        parts.append(_software(None))
    else:
        raise TypeError(
            f"methods_text needs an elosim result (a fit, bootstrap, rank sets, gap tests, "
            f"online Elo or quasi-variances); got {type(result).__name__}"
        )
    text = " ".join(parts)
    text = textwrap.fill(text, width) if width else text
    refs = method_references(result) if references else []
    if refs:
        lines = [textwrap.fill(r, width, subsequent_indent="  ") if width else r for r in refs]
        text += "\n\nReferences:\n" + "\n".join(lines)
    return text


# ---------------------------------------------------------------------------- results
def _order(ratings: np.ndarray) -> np.ndarray:
    return np.argsort(-np.asarray(ratings, dtype=float), kind="stable")


def _pick(values: Any, order: np.ndarray) -> list[Any]:
    arr = np.asarray(values)
    return [x.item() if hasattr(x, "item") else x for x in arr[order]]


def _notes(result: Any, *first: str) -> tuple[str, ...]:
    """The notes every format shows: the interval description, then the caveats."""
    return tuple(dict.fromkeys(x for x in (*first, *caveats(result)) if x))


def _marked(items: list[str], sparse: tuple[str, ...]) -> list[str]:
    few = set(sparse)
    return [f"{x} {SPARSE_MARK}" if x in few else x for x in items]


def _pvalue_cells(values: Any, floor: float | None, bound_mask: Any = None) -> list[Any]:
    out: list[Any] = []
    vals = np.asarray(values, dtype=float)
    mask = np.zeros(vals.shape, dtype=bool) if bound_mask is None else np.asarray(bound_mask)
    for v, at in zip(vals.tolist(), mask.tolist(), strict=True):
        out.append(Bound(v, "≤") if at and floor is not None and v < 1.0 else v)
    return out


def _pairwise_table(result: Any, f: str, max_rows: int | None) -> Table:
    rows, flip = result.display_order()
    if max_rows is not None:
        rows, flip = rows[: max(int(max_rows), 0)], flip[: max(int(max_rows), 0)]
    sign = np.where(flip, -1.0, 1.0)
    gap = np.asarray(result.gap, dtype=float)[rows] * sign
    lo = np.asarray(result.ci_low, dtype=float)[rows]
    hi = np.asarray(result.ci_high, dtype=float)[rows]
    ia, ib = np.asarray(result.index_a)[rows], np.asarray(result.index_b)[rows]
    floor = pvalue_floor(result)
    p = np.asarray(result.pvalue, dtype=float)[rows]
    flags = getattr(result, "pvalue_is_bound", None)
    if flags is not None:
        at_floor = np.asarray(flags, dtype=bool)[rows]
    else:
        at_floor = p <= floor * (1 + 1e-9) if floor is not None else None
    adj_flags = getattr(result, "pvalue_adjusted_is_bound", None)
    adj_floor = np.asarray(adj_flags, dtype=bool)[rows] if adj_flags is not None else at_floor
    items = result.items
    cols: dict[str, list[Any]] = {
        "item_a": [items[b] if fl else items[a] for a, b, fl in zip(ia, ib, flip, strict=True)],
        "item_b": [items[a] if fl else items[b] for a, b, fl in zip(ia, ib, flip, strict=True)],
        "gap": gap.tolist(),
        "standard_error": np.asarray(result.standard_error, dtype=float)[rows].tolist(),
        "ci_low": np.where(flip, -hi, lo).tolist(),
        "ci_high": np.where(flip, -lo, hi).tolist(),
        "statistic": (np.asarray(result.statistic, dtype=float)[rows] * sign).tolist(),
        "pvalue": _pvalue_cells(p, floor, at_floor),
        "pvalue_adjusted": _pvalue_cells(
            np.asarray(result.pvalue_adjusted, dtype=float)[rows], floor, adj_floor
        ),
    }
    fm = {**dict.fromkeys(("gap", "standard_error", "ci_low", "ci_high"), f),
          "statistic": ".2f", "pvalue": "p", "pvalue_adjusted": "p"}
    family = getattr(result, "n_family", None) or result.n_pairs
    adjust = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini-Hochberg"}.get(
        result.adjust or "", "none")
    note = (
        f"{level_text(result.confidence_level)} CI per pair (unadjusted); p-values adjusted "
        f"over {format_count(family)} pairs: {adjust}; "
        f"{result.alternative}; {result.method}. Pairs in rating order, neighbours first; "
        "the better-rated item is Item A"
        + ("" if result.alternative == "two-sided" else " (as tested)")
        + "."
    )
    shown = len(rows)
    total = result.n_pairs
    more = (f"… {format_count(total - shown)} more pairs (all of them: to_frame())",) if (
        shown < total) else ()
    title = "Pairwise gap tests" if getattr(result, "n_family", None) is None else (
        "Gaps between neighbours in the rating order")
    return Table(cols, fm, title, (*more, *_notes(result, note)))


@hooks.provides("result_table")
def result_table(
    result: Any,
    *,
    confidence_level: float | None = None,
    method: str | None = None,
    kind: str | None = None,
    digits: int = 1,
    labels: dict[str, str] | None = None,
    max_rows: int | None = None,
) -> Table:
    """The standard table of an elosim result, best item first, with its notes.

    Columns follow the library's stable names: ``rank, item, rating, standard_error,
    ci_low, ci_high, n_votes`` for fits and bootstraps; ``item, rating, rank, rank_low,
    rank_high`` for rank sets; ``item_a, item_b, gap, standard_error, ci_low, ci_high,
    statistic, pvalue, pvalue_adjusted`` for gap tests (pairs in rating order, neighbours
    first, better item as ``item_a``; p-values at a resampling floor are :class:`Bound`
    cells). The renderers show readable labels (``CI low``) unless ``labels`` says
    otherwise. :attr:`Table.notes` holds the interval description and then the caveats
    (:func:`caveats`); items with too few votes are marked ``†``.

    Parameters
    ----------
    result : elosim result
    confidence_level, method, kind : optional
        Interval settings (defaults: the result's).
    digits : int
        Decimals shown for ratings, standard errors and interval ends.
    labels : dict, optional
        Column -> label shown, e.g. ``{"ci_low": "Lower", "ci_high": "Upper"}``.
    max_rows : int, optional
        Keep only the first ``max_rows`` rows (the best items; for pairwise gap tests the
        nearest neighbours); a note counts the rest.

    Returns
    -------
    Table

    Examples
    --------
    >>> import elosim
    >>> votes = elosim.Votes.from_counts(["a", "b", "c"], [[0, 30, 20], [20, 0, 30], [10, 20, 0]])
    >>> t = elosim.report.result_table(elosim.bradley_terry(votes))
    >>> list(t.columns)
    ['rank', 'item', 'rating', 'standard_error', 'ci_low', 'ci_high', 'n_votes']
    >>> t.notes[0]
    '95% Wald CI, max covariance.'
    """
    table = _result_table(result, confidence_level, method, kind, digits, max_rows)
    n = table.n_rows
    if max_rows is not None and n > max_rows and not hasattr(result, "pvalue_adjusted"):
        keep = max(int(max_rows), 0)
        table = Table({c: v[:keep] for c, v in table.columns.items()}, table.formats,
                      table.title, (f"… {format_count(n - keep)} more rows", *table.notes),
                      table.labels)
    if labels:
        table = Table(table.columns, table.formats, table.title, table.notes,
                      {**table.labels, **labels})
    return table


def _result_table(
    result: Any,
    confidence_level: float | None,
    method: str | None,
    kind: str | None,
    digits: int,
    max_rows: int | None,
) -> Table:
    f = f".{int(digits)}f"
    if hasattr(result, "_table"):  # results that know their own standard table
        own: Table = result._table(digits=digits)
        return Table(own.columns, own.formats, own.title, _notes(result, *own.notes),
                     own.labels)
    is_fit = hasattr(result, "default_covariance") and hasattr(result, "votes")
    if _is_bootstrap(result) or is_fit:
        fit = result.fit if _is_bootstrap(result) else result
        lo, hi = _intervals(result, confidence_level, method, kind)
        se = result.standard_error if _is_bootstrap(result) else np.sqrt(
            result._variances(kind)
        )
        o = _order(fit.ratings)
        cols: dict[str, list[Any]] = {
            "rank": list(range(1, o.size + 1)),
            "item": _marked([fit.items[i] for i in o], sparse_items(fit)),
            "rating": _pick(fit.ratings, o),
            "standard_error": _pick(se, o),
            "ci_low": _pick(lo, o),
            "ci_high": _pick(hi, o),
            "n_votes": [int(x) for x in _pick(fit.votes.votes_per_item, o)],
        }
        title = "Bradley-Terry ratings (Elo scale)"
        desc = interval_description(result, confidence_level, method=method, kind=kind)
        fm = dict.fromkeys(("rating", "standard_error", "ci_low", "ci_high"), f)
        return Table(cols, fm, title, _notes(result, desc + "."))
    if hasattr(result, "rank_low") and hasattr(result, "rank_high"):
        o = _order(result.ratings)
        cols = {
            "item": [result.items[i] for i in o],
            "rating": _pick(result.ratings, o),
            "rank": [int(x) for x in _pick(result.rank, o)],
            "rank_low": [int(x) for x in _pick(result.rank_low, o)],
            "rank_high": [int(x) for x in _pick(result.rank_high, o)],
        }
        seed = getattr(result, "seed", None)
        desc = str(result.method) + (f" (seed {seed})" if seed is not None else "")
        return Table(cols, {"rating": f}, "Rank confidence sets", _notes(result, desc + "."))
    if hasattr(result, "pvalue_adjusted"):
        return _pairwise_table(result, f, max_rows)
    if hasattr(result, "item_a") and hasattr(result, "pvalue"):
        floor = pvalue_floor(result)
        at = floor is not None and float(result.pvalue) <= floor * (1 + 1e-9)
        cols = {
            "item_a": [result.item_a], "item_b": [result.item_b], "gap": [result.gap],
            "standard_error": [result.standard_error], "ci_low": [result.ci_low],
            "ci_high": [result.ci_high], "statistic": [result.statistic],
            "pvalue": _pvalue_cells([result.pvalue], floor, [at]),
        }
        fm = {**dict.fromkeys(("gap", "standard_error", "ci_low", "ci_high"), f),
              "statistic": ".2f", "pvalue": "p"}
        note = f"{level_text(result.confidence_level)} CI; {result.alternative}; {result.method}."
        return Table(cols, fm, "Gap test", _notes(result, note))
    if hasattr(result, "ordering_ratings") or hasattr(result, "quasi_se"):
        ratings = result.ratings
        if ratings is None:
            raise ValueError("this result has no ratings to tabulate")
        lo, hi = _intervals(result, confidence_level, None, None)
        o = _order(ratings)
        cols = {"item": [result.items[i] for i in o], "rating": _pick(ratings, o)}
        if hasattr(result, "quasi_se"):
            cols["standard_error"] = _pick(result.standard_error, o)
            cols["quasi_se"] = _pick(result.quasi_se, o)
            title = "Quasi-standard errors"
        else:
            cols["ordering_sd"] = _pick(result.ordering_sd, o)
            title = "Online Elo ratings"
        cols["ci_low"] = _pick(lo, o)
        cols["ci_high"] = _pick(hi, o)
        if hasattr(result, "n_votes_per_item"):
            cols["n_votes"] = [int(x) for x in _pick(result.n_votes_per_item, o)]
        fm = {c: f for c in cols if c not in ("item", "n_votes")}
        desc = interval_description(result, confidence_level) + "."
        return Table(cols, fm, title, _notes(result, desc))
    raise TypeError(f"no standard table for {type(result).__name__}")


@hooks.provides("result_text")
def result_text(
    result: Any,
    *,
    head: tuple[str, ...] | list[str] = (),
    max_rows: int | None = None,
    **options: Any,
) -> str:
    """Fixed-width text of :func:`result_table` (this is every result's ``summary()``).

    Parameters
    ----------
    result : elosim result
    head : sequence of str
        Lines printed above the table (the settings of the fit).
    max_rows : int, optional
        Rows shown: the first ones (best items; pairwise tests: neighbours first).
    **options
        Passed to :func:`result_table` (``confidence_level``, ``labels``, ...).

    Examples
    --------
    >>> import elosim
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["a", "b"], [[0, 60], [40, 0]]))
    >>> print(elosim.report.result_text(fit))  # doctest: +NORMALIZE_WHITESPACE
    Bradley-Terry ratings (Elo scale)
    Rank  Item  Rating    SE  CI low  CI high  Votes
    ----  ----  ------  ----  ------  -------  -----
       1  a     1035.2  17.7  1000.5   1070.0    100
       2  b      964.8  17.7   930.0    999.5    100
    95% Wald CI, max covariance.
    """
    text = to_text(result_table(result, max_rows=max_rows, **options))
    return "\n".join([*head, *([""] if head else []), text])


@hooks.provides("result_markdown")
def result_markdown(result: Any, **options: Any) -> str:
    """:func:`to_markdown` of :func:`result_table` (options go to ``result_table``).

    Examples
    --------
    >>> import elosim
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["a", "b"], [[0, 60], [40, 0]]))
    >>> print(elosim.report.result_markdown(fit).splitlines()[0])
    | Rank | Item | Rating |   SE | CI low | CI high | Votes |
    >>> print(elosim.report.result_markdown(fit, labels={"ci_low": "Lower"}).splitlines()[0])
    | Rank | Item | Rating |   SE |  Lower | CI high | Votes |
    """
    return to_markdown(result_table(result, **options))


@hooks.provides("result_latex")
def result_latex(
    result: Any, *, caption: str | None = None, label: str | None = None, **options: Any
) -> str:
    """:func:`to_latex` of :func:`result_table` (other options go to ``result_table``).

    Examples
    --------
    >>> import elosim
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["a", "b"], [[0, 60], [40, 0]]))
    >>> tex = elosim.report.result_latex(fit, caption="Arena ratings")
    >>> "Arena ratings. 95" in tex and "Wald CI, max covariance." in tex  # caption, then interval
    True
    """
    longtable = options.pop("longtable", None)
    return to_latex(result_table(result, **options), caption=caption, label=label,
                    longtable=longtable)


@hooks.provides("result_html")
def result_html(result: Any, *, max_rows: int = 60, **options: Any) -> str:
    """Notebook HTML for a result: its repr line, the standard table and its notes.

    Everything is escaped; the table is capped at ``max_rows`` rows. This backs the
    results' ``_repr_html_``.

    Examples
    --------
    >>> import elosim
    >>> fit = elosim.bradley_terry(elosim.Votes.from_counts(["a", "b"], [[0, 60], [40, 0]]))
    >>> elosim.report.result_html(fit).startswith("<div")
    True
    """
    head = f"<p style=\"font-family: monospace;\">{html.escape(repr(result))}</p>"
    try:
        table = result_table(result, **options)
    except (TypeError, ValueError):
        return head
    return f'<div class="elosim-result">{head}{html_table(table, max_rows=max_rows)}</div>'
