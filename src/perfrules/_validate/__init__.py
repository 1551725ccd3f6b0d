"""
The validate phase: semantic checks and lint, without evaluating anything.
"""

from .analyse import Analysis, analyse_scheme, step_of
from .api import Report, check_file, validate
from .constraints import Constraint, read_constraints
from .lint import lint

__all__ = [
    "Analysis",
    "Constraint",
    "Report",
    "analyse_scheme",
    "check_file",
    "lint",
    "read_constraints",
    "step_of",
    "validate",
]
