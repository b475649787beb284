"""Read-only arrays and mappings that stay read-only through pickle, deepcopy and caches.

numpy arrays lose their read-only flag when pickled or deep-copied (the copy owns fresh,
writeable memory), and a plain ``dict`` can always be modified. :func:`readonly` returns a
read-only *view* of read-only memory, so ``arr.flags.writeable = True`` fails on it;
:class:`FrozenState` re-applies it to every array (and wraps the declared mapping fields in
:class:`types.MappingProxyType`) whenever an object is unpickled or copied, and drops cached
values so that they are recomputed from the frozen data.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["FrozenState", "freeze_mapping", "readonly"]


def readonly(x: NDArray[Any]) -> NDArray[Any]:
    """A read-only view of ``x`` whose flag cannot be switched back on.

    ``x`` itself is marked read-only when it owns its memory (pass arrays nobody else
    holds); a view of other memory is copied first.
    """
    base = x.base
    if not x.flags.writeable and isinstance(base, np.ndarray) and not base.flags.writeable:
        return x
    if base is not None:
        x = x.copy()
    x.flags.writeable = False
    view: NDArray[Any] = x.view()
    view.flags.writeable = False
    return view


def freeze_mapping(m: Mapping[str, Any]) -> MappingProxyType[str, Any]:
    """A read-only mapping whose array values are read-only (keys and order as given)."""
    return MappingProxyType(
        {k: readonly(v) if isinstance(v, np.ndarray) else v for k, v in m.items()}
    )


class FrozenState:
    """Mixin for frozen dataclasses holding arrays: pickling and copying keep them frozen.

    ``_cached_names`` lists ``functools.cached_property`` names dropped when pickling or
    copying (they are recomputed from the frozen fields); ``_mapping_names`` lists fields
    held as :class:`types.MappingProxyType` (pickled as plain dicts).
    """

    _cached_names: ClassVar[tuple[str, ...]] = ()
    _mapping_names: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in self._cached_names:
            state.pop(name, None)
        for name in self._mapping_names:
            if isinstance(state.get(name), Mapping):
                state[name] = dict(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        fixed: dict[str, Any] = {}
        for key, value in state.items():
            if key in self._mapping_names and isinstance(value, Mapping):
                fixed[key] = freeze_mapping(value)
            elif isinstance(value, np.ndarray):
                fixed[key] = readonly(value)
            else:
                fixed[key] = value
        self.__dict__.update(fixed)
