"""Scoring a population in parts gives the results of scoring it whole, cell for cell."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._evaluate import Aggregate, split_issues

EXAMPLES = Path(__file__).parents[2] / "examples"
TEAMS = Path(__file__).parent / "fixtures" / "split-teams.yaml"
PERIOD = {"month": "2026-04", "quarter": "2026-Q2"}


def population(n: int, seed: int) -> list[dict[str, str]]:
    """Rows with ties written with other exponents (80, 80.0, 80.00), some not eligible, uneven teams."""
    rnd = random.Random(seed)
    rows = []
    for k in range(n):
        points = rnd.choice(["80", "80.0", "80.00", "95", "95.5", "60", "70", "88.25", "100", "100.0", "0", "0.00"])
        rows.append(
            {
                "employee_id": f"E{rnd.randrange(10**6):06d}-{k}",
                "team": rnd.choice(["north", "south", "east", "west", "solo"][: 4 if k % 7 else 5]),
                "points": points,
                "sales": rnd.choice(["1000", "1000.0", "250.50", "0", "99999.99", "99999.990", "1234.5"]),
                "hours": rnd.choice(["40", "9", "10", "160"]),
            }
        )
    return rows


def cells(results: object) -> list[tuple[object, ...]]:
    """Every value of every result (group values too), exponents included, with grades, notes and flags."""
    return [
        (r.employee, r.period, tuple(map(repr, r.row)), r.grade, r.grade_note, r.flags, r.to_dict())
        for r in sorted(results, key=lambda r: r.employee)
    ]


def in_parts(plan: pr.Plan, parts: list[list[dict[str, str]]], **options: object) -> list[tuple[object, ...]]:
    known = pr.PopulationValues()
    while not known.complete(plan):
        known = known.combine(plan, [pr.collect_part(plan, part, known, **options) for part in parts])
    return cells([r for part in parts for r in pr.score_part(plan, part, known, **options)])


def split(rows: list[dict[str, str]], k: int, seed: int) -> list[list[dict[str, str]]]:
    rnd = random.Random(seed)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    return [shuffled[i::k] for i in range(k)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_teams_ranks_and_quotas_in_parts_equal_the_whole(seed: int, engine: str) -> None:
    # Team values, ranks, shares and tops (each member's own value against the whole's) on either engine.
    plan = pr.compile_scheme(pr.load_scheme(TEAMS))
    rows = population(120, seed)
    whole = cells(pr.score(plan, rows))
    assert any(r.grade_note for r in pr.score(plan, rows))  # the quotas moved someone
    assert in_parts(plan, split(rows, 4, seed), engine=engine) == whole
    by_team = {}
    for row in rows:  # partitioned by team, as a Dask frame often is
        by_team.setdefault(row["team"], []).append(row)
    assert in_parts(plan, list(by_team.values()), engine=engine) == whole


@pytest.mark.parametrize("name", ["seed001", "seed003-kpi", "seed003-quarter", "seed003-gs", "accelerator"])
@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_examples_in_parts_equal_the_whole(name: str, engine: str) -> None:
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
    if engine == "columnar" and pr._evaluate.columnar_issues(plan):
        pytest.skip("the columnar engine refuses this scheme")
    rows = list(read_population(EXAMPLES / name / "data.csv"))
    options = {"period": PERIOD.get(plan.scheme.period, "2026-04"), "history": pr.RecordedHistory(), "engine": engine}
    whole = cells(pr.score(plan, rows, **options))
    for seed in range(3):
        assert in_parts(plan, split(rows, 3, seed), **options) == whole


def test_max_and_min_among_equal_values_are_the_whole_populations() -> None:
    # 80 and 80.0 are equal: the row engine's stable sort gives the last by id as the max, the first as the min.
    a = Aggregate.of([(Decimal("80"), "A"), (Decimal("70"), "C")], False)
    b = Aggregate.of([(Decimal("80.0"), "B"), (Decimal("70.0"), "D")], False)
    for agg in (a.merge(b), b.merge(a)):
        assert str(agg.value("all_max", Decimal(0), False)) == "80.0"
        assert str(agg.value("all_min", Decimal(0), False)) == "70"
        assert str(agg.value("all_sum", Decimal(0), False)) == "300.0"
        assert agg.value("all_count", Decimal(0), False) == 4


def test_a_sum_that_28_digits_could_round_is_refused() -> None:
    plan = pr.compile_scheme(pr.load_scheme(TEAMS))
    rows = population(10, 1)
    for k, row in enumerate(rows):
        row["sales"] = f"{9 * 10**16 + k}.{k:02d}000000001"  # 28 digits each: the sum needs 30
    with pytest.raises(pr.CompileError) as err:
        in_parts(plan, split(rows, 2, 0))
    assert err.value.issues[0].code == "split-inexact"


# Values whose sum needs 30 digits: one process rounds each partial sum to 28.
_WIDE = [
    "1234567890123456.123456789012",
    "9999999999999999.999999999999",
    "0.000000000001",
    "-1234567890123456.12345678901",
]


def _wide_plan(formula: str) -> pr.Plan:
    text = (
        "name: wide\nteams: {column: team}\nmetrics:\n  v: {type: number}\nscore: {formula: v}\n"
        f'indicators:\n  s: {{formula: "{formula}"}}\nflags:\n  best:\n    when: "v >= all_max(v)"\n'
        "    reason: best\n"
    )
    return pr.compile_scheme(pr.scheme_from_text(text, fmt="yaml").scheme)


def _wide_rows(n: int) -> list[dict[str, str]]:
    return [{"employee_id": f"E{i:03d}", "team": f"t{i % 3}", "v": _WIDE[i % 4]} for i in range(n)]


@pytest.mark.parametrize("formula", ["all_max(v) + all_min(v) + all_count(v)", "team_max(v) - team_min(v)"])
def test_a_max_min_or_count_of_wide_values_needs_no_sum_and_splits(formula: str) -> None:
    # Finding 3: all_max over values whose sum needs 30 digits was refused, though it reads no sum.
    plan, rows = _wide_plan(formula), _wide_rows(40)
    whole = cells(pr.score(plan, rows))
    for engine in ("row", "columnar"):
        assert in_parts(plan, split(rows, 3, 1), engine=engine) == whole


@pytest.mark.parametrize("formula", ["team_sum(v)", "team_avg(v)", "team_share(v)"])
def test_parts_holding_whole_teams_give_the_row_engines_rounded_team_sums(formula: str) -> None:
    # Finding 9: each team's sum, rounded to 28 digits, is worked out within the one part that holds it.
    plan, rows = _wide_plan(formula), _wide_rows(40)
    whole = cells(pr.score(plan, rows))
    by_team = [[r for r in rows if r["team"] == t] for t in ("t0", "t1", "t2")]
    two = [by_team[0] + by_team[2], by_team[1]]
    for engine in ("row", "columnar"):
        assert in_parts(plan, by_team, engine=engine) == whole
        assert in_parts(plan, two, engine=engine) == whole
    if formula != "team_sum(v)":
        return
    # The exact sum is another number: the rounded one is what one process pays.
    t0 = [Decimal(r["v"]) for r in by_team[0]]
    assert whole[0][0] == "E000" and whole[0][6]["indicators"]["s"] == "30000000000000000.00000000000"
    assert Aggregate.of([(v, "x") for v in t0], False).total == Decimal("30000000000000000.000000000008")


def test_a_wide_team_sum_split_across_parts_is_refused_with_the_reason() -> None:
    plan, rows = _wide_plan("team_sum(v)"), _wide_rows(40)
    with pytest.raises(pr.CompileError) as err:
        in_parts(plan, split(rows, 2, 0))
    issue = err.value.issues[0]
    assert issue.code == "split-inexact"
    assert "more than one part needs more than 28 significant digits" in issue.message
    assert "in employee-id order" in issue.message and "order of the rows" not in issue.message
    assert issue.hint is not None and "same part" in issue.hint
    # The population-wide sum is one part's only when one part holds everyone.
    plan = _wide_plan("all_sum(v)")
    with pytest.raises(pr.CompileError, match="split exactly"):
        in_parts(plan, [rows[:20], rows[20:]])
    assert in_parts(plan, [rows]) == cells(pr.score(plan, rows))


def test_what_cannot_be_split_is_refused_by_name() -> None:
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed000-team" / "scheme.yaml"))
    messages = [i.message for i in split_issues(plan)]
    assert any("groups.mentees_" in m for m in messages)  # the mentor award (B4)
    assert any(m.startswith("population: a relation") for m in messages)
    rows = list(read_population(EXAMPLES / "seed000-team" / "data.csv"))
    with pytest.raises(pr.CompileError, match="cannot be scored in parts") as err:
        pr.collect_part(plan, rows, pr.PopulationValues(), period="2026-04", no_history=True)
    assert {i.code for i in err.value.issues} == {"split-unsupported"}


def test_a_part_without_all_the_values_is_refused() -> None:
    plan = pr.compile_scheme(pr.load_scheme(TEAMS))
    rows = population(20, 2)
    known = pr.PopulationValues().combine(plan, [pr.collect_part(plan, rows, pr.PopulationValues())])
    with pytest.raises(pr.CompileError, match="without all the population values") as err:
        pr.score_part(plan, rows, known)
    assert err.value.issues[0].code == "split-unsupported"


def test_explanations_of_a_part_are_the_wholes() -> None:
    plan = pr.compile_scheme(pr.load_scheme(TEAMS))
    rows = population(60, 5)
    parts = split(rows, 3, 1)
    known = pr.PopulationValues()
    while not known.complete(plan):
        known = known.combine(plan, [pr.collect_part(plan, part, known) for part in parts])
    got = sorted((r for part in parts for r in pr.score_part(plan, part, known, trace=True)), key=lambda r: r.employee)
    whole = pr.score(plan, rows, trace=True)
    assert cells(got) == cells(whole)
    assert [pr.render_text(pr.explain(plan, r)) for r in got] == [pr.render_text(pr.explain(plan, r)) for r in whole]
