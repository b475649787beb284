"""The ``elosim`` command: leaderboards, gap tests, power and simulation from a shell.

Commands (``elosim COMMAND --help`` lists every option)::

    elosim fit (FILE | --example NAME)          leaderboard with intervals
    elosim compare (FILE | --example NAME) A B  gap test between two items
    elosim power --gap G | --votes N            votes needed, power, detectable gap
    elosim simulate --ratings a=1541,b=1542 --votes N --out votes.csv
    elosim plot (FILE | --example NAME) --out fig.png

Exit status
-----------
``0``
    Success (warnings, if any, are printed as ``elosim: warning: ...`` lines on stderr).
``1``
    A problem with the data or the files: missing or unreadable file, malformed CSV,
    unknown outcome labels, an item not in the data, a disconnected comparison graph, a
    likelihood without a finite maximum (with its remedy), or an unexpected internal error
    (rerun with ``--debug`` for the traceback).
``2``
    A usage problem: unknown command or option, a malformed or out-of-range option value
    (e.g. ``--anchor`` without ``=``), conflicting options.
``130``
    Interrupted (Ctrl-C).

Every failure prints exactly one line ``elosim: error: ...`` on stderr and never a
traceback, unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import inspect
import io
import json
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import numpy as np

from .._core.errors import DisconnectedGraphError, ElosimWarning, NoFiniteEstimateError
from .._version import __version__

if TYPE_CHECKING:
    from ..data.votes import Votes
    from ..inference.bootstrap import BootstrapResult
    from ..models.fit import BradleyTerryResult

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "CLIError", "build_parser", "main"]

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

PROG = "elosim"
EXAMPLES = ("lmarena-140k", "international-football", "baseball", "icehockey", "epl-football")
FORMATS = ("table", "markdown", "latex", "csv", "json")
TIES = ("half", "davidson", "rao-kupper")
METHODS = ("percentile", "basic", "bca", "studentized")
ALTERNATIVES = ("two-sided", "greater", "less")
DESIGNS = ("head-to-head", "common-opponents", "round-robin")
PLOT_KINDS = ("ratings", "pvalues", "win-matrix")
RATING_COLUMNS = ("rank", "item", "rating", "standard_error", "ci_low", "ci_high", "n_votes")


class CLIError(Exception):
    """An expected failure: reported as one ``elosim: error: ...`` line.

    Parameters
    ----------
    message : str
        What went wrong and, where possible, what to do about it.
    code : int
        Exit status: :data:`EXIT_DATA` (1) or :data:`EXIT_USAGE` (2).
    """

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become :class:`CLIError` (one line, exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)


# ---------------------------------------------------------------------------- option types
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}")
    return value


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0; got {text!r}")
    return value


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number; got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number; got {text!r}")
    return value


def _positive(text: str) -> float:
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0; got {text!r}")
    return value


def _nonneg(text: str) -> float:
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0; got {text!r}")
    return value


def _unit_open(text: str) -> float:
    value = _finite(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a number strictly between 0 and 1 (e.g. 0.95); got {text!r}"
        )
    return value


def _tie_rate(text: str) -> float:
    value = _finite(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a tie rate in [0, 1); got {text!r}")
    return value


@dataclass(frozen=True)
class Anchor:
    """A parsed ``--anchor ITEM=RATING``."""

    item: str
    rating: float


def _anchor(text: str) -> Anchor:
    item, sep, value = text.rpartition("=")
    item = item.strip()
    if not sep or not item or not value.strip():
        raise argparse.ArgumentTypeError(
            f"expected ITEM=RATING (e.g. gpt-4o=1000); got {text!r}"
        )
    try:
        rating = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected ITEM=RATING with a numeric rating (e.g. gpt-4o=1000); got {text!r}"
        ) from None
    if not math.isfinite(rating):
        raise argparse.ArgumentTypeError(f"the anchor rating must be finite; got {text!r}")
    return Anchor(item, rating)


def _columns(text: str) -> tuple[str, str, str]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError(
            "expected three column names A,B,WINNER (e.g. model_a,model_b,winner); "
            f"got {text!r}"
        )
    return parts[0], parts[1], parts[2]


def _ratings(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        item, sep, value = part.rpartition("=")
        item = item.strip()
        try:
            rating = float(value) if sep and item else math.nan
        except ValueError:
            rating = math.nan
        if not math.isfinite(rating):
            raise argparse.ArgumentTypeError(
                f"expected ITEM=RATING pairs separated by commas (e.g. a=1541,b=1542); "
                f"bad entry {part.strip()!r}"
            )
        if item in out:
            raise argparse.ArgumentTypeError(f"item {item!r} is given twice")
        out[item] = rating
    if len(out) < 2:
        raise argparse.ArgumentTypeError(
            f"need at least two items (e.g. a=1541,b=1542); got {text!r}"
        )
    return out


# ---------------------------------------------------------------------------- parser
def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: Any = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "--debug", action="store_true", default=default,
        help="show the full traceback of errors (for bug reports)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default,
        help="do not print warnings or progress bars on stderr",
    )


def _data_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    g.add_argument(
        "--example", choices=EXAMPLES, metavar="NAME",
        help=f"use a bundled data set instead of FILE ({', '.join(EXAMPLES)})",
    )
    g.add_argument(
        "--columns", type=_columns, metavar="A,B,WINNER",
        help="names of the two item columns and the outcome column "
        "(default: model_a,model_b,winner)",
    )
    g.add_argument(
        "--drop-self", action="store_true",
        help="drop self-comparisons (an item against itself) instead of failing on them",
    )
    g.add_argument(
        "--min-votes", type=_nonneg_int, default=0, metavar="N",
        help="drop items with fewer than N votes (repeatedly, until none is left)",
    )
    g.add_argument(
        "--largest-component", action="store_true",
        help="keep only the largest connected component of the comparison graph",
    )


def _model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model and intervals")
    g.add_argument(
        "--ties", choices=TIES, default="half",
        help="tie model: half a win each (default), Davidson or Rao-Kupper",
    )
    g.add_argument(
        "--prior-strength", type=_nonneg, default=0.0, metavar="S",
        help="Gaussian prior strength on the log-strengths (0 = maximum likelihood; "
        "> 0 gives finite ratings when an item never lost or never won)",
    )
    g.add_argument(
        "--confidence-level", type=_unit_open, default=0.95, metavar="LEVEL",
        help="confidence level of the intervals (default 0.95)",
    )
    g.add_argument(
        "--bootstrap", type=_positive_int, metavar="N",
        help="bootstrap intervals from N resamples (default: Wald, sandwich covariance)",
    )
    g.add_argument(
        "--method", choices=METHODS,
        help="bootstrap interval method (default percentile; needs --bootstrap)",
    )
    g.add_argument(
        "--seed", type=_nonneg_int, metavar="S",
        help="random seed of the bootstrap (default: a fresh seed, printed)",
    )
    g.add_argument(
        "--jobs", type=_positive_int, default=1, metavar="J",
        help="threads for the bootstrap (results do not depend on it)",
    )


def _scale_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("rating scale")
    g.add_argument(
        "--anchor", type=_anchor, metavar="ITEM=R",
        help="normalise so that ITEM has rating R (default: mean rating = --offset)",
    )
    g.add_argument(
        "--offset", type=_finite, metavar="R",
        help="mean rating (default 1000; not with --anchor)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``elosim`` command.

    Returns
    -------
    argparse.ArgumentParser
        Its ``error`` method raises :class:`CLIError` (exit status 2) instead of exiting.
    """
    parser = _Parser(
        prog=PROG,
        description="Bradley-Terry ratings on the Elo scale, with intervals you can cite.",
        epilog="Exit status: 0 ok, 1 data or file problem, 2 usage error. "
        "Run 'elosim COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    fit = sub.add_parser(
        "fit", help="leaderboard with confidence intervals",
        description="Fit a Bradley-Terry model and print the leaderboard with intervals.",
        usage="elosim fit (FILE | --example NAME) [options]",
    )
    fit.add_argument("file", nargs="?", metavar="FILE", help="CSV (or Parquet) file of votes")
    _data_options(fit)
    _model_options(fit)
    _scale_options(fit)
    out = fit.add_argument_group("output")
    out.add_argument("--top", type=_positive_int, metavar="N", help="show only the best N items")
    out.add_argument("--format", choices=FORMATS, default="table", help="output format")
    _global_options(fit, suppress=True)
    fit.set_defaults(func=_cmd_fit)

    cmp_ = sub.add_parser(
        "compare", help="test the gap between two items",
        description="Test whether two items' ratings differ (gap, interval, p-value).",
        usage="elosim compare (FILE | --example NAME) A B [options]",
    )
    cmp_.add_argument(
        "operands", nargs="+", metavar="FILE A B",
        help="the votes file (unless --example) and the two items",
    )
    cmp_.add_argument(
        "--alternative", choices=ALTERNATIVES, default="two-sided",
        help="'greater' tests whether A is above B; 'less' whether A is below B",
    )
    _data_options(cmp_)
    _model_options(cmp_)
    cmp_.add_argument("--format", choices=FORMATS, default="table", help="output format")
    _global_options(cmp_, suppress=True)
    cmp_.set_defaults(func=_cmd_compare)

    pw = sub.add_parser(
        "power", help="votes needed to detect a gap (or power, or detectable gap)",
        description="--gap G: votes needed; --gap G --votes N: power; --votes N: minimum "
        "detectable gap.",
    )
    pw.add_argument("--gap", type=_positive, metavar="G", help="true Elo gap to detect")
    pw.add_argument("--votes", type=_positive_int, metavar="N", help="total number of votes")
    pw.add_argument(
        "--power", type=_unit_open, metavar="P",
        help="required power (default 0.8; not with both --gap and --votes)",
    )
    pw.add_argument(
        "--confidence-level", type=_unit_open, default=0.95, metavar="LEVEL",
        help="1 - alpha of the test (default 0.95)",
    )
    pw.add_argument("--tie-rate", type=_tie_rate, default=0.0, metavar="T",
                    help="fraction of tied votes (default 0)")
    pw.add_argument("--design", choices=DESIGNS, default="head-to-head",
                    help="how the votes are spent (default head-to-head)")
    pw.add_argument("--n-items", type=_positive_int, metavar="K",
                    help="number of items (for --design round-robin)")
    pw.add_argument("--alternative", choices=("two-sided", "greater"), default="two-sided",
                    help="two-sided test, or one-sided in the direction of the gap")
    pw.add_argument("--variance", choices=("parity", "alternative"), default="parity",
                    help="evaluate the vote variance at parity (default) or at the gap")
    pw.add_argument("--format", choices=("table", "json"), default="table",
                    help="output format")
    _global_options(pw, suppress=True)
    pw.set_defaults(func=_cmd_power)

    sim = sub.add_parser(
        "simulate", help="simulate votes from true ratings (CSV readable by 'elosim fit')",
        description="Simulate pairwise votes from true Elo ratings and write them as CSV "
        "(columns model_a, model_b, winner).",
    )
    sim.add_argument("--ratings", type=_ratings, required=True, metavar="A=R,B=R,...",
                     help="true ratings, e.g. a=1541,b=1542")
    sim.add_argument("--votes", type=_positive_int, required=True, metavar="N",
                     help="number of votes")
    sim.add_argument("--seed", type=_nonneg_int, metavar="S", help="random seed")
    sim.add_argument("--out", metavar="PATH", default="-",
                     help="output CSV file (default '-': standard output)")
    sim.add_argument("--ties", choices=("none", "davidson", "rao-kupper", "fixed"),
                     default="none", help="tie mechanism (default none)")
    sim.add_argument("--tie-rate", type=_tie_rate, metavar="T",
                     help="tie rate (fixed), or the tie rate at parity (davidson, rao-kupper)")
    sim.add_argument("--tie-parameter", type=_nonneg, metavar="X",
                     help="Davidson nu or Rao-Kupper theta (instead of --tie-rate)")
    sim.add_argument("--pairing", choices=("uniform", "adaptive"), default="uniform",
                     help="how pairs are drawn (default uniform)")
    _global_options(sim, suppress=True)
    sim.set_defaults(func=_cmd_simulate)

    plot = sub.add_parser(
        "plot", help="draw a figure (forest plot, p-value or win-probability matrix)",
        description="Fit the votes and save a figure; the format follows the file extension.",
        usage="elosim plot (FILE | --example NAME) --out PATH [options]",
    )
    plot.add_argument("file", nargs="?", metavar="FILE", help="CSV (or Parquet) file of votes")
    plot.add_argument("--out", required=True, metavar="PATH", help="output image (.png, .pdf, "
                      ".svg, ...)")
    plot.add_argument("--kind", choices=PLOT_KINDS, default="ratings",
                      help="ratings (forest plot, default), pvalues or win-matrix")
    plot.add_argument("--top", type=_positive_int, metavar="N",
                      help="show only the best N items")
    plot.add_argument("--dpi", type=_positive_int, default=150, help="resolution (default 150)")
    _data_options(plot)
    _model_options(plot)
    _scale_options(plot)
    _global_options(plot, suppress=True)
    plot.set_defaults(func=_cmd_plot)
    return parser


