"""Methods every result offers whose work lives in a higher layer.

:class:`InferenceMethods` (gap tests, quasi-variances, rank sets; implemented in
``elosim.inference``) and :class:`DisplayMethods` (HTML, Markdown, LaTeX, methods text and
``.plot()``; implemented in ``elosim.present``) are thin delegates through
:mod:`elosim._core.hooks`: the functions they call hold the documentation of record.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from . import hooks
from .arrays import FrozenState

if TYPE_CHECKING:
    from ..inference.gaps import GapTestResult
    from ..inference.pairwise import PairwiseGapTests
    from ..inference.quasi import QuasiVarianceResult
    from ..inference.ranks import RankSetResult


class InferenceMethods:
    """Gap tests, quasi-variances and rank sets on a fitted or bootstrapped result."""

    def gap_test(
        self,
        a: str | int,
        b: str | int,
        *,
        alternative: str = "two-sided",
        confidence_level: float = 0.95,
        kind: str | None = None,
        method: str | None = None,
    ) -> GapTestResult:
        """Test whether ``a`` and ``b`` differ; see :func:`elosim.gap_test`."""
        out: GapTestResult = hooks.call(
            "gap_test", self, a, b, alternative=alternative, confidence_level=confidence_level,
            kind=kind, method=method,
        )
        return out

    def pairwise_gap_tests(
        self,
        *,
        adjust: str | None = "holm",
        alternative: str = "two-sided",
        confidence_level: float = 0.95,
        kind: str | None = None,
        method: str | None = None,
    ) -> PairwiseGapTests:
        """Gap tests for every pair; see :func:`elosim.pairwise_gap_tests`."""
        out: PairwiseGapTests = hooks.call(
            "pairwise_gap_tests", self, adjust=adjust, alternative=alternative,
            confidence_level=confidence_level,
            kind=kind, method=method,
        )
        return out

    def quasi_variances(self, *, kind: str | None = None) -> QuasiVarianceResult:
        """Quasi-variances (Firth & de Menezes 2004); see :func:`elosim.quasi_variances`."""
        out: QuasiVarianceResult = hooks.call(
            "quasi_variances", self, kind=kind)
        return out

    def rank_intervals(
        self,
        *,
        confidence_level: float = 0.95,
        simultaneous: bool = False,
        stepdown: bool = True,
        n_draws: int = 2000,
        rng: Any = None,
        kind: str | None = None,
    ) -> RankSetResult:
        """Rank confidence sets (Mogstad et al. 2024); see :func:`elosim.rank_intervals`."""
        out: RankSetResult = hooks.call(
            "rank_intervals", self, confidence_level=confidence_level, simultaneous=simultaneous,
            stepdown=stepdown, n_draws=n_draws, rng=rng, kind=kind,
        )
        return out

    def lmarena_rank(
        self, *, confidence_level: float = 0.95, kind: str | None = None
    ) -> RankSetResult:
        """LMArena's "Rank (UB)" heuristic; see :func:`elosim.lmarena_rank`."""
        out: RankSetResult = hooks.call(
            "lmarena_rank", self, confidence_level=confidence_level, kind=kind)
        return out


class DisplayMethods(FrozenState):
    """Notebook display, Markdown/LaTeX tables, methods text and ``.plot()`` for results.

    Results stay immutable when pickled or copied (:class:`~elosim._core.arrays.FrozenState`).

    Each method delegates to :mod:`elosim.report` (tables, escaping, citation text) or
    :mod:`elosim.plot` (imported lazily, so ``import elosim`` never imports matplotlib).
    A result class names its plotting function in ``_plot_function``.
    """

    _plot_function: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give every ``to_frame`` of a result the caveats in ``DataFrame.attrs``."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("to_frame")
        if own is not None and not getattr(own, "_adds_caveats", False):
            cls.to_frame = _with_caveats(own)  # type: ignore[attr-defined]

    def caveats(self) -> tuple[str, ...]:
        """What weakens these numbers, as sentences shown under every output of the result.

        The same notes reach ``summary()``, the notebook HTML, ``to_markdown``,
        ``to_latex`` and ``to_frame().attrs["caveats"]``; see
        :func:`elosim.report.caveats`. Empty when there is nothing to warn about.
        """
        out: tuple[str, ...] = hooks.call("caveats", self)
        return out

    def _repr_html_(self) -> str:
        out: str = hooks.call("result_html", self)
        return out

    def to_markdown(self, confidence_level: float | None = None, **options: Any) -> str:
        """The result's standard table as GitHub-flavoured Markdown, with its notes.

        ``labels={"ci_low": "Lower", ...}`` relabels columns; see
        :func:`elosim.report.result_markdown`.
        """
        if confidence_level is not None:
            options["confidence_level"] = confidence_level
        out: str = hooks.call("result_markdown", self, **options)
        return out

    def to_latex(
        self,
        confidence_level: float | None = None,
        *,
        caption: str | None = None,
        label: str | None = None,
        **options: Any,
    ) -> str:
        """The result's standard table as a LaTeX ``booktabs`` table.

        ``caption`` comes first in the caption and the interval description and caveats
        follow it; ``labels=`` relabels columns and ``longtable=`` chooses a table that
        breaks across pages (default above 40 rows); see :func:`elosim.report.result_latex`.
        """
        if confidence_level is not None:
            options["confidence_level"] = confidence_level
        out: str = hooks.call("result_latex", self, caption=caption, label=label, **options)
        return out

    def methods_text(self, **options: Any) -> str:
        """A paragraph for a methods section; see :func:`elosim.report.methods_text`."""
        out: str = hooks.call("methods_text", self, **options)
        return out

    def plot(self, **kwargs: Any) -> Any:
        """Draw the result with its standard plot (returns the matplotlib ``Axes``)."""
        if not self._plot_function:
            raise TypeError(f"{type(self).__name__} has no standard plot")
        return hooks.call("plot", self._plot_function, self, **kwargs)


def _with_caveats(to_frame: Any) -> Any:
    @functools.wraps(to_frame)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        df = to_frame(self, *args, **kwargs)
        attrs = getattr(df, "attrs", None)
        if isinstance(attrs, dict):
            attrs.setdefault("caveats", hooks.call("caveats", self))
        return df

    wrapper._adds_caveats = True  # type: ignore[attr-defined]
    return wrapper
