"""The one mechanism by which a lower layer reaches an upper one.

elosim's layers import only downwards (``_core`` ← ``data`` ← ``models`` ← ``inference`` ←
``simulation`` ← ``present``). Yet a result object made in a low layer offers methods whose
work lives higher up: a fit (``models``) has ``.gap_test()`` (``inference``) and ``.plot()``,
``.to_latex()`` (``present``). Instead of importing upwards, the upper layer registers its
function under a name when its module is imported (:func:`provides`), and the result's
method calls it by that name (:func:`call`). ``import elosim`` imports every layer, so every
name is registered before any result can exist.

The registered names and their providers are listed in ``docs/dev/architecture.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["call", "provides", "registered"]

F = TypeVar("F", bound=Callable[..., Any])

_REGISTRY: dict[str, Callable[..., Any]] = {}


def provides(name: str) -> Callable[[F], F]:
    """Register the decorated function as the implementation of ``name``.

    A name has one provider; registering a different function under a taken name is a
    programming error and raises :class:`RuntimeError`.
    """

    def register(func: F) -> F:
        current = _REGISTRY.get(name)
        # the same function again (its module imported a second time, e.g. by a doctest
        # runner) replaces itself; another function under a taken name is an error
        if current is not None and current.__qualname__ != func.__qualname__:
            raise RuntimeError(f"hook {name!r} is already provided by {current.__module__}")
        _REGISTRY[name] = func
        return func

    return register


def call(name: str, /, *args: Any, **kwargs: Any) -> Any:
    """Call the implementation registered under ``name``."""
    try:
        func = _REGISTRY[name]
    except KeyError:
        raise RuntimeError(
            f"no implementation of {name!r} is registered; import elosim (the package) "
            "before using its result objects"
        ) from None
    return func(*args, **kwargs)


def registered() -> dict[str, str]:
    """The registered names and the modules that provide them (for docs and tests)."""
    return {name: f"{f.__module__}.{f.__qualname__}" for name, f in sorted(_REGISTRY.items())}
