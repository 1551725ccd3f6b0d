"""
Excel workbooks in and out (the optional ``xlsx`` extra).

Reading uses python-calamine (a Rust reader, about eight times faster than
openpyxl on 100,000 rows: docs/explanation/dependencies.md); writing uses
openpyxl.  Cells become the same text a CSV file gives: numbers by their
shortest exact text (Excel keeps 15 significant digits), dates as
``2026-04-10``, so one number and date grammar applies to every format.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._errors import InputError, Issue

__all__ = ["TEXT_COLUMNS", "read_xlsx", "xlsx_bytes"]

_EXTRA = "install the xlsx extra: pip install 'perfrules[xlsx]' (or save the sheet as CSV UTF-8)"
#: Result columns that hold text; every other result column holds a number.
TEXT_COLUMNS = frozenset({"employee_id", "period", "grade", "flags"})


def _missing(source: str, package: str) -> InputError:
    return InputError([Issue("missing-extra", f"reading or writing .xlsx needs {package}", source=source, hint=_EXTRA)])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel stores doubles; repr is the shortest text that reads back as the same double.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, source: str) -> tuple[list[str], list[list[str]]]:
    """
    Return the header and the data rows of the first sheet of workbook ``path``, as text.
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise _missing(source, "python-calamine") from None
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputError(
            [Issue("file-unreadable", f"cannot read {source} as a workbook: {exc}", source=source, hint=_EXTRA)]
        ) from None
    rows = [[_text(v) for v in row] for row in sheet]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return [], []
    header = rows[0]
    while header and not header[-1]:
        header.pop()
    return header, rows[1:]


def xlsx_bytes(source: str, fields: Sequence[str], rows: Sequence[dict[str, str]]) -> bytes:
    """
    Return a workbook of result rows: numbers as numbers, text as text (never as a formula).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:
        raise _missing(source, "openpyxl") from None
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("results")

    def cell(field: str, text: str) -> Any:
        if field not in TEXT_COLUMNS and not field.endswith(".reason") and text:
            # A workbook holds doubles (15 significant digits); the places are kept as the cell's format.
            c = WriteOnlyCell(ws, value=float(Decimal(text)))
            places = len(text.partition(".")[2])
            if 0 < places <= 6:
                c.number_format = "0." + "0" * places
            return c
        c = WriteOnlyCell(ws, value=text)
        c.data_type = "s"  # openpyxl would take text starting with "=" as a formula
        return c

    ws.append([cell("employee_id", f) for f in fields])
    for row in rows:
        ws.append([cell(f, row.get(f, "")) for f in fields])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
