"""
A dependency-free progress bar on standard error, shown only for large inputs on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress"]

_MIN_ROWS = 5_000
_WIDTH = 30


@contextmanager
def progress(total: int, *, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """
    Yield a ``tick(done)`` callback drawing a bar, or ``None`` when no bar is wanted.
    """
    if not enabled or total < _MIN_ROWS:
        yield None
        return

    def tick(done: int) -> None:
        filled = _WIDTH * done // total
        bar = "#" * filled + "-" * (_WIDTH - filled)
        sys.stderr.write(f"\rscoring [{bar}] {done:,}/{total:,}")
        sys.stderr.flush()

    try:
        yield tick
    finally:
        sys.stderr.write("\n")
