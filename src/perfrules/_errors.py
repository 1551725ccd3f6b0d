"""
The perfrules error tree, one branch per phase.

::

    PerfrulesError
     ├── SchemeError        load and validate: the scheme file is wrong
     ├── CompileError       a scheme that validated could not become a plan
     ├── InputError         load of a population: a row or cell is wrong (ValueError)
     ├── EvaluationError    evaluate: arithmetic failed for one employee (ArithmeticError)
     ├── LedgerError        storage: the results ledger refused or could not be used
     ├── OutputError        an output file cannot be written (missing folder, no permission)
     └── CatalogueError     a language's message catalogue is unknown, unreadable or incomplete

Every error that stems from user input carries :class:`Issue` objects: a stable
``code`` (for JSON output and documentation), a message, a path into the
document, the line and column where the loader knows them, and a hint that says
how to fix it.  All issues of a phase are collected and raised together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

__all__ = [
    "CatalogueError",
    "CompileError",
    "EvaluationError",
    "InputError",
    "Issue",
    "LedgerError",
    "OutputError",
    "PerfrulesError",
    "SchemeError",
    "Severity",
    "format_path",
]

Severity = Literal["error", "warning"]

PathPart = str | int


def format_path(path: Sequence[PathPart]) -> str:
    """
    Render a document path the way users read it: ``tiers[2].when``.
    """
    if path and isinstance(path[0], str) and path[0].startswith("row "):
        # An input cell: ("row 7", "sales") reads "row 7, column sales".
        rest = format_path(path[1:]) if len(path) > 1 else ""
        return f"{path[0]}, column {rest}" if rest else path[0]
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "<document>"


@attrs.frozen
class Issue:
    """
    One problem found in user input, with where it is and how to fix it.
    """

    code: str
    message: str
    path: tuple[PathPart, ...] = ()
    severity: Severity = "error"
    hint: str | None = None
    line: int | None = None
    column: int | None = None
    source: str | None = None
    offset: int | None = None
    """The column inside a formula, for problems found in one."""

    def location(self) -> str:
        """
        Return the place as compilers print it, ``file:line:column``, leaving out unknown parts.
        """
        parts: list[str] = []
        if self.source is not None:
            parts.append(self.source)
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def where(self) -> str:
        """
        Return the place as ``file:line:column at path``, leaving out unknown parts.
        """
        at = f"at {format_path(self.path)}" if self.path else ""
        return " ".join(p for p in (self.location(), at) if p)

    def render(self) -> str:
        """
        Return ``file:line:column: severity [code] message (at path)``, then any hint on its own line.

        The place comes first, as compilers print it, so editors and terminals can jump to it.
        """
        first, *rest = self.message.split("\n")
        loc = self.location()
        head = f"{loc}: " if loc else ""
        head += f"{self.severity} [{self.code}] {first}"
        if self.path:
            head += f" (at {format_path(self.path)})"
        if rest:
            head += "\n" + "\n".join(rest)
        if self.hint:
            head += f"\n    hint: {self.hint}"
        return head

    def to_dict(self) -> dict[str, object]:
        """
        Return the issue as plain JSON-ready data.
        """
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": format_path(self.path) if self.path else None,
            "line": self.line,
            "column": self.column,
            "source": self.source,
            "hint": self.hint,
            "formula_column": self.offset,
        }


class PerfrulesError(Exception):
    """
    Base of every error perfrules raises on purpose.
    """

    code = "perfrules-error"


class _IssuesError(PerfrulesError):
    """
    An error that carries every issue found, not just the first.
    """

    def __init__(self, issues: Iterable[Issue], summary: str | None = None) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        head = summary or f"{len(errors)} error(s)"
        body = "\n".join(i.render() for i in self.issues)
        super().__init__(f"{head}\n{body}" if body else head)


class SchemeError(_IssuesError):
    """
    The scheme document is malformed or inconsistent (load and validate phase).
    """

    code = "scheme-error"


class CompileError(_IssuesError):
    """
    A validated scheme could not be turned into a plan.
    """

    code = "compile-error"


class InputError(_IssuesError, ValueError):
    """
    Population data (rows and cells) is malformed; every bad cell is reported.
    """

    code = "input-error"


class EvaluationError(PerfrulesError, ArithmeticError):
    """
    Arithmetic failed while scoring one employee (division by zero, overflow).

    Carries the employee, the step and formula that failed, and the values the
    formula read, so the fix can be found without a debugger.
    """

    code = "evaluation-error"

    def __init__(
        self,
        message: str,
        *,
        employee: str | None = None,
        step: str | None = None,
        formula: str | None = None,
        values: dict[str, object] | None = None,
    ) -> None:
        self.employee = employee
        self.step = step
        self.formula = formula
        self.values = dict(values or {})
        parts = [message]
        if employee is not None:
            parts.append(f"employee {employee!r}")
        if step is not None:
            parts.append(f"in {step!r}")
        if formula is not None:
            parts.append(f"formula {formula!r}")
        if self.values:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(self.values.items()))
            parts.append(f"with {shown}")
        super().__init__("; ".join(parts))


class LedgerError(_IssuesError):
    """
    The results ledger refused a write (a published period) or could not be used (locked, corrupt).
    """

    code = "ledger-error"


class OutputError(_IssuesError, OSError):
    """
    An output file cannot be written: its folder is missing, or it or its folder is not writable.
    """

    code = "output-error"


class CatalogueError(_IssuesError, ValueError):
    """
    A language's message catalogue is unknown, cannot be read, or lacks messages explanations use.
    """

    code = "catalogue-error"
