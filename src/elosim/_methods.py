"""Inference methods shared by :class:`BradleyTerryResult` and :class:`BootstrapResult`.

Each method is a thin delegate to the function of the same name in :mod:`elosim.gaps`,
:mod:`elosim.quasi` or :mod:`elosim.ranks`, which hold the documentation of record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gaps import GapTestResult, PairwiseGapTests
    from .quasi import QuasiVarianceResult
    from .ranks import RankSetResult


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
        """Test whether ``a`` and ``b`` differ; see :func:`elosim.gaps.gap_test`."""
        from .gaps import gap_test

        return gap_test(
            self, a, b, alternative=alternative, confidence_level=confidence_level,
            kind=kind, method=method,
        )

    def pairwise_gap_tests(
        self,
        *,
        adjust: str | None = "holm",
        alternative: str = "two-sided",
        confidence_level: float = 0.95,
        kind: str | None = None,
        method: str | None = None,
    ) -> PairwiseGapTests:
        """Gap tests for every pair; see :func:`elosim.gaps.pairwise_gap_tests`."""
        from .gaps import pairwise_gap_tests

        return pairwise_gap_tests(
            self, adjust=adjust, alternative=alternative, confidence_level=confidence_level,
            kind=kind, method=method,
        )

    def quasi_variances(self, *, kind: str | None = None) -> QuasiVarianceResult:
        """Quasi-variances (Firth & de Menezes 2004); see :func:`elosim.quasi.quasi_variances`."""
        from .quasi import quasi_variances

        return quasi_variances(self, kind=kind)

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
        """Rank confidence sets (Mogstad et al. 2024); see :func:`elosim.ranks.rank_intervals`."""
        from .ranks import rank_intervals

        return rank_intervals(
            self, confidence_level=confidence_level, simultaneous=simultaneous,
            stepdown=stepdown, n_draws=n_draws, rng=rng, kind=kind,
        )

    def lmarena_rank(
        self, *, confidence_level: float = 0.95, kind: str | None = None
    ) -> RankSetResult:
        """LMArena's "Rank (UB)" heuristic; see :func:`elosim.ranks.lmarena_rank`."""
        from .ranks import lmarena_rank

        return lmarena_rank(self, confidence_level=confidence_level, kind=kind)


class DisplayMethods:
    """Notebook display, Markdown/LaTeX tables, methods text and ``.plot()`` for results.

    Each method delegates to :mod:`elosim.report` (tables, escaping, citation text) or
    :mod:`elosim.plot` (imported lazily, so ``import elosim`` never imports matplotlib).
    A result class names its plotting function in ``_plot_function``.
    """

    _plot_function: str = ""

    def _repr_html_(self) -> str:
        from .report import result_html

        return result_html(self)

    def to_markdown(self, confidence_level: float | None = None, **options: Any) -> str:
        """The result's standard table as GitHub-flavoured Markdown."""
        from .report import result_markdown

        if confidence_level is not None:
            options["confidence_level"] = confidence_level
        return result_markdown(self, **options)

    def to_latex(
        self,
        confidence_level: float | None = None,
        *,
        caption: str | None = None,
        label: str | None = None,
        **options: Any,
    ) -> str:
        """The result's standard table as a LaTeX ``booktabs`` tabular."""
        from .report import result_latex

        if confidence_level is not None:
            options["confidence_level"] = confidence_level
        return result_latex(self, caption=caption, label=label, **options)

    def methods_text(self, **options: Any) -> str:
        """A paragraph for a methods section; see :func:`elosim.report.methods_text`."""
        from .report import methods_text

        return methods_text(self, **options)

    def plot(self, **kwargs: Any) -> Any:
        """Draw the result with its standard plot (returns the matplotlib ``Axes``)."""
        if not self._plot_function:
            raise TypeError(f"{type(self).__name__} has no standard plot")
        from . import plot as _plot

        return getattr(_plot, self._plot_function)(self, **kwargs)
