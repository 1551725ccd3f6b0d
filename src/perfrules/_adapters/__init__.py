"""
Adapters at the edges: files in, files out, and the results ledger.
"""

from .files import read_population, result_rows, write_atomic, write_results
from .ledger import Change, Ledger, Publication
from .restate import restate
from .rollup import roll_up

__all__ = [
    "Change",
    "Ledger",
    "Publication",
    "read_population",
    "restate",
    "result_rows",
    "roll_up",
    "write_atomic",
    "write_results",
]
