"""The package's shape: layers import only downwards, and the public API stays stable.

The import graph is read from the source with :mod:`ast`, imports inside functions
included; imports under ``if TYPE_CHECKING:`` (annotations only, never executed) are left
out. Upward calls go through :mod:`elosim._core.hooks` instead.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import elosim
from elosim._core import hooks

SRC = Path(elosim.__file__).resolve().parent

#: Layers from the lowest up; a module may import its own layer and the ones below.
LAYERS = ["_core", "data", "models", "inference", "simulation", "present", "testing"]
#: The package root (``__init__``, ``__main__``, public namespace modules) sits on top.
TOP = len(LAYERS)


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return TOP if parts[1:2] != ["_version"] else -1
    return LAYERS.index(parts[1])


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every runtime import of an elosim module in ``path``."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "elosim":
                continue
            if node.module is None or (node.level and not node.module):
                # from . import x  -> each x may be a submodule
                found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("elosim")]
    return found


def _graph() -> dict[str, list[tuple[int, str]]]:
    return {_module_name(p): _imports(p) for p in sorted(SRC.rglob("*.py"))}


def test_layers_import_only_downwards():
    bad = []
    for module, imports in _graph().items():
        here = _layer(module)
        for line, target in imports:
            if _layer(target) > here:
                bad.append(f"{module}:{line} imports {target}")
    assert not bad, "upward imports (use elosim._core.hooks):\n" + "\n".join(bad)


def test_core_depends_on_nothing_above_it():
    for module, imports in _graph().items():
        if _layer(module) == 0:
            assert all(_layer(t) <= 0 for _, t in imports), module


def test_no_import_cycles_between_modules():
    graph = _graph()
    modules = set(graph)

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    edges = {
        m: {r for _, t in imps if (r := resolve(t)) and r != m and not m.startswith(r + ".")}
        for m, imps in graph.items()
    }
    # Tarjan-free check: depth-first search for a back edge
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m: str, stack: list[str]) -> bool:
        state[m] = 1
        for n in sorted(edges.get(m, ())):
            if n == "elosim" or n.endswith("__init__"):
                continue
            if state.get(n) == 1:
                cycle.extend([*stack[stack.index(n):], n] if n in stack else [m, n])
                return True
            if state.get(n) is None and visit(n, [*stack, n]):
                return True
        state[m] = 2
        return False

    for m in sorted(edges):
        if m != "elosim" and state.get(m) is None and visit(m, [m]):
            break
    assert not cycle, " -> ".join(cycle)


def test_every_hook_is_provided():
    names = hooks.registered()
    for name in (
        "gap_test", "pairwise_gap_tests", "quasi_variances", "rank_intervals", "lmarena_rank",
        "profile_confidence_interval",
        "result_html", "result_markdown", "result_latex", "result_table", "methods_text", "plot",
    ):
        assert name in names


def test_unknown_hook_is_a_named_error():
    with pytest.raises(RuntimeError, match="no implementation of 'nope'"):
        hooks.call("nope")


#: Every name ``elosim`` exported before the move; the public API only grows.
PUBLIC = {
    "BootstrapResult", "BradleyTerryResult", "ConfidenceInterval", "ConvergenceWarning",
    "CoverageStudyResult", "DegenerateBootstrapWarning", "DisconnectedGraphError",
    "EloBTComparison", "ElosimWarning", "GapPowerSimulation", "GapTestResult",
    "MonteCarloEstimate", "NoFiniteEstimateError", "OnlineEloResult", "OrderingInterval",
    "PairwiseGapTests", "QuasiVarianceResult", "RankSetResult", "RemovedVotes",
    "ReportedGapTest", "SimulatedPower", "SparseDataWarning", "TopRobustnessResult",
    "TrueWinProbability", "Votes", "VotesError", "VotesSummary", "VotesToFlipResult",
    "__version__", "adjust_pvalues", "bootstrap", "bradley_terry", "compare_elo_bt",
    "coverage_study", "datasets", "gap_from_win_probability", "gap_test",
    "gap_test_from_reported", "lmarena_rank", "marginal_rank_intervals_bootstrap",
    "min_detectable_gap", "online_elo", "overlap_test_level", "pairwise_gap_tests", "plot",
    "power", "quasi_variances", "rank_intervals", "rank_intervals_from_estimates",
    "read_votes", "report", "simulate_votes", "simulated_gap_power", "simulated_power",
    "top_robustness", "true_win_probability", "vote_influence", "votes_needed",
    "votes_to_flip", "win_probability_from_gap",
}
PUBLIC_MODULES = {
    "elosim.plot": {
        "OKABE_ITO", "plot_bootstrap_distribution", "plot_comparison_graph", "plot_coverage",
        "plot_gap", "plot_power", "plot_pvalues", "plot_rank_intervals", "plot_ratings",
        "plot_trajectory", "plot_win_matrix",
    },
    "elosim.report": {
        "Table", "format_interval", "html_table", "interval_description", "methods_text",
        "repr_line", "result_html", "result_latex", "result_markdown", "result_table",
        "to_latex", "to_markdown",
    },
    "elosim.datasets": {"load_bradleyterry2", "load_international_football", "load_lmarena_140k"},
}


def test_public_api_is_kept():
    missing = sorted(n for n in PUBLIC if not hasattr(elosim, n))
    assert not missing
    assert set(elosim.__all__) >= PUBLIC
    import importlib

    for mod, names in PUBLIC_MODULES.items():
        m = importlib.import_module(mod)
        assert names <= set(m.__all__), mod
        assert all(hasattr(m, n) for n in names), mod


def test_import_is_light_and_python_m_works():
    # scipy.stats and scipy.optimize take longer to import than the rest of elosim: they
    # are imported where first used, so import time stays that of the flat layout
    code = (
        "import sys, elosim; "
        "bad = [m for m in ('matplotlib', 'pandas', 'hypothesis', 'pyarrow', 'dask', 'pyspark',"
        " 'scipy.stats', 'scipy.optimize')"
        " if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    out = subprocess.run(
        [sys.executable, "-m", "elosim", "--version"], capture_output=True, text=True, check=True
    )
    assert elosim.__version__ in out.stdout
