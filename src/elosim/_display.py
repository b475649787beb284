"""Helpers shared by every result's display: lazy pandas, number formatting, HTML escaping."""

from __future__ import annotations

from typing import Any

__all__ = ["require_pandas"]


def require_pandas(what: str) -> Any:
    """Import pandas lazily, with a clear error naming the feature that needs it."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            f"{what} needs pandas, which is not installed: pip install 'elosim[pandas]'"
        ) from None
    return pd
