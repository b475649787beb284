"""The ``elosim`` parser and entry point (:func:`main`)."""

from __future__ import annotations

import argparse
import io
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, TextIO

from ..._core.errors import DisconnectedGraphError, ElosimWarning, NoFiniteEstimateError
from ..._version import __version__

if TYPE_CHECKING:
    pass
from .commands import (
    _cmd_compare,
    _cmd_fit,
    _cmd_plot,
    _cmd_power,
    _cmd_simulate,
)
from .common import (
    _cli_text,
    _one_line,
)
from .options import (
    ALTERNATIVES,
    DESIGNS,
    EXIT_DATA,
    EXIT_INTERRUPTED,
    EXIT_OK,
    FORMATS,
    PLOT_KINDS,
    PROG,
    CLIError,
    _CommandParser,
    _data_options,
    _global_options,
    _model_options,
    _nonneg,
    _nonneg_int,
    _Parser,
    _positive,
    _positive_int,
    _ratings,
    _scale_options,
    _tie_rate,
    _unit_open,
)


def _fit_arguments(fit: argparse.ArgumentParser) -> None:
    fit.add_argument("file", nargs="?", metavar="FILE", help="CSV (or Parquet) file of votes")
    _data_options(fit)
    _model_options(fit)
    _scale_options(fit)
    out = fit.add_argument_group("output")
    out.add_argument("--top", type=_positive_int, metavar="N", help="show only the best N items")
    out.add_argument("--format", choices=FORMATS, default="table", help="output format")


def _compare_arguments(cmp_: argparse.ArgumentParser) -> None:
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


def _power_arguments(pw: argparse.ArgumentParser) -> None:
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
    pw.add_argument("--variance", choices=("alternative", "parity"), default="alternative",
                    help="evaluate the vote variance at the gap (default; matches the test's "
                    "power) or at parity (optimistic for large gaps)")
    pw.add_argument("--format", choices=("table", "json"), default="table",
                    help="output format")


def _simulate_arguments(sim: argparse.ArgumentParser) -> None:
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


def _plot_arguments(plot: argparse.ArgumentParser) -> None:
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


class _Command(NamedTuple):
    """One subcommand: its name, what runs it, its own arguments and its help texts."""

    name: str
    run: Callable[[argparse.Namespace, TextIO], int]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    help: str
    description: str
    usage: str | None = None


def _commands() -> tuple[_Command, ...]:
    """The subcommands, in the order ``elosim --help`` lists them (looked up when the
    parser is built, so a test may replace a runner)."""
    return (
        _Command(
            "fit", _cmd_fit, _fit_arguments, "leaderboard with confidence intervals",
            "Fit a Bradley-Terry model and print the leaderboard with intervals.",
            "elosim fit (FILE | --example NAME) [options]",
        ),
        _Command(
            "compare", _cmd_compare, _compare_arguments, "test the gap between two items",
            "Test whether two items' ratings differ (gap, interval, p-value).",
            "elosim compare (FILE | --example NAME) A B [options]",
        ),
        _Command(
            "power", _cmd_power, _power_arguments,
            "votes needed to detect a gap (or power, or detectable gap)",
            "--gap G: votes needed; --gap G --votes N: power; --votes N: minimum detectable gap.",
        ),
        _Command(
            "simulate", _cmd_simulate, _simulate_arguments,
            "simulate votes from true ratings (CSV readable by 'elosim fit')",
            "Simulate pairwise votes from true Elo ratings and write them as CSV (columns "
            "model_a, model_b, winner).",
        ),
        _Command(
            "plot", _cmd_plot, _plot_arguments,
            "draw a figure (forest plot, p-value or win-probability matrix)",
            "Fit the votes and save a figure; the format follows the file extension.",
            "elosim plot (FILE | --example NAME) --out PATH [options]",
        ),
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    sub.required = True
    for command in _commands():
        p = sub.add_parser(
            command.name, help=command.help, description=command.description,
            usage=command.usage,
        )
        command.add_arguments(p)
        _global_options(p, suppress=True)
        p.set_defaults(func=command.run)
    return parser


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
    >>> from elosim.present.cli.entry import main
    >>> main(["power", "--gap", "1"])  # doctest: +ELLIPSIS
    votes needed: 947,458
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
        except MemoryError as exc:  # InsufficientMemoryError (estimated) or a real one
            if debug:
                raise
            detail = _one_line(str(exc)) if str(exc) else "out of memory"
            err.write(
                f"{PROG}: error: {detail}; ask for less work (fewer bootstrap resamples or "
                "simulated votes, fewer items) or free memory\n"
            )
            code = EXIT_DATA
        except ArithmeticError as exc:  # OverflowError, ZeroDivisionError, FloatingPointError
            if debug:
                raise
            err.write(
                f"{PROG}: error: a number is out of range ({type(exc).__name__}: "
                f"{_one_line(str(exc))}); check that the options are in sensible units "
                "(gaps in Elo points, levels in (0, 1))\n"
            )
            code = EXIT_DATA
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
