"""Amounts over an approval threshold held in the streamed path exactly as the command line holds them (W2)."""

import pytest

import perfrules as pr
from perfrules._adapters import read_population, render_results, score_csv_streamed, score_held
from perfrules._evaluate import stream_problem
from tests.adapters.test_streamed import KPI, _kpi_rows, _set
from tests.conftest import ONE_STAGE_HOLDS

PERIOD = "2026-04"
# A bonus that comes to life only once merit is held: holding one amount can bring another over.
SECOND_LOOK = """  second_look:
    count: data_errors_found
    amount: 8
    when: "merit == 0"
    approval_over: 6
"""


def _plan(tmp_path, extra=""):
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(KPI.read_text(encoding="utf-8").replace("  data_errors:", extra + "  data_errors:", 1))
    return pr.compile_scheme(pr.load_scheme(scheme))


def _both(tmp_path, plan, lines, chunk):
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    period = plan.scheme.calendar.resolve(PERIOD)
    out = tmp_path / "out.csv"
    written = score_csv_streamed(plan, data, str(out), period=period, no_history=True, chunk=chunk)
    _, results = score_held(plan, read_population(data), {}, period=period, no_history=True)
    return written, out, results


@pytest.mark.parametrize("chunk", [1, 7, 10_000])
def test_holds_reach_a_fixpoint_per_employee_and_population_values_see_them(tmp_path, chunk):
    plan = _plan(tmp_path, SECOND_LOOK)
    lines = _kpi_rows(200, seed=11)
    written, out, results = _both(tmp_path, plan, lines, chunk)
    assert written == 200
    assert out.read_bytes() == render_results(results, "x.csv")
    twice = [r for r in results if [h.adjustment for h in r.held] == ["merit", "second_look"]]
    assert twice and all(r.bonuses["merit"] == 0 == r.bonuses["second_look"] for r in twice)


def test_a_held_top_scorer_loses_first_place_as_in_the_whole_population(tmp_path):
    plan = _plan(tmp_path)
    lines = _kpi_rows(40, seed=5)
    for k in range(1, len(lines)):  # everyone alike but for their id: 60 points in tasks, no merit
        lines[k] = f"E{k - 1:05d}," + lines[1].split(",", 1)[1]
        _set(lines, k, "merit_points", "")
        _set(lines, k, "tasks_rating", "60")
    _set(lines, 4, "tasks_rating", "70")  # E00003 one point ahead
    _set(lines, 9, "merit_points", "8")  # E00008 eight points ahead, but the 8 is held, not paid
    written, out, results = _both(tmp_path, plan, lines, 4)
    assert written == 40 and out.read_bytes() == render_results(results, "x.csv")
    held = next(r for r in results if r.employee == "E00008")
    assert [h.adjustment for h in held.held] == ["merit"] and held.bonuses["merit"] == 0
    # Unheld, E00008 would be first; all_max(score) sees the held score, so someone else is.
    period = plan.scheme.calendar.resolve(PERIOD)
    unheld = pr.score(plan, read_population(tmp_path / "data.csv"), period=period, no_history=True)
    first = [r.employee for r in unheld if "first_place" in [f.name for f in r.flags]]
    assert first == ["E00008"]
    assert "first_place" not in [f.name for f in held.flags]
    assert [r.employee for r in results if "first_place" in [f.name for f in r.flags]] == ["E00003"]


def test_a_data_column_named_like_a_hold_input_is_not_read(tmp_path):
    plan = _plan(tmp_path)
    lines = _kpi_rows(30)
    lines[0] += ",hold_merit"
    lines[1:] = [line + ",1" for line in lines[1:]]
    written, out, results = _both(tmp_path, plan, lines, 8)
    assert written == 30 and out.read_bytes() == render_results(results, "x.csv")
    assert any(r.bonuses["merit"] != 0 for r in results)  # not held by the column


def test_an_approval_on_population_values_is_scored_whole(tmp_path, capsys):
    from perfrules._cli.main import main

    extra = SECOND_LOOK.replace("second_look", "best_tasks").replace(
        "merit == 0", "tasks_rating == all_max(tasks_rating)"
    )
    plan = _plan(tmp_path, extra)
    assert stream_problem(plan, True) == "an amount over an approval threshold depends on population values"
    written, out, results = _both(tmp_path, plan, _kpi_rows(30), 8)
    assert written is None and not out.exists()
    scheme = tmp_path / "scheme.yaml"
    args = ["score", str(scheme), str(tmp_path / "data.csv"), "--period", PERIOD, "--no-history", "--out", str(out)]
    assert main(args) == 0
    assert "wrote 30 result(s)" in capsys.readouterr().err
    assert out.read_bytes() == render_results(results, "x.csv")


def test_rows_are_read_by_the_schemes_own_reader_with_every_hold_zero(tmp_path):
    # The copy's generated reader would want a hold column in every row and fall back to its slow path.
    from perfrules._evaluate import Holding, holding_scheme

    plan = _plan(tmp_path, SECOND_LOOK)
    variant, holds = holding_scheme(plan.scheme, ["merit", "second_look"])
    holding = Holding(pr.compile_scheme(variant), holds, plan)
    assert holding.reading is plan and holding.pad == (0, 0)


@pytest.mark.parametrize("chunk", [1, 3, 10_000])
def test_a_one_stage_scheme_holds_a_penalty_and_a_fixed_amount(tmp_path, chunk):
    # No population value: one pass; a penalty by levels, and a bonus whose amount is over its threshold.
    scheme = tmp_path / "one.yaml"
    scheme.write_text(
        ONE_STAGE_HOLDS
        + """flags:
  dismissal: {when: "largest(discipline) >= 20", reason: level six means dismissal}
""",
        encoding="utf-8",
    )
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    assert len(plan.stages) == 1 and stream_problem(plan, True) is None
    lines = ["employee_id,discipline,shifts"] + [
        f"E{k:03d},{('', '2', '20', '2;20', '10')[k % 5]},{k % 3}" for k in range(40)
    ]
    written, out, results = _both(tmp_path, plan, lines, chunk)
    assert written == 40 and out.read_bytes() == render_results(results, "x.csv")
    kinds = {tuple(h.adjustment for h in r.held) for r in results}
    assert {(), ("discipline_ded",), ("cover",), ("cover", "discipline_ded")} <= kinds
