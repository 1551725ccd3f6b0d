"""
The formula language: functions, the checker and compiler, and tier-table lookups.
"""

from .formula import LIMITS, CompiledFormula, FormulaError, check_formula, compile_formula
from .functions import BOOL, BUILTINS, LIST, NUM, Function, Type
from .groups import GROUP_FUNCTIONS, POPULATIONS, RELATION_SCOPES, GroupFunction, aggregate, group_name, groups_for
from .history import (
    HIRE_SPAN,
    HISTORY_FUNCTIONS,
    MAX_HISTORY,
    TOTALS,
    WINDOWS,
    history_call_text,
    history_name,
    total_of,
)
from .names import QUALIFIERS, Scope, metric_key
from .tables import Lookup, NoTier, Piece, analyse, compile_table, orient

__all__ = [
    "BOOL",
    "BUILTINS",
    "GROUP_FUNCTIONS",
    "HIRE_SPAN",
    "HISTORY_FUNCTIONS",
    "LIMITS",
    "LIST",
    "MAX_HISTORY",
    "NUM",
    "POPULATIONS",
    "QUALIFIERS",
    "RELATION_SCOPES",
    "TOTALS",
    "WINDOWS",
    "CompiledFormula",
    "FormulaError",
    "Function",
    "GroupFunction",
    "Lookup",
    "NoTier",
    "Piece",
    "Scope",
    "Type",
    "aggregate",
    "analyse",
    "check_formula",
    "compile_formula",
    "compile_table",
    "group_name",
    "groups_for",
    "history_call_text",
    "history_name",
    "metric_key",
    "orient",
    "total_of",
]
