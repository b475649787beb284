"""``python -m elosim``: the same as the ``elosim`` command."""

from __future__ import annotations

import sys

from .present.cli import main

if __name__ == "__main__":
    sys.exit(main())
