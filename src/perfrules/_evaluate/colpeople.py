"""
Teams, dates, roles and relations read column-wise, for the columnar engine's plain case.

:func:`frame_people` reads the team column, the hire and leave dates, the
role and the relation columns (mentor, manager) of a frame of text cells and
returns the population values the row engine's
:func:`~perfrules._evaluate.people.population_values` gives, as columns, with
the :class:`~perfrules._evaluate.crowds.People` the group values are worked
out over.  Each distinct date cell goes through the row engine's own date
code (a population shares a few hundred hire dates), so tenure is the row
engine's to the day.  Whatever the row reader would report — a missing team,
a bad date, an unknown role, a relation pointing nowhere or at oneself, a
cell too long — makes it return ``None``: the general path reads the file
again and names every problem.
"""

from __future__ import annotations

from typing import Any

from .._compile import Plan
from .._limits import LIMITS
from .._model import Period
from .crowds import People
from .inputs import Row
from .people import _days

__all__ = ["fill_defaults", "frame_people", "people_columns", "plain_people"]

# Group values whose members the plain case knows: the population, a team, a mentor's or manager's people.
_SCOPES = ("all", "team", "mentees", "reports")


def plain_people(plan: Plan) -> bool:
    """
    Return whether every group value of ``plan`` is over members the plain case reads (no costs charged on).
    """
    return all(call[0].split("_", 1)[0] in _SCOPES for stage in plan.stages for call in stage.groups)


def people_columns(plan: Plan) -> list[str]:
    """
    Return the text columns besides the inputs that the plain case of ``plan`` reads (team, dates, role, relations).
    """
    pop = plan.scheme.population
    names = [plan.team_column] if plan.team_column is not None else []
    if pop is not None:
        names += [c for c in (pop.hire_date, pop.leave_date, pop.role, *pop.relations().values()) if c is not None]
    return list(dict.fromkeys(names))


def fill_defaults(plan: Plan, df: Any) -> Any:
    """
    Return ``df`` with each empty or missing number cell written as its metric's default, or ``None``.

    The row reader reads an empty cell, or a column the file lacks, as the
    metric's default; the default is written as the text that reads back to
    the very same Decimal (coefficient and exponent), so parsing it gives what
    the row reader gives.  A metric without a default (a required cell) is
    ``None``: the general path names the rows.
    """
    import polars as pl

    filled = []
    for spec in plan.inputs:
        name = spec.metric.name
        if spec.kind.value_type != "number":
            if name not in df.columns:
                return None  # read by the row reader's own converter, which says what a missing one means
            continue
        if name in df.columns and not df[name].null_count():
            continue
        if name in df.columns and df[name].dtype != pl.String:
            return None  # an empty cell in a typed column: the general path reads it
        try:
            value = spec.convert(None)
            # The default as the scheme writes it reads as a cell to the value an empty cell takes (a
            # percent in points: 100 is 1.00), or, failing that, the value's own text may.
            texts = [
                t for t in (str(spec.metric.default), str(value)) if spec.convert(t).as_tuple() == value.as_tuple()
            ]
            if not texts or spec.convert("").as_tuple() != value.as_tuple():
                return None
            text = texts[0]
        except (ValueError, ArithmeticError, AttributeError):
            return None  # no default (CellError is a ValueError): the row reader reports the cells
        column = pl.col(name).fill_null(text) if name in df.columns else pl.lit(text, dtype=pl.String)
        filled.append(column.alias(name))
    return df.with_columns(filled) if filled else df


def _text_ok(column: Any) -> bool:
    # The row reader keeps a text cell of at most LIMITS.cell_chars characters; polars reads only UTF-8.
    # A cell has no more characters than bytes, which are counted without reading the text.
    longest = column.str.len_bytes().max()
    if longest is None or int(longest) <= LIMITS.cell_chars:
        return True
    longest = column.str.len_chars().max()
    return longest is None or int(longest) <= LIMITS.cell_chars


