"""Progress bars that show in a terminal and in Jupyter.

:func:`progress_bar` is what elosim's long computations use (``bootstrap(progress=True)``):

* with tqdm installed (``pip install "elosim[progress]"``) it is ``tqdm.auto.tqdm``, a
  widget in Jupyter and a text bar in a terminal;
* without tqdm it is :class:`ProgressBar`, a tiny dependency-free text bar, drawn on
  standard error in a terminal and in a Jupyter notebook (whose output areas honour the
  carriage return that redraws the line).

Anywhere else (logs, pipes, CI output, captured test output) nothing is drawn, so no
control characters leak. Both are thread-safe (workers may call ``update`` concurrently).

Usage inside elosim::

    with progress_bar(n_resamples, desc="bootstrap", enabled=progress) as bar:
        for chunk in chunks:
            ...  # compute the chunk
            bar.update(len(chunk))

``enabled=False`` makes every call a no-op, so the code path is the same with and without
a bar.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from types import TracebackType
from typing import Any, TextIO

__all__ = ["ProgressBar", "in_notebook", "progress_bar"]


def _clock(seconds: float) -> str:
    s = max(0, int(seconds + 0.5))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class ProgressBar:
    """A text progress bar, ``desc  45% |#####      | 450/1000 [00:03<00:04]``.

    Parameters
    ----------
    total : int
        Number of steps (e.g. bootstrap replicates); ``0`` or less draws nothing.
    desc : str
        Label shown before the bar.
    enabled : bool or None
        ``None`` (default): draw only when ``stream`` is a terminal. ``False``: never draw.
        ``True``: draw when ``stream`` is a terminal (a bar is never written to a file or
        pipe, where it would be noise).
    stream : text stream, optional
        Where to draw (default: ``sys.stderr`` at the time of each call).
    width : int
        Number of cells of the bar itself.
    min_interval : float
        Minimum seconds between redraws (the final state is always drawn).
    interactive : bool, optional
        Whether ``stream`` shows a redrawn line (default: whether it is a terminal; a
        Jupyter output area is interactive although it is not a terminal).

    Examples
    --------
    >>> from elosim._core.progress import ProgressBar
    >>> import io
    >>> buf = io.StringIO()  # not a terminal: nothing is drawn
    >>> with ProgressBar(3, desc="work", stream=buf) as bar:
    ...     bar.update()
    ...     bar.update(2)
    >>> bar.n, buf.getvalue()
    (3, '')
    """

    def __init__(
        self,
        total: int,
        *,
        desc: str = "",
        enabled: bool | None = None,
        stream: TextIO | None = None,
        width: int = 30,
        min_interval: float = 0.1,
        interactive: bool | None = None,
    ) -> None:
        self.total = int(total)
        self.desc = desc
        self.n = 0
        self.width = max(1, int(width))
        self.min_interval = float(min_interval)
        self._stream = stream
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._last = -float("inf")
        self._drawn = False
        self._closed = False
        shows = _is_terminal(self.stream) if interactive is None else bool(interactive)
        self.enabled = (enabled is not False) and self.total > 0 and shows

    @property
    def stream(self) -> TextIO:
        """The stream the bar draws on."""
        return self._stream if self._stream is not None else sys.stderr

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps and redraw (at most every ``min_interval`` seconds)."""
        with self._lock:
            self.n += int(n)
            if not self.enabled or self._closed:
                return
            now = time.monotonic()
            if self.n < self.total and now - self._last < self.min_interval:
                return
            self._last = now
            self._draw(now)

    def close(self) -> None:
        """Finish the bar: draw the final state and end the line (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.enabled and self._drawn:
                self._draw(time.monotonic())
                self.stream.write("\n")
                self.stream.flush()

    def render(self, now: float | None = None) -> str:
        """The bar's text for the current state (without the carriage return)."""
        now = time.monotonic() if now is None else now
        total = max(self.total, 1)
        frac = min(max(self.n / total, 0.0), 1.0)
        filled = int(frac * self.width)
        bar = "#" * filled + " " * (self.width - filled)
        elapsed = now - self._start
        eta = elapsed * (1 - frac) / frac if frac > 0 else 0.0
        label = f"{self.desc} " if self.desc else ""
        return (
            f"{label}{100 * frac:3.0f}% |{bar}| {self.n}/{self.total} "
            f"[{_clock(elapsed)}<{_clock(eta)}]"
        )

    def _draw(self, now: float) -> None:
        try:
            self.stream.write("\r" + self.render(now))
            self.stream.flush()
        except (OSError, ValueError):  # closed or broken stream: stop drawing
            self.enabled = False
            return
        self._drawn = True

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def in_notebook() -> bool:
    """Whether the code runs in a Jupyter kernel (IPython's ``ZMQInteractiveShell``).

    Looks only at modules already imported: never imports IPython.
    """
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    shell = get() if callable(get) else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _Tqdm:
    """:func:`tqdm.auto.tqdm` behind the :class:`ProgressBar` interface (thread-safe)."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar
        self._lock = threading.Lock()
        self.total = int(bar.total)
        self.enabled = True

    @property
    def n(self) -> int:
        return int(self._bar.n)

    def update(self, n: int = 1) -> None:
        with self._lock:
            self._bar.update(int(n))

    def close(self) -> None:
        with self._lock:
            self._bar.close()

    def __enter__(self) -> _Tqdm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _tqdm_auto() -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. TqdmExperimentalWarning, no ipywidgets
            from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def progress_bar(
    total: int, *, desc: str = "", enabled: bool | None = None
) -> ProgressBar | _Tqdm:
    """A progress bar for ``total`` steps that shows in a terminal and in Jupyter.

    Parameters
    ----------
    total : int
        Number of steps.
    desc : str
        Label shown before the bar.
    enabled : bool or None
        ``False``: never draw. ``None`` or ``True``: draw where someone can see it (a
        terminal or a Jupyter notebook), never into a log, pipe or captured output.

    Returns
    -------
    ProgressBar or a tqdm wrapper
        Both have ``update(n)``, ``close()`` and work as context managers.

    Examples
    --------
    >>> from elosim._core.progress import progress_bar
    >>> with progress_bar(3, desc="work") as bar:  # not a terminal here: draws nothing
    ...     bar.update(3)
    >>> bar.n
    3
    """
    notebook = in_notebook()
    visible = notebook or _is_terminal(sys.stderr)
    if enabled is False or int(total) <= 0 or not visible:
        return ProgressBar(total, desc=desc, enabled=False)
    tqdm = _tqdm_auto()
    if tqdm is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _Tqdm(tqdm(total=int(total), desc=desc or None, disable=False, leave=True))
    return ProgressBar(total, desc=desc, interactive=True)
