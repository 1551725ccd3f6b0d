"""
Writing results: CSV, JSON or an Excel workbook, atomically.

Writing goes to a temporary file in the target's folder that replaces the
target in one rename, so a reader never sees half a file and a failure leaves
the old file as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._compile import Plan
from .._evaluate import Result, Results
from .._explain import explain
from .xlsx import xlsx_bytes

__all__ = ["result_rows", "write_atomic", "write_results"]


def _flat(result: Result) -> dict[str, str]:
    row = {
        "employee_id": result.employee,
        "period": result.period or "",
        "score": str(result.score),
        "grade": result.grade or "",
    }
    for group in (result.indicators, result.sections, result.penalties, result.bonuses, result.payouts):
        row.update({k: str(v) for k, v in group.items()})
    # What other people's shared costs charge this person (P7), beside their own amounts.
    row.update({f"{k}.charged": str(v) for k, v in result.charges.items()})
    row["flags"] = ";".join(f.name for f in result.flags)
    return row


def result_rows(results: Results) -> Iterator[dict[str, str]]:
    """
    Yield one flat row of text per employee: id, period, score, grade, every amount, flags.
    """
    for r in results:
        yield _flat(r)


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """
    Write ``text`` (or bytes) to ``path`` so that the file is either wholly old or wholly new.
    """
    target = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def write_results(results: Results, path: str | os.PathLike[str], *, plan: Plan | None = None) -> None:
    """
    Write results to ``path`` as CSV, JSON or an Excel workbook (by suffix), atomically.

    With ``plan``, JSON output also carries each employee's indicator points
    and bands, the caps and floors that bit, and the full explanation records.
    """
    p = Path(path)
    if p.suffix.lower() == ".json":
        data = results.to_dict()
        if plan is not None:
            for entry, result in zip(data["results"], results, strict=True):
                entry.update(_detail(plan, result))
        write_atomic(p, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    rows = list(result_rows(results))
    fields = list(rows[0]) if rows else ["employee_id"]
    if p.suffix.lower() == ".xlsx":
        write_atomic(p, xlsx_bytes(str(p), fields, rows))
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(p, buf.getvalue())
