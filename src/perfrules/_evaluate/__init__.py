"""
The evaluate phase: a plan and a population's rows into results.
"""

from .engine import evaluate, evaluate_row, score
from .inputs import Row, read_rows
from .results import FlagHit, Result, Results, SharedCost

__all__ = ["FlagHit", "Result", "Results", "Row", "SharedCost", "evaluate", "evaluate_row", "read_rows", "score"]