# ---------------------------------------------------------------------------- data and fits
def _one_line(text: str) -> str:
    return " ".join(str(text).split())


#: Library remedies rephrased as the command-line options that do the same thing.
_CLI_TERMS = (
    ("pass drop_self=True", "pass --drop-self"),
    ("votes.min_votes(n)", "--min-votes N"),
    ("pass prior_strength > 0", "pass --prior-strength S > 0"),
    ("prior_strength > 0", "--prior-strength S > 0"),
)


def _cli_text(text: str) -> str:
    """One line, with library argument names replaced by their command-line options."""
    out = _one_line(text)
    for old, new in _CLI_TERMS:
        out = out.replace(old, new)
    return out


def _load_example(name: str) -> Votes:
    from ..data import datasets

    if name == "lmarena-140k":
        return datasets.load_lmarena_140k()
    if name == "international-football":
        return datasets.load_international_football()
    return datasets.load_bradleyterry2(name.replace("-", "_"))


def _source(args: argparse.Namespace) -> str:
    return f"--example {args.example}" if args.example else str(args.file)


def _load_votes(args: argparse.Namespace) -> Votes:
    """Read FILE or the bundled example, then apply --min-votes and --largest-component."""
    if (args.file is None) == (args.example is None):
        raise CLIError(
            "give exactly one of FILE or --example NAME"
            + (" (not both)" if args.file is not None else ""),
            EXIT_USAGE,
        )
    if args.example is not None:
        if args.columns is not None:
            raise CLIError("--columns applies to FILE, not to --example", EXIT_USAGE)
        votes = _load_example(args.example)
    else:
        from ..data.readers import read_votes

        a, b, winner = args.columns or ("model_a", "model_b", "winner")
        if os.path.isdir(args.file):
            raise CLIError(f"{args.file!r} is a directory, not a file of votes")
        votes = read_votes(args.file, a=a, b=b, winner=winner, drop_self=args.drop_self)
    if args.min_votes > 0:
        low = [it for it, n in zip(votes.items, votes.votes_per_item, strict=True)
               if n < args.min_votes]
        if low:
            from .._core.errors import VotesError

            try:
                votes = votes.min_votes(args.min_votes)
            except VotesError:
                raise CLIError(
                    f"--min-votes {args.min_votes} leaves no votes: every item ends up with "
                    "fewer votes than that; use a smaller value"
                ) from None
            if votes.n_items < 2:
                raise CLIError(f"--min-votes {args.min_votes} leaves fewer than two items")
    if args.largest_component and not votes.is_connected:
        votes = votes.restrict(votes.components()[0])
    return votes


