"""The ``elosim`` commands: ``fit``, ``compare``, ``power``, ``simulate`` and ``plot``."""

from __future__ import annotations

import argparse
import csv
import inspect
import io
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from ..._core.table import Table, to_latex, to_markdown

if TYPE_CHECKING:
    from ...models.fit import BradleyTerryResult
from .common import (
    _bootstrap,
    _check_model_options,
    _emit_csv,
    _emit_json,
    _fit,
    _interval_method,
    _interval_text,
    _load_votes,
    _one_line,
    _seed,
    _settings,
    _settings_line,
    _unknown_item,
)
from .options import (
    EXIT_OK,
    EXIT_USAGE,
    RATING_COLUMNS,
    CLIError,
)


# ---------------------------------------------------------------------------- fit
def _rating_rows(
    fit: BradleyTerryResult, result: Any, level: float, method: str | None
) -> list[dict[str, Any]]:
    if hasattr(result, "bootstrap_distribution"):
        ci = result.confidence_interval(level, method=method)
    else:
        ci = result.confidence_interval(level, method=method or "wald")
    se = np.asarray(result.standard_error, dtype=float)
    order = np.argsort(-fit.ratings, kind="stable")
    n_votes = fit.votes.votes_per_item
    return [
        {
            "rank": r,
            "item": fit.items[i],
            "rating": float(fit.ratings[i]),
            "standard_error": float(se[i]),
            "ci_low": float(ci.low[i]),
            "ci_high": float(ci.high[i]),
            "n_votes": int(n_votes[i]),
        }
        for r, i in enumerate(order.tolist(), 1)
    ]


def _text_table(rows: Sequence[dict[str, Any]], level: float) -> str:
    width = max([4, *(len(r["item"]) for r in rows)])
    width = min(width, 48)
    ci_head = f"{100 * level:.10g}% CI"
    cis = [f"{r['ci_low']:.1f} to {r['ci_high']:.1f}" for r in rows]
    ci_w = max([len(ci_head), *(len(c) for c in cis)])
    lines = [
        f"{'rank':>4}  {'item':<{width}}  {'rating':>8}  {ci_head:>{ci_w}}  {'SE':>6}  "
        f"{'votes':>9}"
    ]
    for r, c in zip(rows, cis, strict=True):
        name = r["item"] if len(r["item"]) <= width else r["item"][: width - 1] + "…"
        lines.append(
            f"{r['rank']:>4}  {name:<{width}}  {r['rating']:>8.1f}  {c:>{ci_w}}  "
            f"{r['standard_error']:>6.1f}  {r['n_votes']:>9,}"
        )
    return "\n".join(lines)


def _report_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str,
                  note: str, fmt: str, formats: dict[str, str]) -> str:
    """Markdown or LaTeX through :mod:`elosim.report` (simple own rendering without it)."""
    cols = {c: [r[c] for r in rows] for c in columns}
    table = Table(cols, formats, title, (note,))
    if fmt == "markdown":
        return to_markdown(table)
    return to_latex(table, caption=f"{title}. {note}")








def _fit_and_maybe_bootstrap(
    args: argparse.Namespace,
) -> tuple[BradleyTerryResult, Any, int | None]:
    votes = _load_votes(args)
    fit = _fit(args, votes)
    if args.bootstrap is None:
        return fit, fit, None
    seed = _seed(args)
    return fit, _bootstrap(args, fit, seed), seed


