"""
The assurance commands: ``bounds``, ``check``, and the warnings from the bounds that ``validate`` adds.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._analysis import bound_warnings, bounds
from .._compile import compile_scheme
from .._load import read_scheme
from .._validate import Report

__all__ = ["add_commands", "run_bounds", "with_bound_warnings"]


def add_commands(sub: Any) -> None:
    """
    Add the assurance subcommands to the command line's subparsers.
    """
    b = sub.add_parser("bounds", help="print the proven range of every value a scheme computes")
    b.add_argument("scheme")
    b.add_argument("--json", action="store_true", help="print the ranges as JSON")


def run_bounds(args: argparse.Namespace) -> int:
    """
    ``perfrules bounds SCHEME``: the table of proven ranges (or JSON); 1 when the scheme has errors.
    """
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    proven = bounds(compile_scheme(loaded.scheme))
    print(json.dumps(proven.to_dict(), ensure_ascii=False, indent=2) if args.json else proven.render())
    return 0


def with_bound_warnings(report: Report, path: str) -> Report:
    """
    Return ``report`` with the warnings the bounds give, placed in the file, when the scheme has no errors.
    """
    if not report.ok:
        return report
    loaded = read_scheme(path)
    assert loaded.scheme is not None
    found = [loaded.source_map.place(i) for i in bound_warnings(bounds(compile_scheme(loaded.scheme)))]
    return Report((*report.issues, *found), report.source)
