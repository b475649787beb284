"""The one rule for item labels, shared by every input column and every item argument.

The rule, applied in this order:

1. A label is text. Integer labels (Python or numpy ints, not bools) are written in decimal
   (``3`` and ``"3"`` are the same item); floats, bools and other objects are refused.
2. Text is normalised to Unicode NFC and stripped of surrounding whitespace
   (:func:`normalize_label`), so ``" x"``, ``"x "`` and ``"x"`` are one item, and so are the
   composed and decomposed forms of ``"café"``.
3. A label holding a control character (e.g. ``"x\\0"``, a tab or a newline) is refused with
   a :class:`~elosim.VotesError` naming it: such labels are almost always corrupted cells.
4. Labels that remain distinct but differ only by case, inner whitespace, compatibility forms
   (NFKC) or invisible format characters (zero-width space, soft hyphen, BOM) are reported
   with a :class:`~elosim.LabelWarning` listing them (they are kept apart: ``"GPT-4"`` and
   ``"gpt-4"`` may be different items, but usually are not).
5. When normalisation merges distinct raw labels *within one column* (``" x"`` and ``"x"``
   both in ``model_a``), a :class:`~elosim.LabelWarning` lists the merged spellings; a
   column padded consistently (a CSV written as ``x, y``) is merged silently.
6. An item argument (``gap_test(fit, a, b)``, ``anchor=``, ``win_probability``...) follows the
   same rule: an ``int`` means the item *labelled* with that number, never a position
   (use ``fit.items[k]`` for the item at position ``k``).
"""

from __future__ import annotations

import numbers
import unicodedata
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._core.errors import LabelWarning, VotesError

__all__ = [
    "check_label_set",
    "label_fold_key",
    "merged_spellings",
    "normalize_label",
    "normalize_labels",
    "resolve_item",
]

#: Invisible "format" characters removed by the fold key (they make look-alike labels).
_FORMAT_CATEGORIES = frozenset({"Cf"})


def _is_int(x: Any) -> bool:
    return isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_))


def normalize_label(label: Any, name: str = "item") -> str:
    """The canonical text of one item label (rule 1 and 2 of :mod:`elosim.data.labels`).

    Parameters
    ----------
    label : str or int
        A label as given by the user (a cell of a side or winner column, or an item
        argument).
    name : str
        What the label is, for error messages.

    Returns
    -------
    str
        ``str(int(label))`` for integers; otherwise the NFC form of ``label`` with
        surrounding whitespace removed.

    Raises
    ------
    TypeError
        ``label`` is neither text nor an integer (floats, bools, None...).

    Examples
    --------
    >>> from elosim.data.labels import normalize_label
    >>> normalize_label("  cafe\\u0301 "), normalize_label(3)
    ('café', '3')
    """
    if _is_int(label):
        return str(int(label))
    if isinstance(label, str):
        return unicodedata.normalize("NFC", label).strip()
    raise TypeError(
        f"{name} must be an item label (a string or an integer); got "
        f"{type(label).__name__} {label!r}"
    )


def normalize_labels(labels: Sequence[str]) -> list[str]:
    """:func:`normalize_label` for many distinct *text* labels (fast path for ASCII)."""
    out = []
    for s in labels:
        t = s.strip() if s.isascii() else unicodedata.normalize("NFC", s).strip()
        out.append(t)
    return out


def label_fold_key(label: str) -> str:
    """Key under which look-alike labels coincide (rule 4): NFKC, case-folded, without
    format characters, inner whitespace runs collapsed to one space."""
    s = unicodedata.normalize("NFKC", label)
    if not s.isascii():
        s = "".join(ch for ch in s if unicodedata.category(ch) not in _FORMAT_CATEGORIES)
    return " ".join(s.casefold().split())


def _control_chars(label: str) -> list[str]:
    return [
        f"U+{ord(ch):04X}" for ch in label if unicodedata.category(ch) == "Cc"
    ]


