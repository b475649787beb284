"""Public namespace ``elosim.datasets``; the code lives in :mod:`elosim.data.datasets`."""

from .data.datasets import *  # noqa: F403
from .data.datasets import __all__ as __all__
