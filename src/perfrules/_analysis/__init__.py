"""
Assurance: what a scheme can pay, proven from its declared inputs, and promises checked against it.
"""

from .bounds import REPORTED, Bounds, Limit, bounds
from .interval import ANY, ListRange, Range
from .lint import bound_warnings

__all__ = ["ANY", "REPORTED", "Bounds", "Limit", "ListRange", "Range", "bound_warnings", "bounds"]
