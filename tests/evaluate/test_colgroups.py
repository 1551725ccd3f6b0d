"""Team and relation values on the columnar fast path, on the shapes its shortcuts take and leave: row engine's bytes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import perfrules as pr
from tests.evaluate.test_colpeople import PLAN, TEAM, _csv

pl = pytest.importorskip("polars")


def _agree(plan: pr.Plan, folder: Path, rows: list[dict[str, str]], period: str = "2026-04") -> bytes:
    # The fast path takes the file and writes the row engine's file byte for byte; that file is returned.
    from perfrules._adapters import score_csv_columnar, write_results
    from perfrules._evaluate import scheme_period

    data = folder / "data.csv"
    data.write_text(_csv(rows), encoding="utf-8")
    written = score_csv_columnar(
        plan, data, folder / "col.csv", period=scheme_period(plan, period, True), id_column="employee_id",
        no_history=True,
    )  # fmt: skip
    with open(data, encoding="utf-8", newline="") as fh:
        read = list(csv.DictReader(fh))
    write_results(pr.score(plan, read, period=period, no_history=True), folder / "row.csv")
    assert written == len(rows)
    row = (folder / "row.csv").read_bytes()
    assert (folder / "col.csv").read_bytes() == row
    return row


def _agent(e: str, team: str, score: str, *, mentor: str = "", hire: str = "2024-01-01", role: str = "agent") -> dict:
    return {
        "employee_id": e, "team": team, "hire_date": hire, "mentor": mentor, "month_score": score,
        "sales": str(len(e) * 100 + int(float(score))), "perf_bonus": "3000", "role": role, "admin_score": "70",
    }  # fmt: skip


def _teams(order: list[int], teams: list[str]) -> list[dict[str, str]]:
    # Employees E00.. in the file order ``order``; every fifth a trainee of the one before.
    scores = ["80", "95.5", "80.0", "100", "61", "90", "79.99"]
    return [
        _agent(
            f"E{k:02d}", teams[k], scores[k % len(scores)], mentor=f"E{k - 1:02d}" if k % 5 == 4 else "",
            hire="2026-04-01" if k % 5 == 4 else "2024-01-01", role="supervisor" if k % 7 == 0 else "agent",
        )
        for k in order
    ]  # fmt: skip


@pytest.mark.parametrize(
    "teams",
    [
        ["a"] * 7 + ["b"] * 7 + ["c"] * 6,  # each team's rows together: numbered by runs
        ["b", "a"] * 10,  # teams split over the file: numbered by a join
        ["c"] * 5 + ["a"] * 5 + ["c"] * 5 + ["b"] * 5,  # a team comes back after another
    ],
)
@pytest.mark.parametrize("reverse", [False, True])
def test_teams_together_or_split_over_the_file_agree(teams, reverse, tmp_path):
    order = list(range(20))
    _agree(TEAM, tmp_path, _teams(order[::-1] if reverse else order, teams))


def test_ids_out_of_order_with_trainees_named_before_and_after_their_mentor_agree(tmp_path):
    order = [7, 3, 19, 0, 12, 4, 9, 14, 1, 18, 5, 10, 2, 16, 6, 13, 8, 17, 11, 15]
    rows = _teams(order, ["a", "b"] * 10)
    for r in rows:  # a mentor later in the file than the trainee, and one earlier
        r["mentor"] = {"E04": "E19", "E09": "E00", "E14": "E03"}.get(r["employee_id"], r["mentor"])
    _agree(TEAM, tmp_path, rows)


def test_nobody_names_a_mentor_and_every_mentor_reads_no_trainees(tmp_path):
    rows = [dict(r, mentor="") for r in _teams(list(range(12)), ["a"] * 12)]
    _agree(TEAM, tmp_path, rows)


def test_a_mentor_missing_from_the_file_is_left_to_the_row_engine_which_names_it(tmp_path):
    from perfrules._adapters import score_csv_columnar
    from perfrules._evaluate import scheme_period

    rows = _teams(list(range(10)), ["a"] * 10)
    rows[4]["mentor"] = "E99"
    data = tmp_path / "data.csv"
    data.write_text(_csv(rows), encoding="utf-8")
    written = score_csv_columnar(
        TEAM, data, tmp_path / "col.csv", period=scheme_period(TEAM, "2026-04", True), id_column="employee_id",
        no_history=True,
    )  # fmt: skip
    assert written is None and not (tmp_path / "col.csv").exists()
    with pytest.raises(pr.InputError) as err:
        pr.score(TEAM, rows, period="2026-04", no_history=True)
    assert "unknown-relation" in {i.code for i in err.value.issues}


def test_a_team_with_no_eligible_member_reads_the_values_of_nobody(tmp_path):
    rows = _teams(list(range(10)), ["a"] * 5 + ["b"] * 5)
    for r in rows[5:]:  # team b: trainees in their first month and a supervisor, none eligible
        r.update(hire_date="2026-04-15", role="agent")
    rows[5]["role"] = "supervisor"
    text = _agree(TEAM, tmp_path, rows).decode()
    assert "E05" in text


@pytest.mark.parametrize(
    ("period", "hires"),
    [
        ("2026-04", ["2024-02-29", "2026-03-31", "2026-04-30", "2026-02-28", "2026-03-01", "2026-04-01"]),
        ("2024-02", ["2024-02-29", "2024-02-28", "2024-01-31", "2023-02-28", "2024-02-01", "2020-02-29"]),
        ("2024-03", ["2024-02-29", "2024-03-31", "2024-03-01", "2024-01-31", "2023-12-31", "2024-02-01"]),
    ],
)
def test_hire_dates_at_month_ends_and_leap_days_agree(period, hires, tmp_path):
    rows = _teams(list(range(12)), ["a"] * 6 + ["b"] * 6)
    for k, r in enumerate(rows):
        r["hire_date"] = hires[k % len(hires)]
    _agree(TEAM, tmp_path, rows, period)


def test_leave_dates_and_managers_in_split_teams_out_of_order_agree(tmp_path):
    ids = ["E9", "E10", "E1", "E5", "E3", "E12", "E7"]
    rows = [
        {
            "employee_id": e, "team": "ns"[k % 2], "hire": ["2024-02-29", "2026-04-30", "2026-03-31"][k % 3],
            "leave": ["", "2026-04-30", "", "2026-04-01"][k % 4], "mentor": ids[k - 1] if k % 3 == 2 else "",
            "boss": "E1" if e != "E1" else "", "role": "lead" if e == "E1" else "agent",
            "x": ["80", "80.0", "-1.5", "95.5"][k % 4], "y": str(10 * k), "k": str(k % 2),
        }
        for k, e in enumerate(ids)
    ]  # fmt: skip
    _agree(PLAN, tmp_path, rows)


def test_the_team_index_numbers_runs_as_the_join_numbers_first_appearances():
    from perfrules._evaluate.crowds import People, _index

    for column in (["b", "b", "a", "c", "c"], ["b", "a", "b"], ["x"]):
        people = People(list(range(len(column))), column)
        distinct, at = _index(people, "\0team", column)
        firsts = list(dict.fromkeys(column))
        assert distinct.to_list() == firsts
        assert at.to_list() == [firsts.index(t) for t in column]


@pytest.mark.parametrize("ids", [["A", "B", "D"], ["D", "A", "B"], ["A", "A", "B"]])
def test_the_rows_of_named_ids_are_found_in_sorted_or_unsorted_ids(ids):
    from perfrules._evaluate.crowds import People, _where

    names = pl.Series(["B", "Z", "A"])
    where = _where(People(ids), names).to_list()
    expected = [next((k for k, x in enumerate(names) if x == e), None) for e in ids]
    assert where == expected


def test_a_team_of_many_bytes_within_the_cell_limit_is_taken_and_one_past_it_is_declined(tmp_path):
    from perfrules._adapters import score_csv_columnar
    from perfrules._evaluate import scheme_period
    from perfrules._limits import LIMITS

    wide = "团" * LIMITS.cell_chars  # three bytes a character: more bytes than the limit, not more characters
    rows = _teams(list(range(6)), [wide] * 3 + ["b"] * 3)
    _agree(TEAM, tmp_path, rows)
    rows[0]["team"] = rows[1]["team"] = rows[2]["team"] = wide + "x"
    data = tmp_path / "long.csv"
    data.write_text(_csv(rows), encoding="utf-8")
    written = score_csv_columnar(
        TEAM, data, tmp_path / "long-out.csv", period=scheme_period(TEAM, "2026-04", True),
        id_column="employee_id", no_history=True,
    )  # fmt: skip
    assert written is None and not (tmp_path / "long-out.csv").exists()
