"""A result's standard :class:`~elosim._core.table.Table` as a pandas DataFrame.

Many results' ``to_frame()`` is their display table with the settings attached: the same
columns, and the title, notes and settings in ``DataFrame.attrs``. :func:`table_frame` is
that one conversion; pandas is imported only when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .format import require_pandas

if TYPE_CHECKING:
    import pandas as pd

    from .table import Table

__all__ = ["table_frame"]


def table_frame(table: Table, what: str, **attrs: Any) -> pd.DataFrame:
    """``table``'s columns as a DataFrame; its title, notes and ``attrs`` in ``df.attrs``.

    Parameters
    ----------
    table : Table
        The result's standard display table.
    what : str
        The method asking (e.g. ``"VotesSummary.to_frame"``), named in the error when
        pandas is not installed.
    **attrs
        Settings to record in ``DataFrame.attrs`` after ``title`` and ``notes``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ImportError
        When pandas is not installed.
    """
    pdm = require_pandas(what)
    df: pd.DataFrame = pdm.DataFrame(table.columns)
    df.attrs.update(title=table.title, notes=table.notes, **attrs)
    return df