def _check_model_options(args: argparse.Namespace) -> None:
    if args.method is not None and args.bootstrap is None:
        raise CLIError(
            "--method chooses a bootstrap interval; add --bootstrap N (Wald intervals "
            "have no method)", EXIT_USAGE,
        )
    if args.seed is not None and args.bootstrap is None:
        raise CLIError("--seed only affects the bootstrap; add --bootstrap N", EXIT_USAGE)
    if getattr(args, "anchor", None) is not None and getattr(args, "offset", None) is not None:
        raise CLIError(
            "--offset sets the mean rating; with --anchor give the anchor's rating as "
            "ITEM=R instead", EXIT_USAGE,
        )


def _fit(args: argparse.Namespace, votes: Votes) -> BradleyTerryResult:
    from ..models.fit import bradley_terry

    anchor: Anchor | None = getattr(args, "anchor", None)
    offset = getattr(args, "offset", None)
    if anchor is not None:
        if anchor.item not in votes.items:
            raise CLIError(f"--anchor: {_unknown_item(anchor.item, votes.items)}")
        return bradley_terry(
            votes, ties=args.ties, prior_strength=args.prior_strength,
            normalize="anchor", anchor=anchor.item, offset=anchor.rating,
        )
    return bradley_terry(
        votes, ties=args.ties, prior_strength=args.prior_strength,
        offset=1000.0 if offset is None else offset,
    )


