"""Team populations on the columnar fast path (CSV in, CSV out): the row engine's file, byte for byte, or declined."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._load import scheme_from_text
from tests.conftest import EXAMPLES

pytest.importorskip("polars")

PEOPLE = """
name: people
teams:
  column: team
  eligible: "tenure_months > 1 and is_agent"
population:
  hire_date: hire
  leave_date: leave
  mentor: mentor
  manager: boss
  role: role
  roles: [agent, lead]
metrics:
  x: {type: number, min: -1000, max: 1000}
  y: {type: money, default: 0}
  k: {type: count, default: 0}
conditions:
  fresh: "tenure_months <= 2 and x >= 80"
flags:
  top_x: {when: "team_top(x)", reason: top of the team in x}
  top_y_fresh: {when: "team_top(y, fresh)", reason: top of the team in y among the fresh}
  high: {when: "team_avg(x) > 80", reason: high average}
  part_month: {when: "days_employed < period_days", reason: not the whole month}
score:
  formula: "team_avg(x) * 0.5 + y * 0.5 if is_lead else x"
  rounding: {places: 2}
payouts:
  # Each inexact quotient (28 digits) in a payout of its own: a sum of two would need more digits than
  # the columnar engine holds exactly, and is refused (columnar-limit) rather than rounded.
  third:
    formula: "team_sum(y) / 3"
  share:
    formula: "team_share(y)"
  team:
    formula: "team_count(x) + team_max(x) - team_min(y, fresh) + team_rank(x)"
  everyone:
    formula: "team_count(x, over=everyone) + all_max(x) - all_min(y) + all_count(x)"
  e_avg:
    formula: "team_avg(y, over=everyone)"
  mentoring:
    formula: "mentees_sum(x) + mentees_max(y) * 2 + mentees_min(x) + mentees_count(x, fresh)"
  m_avg:
    formula: "mentees_avg(y)"
  reporting:
    formula: "reports_count(x) + reports_max(y) - reports_sum(k)"
  r_avg:
    formula: "reports_avg(x)"
  tenure:
    formula: "tenure_months * 10 + days_employed + k"
