"""A percent written without its sign is read only when it cannot be misread (issue #11)."""

from decimal import Decimal as D

import pytest

import perfrules as pr

SCHEME = """
name: qc
metrics:
  qc: {type: percent%s}
score: {formula: "qc * 100"}
"""


def _plan(scale=""):
    return pr.compile_scheme(pr.scheme_from_text(SCHEME % scale).scheme)


def test_a_bare_percent_above_one_is_refused_by_both_engines_naming_the_cell():
    rows = [{"employee_id": "E1", "qc": "0.85"}, {"employee_id": "E2", "qc": "85"}, {"employee_id": "E3", "qc": "85%"}]
    for engine in ("row", "columnar"):
        with pytest.raises(pr.InputError) as err:
            pr.score(_plan(), rows, period="2026-04", engine=engine)
        [issue] = err.value.issues
        assert (issue.code, issue.path) == ("percent-scale", ("row 3", "qc"))
        assert "write 85% or 0.85" in issue.message and "scale: points" in issue.message
    got = pr.score(_plan(), [rows[0], rows[2]], period="2026-04").by_employee()
    assert got["E1"].score == got["E3"].score == D("85.00")


def test_the_declared_scale_reads_bare_percents(tmp_path):
    rows = [{"employee_id": "E1", "qc": "85"}, {"employee_id": "E2", "qc": "85%"}]
    points = pr.score(_plan(", scale: points"), rows, period="2026-04").by_employee()
    assert points["E1"].values["qc"] == points["E2"].values["qc"] == D("0.85")
    fraction = pr.score(_plan(", scale: fraction"), rows, period="2026-04").by_employee()
    assert fraction["E1"].values["qc"] == D("85") and fraction["E2"].values["qc"] == D("0.85")


def test_the_columnar_file_path_leaves_bare_percents_to_the_converter(tmp_path):
    pytest.importorskip("polars")
    from perfrules._adapters.columnar import score_csv_columnar

    data = tmp_path / "d.csv"
    data.write_text("employee_id,qc\nE1,0.85\nE2,85\n", encoding="utf-8")
    args = {"period": pr.Period.parse("2026-04"), "id_column": "employee_id"}
    assert score_csv_columnar(_plan(), data, tmp_path / "out.csv", **args) is None
    assert score_csv_columnar(_plan(", scale: points"), data, tmp_path / "out.csv", **args) is None
    assert score_csv_columnar(_plan(", scale: fraction"), data, tmp_path / "out.csv", **args) == 2


def test_scale_is_for_percent_inputs_only():
    s = pr.scheme_from_text(SCHEME.replace("percent%s", "number, scale: points")).scheme
    [issue] = pr.validate(s).errors
    assert issue.code == "bad-scale" and issue.path == ("metrics", "qc", "scale")


def test_check_searches_percents_above_one_written_with_their_sign():
    from perfrules._analysis import check_scheme

    text = (SCHEME % ", min: 0, max: 3") + 'payouts:\n  pay: {formula: "qc * 100"}\nchecks:\n  - "pay <= 150"\n'
    text += '  - "pay does not decrease when qc rises"\n'
    got = check_scheme(pr.scheme_from_text(text).scheme, examples=50)
    failed, rising = got[0], got[1]
    assert failed.status == "failed" and failed.counterexample is not None
    cell = failed.counterexample.rows[0]["qc"]
    assert cell.endswith("%") and D(cell[:-1]) > 150  # a bare 1.6 would be refused as ambiguous
    assert rising.status == "proven"
