"""Independent, deliberately plain Bradley-Terry computations for the Firth and profile tests.

Written from the model definitions, one row per vote, with no code from elosim: outcome
probabilities in closed form, derivatives by complex step (exact to rounding), generic
scipy optimisers and root finders. Parameters: log-strengths with item 0 fixed at 0, then
the tie parameter in its penalty coordinates (Davidson ``log nu``, Rao-Kupper
``eta = log theta``).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

H_CS = 1e-30  # complex-step size


def rows_from_table(pi, pj, table):
    """Expand a (pair, outcome) count table to one row per vote: (i, j, outcome)."""
    out = []
    for p in range(len(pi)):
        for o in range(3):
            out += [(pi[p], pj[p], o)] * int(table[p, o])
    arr = np.array(out, dtype=int)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def probs(model, d, t):
    """Outcome probabilities (i wins, j wins, tie) per row; complex-safe."""
    if model == "half":
        p = 1.0 / (1.0 + np.exp(-d))
        return np.stack([p, 1.0 - p], axis=-1)
    if model == "davidson":
        a, b, c = np.exp(d / 2), np.exp(-d / 2), np.exp(t) * np.ones_like(d)
        s = a + b + c
        return np.stack([a / s, b / s, c / s], axis=-1)
    th = np.exp(t)
    a, b = np.exp(d / 2), np.exp(-d / 2)
    p1 = a / (a + th * b)
    p2 = b / (b + th * a)
    return np.stack([p1, p2, 1.0 - p1 - p2], axis=-1)


class RowModel:
    """Log-likelihood, score and expected information of one model on vote rows."""

    def __init__(self, model, ri, rj, ro, k):
        self.model, self.ri, self.rj, self.ro, self.k = model, ri, rj, ro, k
        self.has_t = model != "half"
        self.m = k - 1 + int(self.has_t)

    def unpack(self, x):
        lam = np.concatenate([np.zeros(1, dtype=x.dtype), x[: self.k - 1]])
        t = x[self.k - 1] if self.has_t else 0.0
        return lam, t

    def loglik(self, x):
        lam, t = self.unpack(x)
        pr = probs(self.model, lam[self.ri] - lam[self.rj], t)
        if self.model == "half":
            y = np.where(self.ro == 0, 1.0, np.where(self.ro == 1, 0.0, 0.5))
            return np.sum(y * np.log(pr[:, 0]) + (1 - y) * np.log(pr[:, 1]))
        return np.sum(np.log(pr[np.arange(self.ro.size), self.ro]))

    def score(self, x):
        g = np.empty(self.m)
        for r in range(self.m):
            e = np.zeros(self.m, dtype=complex)
            e[r] = 1j * H_CS
            g[r] = self.loglik(x + e).imag / H_CS
        return g

    def info(self, x):
        """Expected information sum_rows sum_o (grad p_o)(grad p_o)^T / p_o."""
        lam, t = self.unpack(x)
        base = probs(self.model, lam[self.ri] - lam[self.rj], t).real
        grads = []
        for r in range(self.m):
            e = np.zeros(self.m, dtype=complex)
            e[r] = 1j * H_CS
            lc, tc = self.unpack(x + e)
            grads.append(probs(self.model, lc[self.ri] - lc[self.rj], tc).imag / H_CS)
        gr = np.stack(grads, axis=-1)
        return np.einsum("rom,ron->mn", gr / base[..., None], gr)

    def adjusted_score(self, x, h=1e-5):
        """Firth's score U + 1/2 tr(I^-1 dI/dx_r), the information differentiated numerically."""
        inv = np.linalg.inv(self.info(x))
        adj = np.empty(self.m)
        for r in range(self.m):
            e = np.zeros(self.m)
            e[r] = h
            di = (self.info(x + e) - self.info(x - e)) / (2 * h)
            adj[r] = 0.5 * np.trace(inv @ di)
        return self.score(x) + adj

    def firth(self, x0=None):
        x0 = np.zeros(self.m) if x0 is None else x0
        if self.model == "rao-kupper" and x0[-1] == 0:
            x0 = x0.copy()
            x0[-1] = 0.5
        sol = optimize.root(self.adjusted_score, x0, method="hybr", tol=1e-12)
        assert np.max(np.abs(self.adjusted_score(sol.x))) < 1e-8, sol.message
        return sol.x

    def maximum(self, fixed=None):
        """Maximise the log-likelihood (``fixed``: (index a, index b, c) with lam_a = lam_b + c)."""
        rk = self.model == "rao-kupper"

        def to_x(z):  # optimise log(eta) for Rao-Kupper, keeping theta > 1
            if not rk:
                return z
            return np.concatenate([z[:-1], np.exp(z[-1:])])

        def f(z):
            return -self.loglik(to_x(z))

        def g(z):
            out = np.empty(self.m)
            for r in range(self.m):
                e = np.zeros(self.m, dtype=complex)
                e[r] = 1j * H_CS
                out[r] = -self.loglik(to_x(z + e)).imag / H_CS
            return out

        res = optimize.minimize(f, np.zeros(self.m), jac=g, method="BFGS",
                                options={"gtol": 1e-11})
        return -res.fun, to_x(res.x)