def frame_people(plan: Plan, df: Any, ids: Any, period: Period | None) -> tuple[dict[str, Any], People] | None:
    """
    Return the population values of ``df`` (sorted by id, ``ids`` its id column) by name, and its people.

    ``None`` when a cell is one the row reader would report, or a date
    column is missing its period: the general path says what is wrong.
    """
    from .fixed import const, from_decimals, pick

    for name in people_columns(plan):
        if name not in df.columns or not _text_ok(df[name]):
            return None
    teams = None
    if plan.team_column is not None:
        teams = df[plan.team_column]
        if teams.null_count() or not teams.str.strip_chars().str.len_bytes().min():
            return None  # a missing team: the row reader reports the row
    pop = plan.scheme.population
    if pop is None:
        return {}, People(ids, teams)
    out: dict[str, Any] = {}
    dated = pop.hire_date is not None or pop.leave_date is not None
    if dated:
        if period is None:
            return None
        got = _dates(pop.hire_date, pop.leave_date, df, period)
        if got is None:
            return None
        values, at = got
        names = (["tenure_months"] if pop.hire_date is not None else []) + ["days_employed", "period_days"]
        for k, name in enumerate(names):
            cells = [v[k] for v in values]
            # One value for everyone (the period's days, always) is a constant, not a column to gather.
            same = all(v.as_tuple() == cells[0].as_tuple() for v in cells)
            out[name] = const(cells[0], df.height) if same else pick(from_decimals(cells), at)
    if pop.role is not None:
        role = df[pop.role].fill_null("").str.strip_chars()
        if not role.is_in(list(pop.roles)).all():
            return None  # an unknown role: the row reader names it
        for r in pop.roles:
            out[f"is_{r}"] = role == r
    relations: dict[str, Any] = {}
    for rel, column in pop.relations().items():
        other = df[column].fill_null("").str.strip_chars()
        named = other != ""
        if ((other == ids) & named).any() or not _known(other.filter(named), ids):
            return None  # pointing at oneself or at nobody in the population: the row reader names the row
        relations[rel] = other
        out[f"{rel}.id"] = other
    return out, People(ids, teams, relations)


def _known(named: Any, ids: Any) -> bool:
    # Whether every id in ``named`` is one of ``ids``: a binary search in the sorted ids for each
    # (most rows name nobody), where a hash set of the whole population would cost more than the rest.
    if not len(named):
        return True
    if not ids.is_sorted():
        return bool(named.is_in(ids.implode()).all())
    at = ids.search_sorted(named).clip(None, len(ids) - 1)
    return bool((ids.gather(at) == named).all())


def _dates(hire: str | None, leave: str | None, df: Any, period: Period) -> tuple[list[tuple[Any, ...]], Any] | None:
    # Each distinct (hire, leave) pair through the row engine's own code; a bad or missing date declines.
    import polars as pl

    from .crowds import index_of

    cols = [c for c in (hire, leave) if c is not None]
    # Each column's distinct cells (a population shares a few hundred dates), then the distinct pairs.
    texts, codes = zip(*(index_of(df[c].fill_null("")) for c in cols), strict=True)
    if len(cols) == 1:
        distinct, at = texts[0].to_frame(), codes[0]
    else:
        pairs = pl.DataFrame({c: codes[k] for k, c in enumerate(cols)})
        keys = pairs.unique(maintain_order=True)
        distinct = pl.DataFrame({c: texts[k].gather(keys[c]) for k, c in enumerate(cols)})
        keyed = keys.with_columns(pl.int_range(len(keys), dtype=pl.UInt32).alias("\0at"))
        at = pairs.join(keyed, on=cols, how="left", maintain_order="left")["\0at"]
    values: list[tuple[Any, ...]] = []
    for cells in distinct.iter_rows():
        issues: list[Any] = []
        text = dict(zip(cols, cells, strict=True))
        got = tuple(_days(Row("-", 0, (), text), hire, leave, period, issues))
        if issues:
            return None
        values.append(got)
    return values, at
