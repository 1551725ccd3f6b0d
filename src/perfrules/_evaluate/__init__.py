"""
The evaluate phase: a plan and a population's rows into results.
"""

from .columnar import columnar_issues, require_columnar
from .engine import evaluate, score, score_frame
from .history import HistorySource, history_values
from .inputs import Row, read_rows
from .results import FlagHit, Layout, Result, Results, SharedCost, layout_of

__all__ = [
    "FlagHit",
    "HistorySource",
    "Layout",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "columnar_issues",
    "evaluate",
    "history_values",
    "layout_of",
    "read_rows",
    "require_columnar",
    "score",
    "score_frame",
]
