"""
The validate phase: semantic checks and lint, without evaluating anything.
"""

from .analyse import Analysis, step_of
from .api import Report, analyse_scheme, check_file, validate
from .lint import lint

__all__ = ["Analysis", "Report", "analyse_scheme", "check_file", "lint", "step_of", "validate"]
