"""A streamed first pass takes a clean chunk whole, and leaves every problem to the checker, in its order."""

import pytest

import perfrules as pr
from perfrules._adapters.streamed import score_csv_streamed
from perfrules._evaluate import stream_scores
from perfrules._evaluate.inputs import RowChecker, Unordered
from perfrules._evaluate.trusted import first_feed

SCHEME = """
name: first pass
teams:
  column: team
population:
  hire_date: hire_date
  mentor: mentor
metrics:
  points: {type: number, min: 0, max: 1000}
  sales: {type: money, default: 0}
  bonus: {type: money, default: 0}
score:
  formula: "points + team_avg(points)"
payouts:
  pay:
    formula: "sales / 10 + bonus"
"""
HEADER = ("employee_id", "team", "hire_date", "mentor", "points", "sales", "bonus")


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return pr.compile_scheme(pr.load_scheme(path))


def _rows(n=12):
    return [
        dict(zip(HEADER, (f"E{k:03d}", f"T{k // 4}", "2025-01-01", "", str(40 + k), str(100 * k), "5"), strict=True))
        for k in range(n)
    ]


def _state(checker, rows):
    # A row's text is read by name only (a chunk taken whole keeps the row's own mapping): its kept cells.
    kept = ("hire_date", "mentor", "team")
    cells = [
        (r.employee, r.number, [(type(v).__name__, str(v)) for v in r.values], {k: r.text.get(k) for k in kept})
        for r in rows
    ]
    issues = [(i.code, i.message, i.path, i.hint) for i in checker.issues]
    return cells, issues, checker.n, checker.count, checker.last


# Each change makes one row (row 8, in the third chunk of three) one the checker must look at itself.
CHANGES = {
    "clean": {},
    "bad number in a column group values do not read": {"sales": "lots"},
    "out of bounds": {"points": "5000"},
    "duplicate": {"employee_id": "E005"},
    "no team": {"team": " "},
    "long text": {"team": "x" * 20_000},
    "not ASCII": {"team": "ü"},
    "not storable": {"mentor": "\ud800"},
    "blank around id": {"employee_id": " E006x "},
    "no id": {"employee_id": ""},
    "missing cell": {"points": None},
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("chunk", [1, 3, 5])
def test_first_feed_leaves_the_checker_as_feed_leaves_it(plan, change, chunk):
    rows = _rows()
    rows[6] = {**rows[6], **CHANGES[change]}
    if change == "missing cell":
        del rows[6]["points"]
    fed, fast = (RowChecker(plan, id_column="employee_id", source="x", ordered=True) for _ in range(2))
    one = [r for k in range(0, len(rows), chunk) for r in fed.feed(rows[k : k + chunk])]
    other = [r for k in range(0, len(rows), chunk) for r in first_feed(fast, rows[k : k + chunk])]
    assert _state(fast, other) == _state(fed, one)
    assert bool(fed.issues) == (change not in ("clean", "not ASCII", "blank around id"))


def test_ids_out_of_order_are_found_as_feed_finds_them(plan):
    rows = _rows()
    rows[5], rows[6] = rows[6], rows[5]
    for feed in (lambda c, r: c.feed(r), first_feed):
        checker = RowChecker(plan, id_column="employee_id", source="x", ordered=True)
        feed(checker, rows[:3])
        with pytest.raises(Unordered):
            feed(checker, rows[3:])


def test_a_bad_cell_group_values_do_not_read_is_reported_as_score_reports_it(plan, tmp_path):
    # sales and bonus are read by no group value; their problems come in row order, before any output.
    rows = _rows(40)
    rows[25]["bonus"] = "x"
    rows[33]["sales"] = "-"
    rows[37]["points"] = "-1"
    period = plan.scheme.calendar.resolve("2026-04")
    with pytest.raises(pr.InputError) as whole:
        pr.score(plan, rows, period=period)
    handed = []
    with pytest.raises(pr.InputError) as streamed:
        for chunk in stream_scores(plan, lambda: rows, period=period, chunk=4):
            handed.append(chunk)
    assert not handed
    assert str(streamed.value) == str(whole.value)
    assert [(i.code, i.path, i.hint) for i in streamed.value.issues] == [
        (i.code, i.path, i.hint) for i in whole.value.issues
    ]
    assert [i.path[1] for i in streamed.value.issues] == ["bonus", "sales", "points"]
    # From a file: the problems name their lines, and nothing is written.
    data = tmp_path / "data.csv"
    data.write_text(",".join(HEADER) + "\n" + "".join(",".join(r.values()) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(pr.InputError) as written:
        score_csv_streamed(plan, data, str(out), period=period, chunk=4)
    assert [(i.code, i.path) for i in written.value.issues] == [(i.code, i.path) for i in whole.value.issues]
    assert [i.line for i in written.value.issues] == [27, 35, 39]
    assert not out.exists()


def test_a_clean_chunk_is_taken_whole(plan, monkeypatch):
    # Only the first chunk (the header's row) goes through the checker's own loop.
    checker = RowChecker(plan, id_column="employee_id", source="x", ordered=True)
    fed = []
    feed = checker.feed
    monkeypatch.setattr(checker, "feed", lambda rows: fed.append(len(rows)) or feed(rows))
    rows = _rows()
    got = [r for k in range(0, len(rows), 4) for r in first_feed(checker, rows[k : k + 4])]
    assert fed == [4]
    assert [r.number for r in got] == list(range(2, 14))
    assert checker.last == ("E011", 13)
