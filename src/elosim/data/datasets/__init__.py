"""Real pairwise-comparison data sets bundled with elosim (offline, loaded in milliseconds).

* :func:`load_lmarena_140k`: 135,624 votes of 53 LLMs (LMArena, CC-BY-4.0).
* :func:`load_international_football`: 49,520 matches of 337 teams (CC0-1.0).
* :func:`load_bradleyterry2`: ``"baseball"`` (273 games, 7 teams), ``"icehockey"`` (1,083
  games, 58 teams) and ``"epl_football"`` (1,900 games, 29 teams) (GPL-2+).

Credits
-------
* **LMArena**: votes of the Hugging Face dataset ``lmarena-ai/arena-human-preference-140k``
  (split ``train``), licensed CC-BY-4.0 by LMArena (lmarena-ai). Only model names, votes
  and category flags are kept; no prompts or answers.
* **International football**: ``martj42/international_results`` by Mart Jürisoo, CC0-1.0
  (public-domain dedication), commit ``65d212a``.
* **BradleyTerry2**: data sets of the R package BradleyTerry2 1.1-2, Copyright 2015
  Heather Turner and David Firth, GPL (>= 2). Cite Turner, H. and Firth, D. (2012),
  *Bradley-Terry models in R: the BradleyTerry2 package*, Journal of Statistical
  Software 48(9).

See ``README.md`` in this folder for the exact sources and conversion steps. The data is
stored column-wise in compressed ``.npz`` files (category codes for text columns); the
frames returned with ``as_frame=True`` hold the same cells as the original CSV files.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

from ..._core.arrays import readonly
from ..parse import WINNER_LABELS
from ..votes import Votes

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_bradleyterry2", "load_international_football", "load_lmarena_140k"]

_BT2 = ("baseball", "icehockey", "epl_football")


@cache
def _columns(name: str) -> dict[str, Any]:
    """Columns of a bundled file: ``(codes, categories)`` for text, arrays otherwise."""
    ref = resources.files(__name__).joinpath(f"{name}.npz")
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as z:
        arrays = {k: readonly(z[k]) for k in z.files}
    out: dict[str, Any] = {}
    for col in arrays.pop("columns").tolist():
        if col in arrays:
            out[col] = arrays[col]
        else:
            out[col] = (arrays[col + ".codes"], arrays[col + ".cats"])
    return out


def _text(col: Any) -> NDArray[Any]:
    codes, cats = col
    return np.asarray(cats.astype(object)[codes])


def _frame(name: str) -> pd.DataFrame:
    from ..._core.format import require_pandas

    pandas = require_pandas("as_frame=True")
    data = {}
    for col, v in _columns(name).items():
        if isinstance(v, tuple):
            data[col] = _text(v)
        elif v.dtype.kind == "M":
            data[col] = v.copy()
        else:
            data[col] = v.astype(np.int64)
    frame: pd.DataFrame = pandas.DataFrame(data)
    return frame


def _votes(
    name: str, *, time: str | None, covariates: tuple[str, ...], drop_self: bool = False
) -> Votes:
    cols = _columns(name)
    (ca, cats_a), (cb, cats_b) = cols["model_a"], cols["model_b"]
    items = sorted(set(cats_a.tolist()) | set(cats_b.tolist()))
    pos = {x: k for k, x in enumerate(items)}
    a = np.array([pos[x] for x in cats_a.tolist()], dtype=np.intp)[ca]
    b = np.array([pos[x] for x in cats_b.tolist()], dtype=np.intp)[cb]
    cw, cats_w = cols["winner"]
    outcome = np.array([WINNER_LABELS[x] for x in cats_w.tolist()], dtype=np.int8)[cw]
    extra: dict[str, NDArray[Any]] = {}
    for c in covariates:
        v = cols[c]
        extra[c] = _text(v) if isinstance(v, tuple) else v.astype(np.int64)
    t = None if time is None else cols[time]
    if drop_self:
        keep = a != b
        a, b, outcome = a[keep], b[keep], outcome[keep]
        extra = {k: v[keep] for k, v in extra.items()}
        t = None if t is None else t[keep]
    return Votes(items=tuple(items), a=a, b=b, outcome=outcome, time=t, covariates=extra)


@overload
def load_lmarena_140k(*, as_frame: Literal[False] = ...) -> Votes: ...
@overload
def load_lmarena_140k(*, as_frame: Literal[True]) -> pd.DataFrame: ...


def load_lmarena_140k(*, as_frame: bool = False) -> Votes | pd.DataFrame:
    """LMArena text-arena human votes of 2025 (135,634 rows, 53 models).

    The vote table of the Hugging Face dataset ``lmarena-ai/arena-human-preference-140k``
    (CC-BY-4.0, LMArena). ``winner`` is ``model_a``, ``model_b`` or ``tie``; the source's
    ``both_bad`` votes are ties, flagged by the ``both_bad`` column (15,754 of the
    37,286 ties). There is no time stamp; the row order is the source's.

    Parameters
    ----------
    as_frame : bool
        Return a pandas DataFrame with every row and the columns ``model_a, model_b,
        winner, both_bad, criteria_count, is_math, is_creative_writing,
        is_instruction_following`` (needs pandas) instead of :class:`~elosim.Votes`.

    Returns
    -------
    Votes or pandas.DataFrame
        The :class:`~elosim.Votes` (default) carry ``both_bad``, ``criteria_count`` (0-7;
        LMArena's "hard prompts" are ``>= 6``), ``is_math``, ``is_creative_writing`` and
        ``is_instruction_following`` as int64 covariates.

    Notes
    -----
    The source has 10 self-battles (``gemini-2.5-flash-preview-04-17`` against itself,
    rows 4878, 20312, 30195, 30646, 55214, 55620, 61586, 75052, 85530 and 93794). They
    carry no information about any rating and :class:`~elosim.Votes` rejects them, so the
    :class:`~elosim.Votes` hold the other **135,624** votes (3 of the dropped rows were
    ties). The frame keeps all 135,634 rows, exactly as in the source.

    Examples
    --------
    >>> from elosim.datasets import load_lmarena_140k
    >>> votes = load_lmarena_140k()
    >>> votes
    <Votes: 135,624 votes, 53 items, 37,283 ties>
    >>> int(votes.covariates["both_bad"].sum())
    15754
    """
    if as_frame:
        return _frame("lmarena_140k")
    return _votes(
        "lmarena_140k",
        time=None,
        covariates=(
            "both_bad",
            "criteria_count",
            "is_math",
            "is_creative_writing",
            "is_instruction_following",
        ),
        drop_self=True,
    )


@overload
def load_international_football(*, as_frame: Literal[False] = ...) -> Votes: ...
@overload
def load_international_football(*, as_frame: Literal[True]) -> pd.DataFrame: ...


def load_international_football(*, as_frame: bool = False) -> Votes | pd.DataFrame:
    """Men's international football results, 1872-11-30 to 2026-07-19 (49,520 matches).

    From ``martj42/international_results`` by Mart Jürisoo (CC0-1.0). Side A is the home
    team (the host, unless ``neutral == 1``); the winner is decided on the full-time
    score including extra time, penalty shoot-outs excluded.

    Parameters
    ----------
    as_frame : bool
        Return a pandas DataFrame with the columns ``timestamp, model_a, model_b, winner,
        score_a, score_b, neutral, tournament, shootout_winner`` instead of
        :class:`~elosim.Votes`.

    Returns
    -------
    Votes or pandas.DataFrame
        :attr:`~elosim.Votes.time` holds the match dates (``datetime64[D]``, non-decreasing);
        the covariates are ``score_a``, ``score_b``, ``neutral`` (int64), ``tournament``
        and ``shootout_winner`` (text; ``""`` when there was no shoot-out).

    Notes
    -----
    The comparison graph has two components: 334 teams, and {Aymara, Mapuche, Maule Sur}
    (3 matches in June 2022). Home advantage is large, so model it (``neutral``) or
    compare with and without it.

    Examples
    --------
    >>> from elosim.datasets import load_international_football
    >>> votes = load_international_football()
    >>> votes.n_votes, votes.n_items, votes.summary().component_sizes
    (49520, 337, (334, 3))
    """
    if as_frame:
        return _frame("international_football")
    return _votes(
        "international_football",
        time="timestamp",
        covariates=("score_a", "score_b", "neutral", "tournament", "shootout_winner"),
    )


@overload
def load_bradleyterry2(name: str, *, as_frame: Literal[False] = ...) -> Votes: ...
@overload
def load_bradleyterry2(name: str, *, as_frame: Literal[True]) -> pd.DataFrame: ...


def load_bradleyterry2(name: str, *, as_frame: bool = False) -> Votes | pd.DataFrame:
    """Classic Bradley-Terry data sets of the R package BradleyTerry2 (Turner & Firth).

    Parameters
    ----------
    name : {"baseball", "icehockey", "epl_football"}
        ``"baseball"``: 1987 American League East, 273 games of 7 teams, no ties (Agresti
        2002), side A at home. ``"icehockey"``: NCAA men's ice hockey 2009-10, 1,083 games
        of 58 teams, 125 ties; time = date; covariates ``score_a``, ``score_b``, ``b_home``
        (1 if side B was at home) and ``conference``. ``"epl_football"``: English Premier
        League 2008/9-2012/13, 1,900 games of 29 teams, 505 draws; covariate ``season``.
    as_frame : bool
        Return the table as a pandas DataFrame instead of :class:`~elosim.Votes`.

    Returns
    -------
    Votes or pandas.DataFrame

    Raises
    ------
    ValueError
        ``name`` is not one of the data sets above.

    Notes
    -----
    Data of BradleyTerry2 1.1-2, GPL (>= 2), Copyright 2015 Heather Turner and David
    Firth. Cite Turner & Firth (2012), *Bradley-Terry models in R: the BradleyTerry2
    package*, Journal of Statistical Software 48(9).

    Examples
    --------
    >>> from elosim.datasets import load_bradleyterry2
    >>> load_bradleyterry2("baseball")
    <Votes: 273 votes, 7 items, 0 ties>
    >>> load_bradleyterry2("icehockey").time[:2]
    array(['2009-10-08', '2009-10-08'], dtype='datetime64[D]')
    """
    if name not in _BT2:
        opts = ", ".join(repr(x) for x in _BT2)
        raise ValueError(f"name must be one of {opts}; got {name!r}")
    if as_frame:
        return _frame(name)
    spec: dict[str, tuple[str | None, tuple[str, ...]]] = {
        "baseball": (None, ()),
        "icehockey": ("timestamp", ("score_a", "score_b", "b_home", "conference")),
        "epl_football": (None, ("season",)),
    }
    time, cov = spec[name]
    return _votes(name, time=time, covariates=cov)
