"""The columnar engine's ``columnar-limit`` error names the element, and an employee only where one is the cause."""

from __future__ import annotations

import pytest

import perfrules as pr
from perfrules._cli import main
from perfrules._evaluate import ROW_ENGINE

pytest.importorskip("polars")

_HEAD = "name: wide\nteams: {column: team}\nmetrics:\n  v: {type: number}\nscore: {formula: v}\nindicators:\n"
_WIDE = "9999999999999999.999999999999"


def _plan(formula: str) -> pr.Plan:
    return pr.compile_scheme(pr.scheme_from_text(_HEAD + f'  s: {{formula: "{formula}"}}\n', fmt="yaml").scheme)


def _rows(n: int, wide: str = _WIDE) -> list[dict[str, str]]:
    return [{"employee_id": f"E{i:03d}", "team": f"t{i % 2}", "v": wide if i == n - 1 else "1"} for i in range(n)]


def _refused(plan: pr.Plan, rows: list[dict[str, str]]) -> pr.EvaluationError:
    pr.score(plan, rows, period="2026-04")  # the row engine scores these rows
    with pytest.raises(pr.EvaluationError) as err:
        pr.score(plan, rows, period="2026-04", engine="columnar")
    assert err.value.code == "columnar-limit"
    assert 'score with the row engine (engine="row")' in str(err.value)
    return err.value


def test_a_population_wide_sum_is_named_and_no_employee_is() -> None:
    # Finding 4: e.step was None and the first employee ('E000') was named for everyone's value.
    rows = [{"employee_id": f"E{i:03d}", "team": f"t{i % 2}", "v": _WIDE} for i in range(20)]
    err = _refused(_plan("all_sum(v)"), rows)
    assert err.step == "groups.all_sum__v" and err.employee is None
    assert "a population-wide value, the same for every employee" in str(err)
    assert "employee '" not in str(err)


def test_a_value_of_one_employee_names_the_element_and_that_employee() -> None:
    # Finding 5: a tiny value in one row of many: the element and the employee whose value it is.
    err = _refused(_plan("max(v, 99999999999999)"), _rows(50, "0.0000000000000000000000000001"))
    assert (err.step, err.employee) == ("indicators.s", "E049")
    assert "population-wide" not in str(err)


def test_the_command_line_scores_with_the_row_engine_and_says_so(tmp_path, capsys) -> None:
    # Finding 5: the command line falls back to the row engine (which has scored these rows already)
    # with a note, on the fast path and the general path alike; the files are --engine row's, byte for byte.
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(_HEAD + '  s: {formula: "all_sum(v)"}\n')
    data = tmp_path / "d.csv"
    data.write_text("employee_id,team,v\n" + "".join(f"E{i},t{i % 2},{_WIDE}\n" for i in range(20)))
    args = ["score", str(scheme), str(data), "--period", "2026-04"]
    for out in ("out.csv", "out.json"):  # the fast path and the general path
        assert 0 == main([*args, "--out", str(tmp_path / f"row-{out}")])
        capsys.readouterr()
        assert 0 == main([*args, "--out", str(tmp_path / out), "--engine", "columnar"])
        notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
        assert notes[-1] == (
            "note: --engine columnar stopped at a value past its exact range (in 'groups.all_sum__v'): "
            "scored with the row engine instead, the same results as --engine row"
        )
        assert (tmp_path / out).read_bytes() == (tmp_path / f"row-{out}").read_bytes()


def test_a_printed_columnar_limit_says_the_command_lines_option() -> None:
    # Where the error is printed by the command line (e.g. from a sweep), it says --engine row.
    from perfrules._cli.style import error_data

    err = pr.EvaluationError(f"columnar-limit: x; score with the row engine ({ROW_ENGINE})", step="score")
    err.code = "columnar-limit"
    assert error_data(err)["message"] == "columnar-limit: x; score with the row engine (--engine row); in 'score'"