def _cmd_fit(args: argparse.Namespace, out: TextIO) -> int:
    _check_model_options(args)
    fit, result, seed = _fit_and_maybe_bootstrap(args)
    rows = _rating_rows(fit, result, args.confidence_level, args.method)
    if args.top is not None:
        rows = rows[: args.top]
    settings = _settings(fit, result, args, seed)
    fmt = args.format
    if fmt == "table":
        out.write(_settings_line(settings) + "\n" + _text_table(rows, args.confidence_level)
                  + "\n")
        from ..._core.sparse import SPARSE_VOTES

        few = fit.sparse_items()
        if few:
            shown = ", ".join(few[:4]) + (f", ... ({len(few) - 4} more)" if len(few) > 4 else "")
            out.write(
                f"# note: {len(few)} item(s) with fewer than {SPARSE_VOTES} votes ({shown}): "
                f"their intervals are unreliable; rerun with --min-votes {SPARSE_VOTES}\n"
            )
    elif fmt == "csv":
        _emit_csv(out, RATING_COLUMNS, rows)
    elif fmt == "json":
        _emit_json(out, {"settings": settings, "ratings": rows})
    else:
        fm = dict.fromkeys(("rating", "standard_error", "ci_low", "ci_high"), ".1f")
        note = (f"{settings['description']}; {fit.n_votes:,} votes, {fit.n_items} items"
                + (f"; seed {seed}" if seed is not None else ""))
        out.write(_report_table(rows, RATING_COLUMNS, "Bradley-Terry ratings (Elo scale)",
                                note, fmt, fm) + "\n")
    return EXIT_OK


# ---------------------------------------------------------------------------- compare
GAP_COLUMNS = ("item_a", "item_b", "gap", "standard_error", "ci_low", "ci_high",
               "confidence_level", "statistic", "pvalue", "alternative", "method", "conclusion")


def _cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    ops = list(args.operands)
    want = 2 if args.example is not None else 3
    if len(ops) != want:
        shape = "A B (with --example)" if want == 2 else "FILE A B"
        raise CLIError(f"compare needs {shape}; got {len(ops)} operand(s): {ops}", EXIT_USAGE)
    args.file = None if want == 2 else ops[0]
    a, b = ops[-2], ops[-1]
    if a == b:
        raise CLIError(f"A and B must be two different items; got {a!r} twice", EXIT_USAGE)
    _check_model_options(args)
    votes = _load_votes(args)
    for item in (a, b):
        if item not in votes.items:
            raise CLIError(_unknown_item(item, votes.items))
    fit = _fit(args, votes)
    result: Any = fit
    seed = None
    if args.bootstrap is not None:
        seed = _seed(args)
        result = _bootstrap(args, fit, seed)
    res = result.gap_test(
        a, b, alternative=args.alternative, confidence_level=args.confidence_level,
        method=args.method,
    )
    row = {
        "item_a": res.item_a, "item_b": res.item_b, "gap": res.gap,
        "standard_error": res.standard_error, "ci_low": res.ci_low, "ci_high": res.ci_high,
        "confidence_level": res.confidence_level, "statistic": res.statistic,
        "pvalue": res.pvalue, "alternative": res.alternative, "method": res.method,
        "conclusion": res.conclusion(),
    }
    settings = _settings(fit, result, args, seed)
    fmt = args.format
    if fmt == "table":
        out.write(_settings_line(settings) + "\n" + res.summary() + "\n")
    elif fmt == "csv":
        _emit_csv(out, GAP_COLUMNS, [row])
    elif fmt == "json":
        _emit_json(out, {"settings": settings, "gap_test": row})
    else:
        cols = ("item_a", "item_b", "gap", "standard_error", "ci_low", "ci_high",
                "statistic", "pvalue")
        fm = {**dict.fromkeys(("gap", "standard_error", "ci_low", "ci_high"), ".1f"),
              "statistic": ".2f", "pvalue": "p"}
        note = (f"{100 * res.confidence_level:.10g}% CI; {res.alternative}; {res.method}. "
                f"Conclusion: {res.conclusion()}")
        out.write(_report_table([row], cols, "Gap test", note, fmt, fm) + "\n")
    return EXIT_OK


