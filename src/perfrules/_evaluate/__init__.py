"""
The evaluate phase: a plan and a population's rows into results.
"""

from .batch import score_frame
from .columnar import columnar_issues, require_columnar
from .engine import evaluate, scheme_period, score
from .flat import FlatColumns, flag_names, flat_columns
from .history import HistoryNote, HistorySource, RecordedHistory, history_lines, history_values
from .holds import Holding, over_of
from .inputs import Row, Unordered, as_records, read_rows
from .parts import Hold
from .population import Results
from .results import FlagHit, Layout, Result, SharedCost, build_result, layout_of
from .stream import stream_problem, stream_scores

__all__ = [
    "FlagHit",
    "FlatColumns",
    "HistoryNote",
    "HistorySource",
    "Hold",
    "Holding",
    "Layout",
    "RecordedHistory",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "Unordered",
    "as_records",
    "build_result",
    "columnar_issues",
    "evaluate",
    "flag_names",
    "flat_columns",
    "history_lines",
    "history_values",
    "layout_of",
    "over_of",
    "read_rows",
    "require_columnar",
    "scheme_period",
    "score",
    "score_frame",
    "stream_problem",
    "stream_scores",
]
