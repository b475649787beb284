"""The ``elosim`` command: leaderboards, gap tests, power and simulation from a shell.

Commands (``elosim COMMAND --help`` lists every option)::

    elosim fit (FILE | --example NAME)          leaderboard with intervals
    elosim compare (FILE | --example NAME) A B  gap test between two items
    elosim power --gap G | --votes N            votes needed, power, detectable gap
    elosim simulate --ratings a=1541,b=1542 --votes N --out votes.csv
    elosim plot (FILE | --example NAME) --out fig.png

Exit status
-----------
``0``
    Success (warnings, if any, are printed as ``elosim: warning: ...`` lines on stderr).
``1``
    A problem with the data or the files: missing or unreadable file, malformed CSV,
    unknown outcome labels, an item not in the data, a disconnected comparison graph, a
    likelihood without a finite maximum (with its remedy), or an unexpected internal error
    (rerun with ``--debug`` for the traceback).
``2``
    A usage problem: unknown command or option, a malformed or out-of-range option value
    (e.g. ``--anchor`` without ``=``), conflicting options.
``130``
    Interrupted (Ctrl-C).

Every failure prints exactly one line ``elosim: error: ...`` on stderr and never a
traceback, unless ``--debug`` is given.
"""

from __future__ import annotations

from .entry import build_parser, main
from .options import EXIT_DATA, EXIT_OK, EXIT_USAGE, RATING_COLUMNS, CLIError

__all__ = [
    "EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "RATING_COLUMNS", "CLIError", "build_parser", "main",
]
