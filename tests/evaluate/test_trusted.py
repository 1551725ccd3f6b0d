"""A later pass of a stream converts the rows as the first pass did, without checking them again."""

import pytest

import perfrules as pr
from perfrules._evaluate.inputs import RowChecker
from perfrules._evaluate.trusted import trusted_feed
from perfrules._plugins import NumberFormat, number_format

SCHEME = """
name: trusted
teams:
  column: team
population:
  hire_date: hire_date
  mentor: mentor
metrics:
  points: {type: number, min: 0, max: 1000}
  sales: {type: money, default: 0}
  share: {type: percent, default: 0}
score:
  formula: "points + team_avg(points)"
"""
ROWS = [
    {"employee_id": "E1", "team": "a", "hire_date": "2025-01-01", "mentor": "", "points": "80", "sales": "1.50"},
    {"employee_id": " E2 ", "team": "a", "hire_date": "2025-01-01", "mentor": "E1", "points": "80.0", "sales": ""},
    {"employee_id": "É3", "team": "b", "hire_date": "2025-01-01", "mentor": None, "points": "7", "sales": "2"},
    {"employee_id": "E4", "team": "ü", "hire_date": "2025-01-01", "mentor": "E1", "points": "1e2", "share": "5%"},
    {"employee_id": 5, "team": "b", "hire_date": "2025-01-01", "mentor": "", "points": " 9 ", "sales": "1500"},
]


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return pr.compile_scheme(pr.load_scheme(path))


KEPT = ("hire_date", "mentor", "team")


def _cells(rows):
    # Decimal 80 and 80.0 are equal: the text is compared too. A row's text is read by name only (a
    # chunk taken whole keeps the row's own mapping): its kept cells are compared.
    return [
        (r.employee, r.number, [(type(v).__name__, str(v)) for v in r.values], {k: r.text.get(k) for k in KEPT})
        for r in rows
    ]


@pytest.mark.parametrize("numbers", [None, NumberFormat(decimal=",", thousands=".")])
@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_rows_read_again_are_the_rows_the_first_pass_read(plan, numbers, chunk):
    checked, trusted = (RowChecker(plan, id_column="employee_id", source="x", first_row=2) for _ in range(2))
    rows = ROWS
    if numbers is not None:  # "1,5" is a number only with a decimal comma, "80.0" and "1e2" only without one
        rows = [{**r, "points": "80", "sales": "1500"} for r in ROWS]
        rows[4]["sales"] = "1,5"
    with number_format(numbers):
        first = [r for k in range(0, len(rows), chunk) for r in checked.feed(rows[k : k + chunk])]
        again = [r for k in range(0, len(rows), chunk) for r in trusted_feed(trusted, rows[k : k + chunk])]
    assert not checked.issues and not trusted.issues
    assert _cells(again) == _cells(first)
    assert (trusted.n, trusted.count) == (checked.n, checked.count)


def test_a_cell_that_reads_differently_the_second_time_is_still_reported(plan):
    # The file changed between two passes: the slow path names the problem and the pass refuses the file.
    checker = RowChecker(plan, id_column="employee_id", source="x")
    trusted_feed(checker, [{**ROWS[0], "points": "lots"}])
    assert [i.code for i in checker.issues] == ["bad-value"]
    with pytest.raises(pr.InputError):
        checker.finish()
