"""The ``elosim`` commands: ``fit``, ``compare``, ``power``, ``simulate`` and ``plot``."""

from __future__ import annotations

import argparse
import csv
import inspect
import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

if TYPE_CHECKING:
    from ...models.fit import BradleyTerryResult
from ..plot.common import bare_figures
from .common import (
    _bootstrap,
    _check_model_options,
    _emit_csv,
    _emit_json,
    _emit_report,
    _fit,
    _load_votes,
    _one_line,
    _seed,
    _settings,
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
    if fmt == "csv":
        _emit_csv(out, RATING_COLUMNS, rows)
    elif fmt == "json":
        _emit_json(out, {"settings": settings, "ratings": rows,
                         "caveats": list(result.caveats())})
    else:
        _emit_report(out, result, fmt, settings, confidence_level=args.confidence_level,
                     method=args.method, max_rows=args.top)
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
    if fmt == "csv":
        _emit_csv(out, GAP_COLUMNS, [row])
    elif fmt == "json":
        _emit_json(out, {"settings": settings, "gap_test": row,
                         "caveats": list(res.caveats())})
    else:
        _emit_report(out, res, fmt, settings, extra=f"Conclusion: {res.conclusion()}")
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
def _call_plot(func: Callable[..., Any], obj: Any, ax: Any, **options: Any) -> Any:
    """Call an :mod:`elosim.plot` function with those options it names as parameters.

    Options it does not name are not passed (a ``**kwargs`` catch-all usually forwards
    to Matplotlib, which would reject them).
    """
    params = inspect.signature(func).parameters
    kw = {k: v for k, v in options.items() if v is not None and k in params}
    return func(obj, ax=ax, **kw)


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
    with bare_figures():
        ax = _draw(args, fit, result)
    ax.figure.savefig(args.out, dpi=args.dpi)
    out.write(f"wrote {args.out}" + (f" (seed {seed})" if seed is not None else "") + "\n")
    return EXIT_OK


def _draw(args: argparse.Namespace, fit: Any, result: Any) -> Any:
    """Draw the figure with elosim.plot, which sizes it for its content (rows, label
    lengths, colour bar): the command draws exactly what the same call from Python does."""
    from .. import plot as plot_module

    if args.kind == "ratings":
        ax = _call_plot(plot_module.plot_ratings, result, None,
                        confidence_level=args.confidence_level, method=args.method,
                        top=args.top)
    elif args.kind == "pvalues":
        tests = result.pairwise_gap_tests(
            confidence_level=args.confidence_level,
            method=args.method if args.bootstrap is not None else None,
        )
        ax = _call_plot(plot_module.plot_pvalues, tests, None, top=args.top)
    else:
        ax = _call_plot(plot_module.plot_win_matrix, fit, None, top=args.top)
    return ax
