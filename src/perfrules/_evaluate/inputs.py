"""
Reading a population's rows into checked input tuples.

All problems of all rows are collected and raised together as one
:class:`~perfrules.InputError`, before anything is evaluated, so a bad file
never produces half a result.  A row whose cells are all fine takes a fast
path; a row with any problem is read again cell by cell to name each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from .._cells import as_records, is_empty_cell
from .._compile import CellError, Plan
from .._errors import InputError, Issue
from .._limits import LIMITS, has_surrogate
from .._plugins import current_format
from .._suggest import did_you_mean
from .._validate import Constraint

__all__ = ["Row", "RowChecker", "Unordered", "as_records", "read_rows"]


class Row(NamedTuple):
    """
    One employee's checked inputs: id, row number, values in the plan's input order, kept text cells (by name).
    """

    employee: str
    number: int
    values: tuple[Any, ...]
    text: Mapping[str, str]


def _nan(value: object) -> bool:
    # Asked with isnan()/is_nan(), never value != value: comparing a signalling
    # Decimal NaN raises InvalidOperation (found twice by the fuzz). pd.NA and pd.NaT are
    # a DataFrame's empty cells too (str() would make 'NaT' or '<NA>' of them).
    return is_empty_cell(value) or (isinstance(value, Decimal) and value.is_nan())


def _text(value: object) -> str | None:
    # str() of an integer of over 4,300 digits raises ValueError: such a cell is no text.
    if value is None:
        return None
    try:
        return str(value)
    except ValueError:
        return None


def _texts(
    row: Mapping[str, Any], keys: Iterable[str], n: int, r: _Reader, source: str | None, limit: int
) -> dict[str, str]:
    # The text cells a row keeps (team, reasons, relations): each checked for size and for text UTF-8
    # can hold. A NaN is a DataFrame's empty cell. Plain short ASCII text, the usual case, is
    # taken at once: every cell there and text, all of it ASCII and no longer than a cell may be.
    try:
        cells = r.grab(row)
        joined = "".join(cells)
    except (KeyError, TypeError):
        pass
    else:
        if joined.isascii() and len(joined) <= limit:
            return dict(zip(r.reasons, cells, strict=True))
    text: dict[str, str] = {}
    for k in keys:
        raw = row.get(k)
        if raw is None:
            continue
        if raw.__class__ is str:
            cell = raw
        elif _nan(raw):  # a DataFrame's empty cell (a signalling NaN is asked, never compared)
            continue
        else:
            cell = _text(raw) or ""
        if len(cell) > limit or (not cell and raw != "") or (not cell.isascii() and has_surrogate(cell)):
            r.issues.append(
                Issue(
                    "cell-too-long",
                    f"a text cell must be at most {limit} characters of UTF-8 text",
                    (f"row {n}", k),
                    source=source,
                )
            )
        text[k] = cell
    return text


class _Reader:
    def __init__(self, plan: Plan, id_column: str, source: str | None) -> None:
        self.specs = [(s.metric.name, s.convert, s.metric.type) for s in plan.inputs]
        self.names = [name for name, _, _ in self.specs]
        kept = {b.reason for b in plan.scheme.bonuses if b.reason}
        if plan.team_column is not None:
            kept.add(plan.team_column)
        pop = plan.scheme.population
        if pop is not None:
            kept |= {c for c in (pop.hire_date, pop.leave_date, pop.role, *pop.relations().values()) if c is not None}
        self.reasons = tuple(sorted(kept))
        # The kept cells of a row, as a tuple (itemgetter of one key gives the cell itself).
        self.grab: Callable[[Mapping[str, Any]], tuple[Any, ...]] = lambda row: ()
        if len(self.reasons) > 1:
            self.grab = itemgetter(*self.reasons)
        elif self.reasons:
            only = self.reasons[0]
            self.grab = lambda row: (row[only],)
        self.team = plan.team_column
        self.id_column, self.source = id_column, source
        self.issues: list[Issue] = []
        self.missing: set[str] = set()
        self.no_id_column = False

    def header(self, row: Mapping[str, Any], n: int) -> None:
        # A missing id column is one problem of the header, not one per row.
        if self.id_column in row:
            return
        columns = [str(k) for k in row]
        found = did_you_mean(self.id_column, columns)
        self.no_id_column = True
        self.issues.append(
            Issue(
                "missing-id-column",
                f"there is no id column {self.id_column!r} (first at row {n}){found}",
                (self.id_column,),
                source=self.source,
                hint=f"the columns are {', '.join(columns[:12])}{' ...' if len(columns) > 12 else ''}; "
                "name the id column with --id-column NAME (id_column= in Python)",
            )
        )

    def slow(self, row: Mapping[str, Any], n: int) -> tuple[Any, ...]:
        values = []
        for name, convert, kind in self.specs:
            if name not in row:
                try:
                    values.append(convert(None))
                except CellError:
                    values.append(None)
                    if name not in self.missing:
                        self.missing.add(name)
                        found = did_you_mean(name, [str(k) for k in row])
                        self.issues.append(
                            Issue(
                                "missing-column",
                                f"column {name!r} is missing (first at row {n}){found}",
                                (name,),
                                source=self.source,
                                hint=f"the scheme reads {', '.join(self.names)}",
                            )
                        )
                continue
            try:
                values.append(convert(row[name]))
            except CellError as exc:
                values.append(None)
                hint = (
                    "fill the cell, or give the metric a default"
                    if exc.code == "missing-value"
                    else (f"{name} is of type {kind!r}")
                )
                self.issues.append(Issue(exc.code, str(exc), (f"row {n}", name), source=self.source, hint=hint))
        return tuple(values)

    def employee(self, row: Mapping[str, Any], n: int) -> str:
        raw = row.get(self.id_column)
        if self.no_id_column and self.id_column not in row:
            return f"<row {n}>"  # reported once, as the header's problem
        emp = None if _nan(raw) else _text(raw)  # NaN is a DataFrame's empty cell
        if emp is None or not emp.strip() or has_surrogate(emp):
            self.issues.append(
                Issue(
                    "missing-id",
                    f"row {n} has no usable {self.id_column!r} (empty, or not storable as UTF-8)",
                    (f"row {n}",),
                    source=self.source,
                    hint=f"every row needs the employee's id in column {self.id_column!r}",
                )
            )
            return f"<row {n}>"
        return emp.strip()


class RowChecker:
    """
    Check and convert rows fed in chunks, collecting every problem; :func:`read_rows` feeds all rows at once.

    With ``ordered`` the ids must come in ascending order (a streamed file):
    a duplicate is then the previous id, so no set of every id is kept, and an
    id below the previous one raises :class:`Unordered` (the caller reads the
    whole population instead).
    """

    def __init__(
        self, plan: Plan, *, id_column: str, source: str | None, first_row: int = 2, ordered: bool = False
    ) -> None:
        self.r = _Reader(plan, id_column, source)
        self.plan, self.id_column, self.source, self.first_row = plan, id_column, source, first_row
        self.n = first_row  # the number of the next row
        self.count = 0  # rows kept so far
        self.ordered = ordered
        self.seen: dict[str, int] = {}
        self.last: tuple[str, int] | None = None  # the previous id and the row it first came in (ordered)
        self.stopped = False  # more rows than the limit: the rest is not read

    @property
    def issues(self) -> list[Issue]:
        """Every problem found so far."""
        return self.r.issues

    def feed(  # noqa: PLR0915 - one flat loop over every row, kept in one function for speed
        self, rows: Iterable[Mapping[str, Any]], progress: Callable[[int], None] | None = None
    ) -> list[Row]:
        """
        Return the checked rows of ``rows`` (rows with problems too: their problems are in :attr:`issues`).
        """
        r, plan, source, id_column = self.r, self.plan, self.source, self.id_column
        read, reasons = plan.read, r.reasons
        # The generated reader's fast path knows only the default number grammar;
        # a declared format (decimal comma, thousands separator) reads every cell through its converter.
        fast = current_format().is_default
        empty: dict[str, str] = {}
        out: list[Row] = []
        seen, ordered, first_row = self.seen, self.ordered, self.first_row
        make = tuple.__new__  # a Row built directly: NamedTuple's own __new__ costs twice as much
        last = first_row + LIMITS.rows  # looked up once: this loop runs once per employee
        cell_limit = LIMITS.cell_chars
        positions = {s.metric.name: k for k, s in enumerate(plan.inputs)}
        kept = [(c, positions) for c in plan.constraints]
        n = self.n - 1
        if self.stopped:
            return out
        for n, row in enumerate(rows, start=self.n):
            if row.__class__ is not dict and not isinstance(row, Mapping):
                r.issues.append(
                    Issue(
                        "bad-row",
                        f"row {n} is {type(row).__name__}, not a mapping of column names to cells",
                        (f"row {n}",),
                        source=source,
                        hint="give each row as a dict such as {'employee_id': 'E1', 'sales': '120'}",
                    )
                )
                continue
            if n >= last:
                r.issues.append(
                    Issue(
                        "too-many", f"more than {LIMITS.rows} rows", source=source, hint="score the population in parts"
                    )
                )
                self.stopped = True
                break
            if n == first_row:
                r.header(row, n)
            emp = row.get(id_column)
            placeholder = False
            if emp.__class__ is not str or not emp or emp[0].isspace() or emp[-1].isspace() or not emp.isascii():
                before = len(r.issues)
                emp = r.employee(row, n)  # anything but a clean text id: check and report
                placeholder = len(r.issues) > before
            if fast:
                try:
                    values = read(row)
                except (KeyError, CellError):
                    values = r.slow(row, n)
            else:
                values = r.slow(row, n)
            if ordered:
                if not placeholder:
                    self._order(emp, n)
            elif emp in seen:
                self._duplicate(emp, seen[emp], n)
            else:
                seen[emp] = n
            if kept:
                _keeps(kept, values, n, emp, r)
            text = _texts(row, reasons, n, r, source, cell_limit) if reasons else empty
            if r.team is not None and not text.get(r.team, "").strip():
                r.issues.append(
                    Issue(
                        "missing-team",
                        f"row {n} has no team in column {r.team!r}",
                        (f"row {n}", r.team),
                        source=source,
                        hint="every employee needs a team when the scheme has teams",
                    )
                )
            out.append(make(Row, (emp, n, values, text)))
            if progress is not None and (self.count + len(out)) % 10_000 == 0:
                progress(self.count + len(out))
        self.n = n + 1
        self.count += len(out)
        return out

    def _duplicate(self, emp: str, first: int, n: int) -> None:
        self.r.issues.append(
            Issue(
                "duplicate-employee",
                f"employee {emp!r} appears in rows {first} and {n}",
                (f"row {n}",),
                source=self.source,
                hint="keep one row per employee and period",
            )
        )

    def _order(self, emp: str, n: int) -> None:
        last = self.last
        if last is None or emp > last[0]:
            self.last = (emp, n)
        elif emp == last[0]:
            self._duplicate(emp, last[1], n)
        else:
            raise Unordered(n)

    def finish(self) -> None:
        """
        Raise :class:`InputError` with every problem found, or for an input without rows.
        """
        r = self.r
        if not self.count and not r.issues:
            r.issues.append(
                Issue(
                    "empty-input",
                    "the input has no rows",
                    source=self.source,
                    hint="give one row per employee under a header line",
                )
            )
        if r.issues:
            raise InputError(
                r.issues, f"{len(r.issues)} problem(s) in {self.source or 'the input'}; nothing was scored"
            )


class Unordered(Exception):
    """
    Raised by an ordered :class:`RowChecker` when an id comes below the one before it (at row ``args[0]``).
    """


def read_rows(
    plan: Plan,
    rows: Iterable[Mapping[str, Any]],
    *,
    id_column: str = "employee_id",
    source: str | None = None,
    first_row: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[Row]:
    """
    Check and convert every row; raise :class:`InputError` with every bad cell.

    ``first_row`` is the number shown for the first data row (2 for a CSV file
    whose line 1 is the header).  Columns named as a bonus's ``reason`` are kept
    as text.  ``progress(done)`` is called every 10,000 rows.
    """
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Iterable):
        raise InputError(
            [Issue("bad-row", f"rows must be a list of mappings, got {type(rows).__name__}", source=source)]
        )
    checker = RowChecker(plan, id_column=id_column, source=source, first_row=first_row)
    out = checker.feed(rows, progress)
    checker.finish()
    return out


def _keeps(
    kept: list[tuple[Constraint, dict[str, int]]], values: tuple[Any, ...], n: int, emp: str, r: _Reader
) -> None:
    # A declared constraint between inputs (days worked <= days scheduled): a row breaking it is refused,
    # since the scheme's rules and its proven bounds assume it.
    for c, positions in kept:

        def value(name: str, at: dict[str, int] = positions) -> object:
            return values[at[name]]

        found = c.broken(value)
        if found is None:
            continue
        left, op, right, column = found
        r.issues.append(
            Issue(
                "constraint-broken",
                f"row {n} (employee {emp}) breaks the scheme's constraint {c.text!r}: {left} is not {op} {right}",
                (f"row {n}", column),
                source=r.source,
                hint="correct the row; if such a row is right, the scheme's constraints: must change",
            )
        )
