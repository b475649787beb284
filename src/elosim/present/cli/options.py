"""Options of the ``elosim`` command: exit codes, option types and shared option groups."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    pass


EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

PROG = "elosim"
EXAMPLES = ("lmarena-140k", "international-football", "baseball", "icehockey", "epl-football")
FORMATS = ("table", "markdown", "latex", "csv", "json")
TIES = ("half", "davidson", "rao-kupper")
METHODS = ("percentile", "basic", "bca", "studentized", "wald", "profile", "lr")
BOOTSTRAP_INTERVALS = ("percentile", "basic", "bca", "studentized")
COVARIANCES = ("max", "model", "sandwich")
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


class _CommandParser(_Parser):
    """The parser of one command: options and positionals may come in any order.

    ``elosim compare FILE --drop-self A B`` must work as well as
    ``elosim compare FILE A B --drop-self``: plain ``parse_args`` stops collecting
    positionals at the first option, so the command's arguments are parsed with
    :meth:`argparse.ArgumentParser.parse_known_intermixed_args` (which itself calls
    ``parse_known_args``, hence the re-entry guard).
    """

    _inner = False

    def parse_known_args(  # type: ignore[override]
        self, args: Any = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._inner:
            return super().parse_known_args(args, namespace)
        self._inner = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inner = False


# ---------------------------------------------------------------------------- option types
def _int_at_least(minimum: int, what: str) -> Callable[[str], int]:
    """An option type: an integer ``>= minimum`` (``what`` names it in the message)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}; got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_nonneg_int = _int_at_least(0, "an integer >= 0")


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


def _reference(text: str) -> str | list[str]:
    if text.strip() == "well-measured":
        return "well-measured"
    items = [x.strip() for x in text.split(",") if x.strip()]
    if not items:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated item labels or 'well-measured'; got {text!r}"
        )
    return items


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
        "--bias-reduction", choices=("firth",), default=None,
        help="firth: Jeffreys-penalised likelihood (Firth 1993), finite even when an item "
        "never lost or never won",
    )
    g.add_argument(
        "--confidence-level", type=_unit_open, default=0.95, metavar="LEVEL",
        help="confidence level of the intervals (default 0.95)",
    )
    g.add_argument(
        "--bootstrap", type=_positive_int, metavar="N",
        help="bootstrap intervals from N resamples (default: Wald intervals of the fit)",
    )
    g.add_argument(
        "--method", choices=METHODS,
        help="with --bootstrap: percentile (default for intervals and compare), basic, bca, "
        "studentized, or wald (bootstrap standard error; gap tests only, the default for "
        "the p-value matrix); without: wald (default), profile (profile-likelihood rating "
        "intervals, fit) or lr (likelihood-ratio gap test, compare)",
    )
    g.add_argument(
        "--covariance", choices=COVARIANCES, default=None,
        help="covariance of the Wald intervals and tests: max (default: the larger of the "
        "sandwich and the model-based one, honest for items with few votes), model (the "
        "default with --prior-strength), or sandwich",
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
    g.add_argument(
        "--reference", type=_reference, metavar="ITEMS",
        help="fix the mean rating of these items only: comma-separated labels, or "
        "'well-measured' (items with at least 20 votes); not with --anchor",
    )
