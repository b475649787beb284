"""Helpers shared by every result's display: lazy pandas, number formatting, escaping.

Nothing here prints, imports IPython or imports matplotlib/pandas at module level.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "MINUS",
    "escape_latex",
    "escape_markdown",
    "format_count",
    "format_number",
    "format_pvalue",
    "level_text",
    "require_pandas",
    "truncate",
]

MINUS = "\u2212"  # the typographic minus sign, used in displayed (not parsed) text

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "†": r"\textdagger{}",
    "…": r"\dots{}",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "\u2212": "$-$",
}


def require_pandas(what: str) -> Any:
    """Import pandas lazily, with a clear error naming the feature that needs it."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            f"{what} needs pandas, which is not installed: pip install 'elosim[pandas]'"
        ) from None
    return pd


def level_text(confidence_level: float) -> str:
    """``0.95`` -> ``"95%"`` (no trailing zeros, no float noise).

    >>> from elosim._core.format import level_text
    >>> level_text(0.95), level_text(0.999), level_text(0.5)
    ('95%', '99.9%', '50%')
    """
    return f"{100 * float(confidence_level):.10g}%"


def format_number(x: Any, digits: int = 1, *, minus: str = "-", thousands: bool = False) -> str:
    """Fixed-point text for a float; ``nan`` -> ``"nan"``, infinities -> ``"inf"``/``"-inf"``.

    ``minus`` replaces the leading ``-`` (e.g. :data:`MINUS` for typeset text). Rounding
    never produces ``"-0"``.

    >>> from elosim._core.format import format_number
    >>> format_number(-0.04, 1), format_number(-1234.5, 0, minus="\u2212", thousands=True)
    ('0.0', '\u22121,234')
    """
    v = float(x)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else minus + "inf"
    text = f"{v:,.{digits}f}" if thousands else f"{v:.{digits}f}"
    if text.startswith("-"):
        body = text[1:]
        if float(body.replace(",", "")) == 0.0:
            return body
        return minus + body
    return text


def format_count(n: Any) -> str:
    """Integer with thousands separators: ``135624`` -> ``"135,624"``."""
    return f"{int(n):,}"


def format_pvalue(p: Any) -> str:
    """p-value text: 3 significant decimals, scientific below 1e-4 (``"<1e-300"`` at 0)."""
    v = float(p)
    if math.isnan(v):
        return "nan"
    if v == 0.0:
        return "<1e-300"
    if v < 1e-4:
        return f"{v:.1e}"
    if v < 0.01:
        return f"{v:.4f}"
    return f"{v:.3f}"


def truncate(text: str, width: int) -> str:
    """Shorten ``text`` to ``width`` characters with a trailing ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def escape_latex(text: str) -> str:
    r"""Escape LaTeX special characters (``\ & % $ # _ { } ~ ^ < >``).

    >>> from elosim._core.format import escape_latex
    >>> escape_latex("gpt_4o & 50% #1")
    'gpt\\_4o \\& 50\\% \\#1'
    """
    return "".join(_LATEX_ESCAPES.get(c, c) for c in str(text))


def escape_markdown(text: str) -> str:
    r"""Escape a table cell for Markdown (pipes, backslashes, backticks, newlines).

    >>> from elosim._core.format import escape_markdown
    >>> escape_markdown("a|b")
    'a\\|b'
    """
    out = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return out.replace("\r", " ").replace("\n", " ")
