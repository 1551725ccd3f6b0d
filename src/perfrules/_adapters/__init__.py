"""
Adapters at the edges: files in, files out, and the results ledger.
"""

from .columnar import score_csv_columnar
from .files import read_population, result_rows, write_atomic, write_results
from .ledger import Change, Ledger, Publication
from .rollup import roll_up

__all__ = [
    "Change",
    "Ledger",
    "Publication",
    "read_population",
    "result_rows",
    "roll_up",
    "score_csv_columnar",
    "write_atomic",
    "write_results",
]
