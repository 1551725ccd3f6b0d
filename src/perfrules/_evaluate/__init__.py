"""
The evaluate phase: a plan and a population's rows into results.
"""

from .batch import score_frame
from .columnar import columnar_issues, require_columnar
from .engine import evaluate, scheme_period, score
from .flat import FlatColumns, flag_names, flat_columns
from .history import HistoryNote, HistorySource, RecordedHistory, history_lines, history_values
from .inputs import Row, Unordered, read_rows
from .results import FlagHit, Layout, Result, Results, SharedCost, build_result, layout_of
from .stream import stream_problem, stream_scores

__all__ = [
    "FlagHit",
    "FlatColumns",
    "HistoryNote",
    "HistorySource",
    "Layout",
    "RecordedHistory",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "Unordered",
    "build_result",
    "columnar_issues",
    "evaluate",
    "flag_names",
    "flat_columns",
    "history_lines",
    "history_values",
    "layout_of",
    "read_rows",
    "require_columnar",
    "scheme_period",
    "score",
    "score_frame",
    "stream_problem",
    "stream_scores",
]
