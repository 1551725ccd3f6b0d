"""
Adapters at the edges: files in, files out, and the results ledger.
"""

from .columnar import score_csv_columnar
from .files import Table, read_population, read_table
from .join import Joined, join_tables
from .ledger import Change, Ledger, Publication
from .output import STDOUT, Pending, check_writable, prepare, write_atomic
from .restate import restate
from .rollup import roll_up
from .statement import statement_html
from .streamed import score_csv_streamed
from .write import csv_safe, prepare_results, render_results, result_rows, write_results

__all__ = [
    "STDOUT",
    "Change",
    "Joined",
    "Ledger",
    "Pending",
    "Publication",
    "Table",
    "check_writable",
    "csv_safe",
    "join_tables",
    "prepare",
    "prepare_results",
    "read_population",
    "read_table",
    "render_results",
    "restate",
    "result_rows",
    "roll_up",
    "score_csv_columnar",
    "score_csv_streamed",
    "statement_html",
    "write_atomic",
    "write_results",
]
