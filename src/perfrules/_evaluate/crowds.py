"""
Team and relation values for the columnar engine: group-bys and windows, or the row engine's own code.

Team sums, counts, averages, maxima, minima, tops, ranks and shares
(``team_*``, and ``all_avg``, ``all_rank``, ``all_share``) are worked out
with polars windows over the team column, exactly
as :func:`~perfrules._formula.aggregate` works them out: the same members,
the sum at the smallest exponent (Decimal's addition is exact below 28
digits, which is checked), the average as Decimal's division of that sum,
and the same choice among equal values (the first of the sorted members for
``min``, the last for ``max``, in employee order).  Everything else a group
call can be — ranks and tops under declared ranking keys, values
over mentees and reports, costs charged to a manager, or a window whose
numbers leave the exact range — is computed by the row engine's own
:func:`~perfrules._evaluate.teams.team_values` over the column's exact
Decimals and turned back into a column: the very code, so the very values.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan
from .._formula import RELATION_SCOPES
from .._kinds import key_name
from .inputs import Row

__all__ = ["People", "crowd_value", "index_of", "needed", "people_of"]

#: Group functions computed by windows over the team column (the others take the row engine's code).
WINDOWED = ("avg", "sum", "count", "max", "min", "top", "rank", "share")
# Relation values (mentees_*, reports_*) computed by windows over the relation column: those whose
# value is the group's alone (a rank, top or share depends on one's own value too).
_GROUPED = ("avg", "sum", "count", "max", "min")


@attrs.frozen
class People:
    """
    Who is who, row by row: ``ids``, each one's team (``None``: one team of everyone) and relations' ids.

    Each is a list or a polars Series of texts (turned into a list only when needed).
    """

    ids: Any
    teams: Any = None
    relations: dict[str, Any] = attrs.field(factory=dict)
    #: Each grouping column as (its distinct values, each row's index into them), made once, on first use.
    indexes: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


def people_of(plan: Plan, rows: Sequence[Row]) -> People:
    """
    Return the teams, ids and relations of ``rows``, read from their cells as the row engine reads them.
    """
    pop = plan.scheme.population
    columns = pop.relations() if pop is not None else {}
    return People(
        [row.employee for row in rows],
        [row.text[plan.team_column] for row in rows] if plan.team_column else None,
        {rel: [row.text.get(col, "").strip() for row in rows] for rel, col in columns.items()},
    )


def _counted(plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int) -> Any:
    import polars as pl

    scope = call[0].split("_", 1)[0]
    over = call[3] if len(call) > 3 and call[3] else ("assessed" if scope in RELATION_SCOPES else "eligible")
    wanted = {"everyone": (), "assessed": (plan.assessed,), "eligible": (plan.assessed, plan.eligible)}[over]
    counted = pl.repeat(True, n, eager=True)
    for name in [plan.outputs[at] for at in wanted if at is not None] + (
        [call[2]] if len(call) > 2 and call[2] else []
    ):
        counted = counted & env[name]
    return counted


def crowd_value(plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int, people: People) -> Any:
    """
    Return the column of the team or relation value ``call`` (``("team_avg", "score", condition, over)``).
    """
    from . import fixed

    scope, function = call[0].split("_", 1)
    ranked = plan.scheme.ranking is not None and function in ("rank", "top")
    number = isinstance(env[call[1]], fixed.Num)
    # Beyond the exact range of a window (Limit): the row engine's code computes it, with its rounding.
    with suppress(fixed.Limit):
        if scope in ("team", "all") and function in WINDOWED and not ranked and number:
            teams = _index(people, "\0team", people.teams) if scope == "team" and people.teams is not None else None
            return _windowed(function, env[call[1]], _counted(plan, call, env, n), teams, n)
        if scope in RELATION_SCOPES and function in _GROUPED and number:
            rel = RELATION_SCOPES[scope]
            return _related(function, env[call[1]], _counted(plan, call, env, n), people, _named(people, rel))
    return _exact(plan, call, env, n, people)


def _index(people: People, key: str, column: Any) -> tuple[Any, Any]:
    # (the distinct values of a grouping column, each row's index into them), made once per column.
    import polars as pl

    found = people.indexes.get(key)
    if found is None:
        named = pl.Series("g", column, dtype=pl.Utf8)
        found = _runs(named) if key == "\0team" else None
        people.indexes[key] = found = found or index_of(named)
    return found


def index_of(column: Any) -> tuple[Any, Any]:
    """
    Return the distinct texts of ``column`` (no nulls) in order of first appearance, and each row's index into them.
    """
    import polars as pl

    # The distinct values as the categories of an enumeration: each row's category is its index.
    distinct = column.unique(maintain_order=True)
    return distinct, column.cast(pl.Enum(distinct)).to_physical().cast(pl.UInt32)


def _runs(named: Any) -> tuple[Any, Any] | None:
    # The index of a column whose equal values stand together (each team's rows one after another):
    # each run is a group, numbered in order of first appearance as index_of numbers them, found
    # without hashing every row, and sorted (polars groups it faster); ``None`` when a value comes back.
    import polars as pl

    start = named.ne_missing(named.shift(1))
    distinct = named.filter(start)
    if distinct.n_unique() != len(distinct):
        return None
    return distinct, (start.cum_sum() - 1).cast(pl.UInt32).set_sorted()


def _where(people: People, names: Any) -> Any:
    # Each row's position in ``names`` (distinct ids), null where its id is not one of them: a binary
    # search in ids sorted without repeats (as the columnar engine holds them), else a join.
    import polars as pl

    ids = people.indexes.get("\0ids")
    if ids is None:
        ids = people.indexes["\0ids"] = pl.Series("g", people.ids, dtype=pl.Utf8)
        people.indexes["\0ordered"] = ids.is_sorted() and not (ids.head(-1) == ids.tail(-1)).any()
    places = pl.int_range(len(names), dtype=pl.UInt32, eager=True)
    if not people.indexes["\0ordered"] or not len(ids):
        return pl.DataFrame({"g": ids}).join(
            pl.DataFrame({"g": names, "t": places}), on="g", how="left", maintain_order="left"
        )["t"]
    at = ids.search_sorted(names)
    found = ids.gather(at.clip(None, len(ids) - 1)) == names
    where = pl.repeat(None, len(ids), dtype=pl.UInt32, eager=True)
    where.scatter(at.filter(found), places.filter(found))
    return where


def _named(people: People, rel: str) -> tuple[Any, tuple[Any, Any]]:
    # (which rows name someone in the relation column, the index of the names over those rows only):
    # most people name nobody, and only those who do are grouped.
    import polars as pl

    found = people.indexes.get(rel)
    if found is None:
        column = pl.Series("g", people.relations[rel], dtype=pl.Utf8)
        rows = column != ""
        found = people.indexes[rel] = (rows, _index(people, "\0" + rel, column.filter(rows)))
    return found


def _related(function: str, value: Any, counted: Any, people: People, named: tuple[Any, Any]) -> Any:
    import polars as pl

    from .._formula import aggregate
    from . import fixed

    # A mentor's (manager's) value is over the people naming them: worked out as a team value over
    # the relation column, on the rows naming someone only, then read by the one named.
    rows, index = named
    distinct, at = index
    exp = value.scale()
    value = fixed.Num(
        value.c.filter(rows),
        value.e.filter(rows) if exp is None else exp,
        None if value.nz is None else value.nz.filter(rows),
    )
    counted, m = counted.filter(rows), len(at)
    if function in ("count", "sum", "avg"):  # one row per group already
        _, over, _ = _team_level(function, value, counted, index, m)
    else:  # the same value on every row of a group: the first row of each stands for it
        over = _windowed(function, value, counted, index, m)
        first = pl.DataFrame({"t": at}).with_row_index("i").unique("t", keep="first").sort("t")["i"]
        over = _read_back(over, first)
    groups = pl.DataFrame({"c": over.c, "e": over.e, "z": over.negative() & (over.c == 0)})
    read = groups.select(pl.all().gather(_where(people, distinct)))
    # Someone nobody names reads the value of no members, as the row engine's aggregate gives it.
    nobody = aggregate("team_" + function, Decimal(0), False, [], [], Decimal(0))
    assert isinstance(nobody, Decimal)
    none = fixed.from_decimals([nobody])
    c = read["c"].fill_null(none.c[0])
    e = read["e"].fill_null(none.e[0])
    z = read["z"].fill_null(False if none.nz is None else bool(none.nz[0]))
    return fixed.Num(c, e, z if z.any() else None)


def _windowed(function: str, value: Any, counted: Any, teams: Any, n: int) -> Any:
    import polars as pl

    from . import fixed

    # ``teams``: (distinct teams, each row's index), or None for one team of everyone.
    if teams is None:
        teams = (pl.Series("g", ["*"]), pl.repeat(0, n, dtype=pl.UInt32, eager=True))
    if function in ("count", "sum", "avg"):
        return _per_team(function, value, counted, teams, n)
    frame = pl.DataFrame({"g": teams[1].alias("g"), "k": counted})
    zero = fixed.const(Decimal(0), n)
    if function == "rank":
        return _rank(frame, value, n)
    if not counted.any():
        return pl.repeat(False, n, eager=True) if function == "top" else zero
    # Every member at the smallest exponent among all members (and 0, where a sum starts): exact integers.
    least = min(int(value.e.filter(counted).min()), 0)
    aligned, _, _ = fixed.align(value, fixed.const(Decimal(1).scaleb(least), n), counted)
    frame = frame.with_columns(a=_members(aligned, counted))
    if function == "share":
        # own / total where the total is not zero (everyone's own value, counted or not), else 0.
        total = _sum(frame.with_columns(e=value.e), least, counted)
        some = fixed.compare(total, zero, "!=", None)
        return fixed.choose(some, fixed.div(value, fixed.choose(some, total, fixed.const(Decimal(1), n)), some), zero)
    mine = pl.when(pl.col("k")).then(pl.col("a"))
    best = frame.select((mine.min() if function == "min" else mine.max()).over("g")).to_series()
    if function == "top":
        # top: counted, and no member of the team above one's own value.
        return (counted & (aligned >= best)).fill_null(False)
    # Python's stable sort keeps equal members in employee order: max is the last of them, min the first.
    at_best = pl.when(pl.col("k") & (pl.col("a") == pl.col("best"))).then(pl.col("i"))
    hit = (
        frame.with_columns(i=pl.int_range(n, dtype=pl.UInt32), best=best)
        .select((at_best.max() if function == "max" else at_best.min()).over("g"))
        .to_series()
    )
    some = hit.is_not_null()
    at = hit.fill_null(0)
    nz = None if value.nz is None else value.nz.gather(at) & some
    exp = value.scale()
    picked = fixed.Num(value.c.gather(at), value.e.gather(at) if exp is None else exp, nz)
    return fixed.choose(some, picked, zero)


def _per_team(function: str, value: Any, counted: Any, index: Any, n: int) -> Any:
    # Counts, sums and averages are the team's alone: worked out once per team (one row each, the
    # division included), then read by every member through the team's index.
    _, per_team, at = _team_level(function, value, counted, index, n)
    return _read_back(per_team, at)


def _team_level(function: str, value: Any, counted: Any, index: Any, n: int) -> tuple[Any, Any, Any]:
    import polars as pl

    from . import fixed

    # (the distinct teams, the value of each, each row's team as an index into them): one group-by
    # gives each team's count of members, sum, sum of magnitudes and least exponent together.
    distinct, at = index
    frame = pl.DataFrame({"t": at, "k": counted})
    teams = len(distinct)
    zeros = pl.repeat(0, teams, dtype=pl.Int32, eager=True)
    size_of = pl.col("k").sum().cast(pl.Int128)
    if function == "count":
        return distinct, fixed.Num(frame.group_by("t").agg(size_of).sort("t")["k"], zeros), at
    if not counted.any():
        return distinct, fixed.const(Decimal(0), teams), at
    # Every member at the smallest exponent among all members (and 0, where a sum starts): exact integers.
    least = min(int(value.e.filter(counted).min()), 0)
    aligned, _, _ = fixed.align(value, fixed.const(Decimal(1).scaleb(least), n), counted)
    frame = frame.with_columns(a=_members(aligned, counted), e=value.e)
    parts = frame.group_by("t").agg(n=size_of, **_sums()).sort("t")
    total = _total(parts, least, counted)
    if function == "sum":
        return distinct, total, at
    size = parts["n"]
    some = size > 0
    divisor = fixed.Num(size.zip_with(some, pl.Series([1], dtype=pl.Int128)), zeros)
    return distinct, fixed.choose(some, fixed.div(total, divisor, some), fixed.const(Decimal(0), teams)), at


def _members(aligned: Any, counted: Any) -> Any:
    # The members' aligned coefficients, 0 for the others, as Int128 (sums of many stay exact).
    import polars as pl

    return aligned.cast(pl.Int128).zip_with(counted, pl.Series([0], dtype=pl.Int128))


def _read_back(value: Any, at: Any) -> Any:
    from . import fixed

    # Each row's team value (the team values' exponent and bounds), coded: readers may use the few (fixed.compare).
    out = fixed.pick(value, at)
    out.coded = (value, at)
    return out


def _rank(frame: Any, value: Any, n: int) -> Any:
    import polars as pl

    from . import fixed

    # 1 + how many counted members of the team are strictly above one's own value (counted or not):
    # everyone's value and the members' values sorted together, highest first, a value before an equal
    # member's, so the members counted before it are those above it.
    low = value.e.min()
    least = int(low) if isinstance(low, int) else 0
    aligned, _, _ = fixed.align(value, fixed.const(Decimal(1).scaleb(least), n), None)
    rows = pl.DataFrame({"g": frame["g"], "a": aligned, "p": pl.repeat(0, n, dtype=pl.Int64, eager=True)})
    rows = rows.with_columns(i=pl.int_range(n, dtype=pl.Int64))
    members = rows.filter(frame["k"]).with_columns(p=pl.lit(1, dtype=pl.Int64), i=pl.lit(-1, dtype=pl.Int64))
    both = pl.concat([rows, members]).sort(["g", "a", "p"], descending=[False, True, False])
    above = both.with_columns(c=pl.col("p").cum_sum().over("g")).filter(pl.col("p") == 0).sort("i")["c"]
    return fixed.Num((above + 1).cast(pl.Int128), pl.repeat(0, n, dtype=pl.Int32, eager=True))


def _sums() -> dict[str, Any]:
    import polars as pl

    # sum(members, Decimal(0)) is exact, at the smallest of 0 and the members' exponents, while no
    # partial sum reaches 28 digits there, which the sum of magnitudes bounds; and it is never -0.
    return {
        "s": pl.col("a").sum(),
        "m": pl.col("a").abs().sum(),
        "e": pl.when(pl.col("k")).then(pl.col("e")).min().fill_null(0).clip(None, 0),
    }


def _sum(frame: Any, least: int, counted: Any) -> Any:
    # Each row's team sum (one per row of the frame, over its column "g").
    return _total(frame.select(**{k: x.over("g") for k, x in _sums().items()}), least, counted)


def _total(parts: Any, least: int, counted: Any) -> Any:
    import polars as pl

    from . import fixed

    scale = fixed._pow10((parts["e"] - least).cast(pl.Int32))
    if ((parts["m"] // scale) >= 10**28).any():
        raise fixed.Limit(counted)
    return fixed.Num(parts["s"] // scale, parts["e"].cast(pl.Int32))


def needed(plan: Plan, call: tuple[str, ...]) -> list[str]:
    """
    Return the names of the values the group call ``call`` reads.
    """
    function, argument = call[0], call[1]
    names = [argument]
    if function.startswith("charges_"):
        names.append(f"{argument}.whole")
    if len(call) > 2 and call[2]:
        names.append(call[2])
    names += [plan.outputs[at] for at in (plan.assessed, plan.eligible) if at is not None]
    r = plan.scheme.ranking
    if r is not None:
        names += [key_name(k) for k, (text, _) in enumerate(r.parsed()) if text != "employee_id"]
    return list(dict.fromkeys(names))


def _python(column: Any) -> list[Any]:
    from .fixed import Num
    from .values import Joined

    if isinstance(column, Num):
        return column.decimals()
    if isinstance(column, Joined):
        return column.tuples()
    values: list[Any] = column.to_list()
    return values


def _exact(plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int, people: People) -> Any:
    from .teams import team_values
    from .values import from_values

    width = len(plan.outputs)
    cells = [(plan.index[name], _python(env[name])) for name in needed(plan, call)]
    values = []
    for k in range(n):
        row: list[Any] = [None] * width
        for at, column in cells:
            row[at] = column[k]
        values.append(tuple(row))
    stage = attrs.evolve(plan.stages[-1], groups=(call,))
    teams = list(people.teams) if people.teams is not None else ["*"] * n
    ids = people.ids if isinstance(people.ids, list) else list(people.ids.to_list())
    relations = {rel: list(column) for rel, column in people.relations.items()}
    got = team_values(plan, stage, teams, values, ids, relations)
    return from_values([v[0] for v in got])