def constrained_loglik(model, ri, rj, ro, k, contrast, value):
    """sup of the log-likelihood subject to contrast @ lam == value (row level).

    The constraint is eliminated by solving for the item with the largest |contrast|
    coefficient; item 0's gauge is replaced by sum(lam) = 0 via that elimination.
    """
    contrast = np.asarray(contrast, dtype=float)
    piv = int(np.argmax(np.abs(contrast)))
    free = [i for i in range(k) if i != piv]
    free[0]  # gauge: lam_ref = 0 (the contrast has zero sum, so this is harmless)
    free = free[1:]
    has_t = model != "half"

    def build(x):
        lam = np.zeros(k, dtype=x.dtype)
        lam[free] = x[: len(free)]
        rest = contrast @ lam - contrast[piv] * lam[piv]
        lam[piv] = (value - rest) / contrast[piv]
        t = x[len(free)] if has_t else 0.0
        if model == "rao-kupper":
            t = np.exp(t)  # optimise log(eta), keeping theta > 1
        return lam, t

    def ll(x):
        lam, t = build(x)
        pr = probs(model, lam[ri] - lam[rj], t)
        if model == "half":
            y = np.where(ro == 0, 1.0, np.where(ro == 1, 0.0, 0.5))
            return np.sum(y * np.log(pr[:, 0]) + (1 - y) * np.log(pr[:, 1]))
        return np.sum(np.log(pr[np.arange(ro.size), ro]))

    m = len(free) + int(has_t)

    def grad(x):
        out = np.empty(m)
        for r in range(m):
            e = np.zeros(m, dtype=complex)
            e[r] = 1j * H_CS
            out[r] = ll(x + e).imag / H_CS
        return out

    x0 = np.zeros(m)
    res = optimize.minimize(lambda x: -ll(x), x0, jac=lambda x: -grad(x), method="BFGS",
                            options={"gtol": 1e-11})
    return -res.fun


def pearson_dispersion_rows(ri, rj, ro, k, lam):
    y = np.where(ro == 0, 1.0, np.where(ro == 1, 0.0, 0.5))
    p = 1.0 / (1.0 + np.exp(-(lam[ri] - lam[rj])))
    return float(np.sum((y - p) ** 2 / (p * (1 - p)))) / (ro.size - (k - 1))


def profile_interval(model, ri, rj, ro, k, contrast, *, level=0.95, dispersion=1.0,
                     df=None, span=8.0):
    """LR interval and deviance at 0 for contrast @ lam, by brentq on the profile deviance."""
    rm = RowModel(model, ri, rj, ro, k)
    lmax, x = rm.maximum()
    lam, _ = rm.unpack(x)
    chat = float(np.asarray(contrast) @ lam)
    q = stats.chi2.ppf(level, 1) if df is None else stats.f.ppf(level, 1, df)

    def dev(c):
        return 2.0 * (lmax - constrained_loglik(model, ri, rj, ro, k, contrast, c)) / dispersion

    lo = optimize.brentq(lambda c: dev(c) - q, chat - span, chat, xtol=1e-10)
    hi = optimize.brentq(lambda c: dev(c) - q, chat, chat + span, xtol=1e-10)
    return lo, hi, dev(0.0), chat
