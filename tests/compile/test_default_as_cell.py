"""A metric's default means what the same value typed in a cell means, on every engine (trial finding 1)."""

from decimal import Decimal as D

import pytest

import perfrules as pr

SCHEME = """
name: att
metrics:
  att: {type: percent, scale: points, default: 100, max: 1.2}
  n: {type: number, default: 7}
payouts:
  pay: {formula: "3000 * att + n"}
"""

ROWS = [
    {"employee_id": "A", "att": "100", "n": "7"},
    {"employee_id": "B", "att": "", "n": ""},
    {"employee_id": "C", "att": "100%", "n": "7"},
]


def _plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


def _pays(results):
    return {r.employee: (r.values["att"], r.payouts["pay"]) for r in results}


def test_a_percent_default_in_points_fills_what_a_typed_cell_reads():
    plan = _plan()
    [att, n] = plan.inputs
    assert att.convert(None) == att.convert("100") == D("1")
    assert n.convert(None).as_tuple() == n.convert("7").as_tuple()
    want = {e: (D("1"), D("3007.00")) for e in "ABC"}
    for engine in ("row", "columnar"):
        assert _pays(pr.score(plan, ROWS, period="2026-04", engine=engine)) == want, engine
    # A missing column reads as empty cells (the generated reader's own shortcut, the columnar fill).
    short = [{"employee_id": "D"}]
    for engine in ("row", "columnar"):
        assert _pays(pr.score(plan, short, period="2026-04", engine=engine)) == {"D": want["A"]}, engine
    assert plan.read({})[0] == D("1")


def test_the_columnar_file_path_and_parts_fill_the_same_default(tmp_path):
    pytest.importorskip("polars")
    from perfrules._adapters.columnar import score_csv_columnar

    plan = _plan()
    data = tmp_path / "d.csv"
    data.write_text("employee_id,att,n\nA,100,7\nB,,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = {"period": pr.Period.parse("2026-04"), "id_column": "employee_id"}
    # A bare percent in points is left to the row reader (None); what the columnar fill writes reads the same.
    if score_csv_columnar(plan, data, out, **args) is not None:
        assert out.read_text(encoding="utf-8").splitlines()[1:] == [
            "A,2026-04,0.00,,3007.00,",
            "B,2026-04,0.00,,3007.00,",
        ]
    import polars as pl

    from perfrules._evaluate.colpeople import fill_defaults

    filled = fill_defaults(
        plan, pl.DataFrame({"employee_id": ["B"], "att": [None]}, schema_overrides={"att": pl.String})
    )
    assert filled["att"].to_list() == ["100"] and filled["n"].to_list() == ["7"]
    assert [spec.convert(filled[spec.metric.name][0]) for spec in plan.inputs] == [D("1"), D("7")]
    known = pr.PopulationValues()
    parts = [ROWS[:1], ROWS[1:]]
    got = {r.employee: r.payouts["pay"] for part in parts for r in pr.score_part(plan, part, known)}
    assert got == dict.fromkeys("ABC", D("3007.00"))


def test_the_proven_bounds_take_the_default_as_read():
    # The default 100 in points is 1.00: inside 0..1.2, so pay stays within 3000 * 1.2 + 7 from above.
    text = SCHEME.replace("default: 100, max: 1.2", "default: 100, min: 0, max: 1.2").replace(
        "default: 7}", "default: 7, min: 0, max: 10}"
    )
    r = pr.bounds(pr.scheme_from_text(text).scheme)["pay"]
    assert r.hi == D("3610.00")
