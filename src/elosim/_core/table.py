"""The one table object of elosim and its renderers (text, Markdown, LaTeX booktabs, HTML).

Every result's table, whatever the layer that computes it, is a :class:`Table`; the
renderers here (:func:`to_text`, :func:`to_markdown`, :func:`to_latex`, :func:`html_table`)
are the only code that turns one into text, so a ``summary()``, a notebook display and a
paper table say the same thing. Columns keep their stable code names (``ci_low``); the
renderers show readable labels (``CI low``), which ``labels=`` overrides. A table's
``notes`` (the interval description and the caveats) travel with it into every format.
:mod:`elosim.report` re-exports all of this for users. Nothing here depends on any other
part of elosim but number formatting.
"""

from __future__ import annotations

import html
import numbers
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .format import (
    MINUS,
    escape_latex,
    escape_markdown,
    format_number,
    format_pvalue,
    truncate,
)

__all__ = [
    "LABELS",
    "LONGTABLE_ROWS",
    "Bound",
    "Table",
    "column_label",
    "html_table",
    "repr_line",
    "to_latex",
    "to_markdown",
    "to_text",
]

#: Readable default labels for the stable column names (``labels=`` overrides them).
LABELS: dict[str, str] = {
    "rank": "Rank",
    "item": "Item",
    "rating": "Rating",
    "standard_error": "SE",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "n_votes": "Votes",
    "item_a": "Item A",
    "item_b": "Item B",
    "gap": "Gap",
    "statistic": "Statistic",
    "pvalue": "p",
    "pvalue_adjusted": "p (adj.)",
    "rank_low": "Rank low",
    "rank_high": "Rank high",
    "quasi_se": "Quasi-SE",
    "ordering_sd": "Ordering SD",
    "fraction_of_votes": "Share of votes",
    "rmse": "RMSE",
    "mean_ordering_sd": "Mean ordering SD",
    "elo_ci_low": "Elo CI low",
    "elo_ci_high": "Elo CI high",
}

#: ``to_latex`` switches to a ``longtable`` (which breaks across pages) above this many rows.
LONGTABLE_ROWS = 40


