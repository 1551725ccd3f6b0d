"""
Adapters at the edges: files in, files out.
"""

from .files import read_population, result_rows, write_atomic, write_results

__all__ = ["read_population", "result_rows", "write_atomic", "write_results"]
