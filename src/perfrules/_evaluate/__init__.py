"""
The evaluate phase: a plan and a population's rows into results.
"""

from .batch import score_frame
from .collect import collect_part
from .columnar import columnar_issues, require_columnar
from .engine import evaluate, scheme_period, score
from .history import HistoryNote, HistorySource, RecordedHistory, history_lines, history_values
from .inputs import Row, as_records, read_rows
from .parts import Hold
from .population import Results
from .results import FlagHit, Layout, Result, SharedCost, layout_of
from .shipped import Shipped, portable
from .split import Aggregate, PopulationValues, require_split, score_part, split_issues
from .sweeping import amounts, shares_reading

__all__ = [
    "Aggregate",
    "FlagHit",
    "HistoryNote",
    "HistorySource",
    "Hold",
    "Layout",
    "PopulationValues",
    "RecordedHistory",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "Shipped",
    "amounts",
    "as_records",
    "collect_part",
    "columnar_issues",
    "evaluate",
    "history_lines",
    "history_values",
    "layout_of",
    "portable",
    "read_rows",
    "require_columnar",
    "require_split",
    "scheme_period",
    "score",
    "score_frame",
    "score_part",
    "shares_reading",
    "split_issues",
]