def _seed(args: argparse.Namespace) -> int:
    if args.seed is not None:
        return int(args.seed)
    return int(np.random.SeedSequence().generate_state(1)[0])


def _bootstrap(
    args: argparse.Namespace, fit: BradleyTerryResult, seed: int
) -> BootstrapResult:
    from ..inference.bootstrap import bootstrap

    return bootstrap(
        fit, n_resamples=args.bootstrap, method=args.method or "percentile",
        confidence_level=args.confidence_level, rng=seed, n_jobs=args.jobs,
        progress=not args.quiet,
    )


def _unknown_item(item: str, items: Sequence[str]) -> str:
    close = difflib.get_close_matches(item, list(items), n=3, cutoff=0.6)
    if not close:
        close = [x for x in items if item.lower() in x.lower()][:3]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown item {item!r}: not among the {len(items)} items{hint}"


def _interval_text(result: Any, level: float, method: str | None) -> str:
    try:
        from .report import interval_description
    except ImportError:  # pragma: no cover - report.py is optional
        pct = f"{100 * level:.10g}%"
        if hasattr(result, "bootstrap_distribution"):
            b = result.bootstrap_distribution.shape[1]
            return f"{pct} {method or result.method} bootstrap CI, {b:,} resamples"
        return f"{pct} Wald CI, {result.default_covariance} covariance"
    return interval_description(result, level, method=method)


