"""Shared steps of the ``elosim`` commands: loading votes, fitting, settings and output."""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import math
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from ..._version import __version__

if TYPE_CHECKING:
    from ...data.votes import Votes
    from ...inference.bootstrap import BootstrapResult
    from ...models.fit import BradleyTerryResult
from .options import (
    BOOTSTRAP_INTERVALS,
    EXIT_USAGE,
    Anchor,
    CLIError,
)


# ---------------------------------------------------------------------------- data and fits
def _one_line(text: str) -> str:
    return " ".join(str(text).split())


#: Library remedies rephrased as the command-line options that do the same thing.
_CLI_TERMS = (
    ("pass drop_self=True", "pass --drop-self"),
    ("votes.min_votes(n)", "--min-votes N"),
    ("votes.min_votes(20)", "--min-votes 20"),
    ("pass prior_strength > 0", "pass --prior-strength S > 0"),
    ("prior_strength > 0", "--prior-strength S > 0"),
)


def _cli_text(text: str) -> str:
    """One line, with library argument names replaced by their command-line options."""
    out = _one_line(text)
    for old, new in _CLI_TERMS:
        out = out.replace(old, new)
    return re.sub(r"votes\.min_votes\((\d+)\)", r"--min-votes \1", out)


def _load_example(name: str) -> Votes:
    from ...data import datasets

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
        from ...data.readers import read_votes

        a, b, winner = args.columns or ("model_a", "model_b", "winner")
        if os.path.isdir(args.file):
            raise CLIError(f"{args.file!r} is a directory, not a file of votes")
        votes = read_votes(args.file, a=a, b=b, winner=winner, drop_self=args.drop_self)
    if args.min_votes > 0:
        low = [it for it, n in zip(votes.items, votes.votes_per_item, strict=True)
               if n < args.min_votes]
        if low:
            from ..._core.errors import VotesError

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


def _interval_method(args: argparse.Namespace) -> str | None:
    """The bootstrap interval method (``wald``, ``profile`` and ``lr`` are not)."""
    method: str | None = args.method
    return method if method in BOOTSTRAP_INTERVALS else None


def _check_model_options(args: argparse.Namespace) -> None:
    if args.method in BOOTSTRAP_INTERVALS and args.bootstrap is None:
        raise CLIError(
            "--method chooses a bootstrap interval; add --bootstrap N (Wald intervals "
            "have no method; choose their covariance with --covariance)", EXIT_USAGE,
        )
    if args.method in ("profile", "lr") and args.bootstrap is not None:
        raise CLIError(
            f"--method {args.method} is a likelihood method of the fit; drop --bootstrap N",
            EXIT_USAGE,
        )
    wants = {"profile": ("fit",), "lr": ("compare",)}
    if args.method in wants and args.command not in wants[args.method]:
        raise CLIError(
            "--method profile gives rating intervals (fit); --method lr "
            f"gives a gap test (compare); not available for {args.command}", EXIT_USAGE,
        )
    if args.covariance is not None and args.bootstrap is not None:
        raise CLIError(
            "--covariance chooses the Wald covariance; with --bootstrap N the intervals come "
            "from the resamples (choose them with --method)", EXIT_USAGE,
        )
    if args.method == "wald" and (
        args.command == "fit" or (args.command == "plot" and args.kind != "pvalues")
    ):
        raise CLIError(
            "--method wald applies to gap tests (compare, plot --kind pvalues); rating "
            "intervals use percentile, basic, bca or studentized", EXIT_USAGE,
        )
    if getattr(args, "anchor", None) is not None and getattr(args, "reference", None):
        raise CLIError(
            "--reference sets the items whose mean is fixed; --anchor fixes one item: use "
            "one of them", EXIT_USAGE,
        )
    if args.seed is not None and args.bootstrap is None:
        raise CLIError("--seed only affects the bootstrap; add --bootstrap N", EXIT_USAGE)
    if getattr(args, "anchor", None) is not None and getattr(args, "offset", None) is not None:
        raise CLIError(
            "--offset sets the mean rating; with --anchor give the anchor's rating as "
            "ITEM=R instead", EXIT_USAGE,
        )


