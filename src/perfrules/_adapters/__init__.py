"""
Adapters at the edges: files in, files out, and the results ledger.
"""

from .files import Table, read_population, read_table
from .join import Joined, join_tables
from .ledger import Change, Ledger, Publication
from .rollup import roll_up
from .write import result_rows, write_atomic, write_results

__all__ = [
    "Change",
    "Joined",
    "Ledger",
    "Publication",
    "Table",
    "join_tables",
    "read_population",
    "read_table",
    "result_rows",
    "roll_up",
    "write_atomic",
    "write_results",
]
