"""
File adapters at the edge: read population CSV/JSON, write results atomically.

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
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._compile import Plan
from .._errors import InputError, Issue
from .._evaluate import Result, Results
from .._explain import explain

__all__ = ["read_population", "result_rows", "write_atomic", "write_results"]


def read_population(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """
    Read a population file (``.csv`` with a header line, or ``.json`` list of objects).

    Raises :class:`InputError` for a missing, empty or malformed file.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Issue("file-not-found", f"no such file: {p}", source=str(p))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            [Issue("file-unreadable", f"cannot read {p}: {exc}", source=str(p), hint="population files are UTF-8 text")]
        ) from None
    if not text.strip():
        raise InputError(
            [
                Issue(
                    "empty-input",
                    "the file is empty",
                    source=str(p),
                    hint="start with a header line: employee_id,<metric>,...",
                )
            ]
        )
    if p.suffix.lower() == ".json":
        return _json_rows(text, str(p))
    try:
        return _csv_rows(text, str(p))
    except csv.Error as exc:  # a field over csv's size limit, a NUL byte...
        raise InputError([Issue("syntax", f"not valid CSV: {exc}", source=str(p))]) from None


def _csv_rows(text: str, source: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(
            [
                Issue(
                    "duplicate-column",
                    f"column(s) {', '.join(dupes)} appear twice in the header",
                    source=source,
                    line=1,
                )
            ]
        )
    rows = []
    for row in reader:
        if None in row:
            raise InputError(
                [
                    Issue(
                        "extra-cells",
                        f"line {reader.line_num} has more cells than the header",
                        source=source,
                        line=reader.line_num,
                    )
                ]
            )
        rows.append({k: v for k, v in row.items() if k is not None})
    return rows


def _int(text: str) -> int | str:
    return int(text) if len(text) <= 40 else text


def _json_rows(text: str, source: str) -> list[dict[str, Any]]:

    try:
        # A long integer stays text: int() of over 4,300 digits raises, and the
        # cell's converter refuses it by the number budget anyway.
        data = json.loads(text, parse_float=Decimal, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Issue("syntax", f"not valid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno)]
        ) from None
    except (RecursionError, ValueError) as exc:  # nesting too deep for the parser
        raise InputError([Issue("syntax", f"not valid JSON: {str(exc)[:200]}", source=source)]) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError([Issue("wrong-type", "a JSON population must be a list of objects", source=source)])
    return data


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


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """
    Write ``text`` to ``path`` so that the file is either wholly old or wholly new.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
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
    Write results to ``path`` as CSV or JSON (by suffix), atomically.

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
    buf = io.StringIO()
    fields = list(rows[0]) if rows else ["employee_id"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(p, buf.getvalue())
