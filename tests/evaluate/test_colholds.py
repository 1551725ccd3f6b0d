"""Amounts over an approval threshold held column-wise: the very results, flags and amounts of score_held (W2)."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population, render_results, score_held
from tests.adapters.test_streamed import KPI, _kpi_rows
from tests.adapters.test_streamed_holds import SECOND_LOOK
from tests.conftest import ONE_STAGE_HOLDS

pl = pytest.importorskip("polars")
colholds = pytest.importorskip("perfrules._evaluate.colholds")
columns = pytest.importorskip("perfrules._evaluate.columns")

PERIOD = "2026-04"
# Holding merit anywhere can bring a bonus to life for everyone (a population value reads the held amounts),
# and that bonus is over its own threshold: a second round, across employees.
CASCADE = """name: cascade
metrics: {points: list, helped: count, rating: {type: number, min: 0, max: 100}}
indicators: {quality: {formula: rating}}
bonuses:
  merit: {occurrences: points, levels: [1, 2, 5, 8], approval_over: 5}
  team_bonus: {count: helped, amount: 7, approval_over: 6, when: "all_max(merit) < 8"}
flags:
  top_merit: {when: "merit == all_max(merit)", reason: the most merit this month}
  first: {when: "score == all_max(score)", reason: first place}
"""


def _kpi_plan(tmp_path, extra=""):
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(KPI.read_text(encoding="utf-8").replace("  data_errors:", extra + "  data_errors:", 1))
    return pr.compile_scheme(pr.load_scheme(scheme))


def _cascade_plan(tmp_path):
    scheme = tmp_path / "cascade.yaml"
    scheme.write_text(CASCADE, encoding="utf-8")
    return pr.compile_scheme(pr.load_scheme(scheme))


def _both(monkeypatch, tmp_path, plan, lines):
    """Score ``lines`` column-wise (the command line's fast path) and with score_held; return both and the holds."""
    from perfrules._adapters import score_csv_columnar

    found = []

    def spy(*args, **kwargs):
        found.append(colholds.hold_columns(*args, **kwargs))
        return found[-1]

    monkeypatch.setattr(columns, "hold_columns", spy)
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    period = plan.scheme.calendar.resolve(PERIOD)
    out = tmp_path / "out.csv"
    written = score_csv_columnar(plan, data, out, period=period, id_column="employee_id", no_history=True)
    _, results = score_held(plan, read_population(data), {}, period=period, no_history=True)
    assert written == len(lines) - 1, "the column-wise path must take this file"
    assert len(found) == 1
    return out.read_bytes(), results, found[0]


def _held_of(found, ids):
    """Each employee's holds from the columns, as score_held's Hold tuples."""
    held = {}
    for name in sorted(found.held):
        amounts = found.amounts[name].decimals()
        for k in found.held[name].arg_true().to_list():
            held.setdefault(ids[k], []).append((name, amounts[k], found.limits[name]))
    return held


def _same(monkeypatch, tmp_path, plan, lines):
    written, results, found = _both(monkeypatch, tmp_path, plan, lines)
    assert written == render_results(results, "x.csv")
    expected = {r.employee: [(h.adjustment, h.amount, h.limit) for h in r.held] for r in results if r.held}
    got = _held_of(found, [r.employee for r in results])
    # Exact amounts, exponents included (300 and 300.00 are not the same cell).
    assert {e: [(n, repr(a), repr(t)) for n, a, t in h] for e, h in got.items()} == {
        e: [(n, repr(a), repr(t)) for n, a, t in h] for e, h in expected.items()
    }
    return results


def test_the_kpi_example_is_held_as_score_held_holds_it(monkeypatch, tmp_path):
    lines = (KPI.parent / "data.csv").read_text(encoding="utf-8").splitlines()
    results = _same(monkeypatch, tmp_path, _kpi_plan(tmp_path), lines)
    assert [r.employee for r in results if r.held] == ["K01"]
    assert "approval_required" not in render_results(results, "x.csv").decode()


def test_many_amounts_over_and_a_second_hold_they_bring_to_life(monkeypatch, tmp_path):
    lines = _kpi_rows(400, seed=17)
    results = _same(monkeypatch, tmp_path, _kpi_plan(tmp_path, SECOND_LOOK), lines)
    assert sum(bool(r.held) for r in results) > 40
    assert any([h.adjustment for h in r.held] == ["merit", "second_look"] for r in results)


def test_a_population_value_that_reads_held_amounts_brings_holds_to_everyone(monkeypatch, tmp_path):
    plan = _cascade_plan(tmp_path)
    lines = ["employee_id,points,helped,rating"] + [
        f"E{k:03d},{('', '8', '2;5', '8;8', '1')[k % 5]},{k % 3},{50 + k % 7}" for k in range(30)
    ]
    results = _same(monkeypatch, tmp_path, plan, lines)
    kinds = {tuple(h.adjustment for h in r.held) for r in results}
    assert {("merit",), ("team_bonus",), ("merit", "team_bonus")} <= kinds  # team_bonus held in a second round
    tops = [r.employee for r in results if "top_merit" in [f.name for f in r.flags]]
    assert tops == ["E002", "E007", "E012", "E017", "E022", "E027"]  # 2;5 is the most merit paid


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_generated_populations_hold_as_score_held(monkeypatch, tmp_path, data):
    cascade = data.draw(st.booleans())
    plan = _cascade_plan(tmp_path) if cascade else _kpi_plan(tmp_path, SECOND_LOOK)
    n = data.draw(st.integers(1, 40))
    points = st.lists(st.sampled_from("12358" if not cascade else "1258"), max_size=3).map(";".join)
    if cascade:
        lines = ["employee_id,points,helped,rating"] + [
            f"E{k:03d},{data.draw(points)},{data.draw(st.integers(0, 3))},{data.draw(st.integers(0, 100))}"
            for k in range(n)
        ]
    else:
        lines = _kpi_rows(n, seed=data.draw(st.integers(0, 10**6)))
        header = lines[0].split(",")
        at = header.index("merit_points")
        for k in range(1, len(lines)):
            cells = lines[k].split(",")
            cells[at] = data.draw(points)
            lines[k] = ",".join(cells)
    _same(monkeypatch, tmp_path, plan, lines)


def test_nobody_over_costs_one_evaluation_and_a_hold_only_the_steps_it_changes(monkeypatch, tmp_path):
    plan = _kpi_plan(tmp_path)
    calls = []
    evaluate = colholds.evaluate_columns

    def counted(plan, inputs, n, *args, **kwargs):
        calls.append(([ref[1] for ref in plan.order], n))
        return evaluate(plan, inputs, n, *args, **kwargs)

    monkeypatch.setattr(colholds, "evaluate_columns", counted)
    lines = _kpi_rows(50, seed=2)
    at = lines[0].split(",").index("merit_points")
    plain = [lines[0]] + [",".join(c if i != at else "1;3" for i, c in enumerate(x.split(","))) for x in lines[1:]]
    _same(monkeypatch, tmp_path, plan, plain)
    assert len(calls) == 1
    calls.clear()
    plain[5] = ",".join(c if i != at else "8" for i, c in enumerate(plain[5].split(",")))
    _same(monkeypatch, tmp_path, plan, plain)
    assert calls[0][1] == 50 and len(calls) > 1
    again = {name for names, _ in calls[1:] for name in names}
    assert {"merit", "score", "grade", "first_place", "monthly_pay"} <= again
    assert not {"conversion", "payment", "attendance", "data_errors", "pc_rule"} & again  # no hold reaches them
    # The held row alone is scored again, and whoever a population value it changed reaches; the population
    # values themselves over everyone.
    assert {n for names, n in calls[1:] if "merit" in names} == {1}
    assert {n for names, n in calls[1:] if names[0].startswith("all_")} == {50}


def test_the_command_line_scores_the_kpi_example_column_wise_with_the_row_engines_bytes(monkeypatch, tmp_path):
    from perfrules._cli import fast
    from perfrules._cli.main import main

    taken = []
    columnar = fast.score_csv_columnar

    def spy(*args, **kwargs):
        taken.append(columnar(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(fast, "score_csv_columnar", spy)
    data = KPI.parent / "data.csv"
    outs = {}
    for engine in ("row", "columnar"):
        outs[engine] = tmp_path / f"{engine}.csv"
        args = ["score", str(KPI), str(data), "--period", PERIOD, "--no-history", "--engine", engine]
        assert main([*args, "--out", str(outs[engine])]) == 0
    assert taken == [6]  # the columnar fast path wrote it, not the general path
    assert outs["columnar"].read_bytes() == outs["row"].read_bytes()
    assert b"approval_held" in outs["row"].read_bytes()


def test_parquet_out_holds_too(tmp_path):
    from perfrules._adapters import score_csv_columnar

    plan = _kpi_plan(tmp_path)
    rnd = random.Random(4)
    lines = _kpi_rows(60, seed=rnd.randint(0, 99))
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    period = plan.scheme.calendar.resolve(PERIOD)
    out = tmp_path / "out.parquet"
    assert score_csv_columnar(plan, data, out, period=period, id_column="employee_id", no_history=True) == 60
    _, results = score_held(plan, read_population(data), {}, period=period, no_history=True)
    (tmp_path / "row.csv").write_bytes(render_results(results, "x.csv"))
    expected = pl.read_csv(tmp_path / "row.csv", infer_schema=False).fill_null("")
    assert pl.read_parquet(out).equals(expected)


def test_a_data_column_named_like_a_hold_input_is_not_read(monkeypatch, tmp_path):
    lines = _kpi_rows(30, seed=8)
    lines[0] += ",hold_merit"
    lines[1:] = [line + ",1" for line in lines[1:]]
    results = _same(monkeypatch, tmp_path, _kpi_plan(tmp_path), lines)
    assert any(r.bonuses["merit"] != 0 for r in results)  # not held by the column


def test_a_penalty_by_levels_and_a_fixed_amount_are_held(monkeypatch, tmp_path):
    scheme = tmp_path / "one.yaml"
    scheme.write_text(
        ONE_STAGE_HOLDS
        + """flags:
  lowest: {when: "score == all_min(score)", reason: lowest score}
""",
        encoding="utf-8",
    )
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    lines = ["employee_id,discipline,shifts"] + [
        f"E{k:03d},{('', '2', '20', '2;20', '10')[k % 5]},{k % 3}" for k in range(40)
    ]
    results = _same(monkeypatch, tmp_path, plan, lines)
    kinds = {tuple(h.adjustment for h in r.held) for r in results}
    assert {(), ("discipline_ded",), ("cover",), ("cover", "discipline_ded")} <= kinds
