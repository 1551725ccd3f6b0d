"""
A dependency-free progress line on standard error, for terminals only.

A background thread redraws one line every 0.1 s from the first quarter
second on, so something moves while a large file is read, checked, scored
(stage by stage) and written, even inside a step that reports nothing:

    checking data.csv  [########--------------]  80,000/200,000  1.2 s  ETA 1.8 s

Phases that know their size show a bar and an estimate of the time left;
the others show what is being done and for how long.  Small inputs finish
before the first drawing and show nothing.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Progress", "progress"]

_WIDTH = 24
_DELAY = 0.25
_EVERY = 0.1
_SPIN = "|/-\\"


class Progress:
    """
    What is being done, how far it is, and a line drawn from it.

    Call it with the count done (``progress(done)``), as :func:`perfrules.score` does,
    and :meth:`phase` when a new step begins.
    """

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.name, self.done, self.total = "starting", 0, 0
        self.began = self.since = self.clock()
        self.frame = 0

    def phase(self, name: str, total: int = 0) -> None:
        """
        Begin a step: ``name`` is shown, ``total`` (0 if unknown) sizes its bar.
        """
        self.name, self.done, self.total, self.since = name, 0, total, self.clock()

    def __call__(self, done: int) -> None:
        self.done = done

    def count(self, done: int, total: int) -> None:
        """
        Record ``done`` of ``total`` (for steps that learn their size as they go).
        """
        self.done, self.total = done, total

    def line(self) -> str:
        """
        Return the progress line as it would be drawn now.
        """
        now = self.clock()
        elapsed = now - self.since
        self.frame += 1
        if self.total and self.done:
            part = min(self.done / self.total, 1.0)
            filled = int(_WIDTH * part)
            bar = "#" * filled + "-" * (_WIDTH - filled)
            left = elapsed * (1 - part) / part
            return (
                f"{self.name}  [{bar}]  {self.done:,}/{self.total:,}  {elapsed:.1f} s  ETA {left:.1f} s"
                f"  (total {now - self.began:.1f} s)"
            )
        size = f"  {self.total:,} rows" if self.total else ""
        spin = _SPIN[self.frame % len(_SPIN)]
        return f"{self.name} {spin}{size}  {elapsed:.1f} s  (total {now - self.began:.1f} s)"

    def draw(self) -> None:
        """
        Redraw the line in place.
        """
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        """
        Remove the line.
        """
        self.stream.write("\r\x1b[K")
        self.stream.flush()


@contextmanager
def progress(*, enabled: bool, stream: TextIO | None = None) -> Iterator[Progress | None]:
    """
    Yield a :class:`Progress` whose line a background thread draws, or ``None`` when not wanted.
    """
    if not enabled:
        yield None
        return
    out = stream or sys.stderr
    bar = Progress(out)
    stop = threading.Event()
    drawn = threading.Event()

    def drawer() -> None:
        if stop.wait(_DELAY):
            return
        while not stop.is_set():
            bar.draw()
            drawn.set()
            stop.wait(_EVERY)

    thread = threading.Thread(target=drawer, name="perfrules-progress", daemon=True)
    thread.start()
    try:
        yield bar
    finally:
        stop.set()
        thread.join()
        if drawn.is_set():
            bar.clear()
