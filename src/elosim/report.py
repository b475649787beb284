"""Public namespace ``elosim.report``; the code lives in :mod:`elosim.present.report`."""

from .present.report import *  # noqa: F403
from .present.report import __all__ as __all__