"""

NUMBERS = st.sampled_from(["80", "80.0", "80.00", "-0", "0", "0.0", "-1.5", "2", "2.000", "95.5", "100"]) | st.decimals(
    min_value=-999, max_value=999, places=2, allow_nan=False, allow_infinity=False
).map(str)
MONEY = st.sampled_from(["", "0", "10", "10.00", "3.33", "1000", "0.01"]) | st.integers(0, 10**6).map(str)
# Hire dates around the period (2026-04): before, in its first days, the month before (tenure 2), after it.
HIRES = st.sampled_from(
    ["2020-01-01", "2026-02-28", "2026-03-01", "2026-03-31", "2026-04-01", "2026-04-30", "2026-05-01"]
)
LEAVES = st.sampled_from(["", "", "", "2026-04-15", "2026-03-31", "2026-04-30"])


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, str]]:
    ids = draw(st.lists(st.from_regex(r"E[0-9]{1,3}", fullmatch=True), min_size=1, max_size=30, unique=True))
    teams = draw(st.lists(st.sampled_from(["north", "south", "west", "a b"]), min_size=1, max_size=4, unique=True))
    return [
        {
            "employee_id": e,
            "team": draw(st.sampled_from(teams)),
            "hire": draw(HIRES),
            "leave": draw(LEAVES),
            "mentor": draw(st.sampled_from(["", "", *(m for m in ids if m != e)])),
            "boss": draw(st.sampled_from(["", *(m for m in ids[:3] if m != e)])),
            "role": draw(st.sampled_from(["agent", "agent", "lead", " agent"])),
            "x": draw(NUMBERS),
            "y": draw(MONEY),
            "k": draw(st.sampled_from(["", "0", "1", "3"])),
        }
        for e in ids
    ]


def _csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    columns = columns or list(rows[0])
    return "\n".join([",".join(columns), *(",".join(r[c] for c in columns) for r in rows)]) + "\n"


def _both(plan: pr.Plan, folder: Path, text: str) -> tuple[int | None, bytes, bytes | None]:
    # The fast path's file (None: it declined) and the row engine's, from the same CSV file.
    from perfrules._adapters import score_csv_columnar, write_results
    from perfrules._evaluate import scheme_period

    data = folder / "data.csv"
    data.write_text(text, encoding="utf-8")
    written = score_csv_columnar(
        plan, data, folder / "col.csv", period=scheme_period(plan, "2026-04", True), id_column="employee_id",
        no_history=True,
    )  # fmt: skip
    with open(data, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    write_results(pr.score(plan, rows, period="2026-04", no_history=True), folder / "row.csv")
    col = (folder / "col.csv").read_bytes() if written is not None else None
    return written, (folder / "row.csv").read_bytes(), col


PLAN = pr.compile_scheme(scheme_from_text(PEOPLE).scheme)
TEAM = pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed000-team" / "scheme.yaml"))


@settings(max_examples=40, deadline=None)
@given(people())
def test_team_populations_agree_cell_for_cell(rows):
    with tempfile.TemporaryDirectory() as tmp:
        written, row, col = _both(PLAN, Path(tmp), _csv(rows))
    assert written == len(rows)  # clean cells: the fast path takes the file
    assert col == row


@st.composite
def seed_teams(draw: st.DrawFn) -> list[dict[str, str]]:
    # The seed-000 scheme's columns: teams of 1..n with ties in score and sales, trainees with or without mentors.
    n = draw(st.integers(1, 40))
    ids = [f"E{k:03d}" for k in range(n)]
    return [
        {
            "employee_id": e,
            "team": f"t{draw(st.integers(0, 3))}",
            "hire_date": draw(HIRES.filter(lambda h: h != "2026-05-01")),
            "mentor": draw(st.sampled_from(["", "", *(m for m in ids if m != e)])),
            "month_score": draw(st.sampled_from(["80", "80.0", "90", "100", "110", "79.99", "85.5"])),
            "sales": draw(st.sampled_from(["0", "1000", "1000.00", "999999", "1500.5"])),
            "perf_bonus": draw(st.sampled_from(["", "0", "3000", "3500.55", "0.05"])),
            "role": draw(st.sampled_from(["agent", "agent", "agent", "supervisor"])),
            "admin_score": draw(st.sampled_from(["", "0", "59", "60", "100", "99.99"])),
        }
        for e in ids
    ]


@settings(max_examples=40, deadline=None)
@given(seed_teams())
def test_the_seed_team_scheme_agrees_cell_for_cell(rows):
    with tempfile.TemporaryDirectory() as tmp:
        written, row, col = _both(TEAM, Path(tmp), _csv(rows))
    assert written == len(rows)
    assert col == row


GOOD = [
    {"employee_id": "A", "team": "n", "hire": "2020-01-01", "leave": "", "mentor": "", "boss": "", "role": "lead",
     "x": "90", "y": "10", "k": "1"},
    {"employee_id": "B", "team": "n", "hire": "2026-04-02", "leave": "", "mentor": "A", "boss": "A",
     "role": "agent", "x": "85", "y": "20", "k": ""},
]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "cell", "code"),
    [
        ("team", "", "missing-team"),
        ("team", "  ", "missing-team"),
        ("role", "boss", "unknown-role"),
        ("mentor", "Z", "unknown-relation"),
        ("mentor", "B", "unknown-relation"),  # B names themself
        ("hire", "", "missing-date"),
        ("hire", "2026-13-01", "bad-date"),
        ("leave", "31/04/2026", "bad-date"),
        ("x", "", "missing-value"),
    ],
)
def test_a_cell_the_row_reader_reports_is_declined(column, cell, code, tmp_path):
    rows = [dict(r) for r in GOOD]
    rows[1][column] = cell
    written, _, _ = _both_or_error(tmp_path, _csv(rows), code)
    assert written is None


def _both_or_error(folder: Path, text: str, code: str) -> tuple[int | None, None, None]:
    from perfrules._adapters import score_csv_columnar
    from perfrules._evaluate import scheme_period

    data = folder / "data.csv"
    data.write_text(text, encoding="utf-8")
    written = score_csv_columnar(
        PLAN, data, folder / "col.csv", period=scheme_period(PLAN, "2026-04", True), id_column="employee_id",
        no_history=True,
    )  # fmt: skip
    assert not (folder / "col.csv").exists()
    with open(data, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with pytest.raises(pr.InputError) as err:
        pr.score(PLAN, rows, period="2026-04", no_history=True)
    assert code in {i.code for i in err.value.issues}
    return written, None, None


def test_a_missing_column_with_a_default_is_its_default_and_without_one_is_declined(tmp_path):
    columns = [c for c in GOOD[0] if c not in ("y", "k")]
    written, row, col = _both(PLAN, tmp_path, _csv(GOOD, columns))
    assert written == 2 and col == row
    for missing in ("x", "role", "team", "mentor"):
        folder = tmp_path / missing
        folder.mkdir()
        data = folder / "data.csv"
        data.write_text(_csv(GOOD, [c for c in GOOD[0] if c != missing]), encoding="utf-8")
        from perfrules._adapters import score_csv_columnar
        from perfrules._evaluate import scheme_period

        got = score_csv_columnar(
            PLAN, data, folder / "col.csv", period=scheme_period(PLAN, "2026-04", True), id_column="employee_id",
            no_history=True,
        )  # fmt: skip
        assert got is None, missing


def test_a_team_written_with_spaces_is_another_team_as_in_the_row_engine(tmp_path):
    rows = [dict(r) for r in GOOD] + [dict(GOOD[1], employee_id="C", team=" n", mentor="", boss="")]
    written, row, col = _both(PLAN, tmp_path, _csv(rows))
    assert written == 3 and col == row


def test_the_streamed_csv_keeps_the_targets_mode_and_leaves_no_temporary_file(tmp_path):
    import os
    import stat

    (tmp_path / "col.csv").write_text("old\n", encoding="utf-8")
    os.chmod(tmp_path / "col.csv", 0o600)
    written, row, col = _both(PLAN, tmp_path, _csv(GOOD))
    assert written == 2 and col == row
    assert stat.S_IMODE((tmp_path / "col.csv").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["col.csv", "data.csv", "row.csv"]