def column_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The label shown for column ``name``: ``labels``, then :data:`LABELS`, then the name
    with underscores as spaces and a capital first letter.

    >>> from elosim._core.table import column_label
    >>> column_label("ci_low"), column_label("ci_low", {"ci_low": "Lower"})
    ('CI low', 'Lower')
    >>> column_label("p_win_a")
    'P win a'
    """
    if labels and name in labels:
        return str(labels[name])
    if name in LABELS:
        return LABELS[name]
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Bound:
    """A cell that is a bound, not a value: shown as ``< 0.001`` or ``≤ 0.000999``.

    Used for p-values at a resampling floor (``p ≤ 1 / (B + 1)``). ``value`` is the bound
    itself; ``relation`` is one of ``<``, ``≤``, ``>``, ``≥``.
    """

    value: float
    relation: str = "≤"

    def __float__(self) -> float:
        return float(self.value)


# ---------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class Table:
    """A column-oriented table with display formats, rendered by the ``to_*`` functions.

    Attributes
    ----------
    columns : dict
        Column name -> list of values (str, int, float or None), all the same length.
    formats : dict
        Column name -> format: a ``format()`` spec such as ``".1f"`` or ``"d"``, or ``"p"``
        for p-values. Unlisted float columns use ``".2f"``.
    title : str
    notes : tuple of str
        Lines shown under the table in every format: the interval description first, then
        the caveats (see :func:`elosim.report.caveats`).
    labels : dict
        Column name -> label shown, over the readable defaults of :data:`LABELS`.
    """

    columns: dict[str, list[Any]]
    formats: dict[str, str] = field(default_factory=dict)
    title: str = ""
    notes: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lengths = {len(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise ValueError(
                "every column of a table needs the same number of values; got lengths "
                + str({k: len(v) for k, v in self.columns.items()})
            )

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def _as_table(
    data: Any, formats: Mapping[str, str] | None, labels: Mapping[str, str] | None = None
) -> Table:
    if isinstance(data, Table):
        if formats or labels:
            return Table(data.columns, {**data.formats, **(formats or {})}, data.title,
                         data.notes, {**data.labels, **(labels or {})})
        return data
    if hasattr(data, "columns") and hasattr(data, "to_dict") and not isinstance(data, Mapping):
        cols = {str(c): list(data[c].tolist()) for c in data.columns}  # a DataFrame
    elif isinstance(data, Mapping):
        cols = {str(k): list(v) for k, v in data.items()}
    else:
        raise TypeError(
            "a table must be an elosim.report.Table, a mapping of column name -> values, or "
            f"a pandas DataFrame; got {type(data).__name__}"
        )
    return Table(cols, dict(formats or {}), labels=dict(labels or {}))


def _headers(t: Table) -> list[str]:
    return [column_label(c, t.labels) for c in t.columns]


def _is_number(x: Any) -> bool:
    if isinstance(x, Bound):
        return True
    return isinstance(x, (numbers.Real, np.number)) and not isinstance(x, (bool, np.bool_))


def _numeric_column(values: Sequence[Any]) -> bool:
    vals = [v for v in values if v is not None]
    return bool(vals) and all(_is_number(v) for v in vals)


def _cell(x: Any, spec: str | None, minus: str = "-", thousands: bool = False) -> str:
    if x is None:
        return ""
    if not _is_number(x):
        return str(x)
    if isinstance(x, Bound):
        v = float(x.value)
        inner = format_pvalue(v) if spec == "p" else _cell(v, spec, minus, thousands)
        return f"{x.relation} {inner}"
    if spec == "p":
        return _table_pvalue(float(x))
    if isinstance(x, (numbers.Integral, np.integer)) and spec in (None, "d", ",d"):
        text = f"{int(x):,}" if thousands else f"{int(x)}"
        return minus + text[1:] if text.startswith("-") else text
    if spec is None:
        return format_number(x, 2, minus=minus, thousands=thousands)
    if spec.startswith(".") and spec.endswith("f") and spec[1:-1].isdigit():
        return format_number(x, int(spec[1:-1]), minus=minus, thousands=thousands)
    text = format(x, spec)
    return minus + text[1:] if text.startswith("-") else text


def _table_pvalue(p: float) -> str:
    """p-values in tables: ``< 0.001`` below 0.001 (including underflow to 0)."""
    if p == p and p < 1e-3:
        return "< 0.001"
    return format_pvalue(p)


def _caption(t: Table, caption: str | None = None) -> str:
    """The title (or the user's caption) followed by the notes: a caption never drops the
    sentence saying which interval is shown."""
    parts = [caption if caption is not None else t.title, *t.notes]
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts if p)


def _rows(table: Table, max_rows: int | None) -> tuple[list[int], list[int], int]:
    n = table.n_rows
    if max_rows is None or n <= max_rows:
        return list(range(n)), [], 0
    head = (max_rows + 1) // 2
    tail = max_rows // 2
    return list(range(head)), list(range(n - tail, n)), n - head - tail


def to_markdown(
    table: Any,
    *,
    formats: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    caption: bool = True,
) -> str:
    """Render a table as GitHub/pandoc Markdown (pipe table).

    Text cells are escaped (``|`` -> ``\\|``); numbers are right-aligned and use the ASCII
    hyphen for negatives so the table parses back to the same numbers at the displayed
    precision.

    Parameters
    ----------
    table : Table, mapping of column -> values, or pandas DataFrame
    formats : mapping, optional
        Column -> format spec (``".1f"``, ``"d"``, ``"p"``), overriding the table's.
    labels : mapping, optional
        Column -> header label, over the readable defaults (e.g. ``{"ci_low": "Lower"}``).
    max_rows : int, optional
        Show only the first and last rows, with a ``… N more rows`` line between.
    caption : bool
        Append the table's title and notes as a pandoc ``Table:`` caption.

    Examples
    --------
    >>> import elosim
    >>> print(elosim.report.to_markdown({"item": ["a|b", "c"], "rating": [1012.345, 987.6]},
    ...                   formats={"rating": ".1f"}, labels={"rating": "Elo"}))
    | Item |    Elo |
    |:-----|-------:|
    | a\\|b | 1012.3 |
    | c    |  987.6 |
    """
    t = _as_table(table, formats, labels)
    names = list(t.columns)
    numeric = {c: _numeric_column(t.columns[c]) for c in names}
    head, tail, skipped = _rows(t, max_rows)

    def row(i: int) -> list[str]:
        return [escape_markdown(_cell(t.columns[c][i], t.formats.get(c))) for c in names]

    body = [row(i) for i in head]
    gap_row = [f"… {skipped:,} more rows"] + [""] * (len(names) - 1) if skipped else None
    if gap_row:
        body.append(gap_row)
    body += [row(i) for i in tail]
    header = [escape_markdown(c) for c in _headers(t)]
    widths = [max([3, len(h)] + [len(r[j]) for r in body]) for j, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        out = []
        for j, (c, w) in enumerate(zip(cells, widths, strict=True)):
            out.append(c.rjust(w) if numeric[names[j]] else c.ljust(w))
        return "| " + " | ".join(out) + " |"

    rule = "|" + "|".join(
        ("-" * (w + 1) + ":") if numeric[names[j]] else (":" + "-" * (w + 1))
        for j, w in enumerate(widths)
    ) + "|"
    lines = [line(header), rule] + [line(r) for r in body]
    cap = _caption(t)
    if caption and cap:
        lines += ["", "Table: " + cap]
    return "\n".join(lines)


def _latex_number(text: str) -> str:
    return "$-$" + text[1:] if text.startswith("-") else text


def to_latex(
    table: Any,
    *,
    formats: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    caption: str | None = None,
    label: str | None = None,
    max_rows: int | None = None,
    longtable: bool | None = None,
) -> str:
    r"""Render a table as a LaTeX ``tabular`` (or ``longtable``) with booktabs rules.

    Labels and headers are escaped (``_ & % $ # { } ~ ^ \ < >``); negative numbers use a
    math minus ``$-$``. A table with a title, notes, ``caption`` or ``label`` goes in a
    ``table`` float whose caption is the title (or ``caption``) *followed by* the notes, so
    a caption of your own keeps the sentence saying which interval is shown and the
    caveats. Needs ``\usepackage{booktabs}`` (and ``longtable`` for long tables).

    Parameters
    ----------
    table : Table, mapping of column -> values, or pandas DataFrame
    formats : mapping, optional
        Column -> format spec, overriding the table's.
    labels : mapping, optional
        Column -> header label, over the readable defaults (e.g. ``{"ci_low": "Lower"}``).
    caption, label : str, optional
        Caption text (escaped; the table's notes are appended to it) and ``\label`` key
        (not escaped).
    max_rows : int, optional
        Show only the first and last rows, with a ``… N more rows`` line.
    longtable : bool, optional
        Use a ``longtable`` environment, which breaks across pages, with the header
        repeated on each page. Default: when more than :data:`LONGTABLE_ROWS` rows are
        shown.

    Examples
    --------
    >>> import elosim
    >>> print(elosim.report.to_latex({"item": ["gpt_4o"], "rating": [-12.34]},
    ...                              formats={"rating": ".1f"}))
    \begin{tabular}{lr}
    \toprule
    Item & Rating \\
    \midrule
    gpt\_4o & $-$12.3 \\
    \bottomrule
    \end{tabular}
    """
    t = _as_table(table, formats, labels)
    names = list(t.columns)
    numeric = {c: _numeric_column(t.columns[c]) for c in names}
    head, tail, skipped = _rows(t, max_rows)

    def row(i: int) -> str:
        cells = []
        for c in names:
            x = t.columns[c][i]
            text = _cell(x, t.formats.get(c))
            if isinstance(x, Bound):
                cells.append(escape_latex(text))
            else:
                cells.append(_latex_number(text) if _is_number(x) else escape_latex(text))
        return " & ".join(cells) + r" \\"

    spec = "".join("r" if numeric[c] else "l" for c in names)
    header = " & ".join(escape_latex(c) for c in _headers(t)) + r" \\"
    body = [row(i) for i in head]
    if skipped:
        body.append(rf"\multicolumn{{{len(names)}}}{{l}}{{\dots{{}} {skipped:,} more rows}} \\")
    body += [row(i) for i in tail]
    cap = _caption(t, caption)
    if longtable is None:
        longtable = len(head) + len(tail) > LONGTABLE_ROWS
    if longtable:
        top = [rf"\begin{{longtable}}{{{spec}}}"]
        if cap:
            top.append(rf"\caption{{{escape_latex(cap)}}}" + (rf"\label{{{label}}}" if label
                                                               else "") + r" \\")
        elif label:
            top.append(rf"\label{{{label}}} \\")
        more = rf"\multicolumn{{{len(names)}}}{{r}}{{\emph{{continued on the next page}}}} \\"
        top += [r"\toprule", header, r"\midrule", r"\endfirsthead", r"\toprule", header,
                r"\midrule", r"\endhead", r"\midrule", more, r"\endfoot", r"\bottomrule",
                r"\endlastfoot"]
        return "\n".join([*top, *body, r"\end{longtable}"])
    lines = [rf"\begin{{tabular}}{{{spec}}}", r"\toprule", header, r"\midrule", *body,
             r"\bottomrule", r"\end{tabular}"]
    if not cap and label is None:
        return "\n".join(lines)
    out = [r"\begin{table}[htbp]", r"\centering"]
    if cap:
        out.append(rf"\caption{{{escape_latex(cap)}}}")
    if label:
        out.append(rf"\label{{{label}}}")
    return "\n".join([*out, *lines, r"\end{table}"])


def to_text(
    table: Any,
    *,
    formats: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    max_width: int | None = None,
    title: bool = True,
) -> str:
    """Render a table as fixed-width text (for ``summary()``, ``print`` and the CLI).

    Text columns are left-aligned, numbers right-aligned; names are shown in full unless
    ``max_width`` is given, and then shortened with an ellipsis (never silently cut). The
    notes (interval description, caveats) follow the table.

    Parameters
    ----------
    table : Table, mapping of column -> values, or pandas DataFrame
    formats, labels : mapping, optional
        As in :func:`to_markdown`.
    max_rows : int, optional
        Show only the first and last rows, with a ``… N more rows`` line between.
    max_width : int, optional
        Widest text cell; longer ones end in ``…``.
    title : bool
        Start with the table's title.

    Examples
    --------
    >>> import elosim
    >>> print(elosim.report.to_text({"item": ["a", "bb"], "rating": [1012.345, -987.6]},
    ...               formats={"rating": ".1f"}))
    Item  Rating
    ----  ------
    a     1012.3
    bb    -987.6
    """
    t = _as_table(table, formats, labels)
    names = list(t.columns)
    numeric = {c: _numeric_column(t.columns[c]) for c in names}
    head, tail, skipped = _rows(t, max_rows)

    def row(i: int) -> list[str]:
        out = []
        for c in names:
            x = t.columns[c][i]
            text = _cell(x, t.formats.get(c), thousands=isinstance(x, (int, np.integer)))
            if max_width is not None and not numeric[c]:
                text = truncate(text, max_width)
            out.append(" ".join(text.split()))
        return out

    body = [row(i) for i in head]
    tail_rows = [row(i) for i in tail]
    header = _headers(t)
    widths = [
        max([len(h)] + [len(r[j]) for r in (*body, *tail_rows)]) for j, h in enumerate(header)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if numeric[names[j]] else c.ljust(w)
            for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [t.title] if title and t.title else []
    lines += [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in body]
    if skipped:
        lines.append(f"… {skipped:,} more rows")
    lines += [line(r) for r in tail_rows]
    for note in t.notes:
        lines += textwrap.wrap(note, 100, subsequent_indent="  ") or [""]
    return "\n".join(lines)


_TD = 'style="text-align: {}; padding: 0.1em 0.6em;"'


def html_table(
    table: Any,
    *,
    formats: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = 60,
    caption: str | None = None,
) -> str:
    """Render a table as escaped HTML (for notebooks), capped at ``max_rows`` rows.

    Every label goes through :func:`html.escape`. Above ``max_rows`` rows only the first
    and last rows are shown, with a ``… N more rows`` line between.

    Parameters
    ----------
    table : Table, mapping of column -> values, or pandas DataFrame
    formats, labels : mapping, optional
        As in :func:`to_markdown`.
    max_rows : int or None
        ``None`` shows every row.
    caption : str, optional
        Default: the table's title.

    Examples
    --------
    >>> import elosim
    >>> out = elosim.report.html_table({"item": ["<b>x</b>"], "votes": [1200]})
    >>> "&lt;b&gt;x&lt;/b&gt;" in out and "<b>x" not in out
    True
    """
    t = _as_table(table, formats, labels)
    names = list(t.columns)
    numeric = {c: _numeric_column(t.columns[c]) for c in names}
    head, tail, skipped = _rows(t, max_rows)
    esc = html.escape

    def row(i: int) -> str:
        cells = []
        for c in names:
            x = t.columns[c][i]
            text = _cell(x, t.formats.get(c), minus=MINUS, thousands=True)
            align = "right" if numeric[c] else "left"
            cells.append(f"<td {_TD.format(align)}>{esc(text)}</td>")
        return "<tr>" + "".join(cells) + "</tr>"

    cap = t.title if caption is None else caption
    parts = ['<table class="elosim-table" style="border-collapse: collapse;">']
    if cap:
        parts.append(f"<caption style=\"text-align: left;\">{esc(cap)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(
            f"<th {_TD.format('right' if numeric[c] else 'left')}>{esc(h)}</th>"
            for c, h in zip(names, _headers(t), strict=True)
        )
        + "</tr></thead><tbody>"
    )
    parts += [row(i) for i in head]
    if skipped:
        parts.append(
            f'<tr><td colspan="{len(names)}" style="text-align: center; font-style: italic;">'
            f"… {skipped:,} more rows</td></tr>"
        )
    parts += [row(i) for i in tail]
    parts.append("</tbody></table>")
    if t.notes:
        parts.append(
            '<p class="elosim-notes" style="font-size: 0.9em; margin-top: 0.3em;">'
            + "<br>".join(esc(n) for n in t.notes)
            + "</p>"
        )
    return "".join(parts)


def repr_line(kind: str, *parts: str, width: int = 160) -> str:
    """The one-line repr shared by results: ``<Kind: part, part, ...>``, at most ``width``.

    >>> import elosim
    >>> elosim.report.repr_line("BradleyTerryResult", "53 items", "135,624 votes")
    '<BradleyTerryResult: 53 items, 135,624 votes>'
    """
    text = f"<{kind}: {', '.join(p for p in parts if p)}>"
    if len(text) > width:
        text = text[: width - 2] + "…>"
    return text
