"""Bootstrap of contextual Bradley-Terry fits (features), iid over votes or over clusters.

The cells are (design row, outcome, weight) combinations (see
:class:`elosim.models.features.FeatureDesign`): few with discrete features (home advantage),
about one per vote with continuous ones (style). Each replicate resamples the votes (or
whole clusters) and is refitted exactly, many replicates at once:

* resampling: with few cells a multinomial over the cells; with about one cell per vote the
  equivalent draw of ``N`` vote indices, counted per cell (``O(N)`` per replicate either way);
* refit: replicates are columns of one matrix; ``d = Z @ theta`` and the gradient
  ``Z' g`` are sparse products over the design rows, and every replicate takes
  fixed-Hessian steps ``theta += H^+ g`` from the full-data estimate (``H`` the full-data
  information), which converge linearly at a rate of about ``1/sqrt(n)``; the rare
  replicate that does not converge is finished by a damped Newton fit of its own.

Replicate ``r`` draws from its own stream ``SeedSequence(seed, spawn_key=(r,))``, so results
do not depend on ``n_jobs`` or on the block size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .._core import hooks
from .._core.errors import NoFiniteEstimateError
from .._core.table import Table, to_text
from .._core.validation import check_choice, check_confidence_level, check_positive_int
from ..data.votes import Votes
from ..models import solvers
from ..models.contextual import ContextualBradleyTerryResult, _newton, layout
from ..models.fit import BradleyTerryResult, ConfidenceInterval
from ..models.inputs import weight_unit
from .bootstrap import (
    METHODS,
    BootstrapResult,
    _Plan,
    _quantile_interval,
    _Replicates,
    _run_chunks,
)
from .estimability import estimable

__all__ = ["ContextualBootstrapResult", "contextual_bootstrap"]

Array = NDArray[np.float64]
_CHUNK_ELEMENTS = 1 << 21  # replicates x design rows solved at once (bounds memory)
_MAX_REDRAWS = 20


class _Pairs:
    """Just what :func:`~elosim.inference.estimability.estimable` needs: the items and the pairs."""

    def __init__(self, k: int, pair_i: NDArray[np.intp], pair_j: NDArray[np.intp]) -> None:
        self.k, self.pair_i, self.pair_j = k, pair_i, pair_j


class _Engine:
    """Fixed parts of the batched refit of one contextual fit."""

    def __init__(self, fit: ContextualBradleyTerryResult, plan: _Plan) -> None:
        des = fit._design
        self.fit = fit
        self.plan = plan
        self.des = des
        k, p = fit.n_items, len(fit.features)
        self.k = k
        self.m, self.b0 = layout(fit.ties, k, p)
        z = des.matrix.tocoo()
        cols = np.where(z.col >= k, z.col - k + self.b0, z.col)
        self.z = sparse.csr_matrix((z.data, (z.row, cols)), shape=(des.n_rows, self.m))
        self.zt = self.z.T.tocsr()
        self.bread = fit._bread()
        self.penalty = np.zeros(self.m)
        unit = weight_unit(fit.votes.counts)
        self.penalty[:k] = fit.prior_strength * unit
        self.penalty[self.b0 :] = fit.feature_penalty * unit
        self.regular = fit.prior_strength > 0
        self.n_votes = int(des.cell_count.sum())
        self.use_index_draw = des.n_cells * 4 > self.n_votes
        # pair of each design row, for the estimability check on pair tables
        key = des.pair_i * k + des.pair_j
        upairs, self.row_pair = np.unique(key, return_inverse=True)
        self.pairs = _Pairs(k, (upairs // k).astype(np.intp), (upairs % k).astype(np.intp))
        self.chunk = max(1, min(64, _CHUNK_ELEMENTS // max(1, des.n_rows)))

    # ---------------------------------------------------------------- resampling
    def _draw_one(self, gen: np.random.Generator) -> Array:
        des = self.des
        if self.plan.cluster_matrix is not None:
            g = self.plan.cluster_matrix.shape[0]
            picks = np.bincount(gen.integers(0, g, size=g), minlength=g).astype(float)
            return np.asarray(self.plan.cluster_matrix.T @ picks, dtype=float)
        if self.use_index_draw:
            votes = gen.integers(0, self.n_votes, size=self.n_votes)
            return np.bincount(des.vote_cell[votes], minlength=des.n_cells).astype(float)
        n = self.n_votes
        return np.asarray(gen.multinomial(n, des.cell_count / n), dtype=float)

    def draw(self, reps: range) -> tuple[Array, int, dict[str, int]]:
        """Cell counts (R, n_cells) of the given replicates, estimable ones only."""
        des = self.des
        out = np.empty((len(reps), des.n_cells))
        gens = [
            np.random.default_rng(np.random.SeedSequence(self.plan.entropy, spawn_key=(r,)))
            for r in reps
        ]
        for row, gen in enumerate(gens):
            out[row] = self._draw_one(gen)
        redraws = 0
        culprits: dict[str, int] = {}
        if self.fit.prior_strength > 0:
            return out, redraws, culprits
        for _attempt in range(_MAX_REDRAWS + 1):
            tables = des.table(out)  # (R, D, 3)
            ptab = np.zeros((len(reps), self.pairs.pair_i.size, 3))
            for c in range(3):
                for r in range(len(reps)):
                    ptab[r, :, c] = np.bincount(
                        self.row_pair, tables[r, :, c], self.pairs.pair_i.size
                    )
            ok, bad = estimable(self.pairs, ptab)  # type: ignore[arg-type]
            if ok.all():
                return out, redraws, culprits
            idx = np.flatnonzero(~ok)
            redraws += idx.size
            for j, items in zip(idx, bad, strict=True):
                for i in items:
                    name = self.fit.items[i]
                    culprits[name] = culprits.get(name, 0) + 1
                out[j] = self._draw_one(gens[j])
        raise NoFiniteEstimateError(sorted(culprits)[:10], [])

    # ---------------------------------------------------------------- refit
    def _gradient(self, theta: Array, table: Array) -> Array:
        """Gradients (m, R) for replicates in columns; ``table`` is (D, R, 3)."""
        d = np.asarray(self.z @ theta)
        k = self.k
        if self.fit.ties == "half":
            pts = table[..., 0] + 0.5 * table[..., 2]
            tot = table.sum(axis=2)
            from scipy.special import expit

            g = np.asarray(self.zt @ (pts - tot * expit(d)))
        else:
            terms = solvers.pair_terms(self.fit.ties, table, d, theta[k], loglik=False)
            g = np.asarray(self.zt @ terms.g_d)
            g[k] = terms.g_t.sum(axis=0)
        g -= self.penalty[:, None] * theta
        return g

    def solve(
        self, counts: Array, tol: float, max_quasi: int = 30
    ) -> tuple[Array, NDArray[np.bool_]]:
        """Refit replicates with cell counts (R, n_cells); theta (R, m) and converged flags."""
        fit = self.fit
        k = self.k
        table = np.ascontiguousarray(self.des.table(counts).transpose(1, 0, 2))  # (D, R, 3)
        r = counts.shape[0]
        scale = np.maximum(1.0, table.sum(axis=(0, 2)))
        theta = np.tile(fit._theta[:, None], (1, r))
        g = self._gradient(theta, table)
        gn = np.max(np.abs(g), axis=0)
        todo = np.flatnonzero(gn > tol * scale)
        for _ in range(max_quasi):
            if todo.size == 0:
                break
            step = self.bread @ g[:, todo]
            if not self.regular:
                step[:k] -= step[:k].mean(axis=0, keepdims=True)
            cand = theta[:, todo] + step
            sub = table if todo.size == r else table[:, todo]
            g_c = self._gradient(cand, sub)
            gn_c = np.max(np.abs(g_c), axis=0)
            ok = np.isfinite(gn_c) & (gn_c < 0.5 * gn[todo])
            acc = todo[ok]
            theta[:, acc], g[:, acc], gn[acc] = cand[:, ok], g_c[:, ok], gn_c[ok]
            todo = acc[gn[acc] > tol * scale[acc]] if ok.all() else np.flatnonzero(gn > tol * scale)
            if not ok.all():
                break
        conv = gn <= tol * scale
        for j in np.flatnonzero(~conv):  # rare: finish with a damped Newton fit
            th, _, _, _, _, c = _newton(
                fit.ties,
                self.des,
                table[:, j],
                theta[:, j].copy(),
                self.penalty,
                tol=tol,
                max_iter=100,
            )
            theta[:, j] = th
            conv[j] = c
        if not self.regular:
            theta[:k] -= theta[:k].mean(axis=0, keepdims=True)
        return theta.T.copy(), conv

    def run(self, reps: range, tol: float) -> tuple[Array, int, dict[str, int], NDArray[np.bool_]]:
        counts, redraws, culprits = self.draw(reps)
        thetas, convs = [], []
        for s in range(0, len(reps), self.chunk):
            th, cv = self.solve(counts[s : s + self.chunk], tol)
            thetas.append(th)
            convs.append(cv)
        return np.concatenate(thetas), redraws, culprits, np.concatenate(convs)


def _compute(
    fit: ContextualBradleyTerryResult,
    plan: _Plan,
    reps: range,
    tol: float,
    n_jobs: int,
    progress: bool,
) -> _Replicates:
    engine = _Engine(fit, plan)
    step = 64
    chunks = [range(a, min(a + step, reps.stop)) for a in range(reps.start, reps.stop, step)]
    run, theta = _run_chunks(fit, chunks, lambda ch: engine.run(ch, tol), n_jobs, progress)
    run.distributions["coefficient_distribution"] = theta[:, engine.b0 :].T.copy()
    return run


@dataclass(frozen=True, eq=False, repr=False)
class ContextualBootstrapResult(BootstrapResult):
    """Bootstrap of a contextual fit: adjusted ratings and feature coefficients.

    Attributes
    ----------
    coefficient_distribution : ndarray, shape (n_features, n_resamples)
        Replicate coefficients (log-odds scale).
    """

    coefficient_distribution: Array = field(default_factory=lambda: np.zeros((0, 0)))

    def __repr__(self) -> str:
        return super().__repr__().replace("<BootstrapResult", "<ContextualBootstrapResult", 1)

    def coefficient_interval(
        self, confidence_level: float | None = None, *, method: str | None = None
    ) -> ConfidenceInterval:
        """Bootstrap intervals of the coefficients (log-odds scale).

        ``method`` is ``"percentile"``, ``"basic"`` or ``"bca"`` (bias-corrected, without
        acceleration for the coefficients).
        """
        level = check_confidence_level(
            self.confidence_level if confidence_level is None else confidence_level
        )
        meth = check_choice(self.method if method is None else method, "method", METHODS)
        if meth == "studentized":
            raise ValueError(
                "method='studentized' is not available for the coefficients of a contextual "
                "fit; use 'percentile', 'basic' or 'bca'"
            )
        assert isinstance(self.fit, ContextualBradleyTerryResult)
        est = self.fit.coefficient_estimates
        return _quantile_interval(
            self.coefficient_distribution, est, level, meth, lambda: np.zeros(est.size)
        )

    @property
    def coefficient_standard_error(self) -> Array:
        """Bootstrap standard errors of the coefficients."""
        return np.asarray(np.std(self.coefficient_distribution, axis=1, ddof=1))

    def replicate_standard_errors(self, contrasts: ArrayLike) -> Array:
        raise ValueError(
            "studentized (bootstrap-t) intervals are not available for contextual fits; use "
            "method='percentile', 'basic' or 'bca'"
        )

    @staticmethod
    def _replicates(
        fit: BradleyTerryResult, plan: _Plan, reps: range, tol: float, n_jobs: int, progress: bool
    ) -> _Replicates:
        assert isinstance(fit, ContextualBradleyTerryResult)
        return _compute(fit, plan, reps, tol, n_jobs, progress)

    def extend(self, n_more: int, *, n_jobs: int = 1, progress: bool = False) -> BootstrapResult:
        """A new result with ``n_more`` further replicates (same streams as a longer run)."""
        n_more = check_positive_int(n_more, "n_more")
        return self._extended(n_more, check_positive_int(n_jobs, "n_jobs"), bool(progress))

    def summary(self, confidence_level: float | None = None, *, method: str | None = None) -> str:
        """The bootstrap leaderboard of adjusted ratings and the coefficients' intervals."""
        text = super().summary(confidence_level, method=method)
        level = self.confidence_level if confidence_level is None else confidence_level
        meth = method or self.method
        if meth == "studentized":
            meth = "percentile"
        ci = self.coefficient_interval(level, method=meth)
        assert isinstance(self.fit, ContextualBradleyTerryResult)
        est = self.fit.coefficient_estimates
        table = Table(
            {
                "feature": list(self.fit.features),
                "estimate": est.tolist(),
                "standard_error": self.coefficient_standard_error.tolist(),
                "ci_low": ci.low.tolist(),
                "ci_high": ci.high.tolist(),
            },
            dict.fromkeys(("estimate", "standard_error", "ci_low", "ci_high"), ".4f"),
            "Feature coefficients",
            (f"{100 * level:g}% {meth} bootstrap intervals; estimates in log-odds",),
        )
        return text + "\n\n" + to_text(table)


@hooks.provides("contextual_bootstrap")
def contextual_bootstrap(
    fit: ContextualBradleyTerryResult,
    *,
    n_resamples: int,
    method: str,
    confidence_level: float,
    cluster: ArrayLike | bool | None,
    seed: int,
    n_jobs: int,
    progress: bool,
    tol: float,
) -> ContextualBootstrapResult:
    """The bootstrap of :func:`elosim.bootstrap` for a contextual fit (validated arguments)."""
    des = fit._design
    codes = None
    cm = None
    if cluster is not None and cluster is not False:
        if not isinstance(fit.votes, Votes):  # features need rows; counts carry none
            raise TypeError("a contextual fit needs its votes as rows (elosim.Votes)")
        codes, g = fit.votes.cluster_codes(
            None if cluster is True else cluster, purpose="cluster bootstrap"
        )
        cm = sparse.csr_matrix(
            (np.ones(codes.size), (codes, des.vote_cell)), shape=(g, des.n_cells)
        )
    return ContextualBootstrapResult._from_plan(
        fit, _Plan(seed, cm), n_resamples=n_resamples, method=method,
        confidence_level=confidence_level, seed=seed, tol=tol, n_jobs=n_jobs, progress=progress,
    )
