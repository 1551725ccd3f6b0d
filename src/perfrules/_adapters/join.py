"""
Several population files joined by employee id: the population and the month's metrics.

Joining refuses what it would otherwise have to guess: a column (other than
the id) in two files, an id in one file and not another, an id twice in one
file.  Problems found later in a joined row are traced back to the file and
row the cell came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from .._errors import InputError, Issue
from .files import Table

__all__ = ["Joined", "join_tables"]

_SHOWN = 10


@attrs.frozen(eq=False)
class Joined:
    """
    Rows joined from several tables, and where each cell came from.
    """

    rows: list[dict[str, Any]]
    tables: tuple[Table, ...]
    homes: dict[str, int]
    """Column name → index of the table it comes from."""
    numbers: list[tuple[int, ...]]
    """For each joined row, its row number in each table (2 for the first data row)."""

    @property
    def source(self) -> str:
        """
        The files joined, for messages: ``pop.csv + metrics.csv``.
        """
        return " + ".join(t.source for t in self.tables)

    def relocate(self, error: InputError) -> InputError:
        """
        Return ``error`` with each row problem pointing at the file, line and column its cell came from.
        """
        issues = []
        for issue in error.issues:
            path = issue.path
            if path and isinstance(path[0], str) and path[0].startswith("row ") and path[0][4:].isdigit():
                k = int(path[0][4:]) - 2
                t = self.homes.get(str(path[1]), 0) if len(path) > 1 else 0
                if 0 <= k < len(self.numbers):
                    row = self.numbers[k][t]
                    moved = attrs.evolve(issue, path=(f"row {row}", *path[1:]))
                    issues.append(self.tables[t].locate(moved, row))
                    continue
            issues.append(issue)
        return InputError(issues, str(error).split("\n", 1)[0])


def _ids(table: Table, id_column: str, issues: list[Issue], first: bool) -> dict[str, int]:
    out: dict[str, int] = {}
    if id_column not in table.columns:
        issues.append(
            Issue(
                "missing-id-column",
                f"there is no id column {id_column!r} in {table.source}",
                (id_column,),
                source=table.source,
                line=1,
                hint="every file joined needs the id column; name it with --id-column NAME",
            )
        )
        return out
    for n, row in enumerate(table.rows, start=2):
        emp = str(row.get(id_column) or "").strip()
        if not emp and not first:
            # The first file's rows without an id are reported when scored; another file's would be lost.
            issues.append(
                Issue(
                    "missing-id",
                    f"row {n} has no {id_column!r}",
                    (f"row {n}",),
                    source=table.source,
                    line=table.lines[n - 2] if table.lines else None,
                    hint="every row of every file needs the employee's id",
                )
            )
        elif emp in out:
            issues.append(
                Issue(
                    "duplicate-employee",
                    f"employee {emp!r} appears in rows {out[emp]} and {n}",
                    (f"row {n}",),
                    source=table.source,
                    line=table.lines[n - 2] if table.lines else None,
                    hint="keep one row per employee in each file",
                )
            )
        elif emp:
            out[emp] = n
    return out


def join_tables(tables: Sequence[Table], id_column: str = "employee_id") -> Joined:
    """
    Join tables by ``id_column``, in the first table's row order; raise :class:`InputError` on any mismatch.
    """
    issues: list[Issue] = []
    homes: dict[str, int] = {}
    for t, table in enumerate(tables):
        for column in table.columns:
            if column == id_column:
                continue
            if column in homes:
                first = tables[homes[column]].source
                issues.append(
                    Issue(
                        "duplicate-column",
                        f"column {column!r} is in both {first} and {table.source}",
                        source=table.source,
                        line=1,
                        hint="keep each column in one file, or rename one of them",
                    )
                )
            else:
                homes[column] = t
    ids = [_ids(table, id_column, issues, t == 0) for t, table in enumerate(tables)]
    everyone = set().union(*ids) if ids else set()
    for table, have in zip(tables, ids, strict=True):
        if id_column not in table.columns:
            continue
        missing = sorted(everyone - set(have))
        if missing:
            shown = ", ".join(missing[:_SHOWN]) + (
                f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
            )
            issues.append(
                Issue(
                    "unmatched-employee",
                    f"{len(missing)} employee(s) of the other files are not in {table.source}: {shown}",
                    source=table.source,
                    hint="every file must have one row for each employee",
                )
            )
    if issues:
        raise InputError(issues, f"{len(issues)} problem(s) joining {len(tables)} files; nothing was scored")
    rows, numbers = [], []
    for n, row in enumerate(tables[0].rows, start=2):
        emp = str(row.get(id_column) or "").strip()
        joined = dict(row)
        nums = [n]
        for t in range(1, len(tables)):
            at = ids[t].get(emp)
            if at is not None:  # rows without an id are the first table's (reported when scored)
                joined.update(tables[t].rows[at - 2])
                joined[id_column] = row.get(id_column)
            nums.append(at if at is not None else n)
        rows.append(joined)
        numbers.append(tuple(nums))
    return Joined(rows, tuple(tables), homes, numbers)