# ---------------------------------------------------------------------------- power
def _cmd_power(args: argparse.Namespace, out: TextIO) -> int:
    from ...simulation.planning import min_detectable_gap, power, votes_needed

    if args.gap is None and args.votes is None:
        raise CLIError("give --gap G (votes needed), --votes N (detectable gap) or both "
                       "(power)", EXIT_USAGE)
    if args.gap is not None and args.votes is not None and args.power is not None:
        raise CLIError("with both --gap and --votes the power is the result; drop --power",
                       EXIT_USAGE)
    if args.design == "round-robin" and args.n_items is None:
        raise CLIError("--design round-robin needs --n-items K", EXIT_USAGE)
    if args.design != "round-robin" and args.n_items is not None:
        raise CLIError("--n-items is only used with --design round-robin", EXIT_USAGE)
    kw: dict[str, Any] = {
        "confidence_level": args.confidence_level, "tie_rate": args.tie_rate,
        "design": args.design, "n_items": args.n_items, "alternative": args.alternative,
        "variance": args.variance,
    }
    target = 0.8 if args.power is None else args.power
    try:
        if args.votes is None:
            n = votes_needed(args.gap, power=target, **kw)
            res: dict[str, Any] = {"quantity": "votes_needed", "gap": args.gap,
                                   "power": target, "n_votes": n}
            headline = f"votes needed: {n:,}"
        elif args.gap is None:
            g = min_detectable_gap(args.votes, power=target, **kw)
            res = {"quantity": "min_detectable_gap", "gap": g, "power": target,
                   "n_votes": args.votes}
            headline = f"minimum detectable gap: {g:.2f} Elo points"
        else:
            p = power(args.gap, args.votes, **kw)
            res = {"quantity": "power", "gap": args.gap, "power": p, "n_votes": args.votes}
            headline = f"power: {p:.4f}"
    except ValueError as exc:
        raise CLIError(_one_line(str(exc)), EXIT_USAGE) from None
    res.update(kw)
    if args.format == "json":
        _emit_json(out, res)
        return EXIT_OK
    test = "two-sided" if args.alternative == "two-sided" else "one-sided"
    design = args.design + (f" ({args.n_items} items)" if args.n_items else "")
    parts = []
    if res["quantity"] != "min_detectable_gap":
        parts.append(f"gap {args.gap:g} Elo points")
    if res["quantity"] != "votes_needed":
        parts.append(f"{args.votes:,} votes")
    if res["quantity"] != "power":
        parts.append(f"power {100 * target:.10g}%")
    parts += [
        f"{test} test at the {100 * (1 - args.confidence_level):.10g}% level",
        f"tie rate {args.tie_rate:g}",
        f"design {design}",
        f"variance at {args.variance}",
    ]
    out.write(headline + "\n  (" + ", ".join(parts) + ")\n")
    return EXIT_OK


# ---------------------------------------------------------------------------- simulate
def _cmd_simulate(args: argparse.Namespace, out: TextIO) -> int:
    from ...simulation.arena import simulate_votes

    ties = None if args.ties == "none" else args.ties
    try:
        votes = simulate_votes(
            args.ratings, args.votes, ties=ties, tie_rate=args.tie_rate,
            tie_parameter=args.tie_parameter, pairing=args.pairing, rng=args.seed,
        )
    except (TypeError, ValueError) as exc:
        raise CLIError(_one_line(str(exc)), EXIT_USAGE) from None
    labels = np.array(["model_a", "model_b", "tie"], dtype=object)
    items = np.array(votes.items, dtype=object)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["model_a", "model_b", "winner"])
    w.writerows(zip(items[votes.a], items[votes.b], labels[votes.outcome], strict=True))
    if args.out == "-":
        out.write(buf.getvalue())
        return EXIT_OK
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
    n_ties = int(np.count_nonzero(votes.outcome == 2))
    out.write(f"wrote {votes.n_votes:,} votes ({n_ties:,} ties) on {votes.n_items} items "
              f"to {args.out}\n")
    return EXIT_OK


# ---------------------------------------------------------------------------- plot
def _call_plot(func: Callable[..., Any], obj: Any, ax: Any, **options: Any) -> None:
    """Call an :mod:`elosim.plot` function with those options it names as parameters.

    Options it does not name are not passed (a ``**kwargs`` catch-all usually forwards
    to Matplotlib, which would reject them).
    """
    params = inspect.signature(func).parameters
    kw = {k: v for k, v in options.items() if v is not None and k in params}
    func(obj, ax=ax, **kw)