def _settings(
    fit: BradleyTerryResult, result: Any, args: argparse.Namespace, seed: int | None
) -> dict[str, Any]:
    boot = hasattr(result, "bootstrap_distribution")
    return {
        "source": _source(args),
        "n_votes": fit.n_votes,
        "n_items": fit.n_items,
        "ties": fit.ties,
        "prior_strength": fit.prior_strength,
        "normalization": fit.normalization.describe(fit.items),
        "confidence_level": args.confidence_level,
        "interval": "bootstrap" if boot else "wald",
        "method": (args.method or "percentile") if boot else "wald-sandwich",
        "n_resamples": args.bootstrap if boot else None,
        "seed": seed,
        "description": _interval_text(result, args.confidence_level, args.method),
        "version": __version__,
    }


def _settings_line(s: dict[str, Any]) -> str:
    parts = [
        f"{s['n_votes']:,} votes",
        f"{s['n_items']} items",
        f"ties: {s['ties']}",
        s["normalization"],
        s["description"],
        f"seed: {s['seed'] if s['seed'] is not None else 'n/a'}",
    ]
    if s["prior_strength"]:
        parts.insert(3, f"prior strength {s['prior_strength']:g}")
    return "# " + " | ".join(parts)


def _jsonable(x: Any) -> Any:
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(float(x)) else None
    return x


def _emit_csv(out: TextIO, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if _jsonable(r[c]) is None else _jsonable(r[c]) for c in columns])


