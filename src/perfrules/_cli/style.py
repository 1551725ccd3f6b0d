"""
How the command line prints problems: place first, as compilers do, in colour on a terminal.

Colour follows https://no-color.org: none when ``NO_COLOR`` is set (to anything
but empty), when the stream is not a terminal (piped, redirected) or ``TERM``
is ``dumb``; ``FORCE_COLOR`` turns it on anyway.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import TextIO

from .._errors import EvaluationError, Issue, PerfrulesError
from .._evaluate import ROW_ENGINE

__all__ = ["error_data", "paint", "print_error", "use_colour"]

_RESET, _BOLD, _RED, _YELLOW, _CYAN, _DIM = "\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[2m"
_HEAD = re.compile(r"^(?P<loc>[^\s].*?: )?(?P<sev>error|warning) (?P<code>\[[a-z-]+\])", re.MULTILINE)
_HINT = re.compile(r"^(?P<pad>\s+)hint:(?P<text>.*)$", re.MULTILINE)


def use_colour(stream: TextIO) -> bool:
    """
    Whether to colour what goes to ``stream``.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _head(m: re.Match[str]) -> str:
    colour = _RED if m["sev"] == "error" else _YELLOW
    loc = f"{_BOLD}{m['loc']}{_RESET}" if m["loc"] else ""
    return f"{loc}{colour}{_BOLD}{m['sev']}{_RESET} {_DIM}{m['code']}{_RESET}"


def paint(text: str, on: bool) -> str:
    """
    Colour the severities, places and hints of rendered problems when ``on``.
    """
    if not on:
        return text
    text = _HEAD.sub(_head, text)
    return _HINT.sub(lambda m: f"{m['pad']}{_CYAN}hint:{_RESET}{m['text']}", text)


def error_data(exc: PerfrulesError) -> dict[str, object]:
    """
    Return an error as JSON-ready data: its code, summary, and every issue (or the failing employee).
    """
    data: dict[str, object] = {"ok": False, "error": exc.code, "message": _said(exc).split("\n", 1)[0]}
    issues = getattr(exc, "issues", None)
    if issues is not None:
        data["issues"] = [i.to_dict() for i in issues]
    if isinstance(exc, EvaluationError):
        data.update(employee=exc.employee, step=exc.step, formula=exc.formula)
        data["values"] = {k: str(v) for k, v in exc.values.items()}
    return data


def print_error(exc: PerfrulesError, *, as_json: bool) -> None:
    """
    Print an error: as JSON on standard output with ``--json``, else as text on standard error.
    """
    if as_json:
        print(json.dumps(error_data(exc), ensure_ascii=False, indent=2))
        return
    text = _said(exc)
    issues: tuple[Issue, ...] = getattr(exc, "issues", ())
    if len(issues) == 1 and text.startswith(issues[0].message + "\n"):
        text = text[len(issues[0].message) + 1 :]  # the one issue's line says it all: not the same words twice
    print(paint(text, use_colour(sys.stderr)), file=sys.stderr)


def _said(exc: PerfrulesError) -> str:
    # The engine's errors say how to score with the row engine in Python; here it is an option.
    text = str(exc)
    return text.replace(ROW_ENGINE, "--engine row") if exc.code == "columnar-limit" else text
