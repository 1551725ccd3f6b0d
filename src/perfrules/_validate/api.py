"""
The validate phase's entry points: check a scheme, or a scheme file, and report.
"""

from __future__ import annotations

import os
from pathlib import Path as FsPath

import attrs

from .._errors import Issue, SchemeError
from .._load import SchemeSource, SourceMap, read_scheme
from .._model import Scheme
from .analyse import analyse_scheme
from .lint import lint

__all__ = ["Report", "check_file", "validate"]


@attrs.frozen
class Report:
    """
    Every finding about a scheme: errors first, then warnings, each with its place.
    """

    issues: tuple[Issue, ...]
    source: str | None = None

    @property
    def errors(self) -> tuple[Issue, ...]:
        """
        The findings that stop the scheme from being compiled.
        """
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """
        The findings that are legal but probably wrong.
        """
        return tuple(i for i in self.issues if i.severity == "warning")

    @property
    def ok(self) -> bool:
        """
        Whether the scheme has no errors (warnings allowed).
        """
        return not self.errors

    def render(self) -> str:
        """
        Return the findings as text, one per line (with hints), and a summary line.
        """
        lines = [i.render() for i in self.issues]
        name = self.source or "scheme"
        lines.append(f"{name}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """
        Return the report as JSON-ready data.
        """
        return {"source": self.source, "ok": self.ok, "issues": [i.to_dict() for i in self.issues]}


def _sort_key(issue: Issue) -> tuple[int, int, int]:
    return (0 if issue.severity == "error" else 1, issue.line or 0, issue.column or 0)


def validate(scheme: Scheme, source_map: SourceMap | None = None) -> Report:
    """
    Check ``scheme`` without evaluating anything and return every finding.

    With the ``source_map`` of the file it was loaded from, each finding names
    its line and column.
    """
    analysis = analyse_scheme(scheme)
    issues = [*analysis.issues, *lint(analysis)]
    return _report(issues, source_map)


def _report(issues: list[Issue], source_map: SourceMap | None) -> Report:
    placed = [_place(i, source_map) for i in issues]
    return Report(tuple(sorted(placed, key=_sort_key)), source_map.source if source_map else None)


def _place(issue: Issue, source_map: SourceMap | None) -> Issue:
    if source_map is None or issue.line is not None:
        return issue
    return source_map.place(issue, issue.offset)


def check_file(path: str | os.PathLike[str]) -> Report:
    """
    Load and validate a scheme file, reporting every problem of both phases at once.
    """
    try:
        loaded: SchemeSource = read_scheme(FsPath(path), partial=True)
    except SchemeError as exc:
        return Report(tuple(sorted(exc.issues, key=_sort_key)), str(path))
    issues = list(loaded.issues)
    if loaded.scheme is not None:
        analysis = analyse_scheme(loaded.scheme)
        issues += [*analysis.issues, *lint(analysis)]
    return _report(issues, loaded.source_map)
