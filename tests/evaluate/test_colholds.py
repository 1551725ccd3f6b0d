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
holdfacts = pytest.importorskip("perfrules._evaluate.holdfacts")
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


# An amount over a threshold of its own that no hold reaches: merit and it are held in one pass.
INDEPENDENT = """  second_look:
    count: data_errors_found
    amount: 8
    approval_over: 6
"""


# Held in the same one pass, with a condition of its own the gate on its hold is joined to.
GUARDED = """  second_look:
    count: data_errors_found
    amount: 8
    when: "data_errors_found > 1"
    approval_over: 6
"""


# Over its threshold only while merit is paid: score_held holds it in the first round, before merit is held,
# and keeps it held (a pass that held merit first would never find it over).
WHILE_PAID = """  second_look:
    count: data_errors_found
    amount: 8
    when: "merit > 0"
    approval_over: 6
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
    plan = (
        _cascade_plan(tmp_path)
        if cascade
        else _kpi_plan(tmp_path, data.draw(st.sampled_from([SECOND_LOOK, INDEPENDENT, WHILE_PAID, GUARDED])))
    )
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


def _counted(monkeypatch):
    """Record each evaluation hold_columns asks for: the names of the steps and the number of rows."""
    calls = []
    evaluate = colholds.evaluate_columns

    def counted(plan, inputs, n, *args, **kwargs):
        calls.append(([ref[1] for ref in plan.order], n))
        return evaluate(plan, inputs, n, *args, **kwargs)

    monkeypatch.setattr(colholds, "evaluate_columns", counted)
    return calls


def _with_merit(lines, cells, column="merit_points"):
    """``lines`` with the merit points (or ``column``) of row k (from 0) set to ``cells[k]`` where given."""
    at = lines[0].split(",").index(column)
    out = [lines[0]]
    for k, line in enumerate(lines[1:]):
        row = line.split(",")
        row[at] = cells.get(k, row[at]) if isinstance(cells, dict) else cells
        out.append(",".join(row))
    return out


def test_a_hold_that_reaches_no_other_threshold_costs_one_pass_and_its_own_step_on_the_held_rows(monkeypatch, tmp_path):
    plan = _kpi_plan(tmp_path, INDEPENDENT)
    facts = holdfacts.hold_facts(plan)
    assert facts is holdfacts.hold_facts(plan)  # worked out once per plan
    assert [[a[1] for a in cut[1]] for cut in facts.cuts] == [["merit"], ["second_look"]]
    # Nobody held yet: each such step is the scheme's own, without the gate on its hold.
    assert all(colholds._ungated(plan, facts.copy, cut[2].ref) is not None for cut in facts.cuts)
    calls = _counted(monkeypatch)
    order = [ref[1] for ref in facts.copy.order]
    plain = _with_merit(_with_merit(_kpi_rows(50, seed=2), "1;3"), "0", "data_errors_found")
    _same(monkeypatch, tmp_path, plan, plain)
    # Nobody over: every step once over everyone, in one evaluation (each step with a threshold looks in its turn).
    assert [name for names, _ in calls for name in names] == order and {n for _, n in calls} == {50}
    calls.clear()
    results = _same(
        monkeypatch, tmp_path, plan, _with_merit(_with_merit(plain, {4: "8"}), {7: "1"}, "data_errors_found")
    )
    assert [[h.adjustment for h in r.held] for r in results if r.held] == [["merit"], ["second_look"]]
    assert [(names, n) for names, n in calls if n != 50] == [(["merit"], 1), (["second_look"], 1)]  # the held rows
    assert [name for names, n in calls if n == 50 for name in names] == order


def test_a_pass_on_two_threads_holds_each_step_in_its_turn(monkeypatch, tmp_path):
    colsched = pytest.importorskip("perfrules._evaluate.colsched")
    workers = []
    ordered = colsched.ordered

    def counted(*args, **kwargs):
        workers.append(args[-1])
        return ordered(*args, **kwargs)

    monkeypatch.setattr(colsched, "MIN_ROWS", 0)
    monkeypatch.setattr(colsched.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(colsched, "ordered", counted)
    monkeypatch.setenv(colsched.THREADS, "2")
    plan = _kpi_plan(tmp_path, INDEPENDENT)
    assert holdfacts.hold_facts(plan).cuts is not None
    calls = _counted(monkeypatch)
    lines = _kpi_rows(300, seed=23)
    results = _same(monkeypatch, tmp_path, plan, lines)
    # Both amounts held, in the scheme's order, though the steps beside them may finish first on the other thread.
    assert any([h.adjustment for h in r.held] == ["merit", "second_look"] for r in results)
    assert sum(bool(r.held) for r in results) > 30
    order = [ref[1] for ref in holdfacts.hold_facts(plan).copy.order]
    assert workers[0] == 2 and calls[0] == (order, 300)  # the one evaluation of the copy, on two threads


def test_an_amount_with_a_condition_of_its_own_is_held_in_the_one_pass(monkeypatch, tmp_path):
    plan = _kpi_plan(tmp_path, GUARDED)
    assert [[a[1] for a in cut[1]] for cut in holdfacts.hold_facts(plan).cuts] == [["merit"], ["second_look"]]
    lines = _with_merit(_kpi_rows(80, seed=11), {k: str(k % 4) for k in range(80)}, "data_errors_found")
    results = _same(monkeypatch, tmp_path, plan, lines)
    held = [r.employee for r in results if "second_look" in [h.adjustment for h in r.held]]
    assert held and len(held) < 80  # held where its condition holds, and only there


def test_every_row_held_and_nobody_held(monkeypatch, tmp_path):
    for plan in (_kpi_plan(tmp_path), _kpi_plan(tmp_path, SECOND_LOOK), _kpi_plan(tmp_path, INDEPENDENT)):
        calls = _counted(monkeypatch)
        lines = _kpi_rows(30, seed=5)
        results = _same(monkeypatch, tmp_path, plan, _with_merit(lines, "8"))
        assert all("merit" in [h.adjustment for h in r.held] for r in results)
        assert all(r.bonuses["merit"] == 0 for r in results)
        if holdfacts.hold_facts(plan).cuts is not None:
            assert {n for _, n in calls} == {30}  # every row held: its step again over the whole column
        calls.clear()
        results = _same(monkeypatch, tmp_path, plan, _with_merit(_with_merit(lines, ""), "0", "data_errors_found"))
        assert not any(r.held for r in results)
        assert len(calls) == 1  # nobody held: one evaluation of the copy (one pass or the first round)


def test_a_hold_reaching_another_threshold_takes_rounds_and_only_the_steps_it_changes(monkeypatch, tmp_path):
    plan = _kpi_plan(tmp_path, SECOND_LOOK)
    assert holdfacts.hold_facts(plan).cuts is None  # holding merit can bring second_look over its threshold
    calls = _counted(monkeypatch)
    lines = _kpi_rows(50, seed=2)
    plain = _with_merit(lines, "1;3")
    _same(monkeypatch, tmp_path, plan, plain)
    assert len(calls) == 1  # nobody over: one evaluation
    calls.clear()
    at = lines[0].split(",").index("data_errors_found")
    held = _with_merit(plain, {4: "8"})
    held[5] = ",".join(c if i != at else "2" for i, c in enumerate(held[5].split(",")))
    looked = []
    over_rows = colholds._over_rows

    def counted(layout, approval, env, n):
        looked.append((approval[1], n))
        return over_rows(layout, approval, env, n)

    monkeypatch.setattr(colholds, "_over_rows", counted)
    results = _same(monkeypatch, tmp_path, plan, held)
    # The first round looks at every row; a later one only where an amount changed (here the held row).
    assert looked[:2] == [("merit", 50), ("second_look", 50)] and {n for _, n in looked[2:]} == {1}
    assert [h.adjustment for h in list(results)[4].held] == ["merit", "second_look"]  # a second round
    assert calls[0][1] == 50 and len(calls) > 1
    again = {name for names, _ in calls[1:] for name in names}
    assert {"merit", "second_look", "score", "grade", "first_place", "monthly_pay"} <= again
    assert not {"conversion", "payment", "attendance", "data_errors", "pc_rule"} & again  # no hold reaches them
    # The held row alone is scored again, and whoever a population value it changed reaches; the population
    # values themselves over everyone.
    assert {n for names, n in calls[1:] if "merit" in names or "second_look" in names} == {1}
    assert {n for names, n in calls[1:] if names[0].startswith("all_")} == {50}


def test_an_amount_over_only_until_a_hold_is_held_as_the_first_round_found_it(monkeypatch, tmp_path):
    plan = _kpi_plan(tmp_path, WHILE_PAID)
    assert holdfacts.hold_facts(plan).cuts is None
    lines = _with_merit(_with_merit(_kpi_rows(20, seed=3), {2: "8", 3: "5"}), {2: "2", 3: "2"}, "data_errors_found")
    results = list(_same(monkeypatch, tmp_path, plan, lines))
    assert [h.adjustment for h in results[2].held] == ["merit", "second_look"]
    assert results[2].bonuses["second_look"] == 0 and results[3].bonuses["second_look"] == 0
    assert [h.adjustment for h in results[3].held] == ["second_look"]


@pytest.mark.parametrize("extra", ["", SECOND_LOOK])
def test_population_values_are_those_of_the_held_scores(monkeypatch, tmp_path, extra):
    # The same employee five times but for the reward points: 8 would make E00000 first, held it is last
    # with E00003 (all_max and all_min over the held scores, on both paths).
    lines = _kpi_rows(1, seed=2)
    lines += [lines[1].replace("E00000", f"E{k:05d}") for k in range(1, 5)]
    lines = _with_merit(_with_merit(lines, {0: "8", 1: "5", 2: "3;1", 3: "", 4: "8;8"}), "0", "data_errors_found")
    results = _same(monkeypatch, tmp_path, _kpi_plan(tmp_path, extra), lines)
    flagged = {
        f: [r.employee for r in results if f in [x.name for x in r.flags]] for f in ("first_place", "last_place")
    }
    assert flagged == {"first_place": ["E00001"], "last_place": ["E00000", "E00003", "E00004"]}
    assert [bool(r.held) for r in results] == [True, False, False, False, True]


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


def test_what_holding_needs_of_a_plan_is_worked_out_ahead_once(monkeypatch, tmp_path):
    import threading

    plan = _kpi_plan(tmp_path, INDEPENDENT)
    where = []
    work_out = holdfacts._work_out

    def counted(p):
        where.append(threading.current_thread().name)
        return work_out(p)

    monkeypatch.setattr(holdfacts, "_work_out", counted)
    holdfacts.hold_facts_soon(plan)
    facts = holdfacts.hold_facts(plan)  # waits for the thread: its answer, not a second one
    holdfacts.hold_facts_soon(plan)  # known already: nothing started
    assert facts is holdfacts.hold_facts(plan) and facts.cuts is not None
    assert where == ["perfrules-holdfacts"]


def test_a_failure_ahead_is_met_again_in_the_callers_own_thread(monkeypatch, tmp_path):
    import threading

    plan = _kpi_plan(tmp_path, INDEPENDENT)
    where = []
    work_out = holdfacts._work_out

    def failing_once(p):
        where.append(threading.current_thread().name)
        if len(where) == 1:
            raise RuntimeError("not this time")
        return work_out(p)

    monkeypatch.setattr(holdfacts, "_work_out", failing_once)
    holdfacts.hold_facts_soon(plan)
    facts = holdfacts.hold_facts(plan)
    assert where == ["perfrules-holdfacts", threading.current_thread().name] and facts.cuts is not None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["1", "5", "5.0", "5.01", "-6", "-5", "0", "-0", "8", "1E+1", "0.5"]), max_size=3),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["5", "0", "4.99", "5.00"]),
)
def test_lists_over_a_threshold_are_those_the_function_finds_list_by_list(lists, limit):
    from decimal import Decimal
    from functools import partial

    from perfrules._evaluate.values import Joined, by_value

    column = Joined(pl.Series([";".join(items) for items in lists], dtype=pl.Utf8))
    expected = by_value(partial(colholds._over, Decimal(limit)), [column], "bool", None, len(lists))
    got = colholds._over_lists(Decimal(limit), column, len(lists))
    assert got.to_list() == expected.to_list()
    assert got.to_list() == [any(abs(Decimal(x)) > Decimal(limit) for x in items) for items in lists]
