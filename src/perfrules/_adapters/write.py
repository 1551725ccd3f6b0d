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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .._compile import Plan
from .._evaluate import Layout, Result, Results, flat_columns
from .._explain import explain
from .._kinds import points_name
from .arrowfiles import ARROW_SUFFIXES, arrow_bytes
from .output import Pending, prepare
from .xlsx import TEXT_COLUMNS, xlsx_bytes

__all__ = ["csv_safe", "json_line", "prepare_results", "render_results", "result_rows", "write_results"]

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


_POINTS: weakref.WeakKeyDictionary[Layout, tuple[tuple[str, int], ...]] = weakref.WeakKeyDictionary()


def _points_at(layout: Layout) -> tuple[tuple[str, int], ...]:
    found = _POINTS.get(layout)
    if found is None:
        at = {name: i for i, name in enumerate(layout.outputs)}
        names = [points_name(name) for name, _ in layout.groups["indicators"]]
        found = _POINTS[layout] = tuple((n, at[n]) for n in names if n in at)
    return found


def _flat(result: Result) -> dict[str, str]:
    row = {
        "employee_id": result.employee,
        "period": result.period or "",
        "score": str(result.score),
        "grade": result.grade or "",
    }
    row.update({k: str(v) for k, v in result.indicators.items()})
    # A weighted indicator's column holds its contribution; ``name.points`` the points it weighs.
    row.update({k: str(result.row[i]) for k, i in _points_at(result.layout)})
    for group in (result.sections, result.penalties, result.bonuses, result.payouts):
        row.update({k: str(v) for k, v in group.items()})
    # What other people's shared costs charge this person (P7), beside their own amounts.
    row.update({f"{k}.charged": str(v) for k, v in result.charges.items()})
    # Why each discretionary bonus (B7) was given, beside its amount: empty when there is none.
    reasons = result.reasons
    row.update({f"{name}.reason": reasons.get(name, "") for name, _ in result.layout.reasons})
    row["flags"] = ";".join(f.name for f in result.flags)
    return row


def _csv_with_reasons(everyone: Sequence[Result], progress: Callable[[int], None] | None) -> bytes:
    # Reasons (B7) are the row's own text, not in the output tuple: these rows are built from each result.
    fields = list(_flat(everyone[0]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    text = [k for k in fields if k in TEXT_COLUMNS or k.endswith(".reason")]
    for start in range(0, len(everyone), _CHUNK):
        chunk = everyone[start : start + _CHUNK]
        writer.writerows(row | {k: csv_safe(row[k]) for k in text} for row in map(_flat, chunk))
        if progress is not None:
            progress(start + len(chunk))
    return buf.getvalue().encode("utf-8")


def result_rows(results: Results) -> Iterator[dict[str, str]]:
    """
    Yield one flat row of text per employee: id, period, score, grade, every amount, flags.
    """
    for r in results:
        yield _flat(r)


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
    if everyone and everyone[0].layout.reasons:
        return _csv_with_reasons(everyone, progress)
    columns = flat_columns(everyone[0].layout) if everyone else None
    fields = list(columns.fields) if columns is not None else ["employee_id"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(fields)
    text = [k for k, name in enumerate(fields) if name in TEXT_COLUMNS]
    for start in range(0, len(everyone), _CHUNK):
        chunk = everyone[start : start + _CHUNK]
        assert columns is not None
        # Grade and flags are the result's own (forced distribution may have moved the grade).
        cells = [columns.cells(r.employee, r.period, r.row, r.grade, [f.name for f in r.flags]) for r in chunk]
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
