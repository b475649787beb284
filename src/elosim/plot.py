"""Public namespace ``elosim.plot``; the code lives in :mod:`elosim.present.plot`."""

from .present.plot import *  # noqa: F403
from .present.plot import __all__ as __all__
