"""
"Did you mean ...?" suggestions for misspelt names and keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "nearest"]


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """
    Return the candidate closest to ``word``, or ``None`` when none is close.
    """
    pool = sorted(set(candidates))
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return lowered[word.lower()]
    # A prefix such as 'sales_q' of 'sales_qtr' is the most common typo HR
    # makes in a formula, and difflib alone can rank it below another name.
    prefixed = [c for c in pool if c.startswith(word) or word.startswith(c)]
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if match:
        return match[0]
    return prefixed[0] if len(prefixed) == 1 and len(word) >= 3 else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """
    Return ``" (did you mean 'x'?)"`` for the nearest candidate, or ``""``.
    """
    best = nearest(word, candidates)
    return f" (did you mean {best!r}?)" if best else ""
