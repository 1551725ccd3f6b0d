"""
The compile phase: a validated scheme into an immutable plan with one generated function.
"""

from .codegen import FILENAME, Stage
from .convert import CellError
from .numbers import CONTEXT, quantizer
from .plan import InputSpec, Plan, compile_scheme, scheme_digest

__all__ = [
    "CONTEXT",
    "FILENAME",
    "CellError",
    "InputSpec",
    "Plan",
    "Stage",
    "compile_scheme",
    "quantizer",
    "scheme_digest",
]