def check_label_set(
    labels: Sequence[str],
    *,
    name: str,
    merged: dict[str, list[str]] | None = None,
    rows: Any = None,
    stacklevel: int = 3,
    warn: bool = True,
) -> None:
    """Apply rules 3 to 5 to the distinct normalised ``labels`` of column ``name``.

    Parameters
    ----------
    labels : sequence of str
        Distinct, normalised labels.
    name : str
        What holds the labels, for messages (e.g. ``"column 'model_a'"``).
    merged : dict, optional
        Normalised label -> the distinct raw spellings merged into it (only entries with
        two or more spellings are reported).
    rows : callable, optional
        ``rows(label) -> str`` describing the first rows holding a label (for messages).
    stacklevel : int
        Passed to :func:`warnings.warn`.
    warn : bool
        ``False`` checks rule 3 only (no warnings).

    Raises
    ------
    elosim.VotesError
        A label contains a control character (``"x\\0"``, tab, newline...).

    Warns
    -----
    elosim.LabelWarning
        Distinct labels differ only by case, inner whitespace, compatibility form or
        invisible characters; or normalisation merged distinct spellings.
    """
    bad = [lab for lab in labels if not lab.isprintable() and _control_chars(lab)]
    if bad:
        where = f" at row(s) {rows(bad[0])}" if rows is not None else ""
        raise VotesError(
            f"{name}: {len(bad)} item label(s) contain control characters, "
            f"e.g. {bad[0]!r} ({', '.join(_control_chars(bad[0])[:3])}){where}; these are "
            "usually corrupted cells (a NUL byte, a tab or a newline inside a label). "
            "Remedy: clean the labels, e.g. column.str.replace(r'[\\x00-\\x1f\\x7f]', '', "
            "regex=True)"
        )
    if not warn:
        return
    groups: dict[str, list[str]] = {}
    for lab in dict.fromkeys(labels):  # duplicates are the caller's error, not look-alikes
        groups.setdefault(label_fold_key(lab), []).append(lab)
    similar = [g for g in groups.values() if len(g) > 1]
    if similar:
        shown = "; ".join(" vs ".join(repr(x) for x in sorted(g)) for g in similar[:5])
        more = f" (and {len(similar) - 5} more groups)" if len(similar) > 5 else ""
        warnings.warn(
            f"{name}: {len(similar)} group(s) of item labels differ only "
            f"by case, inner whitespace, Unicode compatibility form or invisible characters: "
            f"{shown}{more}. They are kept as different items; if they are the same item, "
            "normalise the labels before building the votes (e.g. str.lower, or removing "
            "zero-width characters)",
            LabelWarning,
            stacklevel=stacklevel,
        )
    if merged:
        multi = {k: v for k, v in merged.items() if len(v) > 1}
        if multi:
            shown = "; ".join(
                f"{' and '.join(repr(x) for x in sorted(v)[:4])} -> {k!r}"
                for k, v in list(multi.items())[:5]
            )
            more = f" (and {len(multi) - 5} more)" if len(multi) > 5 else ""
            warnings.warn(
                f"{name}: {len(multi)} item label(s) were written in several "
                f"spellings that differ only by surrounding whitespace or Unicode form and "
                f"were merged (labels are NFC-normalised and stripped): {shown}{more}",
                LabelWarning,
                stacklevel=stacklevel,
            )


def merged_spellings(*spellings: dict[str, list[str]]) -> dict[str, list[str]]:
    """Normalised label -> its raw spellings, for labels written in several ways *within*
    one column (``spellings`` per column, as returned by the label parser).

    A column padded consistently (a CSV written as ``x, y``) merges silently with the
    other column; several spellings inside one column point to inconsistent data entry
    and are reported.
    """
    out: dict[str, set[str]] = {}
    for sp in spellings:
        for lab, raws in sp.items():
            if len(raws) > 1:
                out.setdefault(lab, set()).update(raws)
    return {k: sorted(v) for k, v in out.items()}


def resolve_item(items: Sequence[str], item: Any, name: str = "item") -> int:
    """Position in ``items`` of the item *labelled* ``item`` (rule 6).

    An integer is a label (``3`` means the item labelled ``"3"``), never a position; text is
    normalised like the data. Unknown items raise a ``KeyError`` naming the close matches.

    Examples
    --------
    >>> from elosim.data.labels import resolve_item
    >>> resolve_item(("1", "2", "3"), 2), resolve_item(("x", "y"), " y ")
    (1, 1)
    """
    if isinstance(item, (bool, np.bool_)) or not (isinstance(item, str) or _is_int(item)):
        raise TypeError(
            f"{name} must be an item label (a string, or an integer label); got "
            f"{type(item).__name__} {item!r}"
        )
    key = normalize_label(item, name)
    lookup = _index(items)
    pos = lookup.get(key)
    if pos is not None:
        return pos
    hint = ""
    if _is_int(item) and all(not x.lstrip("-").isdigit() for x in items):
        hint = (
            f"; integers are item labels, not positions: for the item at position {item} "
            f"use result.items[{item}]"
        )
    else:
        fk = label_fold_key(key)
        close = [x for x in items if fk and (fk in label_fold_key(x))][:5]
        if close:
            hint = f"; did you mean one of {close}?"
    given = "" if name == "item" else f" (given as {name})"
    raise KeyError(f"unknown item {item!r}{given}: not among the {len(items)} items{hint}")


_INDEX_CACHE: dict[int, tuple[Sequence[str], dict[str, int]]] = {}


def _index(items: Sequence[str]) -> dict[str, int]:
    """Label -> position (cached per items tuple: a leaderboard asks many times)."""
    hit = _INDEX_CACHE.get(id(items))
    if hit is not None and hit[0] is items:
        return hit[1]
    lookup = {x: k for k, x in enumerate(items)}
    if isinstance(items, tuple):
        if len(_INDEX_CACHE) > 64:
            _INDEX_CACHE.clear()
        _INDEX_CACHE[id(items)] = (items, lookup)
    return lookup
