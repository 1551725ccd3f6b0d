"""
Writing results: CSV, JSON or an Excel workbook, through the safe writer in ``output``.

CSV text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) get a leading ``'``, as OWASP
recommends; numbers (``-5.00``) are left alone, and JSON is never escaped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .._compile import Plan
from .._evaluate import FlatColumns, Layout, Result, Results, flat_columns
from .._explain import explain
from .arrowfiles import ARROW_SUFFIXES, arrow_bytes
from .output import Pending, prepare
from .xlsx import TEXT_COLUMNS, xlsx_bytes

__all__ = ["csv_safe", "flat_fields", "json_line", "prepare_results", "render_results", "result_rows", "write_results"]

_CHUNK = 10_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)


def csv_safe(text: str) -> str:
    """
    Return ``text`` with a leading ``'`` if a spreadsheet would run it as a formula; numbers stay as they are.
    """
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


_COLUMNS: weakref.WeakKeyDictionary[Layout, FlatColumns] = weakref.WeakKeyDictionary()


def _columns(layout: Layout) -> FlatColumns:
    found = _COLUMNS.get(layout)
    if found is None:
        found = _COLUMNS[layout] = flat_columns(layout)
    return found


def flat_fields(layout: Layout) -> list[str]:
    """
    Return the columns of a flat result row: id, period, score, grade, every amount, charges, reasons, flags.
    """
    fields = _columns(layout).fields
    # Why each discretionary bonus (B7) was given, beside the amounts: the row's own text, not an output.
    return [*fields[:-1], *(f"{name}.reason" for name, _ in layout.reasons), fields[-1]]


def _cells(result: Result) -> list[str]:
    # Grade and flags are the result's own (forced distribution may have moved the grade).
    cells = _columns(result.layout).cells(
        result.employee, result.period, result.row, result.grade, [f.name for f in result.flags]
    )
    if result.layout.reasons:
        reasons = result.reasons
        cells[-1:-1] = [reasons.get(name, "") for name, _ in result.layout.reasons]
    return cells


def result_rows(results: Results) -> Iterator[dict[str, str]]:
    """
    Yield one flat row of text per employee: id, period, score, grade, every amount, flags.
    """
    for r in results:
        yield dict(zip(flat_fields(r.layout), _cells(r), strict=True))


def _detail(plan: Plan, result: Result) -> dict[str, Any]:
    # What the result alone does not carry: each indicator's points and band,
    # every cap or floor that bit, and the full trace records.
    lines = explain(plan, result).lines
    points = {
        ln.name: {"points": str(ln.facts["points"]), "band": ln.facts.get("band")}
        for ln in lines
        if ln.kind == "indicator"
    }
    limits = [
        {
            "step": ln.step,
            "by": ln.facts["limited_by"],
            "limit": str(ln.facts["limit"]),
            "before": str(ln.facts["before_limit"]),
        }
        for ln in lines
        if "limited_by" in ln.facts
    ]
    return {"indicator_points": points, "limits": limits, "explanation": [ln.to_dict() for ln in lines]}


def json_line(head: dict[str, Any], result: Result, plan: Plan | None = None) -> str:
    """
    Return one line of JSON Lines output: ``head`` (scheme and digest), the result, and with ``plan`` its detail.
    """
    entry = {**head, **result.to_dict()}
    if plan is not None:
        entry.update(_detail(plan, result))
    return json.dumps(entry, ensure_ascii=False) + "\n"


def render_results(
    results: Results,
    path: str | os.PathLike[str],
    *,
    plan: Plan | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """
    Return the bytes of results written as ``path``'s suffix says: JSON, JSON Lines, workbook, Parquet, Arrow, CSV.

    JSON Lines (``.jsonl``) has one line per employee: the scheme, its digest
    and the result as in JSON output's ``results``.

    With ``plan``, JSON output also carries each employee's indicator points
    and bands, the caps and floors that bit, and the full explanation records.
    ``progress(done)`` is called every 10,000 rows of CSV.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        head = {"scheme": results.scheme, "scheme_digest": results.digest}
        return "".join(json_line(head, r, plan) for r in results).encode("utf-8")
    if suffix == ".json":
        data = results.to_dict()
        if plan is not None:
            for entry, result in zip(data["results"], results, strict=True):
                entry.update(_detail(plan, result))
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if suffix == ".xlsx" or suffix in ARROW_SUFFIXES:
        rows = list(result_rows(results))
        write = xlsx_bytes if suffix == ".xlsx" else arrow_bytes
        return write(os.fspath(path), list(rows[0]) if rows else ["employee_id"], rows)
    everyone = results.results
    fields = flat_fields(everyone[0].layout) if everyone else ["employee_id"]
    reasons = {f for f in fields if f.endswith(".reason")}
    text = [k for k, name in enumerate(fields) if name in TEXT_COLUMNS or name in reasons]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(fields)
    for start in range(0, len(everyone), _CHUNK):
        chunk = everyone[start : start + _CHUNK]
        cells = [_cells(r) for r in chunk]
        for row in cells:
            for k in text:
                row[k] = csv_safe(row[k])
        writer.writerows(cells)
        if progress is not None:
            progress(start + len(chunk))
    return buf.getvalue().encode("utf-8")


def prepare_results(
    results: Results,
    path: str | os.PathLike[str],
    *,
    plan: Plan | None = None,
    progress: Callable[[int], None] | None = None,
) -> Pending:
    """
    Render results and write them to a temporary file beside ``path``, ready to commit.
    """
    return prepare(path, render_results(results, path, plan=plan, progress=progress))


def write_results(results: Results, path: str | os.PathLike[str], *, plan: Plan | None = None) -> None:
    """
    Write results to ``path`` (``-`` for standard output) as CSV, JSON or a workbook (by suffix), atomically.
    """
    prepare_results(results, path, plan=plan).commit()
