"""
The evaluate phase: a plan and a population's rows into results.
"""

from .engine import evaluate, score
from .history import HistoryNote, HistorySource, RecordedHistory, history_lines, history_values
from .inputs import Row, read_rows
from .results import FlagHit, Layout, Result, Results, SharedCost, layout_of

__all__ = [
    "FlagHit",
    "HistoryNote",
    "HistorySource",
    "Layout",
    "RecordedHistory",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "evaluate",
    "history_lines",
    "history_values",
    "layout_of",
    "read_rows",
    "score",
]
