"""
Assurance: what a scheme can pay, proven from its declared inputs, and promises checked against it.
"""

from .checks import Check
from .interval import ANY, ListRange, Range
from .lint import bound_warnings
from .proven import REPORTED, Bounds, Limit, bounds
from .report import render_html
from .search import Counterexample
from .sweeps import Sweep, sweep
from .verdict import CheckOutcome, check_scheme, read_checks
from .versions import Delta, WhatIf, recorded, whatif

__all__ = [
    "ANY",
    "REPORTED",
    "Bounds",
    "Check",
    "CheckOutcome",
    "Counterexample",
    "Delta",
    "Limit",
    "ListRange",
    "Range",
    "Sweep",
    "WhatIf",
    "bound_warnings",
    "bounds",
    "check_scheme",
    "read_checks",
    "recorded",
    "render_html",
    "sweep",
    "whatif",
]
