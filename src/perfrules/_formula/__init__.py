"""
The formula language: functions, the checker and compiler, and tier-table lookups.
"""

from .formula import LIMITS, CompiledFormula, FormulaError, compile_formula, formula_source
from .functions import BOOL, BUILTINS, LIST, NUM, Function, Type
from .tables import Lookup, NoTier, Piece, analyse, compile_table

__all__ = [
    "BOOL",
    "BUILTINS",
    "LIMITS",
    "LIST",
    "NUM",
    "CompiledFormula",
    "FormulaError",
    "Function",
    "Lookup",
    "NoTier",
    "Piece",
    "Type",
    "analyse",
    "compile_formula",
    "compile_table",
    "formula_source",
]