def _fit(args: argparse.Namespace, votes: Votes) -> BradleyTerryResult:
    from ...models.fit import bradley_terry

    anchor: Anchor | None = getattr(args, "anchor", None)
    offset = getattr(args, "offset", None)
    if anchor is not None:
        if anchor.item not in votes.items:
            raise CLIError(f"--anchor: {_unknown_item(anchor.item, votes.items)}")
        return bradley_terry(
            votes, ties=args.ties, prior_strength=args.prior_strength,
            normalize="anchor", anchor=anchor.item, offset=anchor.rating,
            covariance=getattr(args, "covariance", None),
            bias_reduction=getattr(args, "bias_reduction", None),
        )
    reference = getattr(args, "reference", None)
    if isinstance(reference, list):
        for item in reference:
            if item not in votes.items:
                raise CLIError(f"--reference: {_unknown_item(item, votes.items)}")
    return bradley_terry(
        votes, ties=args.ties, prior_strength=args.prior_strength,
        offset=1000.0 if offset is None else offset, reference_items=reference,
        covariance=getattr(args, "covariance", None),
        bias_reduction=getattr(args, "bias_reduction", None),
    )


def _seed(args: argparse.Namespace) -> int:
    if args.seed is not None:
        return int(args.seed)
    return int(np.random.SeedSequence().generate_state(1)[0])


def _bootstrap(
    args: argparse.Namespace, fit: BradleyTerryResult, seed: int
) -> BootstrapResult:
    from ...inference.bootstrap import bootstrap

    return bootstrap(
        fit, n_resamples=args.bootstrap, method=_interval_method(args) or "percentile",
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
    from ..report import interval_description

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
        "method": (args.method or "percentile") if boot else (
            "profile" if args.method == "profile" else f"wald-{fit.default_covariance}"
        ),
        "n_resamples": args.bootstrap if boot else None,
        "seed": seed,
        "description": (
            f"{100 * args.confidence_level:.10g}% profile-likelihood CI"
            if not boot and args.method == "profile"
            else _interval_text(result, args.confidence_level, _interval_method(args))
        ),
        "version": __version__,
    }


def _settings_line(s: dict[str, Any]) -> str:
    """One line of the settings that matter (a seed only where something was random)."""
    parts = [
        f"{s['n_votes']:,} votes",
        f"{s['n_items']} items",
        f"ties: {s['ties']}",
        s["normalization"],
    ]
    if s["prior_strength"]:
        parts.append(f"prior strength {s['prior_strength']:g}")
    if s["seed"] is not None:
        parts.append(f"seed {s['seed']}")
    return "# " + " | ".join(parts)


def _emit_report(
    out: TextIO, result: Any, fmt: str, settings: dict[str, Any], *, extra: str = "",
    **options: Any,
) -> None:
    """The result's standard table (text, Markdown or LaTeX) through :mod:`elosim.report`,
    with its notes (interval, caveats) and the settings line; the same renderer as
    ``summary()`` and ``to_markdown()`` in Python."""
    from ..report import Table, result_table, to_latex, to_markdown, to_text

    t = result_table(result, **options)
    t = Table(t.columns, t.formats, t.title, tuple(_cli_text(n) for n in t.notes))
    head = _settings_line(settings)
    if fmt == "table":
        notes = t.notes + ((extra,) if extra else ())
        out.write(head + "\n" + to_text(Table(t.columns, t.formats, t.title, notes)) + "\n")
        return
    notes = (head.lstrip("# ").replace(" | ", "; "), *t.notes, *((extra,) if extra else ()))
    table = Table(t.columns, t.formats, t.title, notes)
    out.write((to_markdown(table) if fmt == "markdown" else to_latex(table)) + "\n")


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
