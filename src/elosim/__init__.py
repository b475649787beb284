"""elosim: Bradley-Terry ratings on the Elo scale, with intervals you can cite."""

from ._elo import gap_from_win_probability, win_probability_from_gap
from ._errors import (
    ConvergenceWarning,
    DegenerateBootstrapWarning,
    DisconnectedGraphError,
    ElosimWarning,
    NoFiniteEstimateError,
    SparseDataWarning,
    VotesError,
)
from ._version import __version__
from .bootstrap import BootstrapResult, bootstrap
from .fit import BradleyTerryResult, ConfidenceInterval, bradley_terry
from .votes import Votes, VotesSummary, read_votes

__all__ = [
    "BootstrapResult",
    "BradleyTerryResult",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "DegenerateBootstrapWarning",
    "DisconnectedGraphError",
    "ElosimWarning",
    "NoFiniteEstimateError",
    "SparseDataWarning",
    "Votes",
    "VotesError",
    "VotesSummary",
    "__version__",
    "bootstrap",
    "bradley_terry",
    "gap_from_win_probability",
    "read_votes",
    "win_probability_from_gap",
]
