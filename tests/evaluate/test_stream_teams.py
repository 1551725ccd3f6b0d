"""Team, relation and population-wide values gathered while the rows stream by: cell for cell those of the whole."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._evaluate import stream_problem, stream_scores

SCHEME = """
name: streamed teams
teams:
  column: team
  eligible: "tenure_months > 1"
population:
  hire_date: hire_date
  mentor: mentor
  manager: manager
metrics:
  points: {type: number, min: 0, max: 1000}
  sales: {type: money, default: 0}
conditions:
  good: "points >= 50"
score:
  formula: "SCORE"
payouts:
  teams:
    formula: "team_avg(points) + team_sum(sales) + team_max(points) + team_min(points) + team_count(points)"
  ranks:
    formula: "team_rank(points) + team_share(sales) + all_rank(points) + all_share(sales) + all_max(points)"
  relations:
    formula: "mentees_count(points) + mentees_avg(points) + mentees_max(points) + reports_sum(sales)"
  more:
    formula: "reports_rank(points) + mentees_min(points) + reports_share(sales) + all_min(points) + all_avg(sales)"
  over:
    formula: "team_sum(sales, over=everyone) + team_count(points, good) + reports_count(points, over=everyone)"
  later:
    formula: "LATER"
flags:
  top_team: {when: "team_top(points)", reason: top of the team}
  top_all: {when: "all_top(points, good)", reason: top of everyone}
  top_reports: {when: "reports_top(points)", reason: above every report}
