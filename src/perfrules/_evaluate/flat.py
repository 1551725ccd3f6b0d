"""
One result as one flat row of text: the columns of a CSV, workbook or JSON Lines output.

The columns are worked out once per plan (:func:`flat_columns`); each row is
then one list of strings built from the plan's output tuple, with no mapping
per group and no :class:`~perfrules.Result` needed.  :func:`flag_names` gives
the flags :func:`~perfrules._evaluate.results.build_result` raises, by name.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter
from typing import Any

import attrs

from .._kinds import points_name
from .._model import plain_text
from .results import Layout

__all__ = ["FlatColumns", "flag_names", "flat_columns"]

_KNOWN = 1024  # sets of flags whose text is kept per maker


@attrs.frozen(eq=False)
class FlatColumns:
    """
    The header of flat result rows and where each amount column reads the output tuple.
    """

    fields: tuple[str, ...]
    sources: tuple[int | str, ...]
    """Each column's output position, or ``id``, ``period``, ``score``, ``grade`` or ``flags``."""
    layout: Layout

    values: tuple[int, ...] | None
    """Output positions of the amount columns, or None when one is named like a fixed column."""

    def cells(
        self, employee: str, period: str | None, row: tuple[Any, ...], grade: str | None, flags: list[str]
    ) -> list[str]:
        """
        Return the text cells of one result: id, period, score, grade, every amount, flags.
        """
        if self.values is not None:
            score = _text(row[self.layout.score])
            return [employee, period or "", score, grade or "", *[_text(row[i]) for i in self.values], ";".join(flags)]
        fixed = {
            "id": employee,
            "period": period or "",
            "score": _text(row[self.layout.score]),
            "grade": grade or "",
            "flags": ";".join(flags),
        }
        return [fixed[s] if isinstance(s, str) else _text(row[s]) for s in self.sources]

    def row_maker(self, period: str | None, raw: bool = False) -> Callable[[str, tuple[Any, ...]], list[Any]]:
        """
        Return ``make(employee, row)``: the cells of a result straight from the plan's output tuple.

        With ``raw`` the amounts are left as the values they are, for a writer that
        turns them into text itself as ``str()`` does (``csv.writer``).
        """
        layout, values, label = self.layout, self.values, period or ""
        if values is None:  # an amount named like a fixed column (period, flags): the general form

            def general(employee: str, row: tuple[Any, ...]) -> list[str]:
                grade = row[layout.grade] if layout.grade is not None else None
                if layout.assessed is not None and not row[layout.assessed[0]]:
                    grade = None
                return self.cells(employee, period, row, grade, flag_names(layout, row))

            return general
        score, grade_at = layout.score, layout.grade
        assessed = layout.assessed
        simple = not layout.approvals and assessed is None
        flagged = tuple((name, i) for name, _, i in layout.flags)
        amounts = _getter(values)  # every amount at once, turned into text by map(): no loop in Python
        if raw:
            raised = _flag_text(flagged)

            def plain(employee: str, row: tuple[Any, ...]) -> list[Any]:
                grade = row[grade_at] if grade_at is not None else None
                return [employee, label, row[score], grade or "", *amounts(row), raised(row)]

            if simple:
                return plain

        def make(employee: str, row: tuple[Any, ...]) -> list[str]:
            grade = row[grade_at] if grade_at is not None else None
            if simple:
                names = ";".join([name for name, i in flagged if row[i]])
            else:
                found = flag_names(layout, row)
                names = ";".join(found)
                if assessed is not None and not row[assessed[0]]:
                    grade = None
            return [employee, label, _text(row[score]), grade or "", *map(_text, amounts(row)), names]

        return make

    def chunk_maker(self, period: str | None) -> Callable[[list[str], list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
        """
        Return ``make(employees, rows)``: what ``row_maker(period, raw=True)`` makes of each row, as tuples.

        One comprehension over a chunk, each cell read from the output tuple
        in place: no function call per row but for a set of flags not seen
        before.  For a simple layout only (amounts at fixed positions, no
        approvals, no assessed column); any other gets ``row_maker`` per row.
        """
        layout, values, label = self.layout, self.values, period or ""
        one = self.row_maker(period, raw=True)
        if values is None or layout.approvals or layout.assessed is not None:
            return lambda employees, rows: [tuple(one(e, o)) for e, o in zip(employees, rows, strict=True)]
        flagged = tuple((name, i) for name, _, i in layout.flags)
        raised = _flag_text(flagged)
        known: dict[tuple[Any, ...], str] = {}

        def flags(row: tuple[Any, ...]) -> str:
            text = raised(row)
            if len(known) < _KNOWN:
                known[tuple([row[i] for _, i in flagged])] = text
            return text

        grade = '""' if layout.grade is None else f'(o[{int(layout.grade)}] or "")'
        amounts = "".join(f"o[{int(i)}], " for i in values)
        key = "".join(f"o[{int(i)}], " for _, i in flagged)
        text = "(t if (t := _known((" + key + "))) is not None else _flags(o))" if flagged else '""'
        cells = f"(e, _label, o[{int(layout.score)}], {grade}, {amounts}{text})"
        source = f"def make(employees, rows):\n    return [{cells} for e, o in _zip(employees, rows)]\n"
        ns: dict[str, Any] = {"__builtins__": {}, "_label": label, "_known": known.get, "_flags": flags, "_zip": zip}
        exec(compile(source, "<perfrules flat rows>", "exec"), ns)  # noqa: S102 - positions (ints) and names only
        fast = ns["make"]

        def make(employees: list[str], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            try:
                made: list[tuple[Any, ...]] = fast(employees, rows)
            except TypeError:  # a set of flags that cannot be a key: row by row
                return [tuple(one(e, o)) for e, o in zip(employees, rows, strict=True)]
            return made

        return make

    def held_maker(self, period: str | None, raw: bool = False) -> Callable[[str, tuple[Any, ...], int], list[Any]]:
        """
        Return ``make(employee, row, held)``: the cells of a result whose ``held`` amounts wait for approval (W2).

        The flags are those the command line gives a result scored with its
        holds: no ``approval_required``, one ``approval_held`` for each amount held.
        ``raw``: as for :meth:`row_maker`.
        """
        layout, values, label = self.layout, self.values, period or ""
        score, grade_at, assessed = layout.score, layout.grade, layout.assessed
        flagged = tuple((name, i) for name, _, i in layout.flags)
        amounts = _getter(values or ())

        raised = _flag_text(flagged)

        def make(employee: str, row: tuple[Any, ...], held: int) -> list[str]:
            # flag_names() without its approval_required, which a held result never lists.
            grade = row[grade_at] if grade_at is not None else None
            if values is None:
                flags = [name for name, i in flagged if row[i]]
                if assessed is not None and not row[assessed[0]]:
                    grade = None
                    flags.insert(0, "not_assessed")
                return self.cells(employee, period, row, grade, flags + ["approval_held"] * held)
            names = raised(row)  # its flags' text, worked out once per set of flags
            if assessed is not None and not row[assessed[0]]:
                grade = None
                names = f"not_assessed;{names}" if names else "not_assessed"
            if held:
                names = ";".join([names, *["approval_held"] * held] if names else ["approval_held"] * held)
            if raw:
                return [employee, label, row[score], grade or "", *amounts(row), names]
            return [employee, label, _text(row[score]), grade or "", *map(_text, amounts(row)), names]

        return make


def _flag_text(flagged: tuple[tuple[str, int], ...]) -> Callable[[tuple[Any, ...]], str]:
    # The flags a row raises, joined by ";". A population raises few sets of flags, so each set's text
    # is kept by the tuple of the flags' values (conditions: True or False), not joined again per row.
    names = tuple(name for name, _ in flagged)
    values = _getter(tuple(i for _, i in flagged))
    known: dict[tuple[Any, ...], str] = {}

    def raised(row: tuple[Any, ...]) -> str:
        key = values(row)
        try:
            text = known.get(key)
        except TypeError:  # a value that cannot be a key: joined each time
            return ";".join([name for name, v in zip(names, key, strict=True) if v])
        if text is None:
            text = ";".join([name for name, v in zip(names, key, strict=True) if v])
            if len(known) < _KNOWN:
                known[key] = text
        return text

    return raised


def _text(value: Any) -> str:
    # An amount as every output writes it: plain digits (no exponent, no "-0"); anything else as str().
    return plain_text(value) if isinstance(value, Decimal) else str(value)


def _getter(positions: tuple[int, ...]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    # itemgetter of one position gives the item itself, of none it cannot be made: always a tuple here.
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:
        at = positions[0]
        return lambda row: (row[at],)
    return lambda row: ()


def flat_columns(layout: Layout) -> FlatColumns:
    """
    Return the flat columns of ``layout``: the same names, in the same order, for every result.
    """
    # Built as a dict in the order the columns are written, so a name given twice keeps its
    # first place and its last value, as a row of text keyed by column name would.
    where: dict[str, int | str] = {"employee_id": "id", "period": "period", "score": "score", "grade": "grade"}
    where.update(dict(layout.groups["indicators"]))
    # A weighted indicator's column holds its contribution; ``name.points`` the points it weighs.
    at = {name: i for i, name in enumerate(layout.outputs)}
    points = (points_name(name) for name, _ in layout.groups["indicators"])
    where.update({name: at[name] for name in points if name in at})
    for group in ("sections", "penalties", "bonuses", "payouts"):
        where.update(dict(layout.groups[group]))
    where.update({f"{name}.charged": i for name, i in layout.charges})
    where["flags"] = "flags"
    sources = tuple(where.values())
    inner = sources[4:-1]
    plain = sources[:4] == ("id", "period", "score", "grade") and sources[-1] == "flags"
    values = inner if plain and all(isinstance(v, int) for v in inner) else None
    return FlatColumns(tuple(where), sources, layout, values)  # type: ignore[arg-type]


def flag_names(layout: Layout, row: tuple[Any, ...]) -> list[str]:
    """
    Return the names of the flags a result with output tuple ``row`` has, in the order its result lists them.
    """
    names = [name for name, _, i in layout.flags if row[i]]
    for _, _, limit, occ, amount, at in layout.approvals:
        if occ is not None:
            big = any(abs(v) > limit for v in row[occ])
        else:
            big = amount is not None and amount > limit and row[at] != 0
        if big:
            names.append("approval_required")
    if layout.assessed is not None and not row[layout.assessed[0]]:
        names.insert(0, "not_assessed")
    return names
