"""
The compile phase: a validated scheme into an immutable plan of steps.
"""

from .numbers import CONTEXT, quantizer
from .plan import InputSpec, Plan, Step, compile_scheme, scheme_digest

__all__ = ["CONTEXT", "InputSpec", "Plan", "Step", "compile_scheme", "quantizer", "scheme_digest"]
