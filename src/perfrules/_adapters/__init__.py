"""
Adapters at the edges: files in, files out, and the results ledger.
"""

from .appeals import answer_appeal, appeal, appeals_of, deadline
from .approvals import approvals_of, approve, score_held
from .arrowfiles import ARROW_SUFFIXES
from .columnar import score_csv_columnar
from .files import Table, read_population, read_table
from .join import Joined, join_tables
from .ledger import Change, Ledger, Publication
from .output import STDOUT, Pending, check_writable, prepare, write_atomic
from .partitions import population_values_dask, result_columns, score_dask
from .restate import restate
from .rollup import roll_up
from .statement import statement_html
from .streamed import score_csv_streamed
from .trueup import TRUEUP, with_trueup
from .write import csv_safe, prepare_results, render_results, result_rows, write_results

__all__ = [
    "ARROW_SUFFIXES",
    "STDOUT",
    "TRUEUP",
    "Change",
    "Joined",
    "Ledger",
    "Pending",
    "Publication",
    "Table",
    "answer_appeal",
    "appeal",
    "appeals_of",
    "approvals_of",
    "approve",
    "check_writable",
    "csv_safe",
    "deadline",
    "join_tables",
    "population_values_dask",
    "prepare",
    "prepare_results",
    "read_population",
    "read_table",
    "render_results",
    "restate",
    "result_columns",
    "result_rows",
    "roll_up",
    "score_csv_columnar",
    "score_csv_streamed",
    "score_dask",
    "score_held",
    "statement_html",
    "with_trueup",
    "write_atomic",
    "write_results",
]
