"""Root pytest configuration: figures render off screen (the Agg backend), for the tests and
for the docstring examples of ``elosim.plot``, which are written to be pasted into a session."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
