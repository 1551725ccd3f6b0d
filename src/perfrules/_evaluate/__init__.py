"""
The evaluate phase: a plan and a population's rows into results.
"""

from .batch import not_plain, read_frame, score_frame
from .collect import collect_part
from .collimit import ROW_ENGINE
from .colpeople import people_columns
from .columnar import columnar_issues, require_columnar
from .engine import evaluate, scheme_period, score
from .flat import FlatColumns, flag_names, flat_columns
from .history import HistoryNote, HistorySource, RecordedHistory, history_lines, history_values
from .holdcopy import held_plan, hold_input, holding_scheme
from .holds import Holding, over_of
from .inputs import Row, Unordered, as_records, read_rows
from .keptrows import mappings_maker
from .parts import Hold
from .population import Results
from .results import FlagHit, Layout, Result, SharedCost, build_result, layout_of
from .shipped import Shipped, portable
from .split import Aggregate, PopulationValues, require_split, score_part, split_issues
from .splitholds import PartHolds, first_stage_holds, part_holds
from .stream import stream_problem, stream_scores
from .sweeping import amounts, shares_reading

__all__ = [
    "ROW_ENGINE",
    "Aggregate",
    "FlagHit",
    "FlatColumns",
    "HistoryNote",
    "HistorySource",
    "Hold",
    "Holding",
    "Layout",
    "PartHolds",
    "PopulationValues",
    "RecordedHistory",
    "Result",
    "Results",
    "Row",
    "SharedCost",
    "Shipped",
    "Unordered",
    "amounts",
    "as_records",
    "build_result",
    "collect_part",
    "columnar_issues",
    "evaluate",
    "first_stage_holds",
    "flag_names",
    "flat_columns",
    "held_plan",
    "history_lines",
    "history_values",
    "hold_input",
    "holding_scheme",
    "layout_of",
    "mappings_maker",
    "not_plain",
    "over_of",
    "part_holds",
    "people_columns",
    "portable",
    "read_frame",
    "read_rows",
    "require_columnar",
    "require_split",
    "scheme_period",
    "score",
    "score_frame",
    "score_part",
    "shares_reading",
    "split_issues",
    "stream_problem",
    "stream_scores",
]
