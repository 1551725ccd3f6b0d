"""
The validate phase: semantic checks and lint, without evaluating anything.
"""

from .analyse import Analysis, analyse_scheme, step_of
from .api import Report, check_file, validate
from .lint import lint

__all__ = ["Analysis", "Report", "analyse_scheme", "check_file", "lint", "step_of", "validate"]
