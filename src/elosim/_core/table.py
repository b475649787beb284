"""The one table object of elosim and its renderers (Markdown, LaTeX booktabs, HTML).

Every result's table, whatever the layer that computes it, is a :class:`Table`; the
renderers here are the only code that turns one into text. :mod:`elosim.report` re-exports
them for users. Nothing here depends on any other part of elosim but number formatting.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .format import MINUS, escape_latex, escape_markdown, format_number, format_pvalue

__all__ = ["Table", "html_table", "repr_line", "to_latex", "to_markdown"]


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
        Lines shown under the table (e.g. the interval method).
    """

    columns: dict[str, list[Any]]
    formats: dict[str, str] = field(default_factory=dict)
    title: str = ""
    notes: tuple[str, ...] = ()

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


def _as_table(data: Any, formats: Mapping[str, str] | None) -> Table:
    if isinstance(data, Table):
        if formats:
            return Table(data.columns, {**data.formats, **formats}, data.title, data.notes)
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
    return Table(cols, dict(formats or {}))


def _is_number(x: Any) -> bool:
    return isinstance(x, (numbers.Real, np.number)) and not isinstance(x, (bool, np.bool_))


def _numeric_column(values: Sequence[Any]) -> bool:
    vals = [v for v in values if v is not None]
    return bool(vals) and all(_is_number(v) for v in vals)


def _cell(x: Any, spec: str | None, minus: str = "-", thousands: bool = False) -> str:
    if x is None:
        return ""
    if not _is_number(x):
        return str(x)
    if spec == "p":
        return format_pvalue(x)
    if isinstance(x, (numbers.Integral, np.integer)) and spec in (None, "d", ",d"):
        text = f"{int(x):,}" if thousands else f"{int(x)}"
        return minus + text[1:] if text.startswith("-") else text
    if spec is None:
        return format_number(x, 2, minus=minus, thousands=thousands)
    if spec.startswith(".") and spec.endswith("f") and spec[1:-1].isdigit():
        return format_number(x, int(spec[1:-1]), minus=minus, thousands=thousands)
    text = format(x, spec)
    return minus + text[1:] if text.startswith("-") else text


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
    max_rows : int, optional
        Show only the first and last rows, with a ``… N more rows`` line between.
    caption : bool
        Append the table's title and notes as a pandoc ``Table:`` caption.

    Examples
    --------
    >>> print(to_markdown({"item": ["a|b", "c"], "rating": [1012.345, 987.6]},
    ...                   formats={"rating": ".1f"}))
    | item | rating |
    |:-----|-------:|
    | a\\|b | 1012.3 |
    | c    |  987.6 |
    """
    t = _as_table(table, formats)
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
    header = [escape_markdown(c) for c in names]
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
    cap = ". ".join(x for x in (t.title, *t.notes) if x)
    if caption and cap:
        lines += ["", "Table: " + cap]
    return "\n".join(lines)


def _latex_number(text: str) -> str:
    return "$-$" + text[1:] if text.startswith("-") else text


def to_latex(
    table: Any,
    *,
    formats: Mapping[str, str] | None = None,
    caption: str | None = None,
    label: str | None = None,
    max_rows: int | None = None,
) -> str:
    r"""Render a table as a LaTeX ``tabular`` with booktabs rules.

    Labels and headers are escaped (``_ & % $ # { } ~ ^ \ < >``); negative numbers use a
    math minus ``$-$``. With ``caption`` or ``label`` the tabular is wrapped in a ``table``
    float. Needs ``\usepackage{booktabs}``.

    Parameters
    ----------
    table : Table, mapping of column -> values, or pandas DataFrame
    formats : mapping, optional
        Column -> format spec, overriding the table's.
    caption, label : str, optional
        Caption (escaped; default: the table's title and notes when ``label`` is given) and
        ``\label`` key (not escaped).
    max_rows : int, optional
        Show only the first and last rows, with a ``… N more rows`` line.

    Examples
    --------
    >>> print(to_latex({"item": ["gpt_4o"], "rating": [-12.34]}, formats={"rating": ".1f"}))
    \begin{tabular}{lr}
    \toprule
    item & rating \\
    \midrule
    gpt\_4o & $-$12.3 \\
    \bottomrule
    \end{tabular}
    """
    t = _as_table(table, formats)
    names = list(t.columns)
    numeric = {c: _numeric_column(t.columns[c]) for c in names}
    head, tail, skipped = _rows(t, max_rows)

    def row(i: int) -> str:
        cells = []
        for c in names:
            x = t.columns[c][i]
            text = _cell(x, t.formats.get(c))
            cells.append(_latex_number(text) if _is_number(x) else escape_latex(text))
        return " & ".join(cells) + r" \\"

    spec = "".join("r" if numeric[c] else "l" for c in names)
    lines = [
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(escape_latex(c) for c in names) + r" \\",
        r"\midrule",
    ]
    lines += [row(i) for i in head]
    if skipped:
        lines.append(rf"\multicolumn{{{len(names)}}}{{l}}{{\dots{{}} {skipped:,} more rows}} \\")
    lines += [row(i) for i in tail]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if caption is None and label is not None:
        caption = ". ".join(x for x in (t.title, *t.notes) if x) or None
    if caption is None and label is None:
        return "\n".join(lines)
    out = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        out.append(rf"\caption{{{escape_latex(caption)}}}")
    if label:
        out.append(rf"\label{{{label}}}")
    return "\n".join([*out, *lines, r"\end{table}"])


_TD = 'style="text-align: {}; padding: 0.1em 0.6em;"'


def html_table(
    table: Any,
    *,
    formats: Mapping[str, str] | None = None,
    max_rows: int | None = 60,
    caption: str | None = None,
) -> str:
    """Render a table as escaped HTML (for notebooks), capped at ``max_rows`` rows.

    Every label goes through :func:`html.escape`. Above ``max_rows`` rows only the first
    and last rows are shown, with a ``… N more rows`` line between.

    Parameters
    ----------
    table : Table, mapping of column -> values, or pandas DataFrame
    formats : mapping, optional
    max_rows : int or None
        ``None`` shows every row.
    caption : str, optional
        Default: the table's title.

    Examples
    --------
    >>> out = html_table({"item": ["<b>x</b>"], "votes": [1200]})
    >>> "&lt;b&gt;x&lt;/b&gt;" in out and "<b>x" not in out
    True
    """
    t = _as_table(table, formats)
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
            f"<th {_TD.format('right' if numeric[c] else 'left')}>{esc(c)}</th>" for c in names
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
            '<p style="font-size: smaller; margin-top: 0.3em;">'
            + "<br>".join(esc(n) for n in t.notes)
            + "</p>"
        )
    return "".join(parts)


def repr_line(kind: str, *parts: str, width: int = 160) -> str:
    """The one-line repr shared by results: ``<Kind: part, part, ...>``, at most ``width``.

    >>> repr_line("BradleyTerryResult", "53 items", "135,624 votes")
    '<BradleyTerryResult: 53 items, 135,624 votes>'
    """
    text = f"<{kind}: {', '.join(p for p in parts if p)}>"
    if len(text) > width:
        text = text[: width - 2] + "…>"
    return text