"""
# One stage of group values; or a score read by group values of a later stage (three stages).
VARIANTS = {
    "one stage": ("points", "0"),
    "three stages": ("points * 0.5 + team_avg(points) * 0.5", "all_rank(score) + team_max(score) + all_sum(score)"),
}
HEADER = "employee_id,team,hire_date,mentor,manager,points,sales"


def _plan(tmp_path, variant):
    score, later = VARIANTS[variant]
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME.replace("SCORE", score).replace("LATER", later), encoding="utf-8")
    return pr.compile_scheme(pr.load_scheme(path))


def _cells(row):
    # Decimal 80 and 80.0 are equal: compare the text too, so an exponent that differs is caught.
    return [(type(v).__name__, str(v)) for v in row]


def _compare(plan, lines, chunk, keep=None):
    # keep: bytes of the first pass's rows the later passes read back (None: as many as the budget allows).
    rows = [dict(zip(HEADER.split(","), line.split(","), strict=True)) for line in lines]
    period = plan.scheme.calendar.resolve("2026-04")
    try:
        whole = pr.score(plan, rows, period=period)
    except pr.PerfrulesError as exc:
        with pytest.raises(type(exc)) as streamed:
            list(stream_scores(plan, lambda: rows, period=period, chunk=chunk, keep=keep))
        assert str(streamed.value) == str(exc)
        return None
    chunks = stream_scores(plan, lambda: rows, period=period, chunk=chunk, keep=keep)
    got = [(r.employee, _cells(o)) for rows_, outs, _, _ in chunks for r, o in zip(rows_, outs, strict=True)]
    assert got == [(r.employee, _cells(r.row)) for r in whole]
    return whole


POINTS = st.sampled_from(["0", "40", "50", "50.0", "80", "80.00", "99.5", "100"])
HIRED = st.sampled_from(["2026-04-20", "2026-03-02", "2025-01-01", "2020-06-30"])


@st.composite
def _population(draw):
    n = draw(st.integers(1, 30))
    ids = [f"E{k:03d}" for k in range(n)]
    lines = []
    for k, emp in enumerate(ids):
        others = [i for i in ids if i != emp]
        mentor = draw(st.sampled_from(["", *others])) if others and draw(st.booleans()) else ""
        manager = draw(st.sampled_from(["", *others[:3]])) if others else ""
        # Not in team order; but a row often has the team of the row before, so that teams come in runs too
        # (a group value adds a run of one team at a time, across chunks as well).
        same = lines and draw(st.booleans())
        team = lines[-1].split(",")[1] if same else draw(st.sampled_from(["a", "b", "c", "d"]))
        sales = draw(st.sampled_from(["0", "1.5", "100", "100.00", "2500.25", "33.333"]))
        lines.append(",".join((emp, team, draw(HIRED), mentor, manager, draw(POINTS), sales)))
        assert k == len(lines) - 1
    return lines


@pytest.mark.parametrize("variant", list(VARIANTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=_population(), chunk=st.integers(1, 8), keep=st.sampled_from([None, 0, 1500]))
def test_streamed_group_values_are_those_of_the_whole_population(tmp_path, variant, lines, chunk, keep):
    # Later passes read back every row of the first, none (read again), or the first few and then the rest.
    plan = _plan(tmp_path, variant)
    assert stream_problem(plan, True) is None
    assert len(plan.stages) == (2 if variant == "one stage" else 3)
    _compare(plan, lines, chunk, keep)


def test_a_relation_to_someone_further_down_or_nowhere_is_reported_as_for_the_whole(tmp_path):
    plan = _plan(tmp_path, "one stage")
    lines = [
        "E000,a,2025-01-01,E003,,80,1",  # names someone further down: fine
        "E001,a,2025-01-01,E001,,80,1",  # names themself
        "E002,b,2025-01-01,X9,,80,1",  # names nobody
        "E003,b,2025-01-01,,E000,80,1",  # names someone already read: fine
    ]
    assert _compare(plan, lines[:1] + lines[3:], 1) is not None
    with pytest.raises(pr.InputError) as err:
        pr.score(plan, [dict(zip(HEADER.split(","), x.split(","), strict=True)) for x in lines], period="2026-04")
    assert [i.path for i in err.value.issues] == [("row 3", "mentor"), ("row 4", "mentor")]
    for chunk in (1, 2, 10):
        _compare(plan, lines, chunk)


def test_a_bad_date_is_reported_after_every_relation(tmp_path):
    plan = _plan(tmp_path, "one stage")
    lines = ["E000,a,2025-13-01,,,80,1", "E001,a,2025-01-01,,X,80,1", "E002,a,,,,80,1"]
    for chunk in (1, 10):
        _compare(plan, lines, chunk)


def test_a_declared_ranking_is_left_to_the_whole_population(tmp_path):
    path = tmp_path / "scheme.yaml"
    text = SCHEME.replace("SCORE", "points").replace("LATER", "0") + "ranking:\n  keys: [sales desc]\n"
    path.write_text(text, encoding="utf-8")
    plan = pr.compile_scheme(pr.load_scheme(path))
    assert stream_problem(plan, True) == "team_rank() orders by the declared ranking"


def test_many_chunks_of_a_large_population(tmp_path):
    plan = _plan(tmp_path, "three stages")
    start = dt.date(2024, 1, 1)
    lines = [
        f"E{k:05d},t{(k * 7) % 13},{start + dt.timedelta(days=k % 900)},{f'E{k - 1:05d}' if k % 5 == 4 else ''},"
        f"{'E00000' if k else ''},{(k * 37) % 101},{(k * 13) % 1000}.{k % 100:02d}"
        for k in range(600)
    ]
    for keep in (None, 0, 20_000):
        assert len(_compare(plan, lines, 64, keep)) == 600


def test_a_shared_cost_without_its_counterpart_is_refused_as_for_the_whole():
    from perfrules._adapters import read_population
    from tests.conftest import EXAMPLES

    folder = EXAMPLES / "seed000-pay"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    rows = read_population(folder / "data.csv")
    rows[1] = {**rows[1], "manager": ""}  # A02's wrong note is charged to nobody
    period = plan.scheme.calendar.resolve("2026-04")
    with pytest.raises(pr.InputError) as whole:
        pr.score(plan, rows, period=period)
    assert "missing-counterpart" in {i.code for i in whole.value.issues}
    for keep in (None, 0, 1500):  # the relation cell read back from the first pass, or read again
        with pytest.raises(pr.InputError) as streamed:
            list(stream_scores(plan, lambda: rows, period=period, chunk=1, keep=keep))
        assert str(streamed.value) == str(whole.value)
        assert [i.path for i in streamed.value.issues] == [i.path for i in whole.value.issues]


def test_population_values_looked_up_by_cells_are_those_worked_out_row_by_row(tmp_path):
    # Repeated hire dates (looked up), the same bad date twice (reported for both rows), a date with spaces
    # (its own key, the same values), mentors named by some rows only (their own cells looked up).
    from perfrules._evaluate.inputs import read_rows
    from perfrules._evaluate.people import person_values
    from perfrules._evaluate.streampeople import StreamedPeople

    plan = _plan(tmp_path, "one stage")
    period = plan.scheme.calendar.resolve("2026-04")
    lines = [
        "E000,a,2025-01-01,,,80,1",
        "E001,a,2025-01-01,E000,,80,1",
        "E002,a, 2025-01-01 ,,E000,80,1",
        "E003,b,2025-01-01,,,80,1",
        "E004,b,2025-02-30,,,80,1",
        "E005,b,2025-02-30,E001,,80,1",
        "E006,b,2025-01-01, E002 ,,80,1",
    ]
    rows = read_rows(plan, [dict(zip(HEADER.split(","), x.split(","), strict=True)) for x in lines])
    for chunk in (1, 3, 10):
        people = StreamedPeople(plan, period)
        got = [v for k in range(0, len(rows), chunk) for v in people.values(rows[k : k + chunk], True)]
        issues: list = []
        assert got == person_values(plan, rows, period, issues, {})
        assert (
            [i.path for i in people.issues]
            == [i.path for i in issues]
            == [("row 6", "hire_date"), ("row 7", "hire_date")]
        )
        later = [v for k in range(0, len(rows), chunk) for v in people.values(rows[k : k + chunk], False)]
        assert later == got
        assert got[1] == (*got[0][:-2], "E000", "") and got[6][-2:] == ("E002", "")
    for chunk in (1, 3):
        _compare(plan, lines, chunk)