def _fallback_ratings(ax: Any, rows: Sequence[dict[str, Any]], label: str) -> None:
    y = np.arange(len(rows))[::-1]
    r = np.array([x["rating"] for x in rows])
    lo = np.array([x["ci_low"] for x in rows])
    hi = np.array([x["ci_high"] for x in rows])
    ax.errorbar(r, y, xerr=[r - lo, hi - r], fmt="o", color="C0", ecolor="C0",
                capsize=2, markersize=3)
    ax.set_yticks(y)
    ax.set_yticklabels([x["item"] for x in rows], fontsize=8)
    ax.set_xlabel(f"rating (Elo scale), {label}")
    ax.grid(axis="x", alpha=0.3)


def _fallback_matrix(ax: Any, mat: Any, items: Sequence[str], label: str, cmap: str) -> None:
    im = ax.imshow(mat, cmap=cmap, vmin=0.0, vmax=1.0)
    ax.set_xticks(np.arange(len(items)))
    ax.set_yticks(np.arange(len(items)))
    ax.set_xticklabels(items, rotation=90, fontsize=7)
    ax.set_yticklabels(items, fontsize=7)
    ax.figure.colorbar(im, ax=ax, label=label)


def _cmd_plot(args: argparse.Namespace, out: TextIO) -> int:
    _check_model_options(args)
    # a bare Figure renders through Agg (or the PDF/SVG canvas) without pyplot, so the
    # command never touches the global backend or leaves figures open
    from matplotlib.figure import Figure

    ext = os.path.splitext(args.out)[1].lower().lstrip(".")
    supported = Figure().canvas.get_supported_filetypes()
    if ext not in supported:
        raise CLIError(
            f"--out {args.out!r}: unknown image format {ext or '(no extension)'!r}; use one "
            f"of {', '.join(sorted(supported))}", EXIT_USAGE,
        )
    fit, result, seed = _fit_and_maybe_bootstrap(args)
    if args.top is not None and args.top < fit.n_items:
        keep = [fit.items[i] for i in np.argsort(-fit.ratings, kind="stable")[: args.top]]
    else:
        keep = list(np.array(fit.items)[np.argsort(-fit.ratings, kind="stable")])
    k = len(keep)
    try:
        from .. import plot as plot_module
    except ImportError:
        plot_module = None  # type: ignore[assignment]
    label = _interval_text(result, args.confidence_level, _interval_method(args))
    if args.kind == "ratings":
        fig = Figure(figsize=(7.0, max(2.5, 0.22 * k + 1.2)), layout="constrained")
        ax = fig.subplots()
        func = getattr(plot_module, "plot_ratings", None)
        if func is not None:
            _call_plot(func, result, ax, confidence_level=args.confidence_level,
                       method=args.method, top=args.top)
        else:
            rows = _rating_rows(fit, result, args.confidence_level, args.method)[:k]
            _fallback_ratings(ax, rows, label)
    else:
        side = max(4.0, 0.2 * k + 2.5)
        fig = Figure(figsize=(side + 1.0, side), layout="constrained")
        ax = fig.subplots()
        idx = [fit.items.index(x) for x in keep]
        if args.kind == "pvalues":
            tests = result.pairwise_gap_tests(
                confidence_level=args.confidence_level,
                method=args.method if args.bootstrap is not None else None,
            )
            func = getattr(plot_module, "plot_pvalues", None)
            if func is not None:
                _call_plot(func, tests, ax, top=args.top)
            else:
                mat = tests.pvalue_matrix()[np.ix_(idx, idx)]
                _fallback_matrix(ax, mat, keep, f"Holm-adjusted p-value ({tests.method})",
                                 "viridis")
        else:
            func = getattr(plot_module, "plot_win_matrix", None)
            if func is not None:
                _call_plot(func, fit, ax, top=args.top)
            else:
                mat = fit.win_probability()[np.ix_(idx, idx)]
                _fallback_matrix(ax, mat, keep, "P(row beats column)", "RdBu_r")
    fig.savefig(args.out, dpi=args.dpi)
    out.write(f"wrote {args.out}" + (f" (seed {seed})" if seed is not None else "") + "\n")
    return EXIT_OK