def _emit_json(out: TextIO, obj: Any) -> None:
    def conv(o: Any) -> Any:
        if isinstance(o, dict):
            return {k: conv(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [conv(v) for v in o]
        return _jsonable(o)

    out.write(json.dumps(conv(obj), indent=2, allow_nan=False) + "\n")


# ---------------------------------------------------------------------------- fit
def _rating_rows(
    fit: BradleyTerryResult, result: Any, level: float, method: str | None
) -> list[dict[str, Any]]:
    if hasattr(result, "bootstrap_distribution"):
        ci = result.confidence_interval(level, method=method)
    else:
        ci = result.confidence_interval(level)
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
    try:
        from .report import Table, to_latex, to_markdown
    except ImportError:  # pragma: no cover - report.py is optional
        return _plain_markdown(cols, formats, title, note) if fmt == "markdown" else (
            _plain_latex(cols, formats)
        )
    table = Table(cols, formats, title, (note,))
    if fmt == "markdown":
        return to_markdown(table)
    return to_latex(table, caption=f"{title}. {note}")


def _fmt_cell(x: Any, spec: str | None) -> str:
    if isinstance(x, float):
        return format(x, spec or ".2f") if math.isfinite(x) else str(x)
    return str(x)


def _plain_markdown(
    cols: dict[str, list[Any]], formats: dict[str, str], title: str, note: str
) -> str:  # pragma: no cover - fallback when elosim.report is absent
    names = list(cols)
    n = len(next(iter(cols.values())))
    lines = ["| " + " | ".join(names) + " |", "|" + "|".join("---" for _ in names) + "|"]
    for i in range(n):
        cells = [_fmt_cell(cols[c][i], formats.get(c)).replace("|", "\\|") for c in names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", f"Table: {title}. {note}"])


def _plain_latex(
    cols: dict[str, list[Any]], formats: dict[str, str]
) -> str:  # pragma: no cover - fallback when elosim.report is absent
    names = list(cols)
    n = len(next(iter(cols.values())))

    def esc(s: str) -> str:
        return "".join("\\" + ch if ch in "&%$#_{}" else ch for ch in s)

    lines = [r"\begin{tabular}{" + "l" * len(names) + "}", r"\toprule",
             " & ".join(esc(c) for c in names) + r" \\", r"\midrule"]
    for i in range(n):
        lines.append(" & ".join(esc(_fmt_cell(cols[c][i], formats.get(c))) for c in names)
                     + r" \\")
    return "\n".join([*lines, r"\bottomrule", r"\end{tabular}"])


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
        from ..models.fit import SPARSE_VOTES

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
        method=args.method if args.bootstrap is not None else None,
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
    from ..simulation.planning import min_detectable_gap, power, votes_needed

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
    from ..simulation.arena import simulate_votes

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
        from . import plot as plot_module
    except ImportError:
        plot_module = None  # type: ignore[assignment]
    label = _interval_text(result, args.confidence_level, args.method)
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


# ---------------------------------------------------------------------------- main
def _data_error_message(exc: BaseException) -> str:
    """One line for an expected data error, with remedies phrased as command-line options."""
    if isinstance(exc, DisconnectedGraphError):
        text = _one_line(str(exc)).split(" Remedy:")[0]
        return (text + " Remedy: pass --largest-component to fit the largest component, or "
                "fit each component's votes separately.")
    if isinstance(exc, NoFiniteEstimateError):
        text = _one_line(str(exc)).split(" Remedy:")[0]
        return (text + " Remedy: pass --prior-strength 1 for finite, shrunk ratings, or "
                "remove these items (e.g. --min-votes N) before fitting.")
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, OSError) and exc.strerror and exc.filename:
        text = f"{exc.strerror}: {exc.filename!r}"
    else:
        text = str(exc) or type(exc).__name__
    text = _cli_text(text)
    if "not found; the frame has columns" in text:
        text += " (name the columns with --columns A,B,WINNER)"
    return text


def _show_warnings(caught: Sequence[warnings.WarningMessage], err: TextIO) -> None:
    seen: set[tuple[type, str]] = set()
    for w in caught:
        msg = _cli_text(str(w.message))
        key = (w.category, msg)
        if key in seen:
            continue
        seen.add(key)
        prefix = "" if issubclass(w.category, ElosimWarning) else f"{w.category.__name__}: "
        err.write(f"{PROG}: warning: {prefix}{msg}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``elosim`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 success, 1 data or file problem, 2 usage error, 130 interrupted.
        Errors are printed as one ``elosim: error: ...`` line on stderr (with ``--debug``,
        the exception propagates with its traceback instead).

    Examples
    --------
    >>> main(["power", "--gap", "1"])  # doctest: +ELLIPSIS
    votes needed: 947,450
      (gap 1 Elo points, power 80%, two-sided test at the 5% level, ...)
    0
    """
    out, err = sys.stdout, sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except CLIError as exc:
        err.write(f"{PROG}: error: {exc}\n")
        return exc.code
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    debug = bool(getattr(args, "debug", False))
    quiet = bool(getattr(args, "quiet", False))
    args.quiet = quiet
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            code: int = args.func(args, out)
        except CLIError as exc:
            if debug:
                raise
            err.write(f"{PROG}: error: {_one_line(str(exc))}\n")
            code = exc.code
        except BrokenPipeError:  # output piped into e.g. `head`, which exited
            _silence_stdout()
            code = EXIT_DATA
        except (ValueError, KeyError, IndexError, OSError, ImportError) as exc:
            if debug:
                raise
            err.write(f"{PROG}: error: {_data_error_message(exc)}\n")
            code = EXIT_DATA
        except KeyboardInterrupt:
            if debug:
                raise
            err.write(f"{PROG}: interrupted\n")
            code = EXIT_INTERRUPTED
        except Exception as exc:
            if debug:
                raise
            err.write(
                f"{PROG}: error: unexpected {type(exc).__name__}: {_one_line(str(exc))} "
                "(run with --debug for the traceback)\n"
            )
            code = EXIT_DATA
        finally:
            if not quiet:
                _show_warnings(caught, err)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
