"""
The evaluate phase: a plan and a population's rows into results.
"""

from .engine import evaluate, evaluate_row, score
from .inputs import Row, read_rows
from .results import FlagHit, Layout, Result, Results, SharedCost, layout_of

__all__ = [
    "FlagHit",
    "Layout",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "evaluate",
    "evaluate_row",
    "layout_of",
    "read_rows",
    "score",
]
