"""elosim: Bradley-Terry ratings on the Elo scale, with intervals you can cite."""

from . import datasets, plot, report  # public modules; plot imports matplotlib only when drawing
from ._core.elo import gap_from_win_probability, win_probability_from_gap
from ._core.errors import (
    ConvergenceWarning,
    DegenerateBootstrapWarning,
    DegenerateDataError,
    DisconnectedGraphError,
    ElosimWarning,
    InsufficientMemoryError,
    LabelWarning,
    NoFiniteEstimateError,
    NumericalError,
    SparseDataWarning,
    VotesError,
)
from ._version import __version__
from .data.count import count_votes
from .data.counts import VoteCounts
from .data.readers import read_votes
from .data.votes import Votes, VotesSummary
from .inference.bootstrap import BootstrapResult, bootstrap
from .inference.contextual_bootstrap import ContextualBootstrapResult
from .inference.gaps import GapTestResult, gap_test
from .inference.pairwise import PairwiseGapTests, adjust_pvalues, pairwise_gap_tests
from .inference.quasi import QuasiVarianceResult, quasi_variances
from .inference.ranks import (
    RankSetResult,
    lmarena_rank,
    marginal_rank_intervals_bootstrap,
    rank_intervals,
    rank_intervals_from_estimates,
)
from .inference.reported import ReportedGapTest, gap_test_from_reported, overlap_test_level
from .inference.subsets import SubsetComparisonResult, compare_subsets, subset_fits
from .models.contextual import CoefficientsResult, ContextualBradleyTerryResult, FeatureError
from .models.features import home_advantage_features, style_features
from .models.fit import BradleyTerryResult, ConfidenceInterval, bradley_terry
from .present.citation import cite
from .simulation.arena import TrueWinProbability, simulate_votes, true_win_probability
from .simulation.online import (
    EloBTComparison,
    OnlineEloResult,
    OrderingInterval,
    compare_elo_bt,
    online_elo,
)
from .simulation.planning import (
    SimulatedPower,
    min_detectable_gap,
    power,
    simulated_power,
    votes_needed,
)
from .simulation.robustness import (
    RemovedVotes,
    TopRobustnessResult,
    VotesToFlipResult,
    top_robustness,
    vote_influence,
    votes_to_flip,
)
from .simulation.studies import (
    CoverageStudyResult,
    GapPowerSimulation,
    MonteCarloEstimate,
    coverage_study,
    simulated_gap_power,
)

__all__ = [
    "BootstrapResult",
    "BradleyTerryResult",
    "CoefficientsResult",
    "ConfidenceInterval",
    "ContextualBootstrapResult",
    "ContextualBradleyTerryResult",
    "ConvergenceWarning",
    "CoverageStudyResult",
    "DegenerateBootstrapWarning",
    "DegenerateDataError",
    "DisconnectedGraphError",
    "EloBTComparison",
    "ElosimWarning",
    "FeatureError",
    "GapPowerSimulation",
    "GapTestResult",
    "InsufficientMemoryError",
    "LabelWarning",
    "MonteCarloEstimate",
    "NoFiniteEstimateError",
    "NumericalError",
    "OnlineEloResult",
    "OrderingInterval",
    "PairwiseGapTests",
    "QuasiVarianceResult",
    "RankSetResult",
    "RemovedVotes",
    "ReportedGapTest",
    "SimulatedPower",
    "SparseDataWarning",
    "SubsetComparisonResult",
    "TopRobustnessResult",
    "TrueWinProbability",
    "VoteCounts",
    "Votes",
    "VotesError",
    "VotesSummary",
    "VotesToFlipResult",
    "__version__",
    "adjust_pvalues",
    "bootstrap",
    "bradley_terry",
    "cite",
    "compare_elo_bt",
    "compare_subsets",
    "count_votes",
    "coverage_study",
    "datasets",
    "gap_from_win_probability",
    "gap_test",
    "gap_test_from_reported",
    "home_advantage_features",
    "lmarena_rank",
    "marginal_rank_intervals_bootstrap",
    "min_detectable_gap",
    "online_elo",
    "overlap_test_level",
    "pairwise_gap_tests",
    "plot",
    "power",
    "quasi_variances",
    "rank_intervals",
    "rank_intervals_from_estimates",
    "read_votes",
    "report",
    "simulate_votes",
    "simulated_gap_power",
    "simulated_power",
    "style_features",
    "subset_fits",
    "top_robustness",
    "true_win_probability",
    "vote_influence",
    "votes_needed",
    "votes_to_flip",
    "win_probability_from_gap",
]
