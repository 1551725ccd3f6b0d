"""
History lines in a catalogue's language: which earlier period each history value of a result came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .._compile import Plan
from .._evaluate import HistoryNote
from .._evaluate import history_lines as _lines
from .._model import Period
from .catalogues import Catalogue, catalogue

__all__ = ["history_lines", "history_words"]


def history_words(words: Catalogue) -> dict[str, str]:
    """
    Return a catalogue's ``history`` sentences with how its language names functions and truth.
    """
    named = {k: v for k, v in words.explaining().items() if k.startswith("function.") or k in ("true", "false")}
    return {**words.words("history"), **named}


def history_lines(
    plan: Plan,
    period: Period,
    note: HistoryNote,
    values: Mapping[str, Any],
    lang: str | os.PathLike[str] | Catalogue = "en",
) -> list[str]:
    """
    Return lines naming, for each history call of one result, the earlier period(s) its value came from.

    ``values`` are the result's named values (:attr:`Result.values`); ``note`` is :attr:`Results.history`;
    ``lang`` is anything :func:`catalogue` takes (``en``, ``zh``, a catalogue file or object).
    """
    return _lines(plan, period, note, values, history_words(catalogue(lang)))
