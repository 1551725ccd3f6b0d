"""
The evaluate phase: a plan and a population's rows into results.
"""

from .batch import score_frame
from .columnar import columnar_issues, require_columnar
from .engine import evaluate, scheme_period, score
from .history import HistoryNote, HistorySource, RecordedHistory, history_lines, history_values
from .inputs import Row, as_records, read_rows
from .parts import Hold
from .population import Results
from .results import FlagHit, Layout, Result, SharedCost, layout_of

__all__ = [
    "FlagHit",
    "HistoryNote",
    "HistorySource",
    "Hold",
    "Layout",
    "RecordedHistory",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "as_records",
    "columnar_issues",
    "evaluate",
    "history_lines",
    "history_values",
    "layout_of",
    "read_rows",
    "require_columnar",
    "scheme_period",
    "score",
    "score_frame",
]
