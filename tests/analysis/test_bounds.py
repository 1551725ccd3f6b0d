"""Static bounds: exact through tables, limits and rounding; unknown functions are unbounded; warnings."""

import functools
from decimal import Decimal as D

import attrs

import perfrules as pr
from perfrules._analysis import ANY, Range, bound_warnings, bounds
from perfrules._analysis.functions import apply_range
from perfrules._analysis.interval import ListRange
from perfrules._cli.main import main
from tests.conftest import EXAMPLES


def _scheme(**changes):
    base = pr.Scheme(
        name="t",
        metrics=(pr.Metric("x", "number", min=D(0), max=D(100)), pr.Metric("n", "count")),
        tables=(
            pr.TierTable(
                "tab",
                (
                    pr.Tier(None, pr.Bound(D(50), False), D(10)),
                    pr.Tier(pr.Bound(D(50), True), pr.Bound(D(80), False), D(20)),
                    pr.Tier(pr.Bound(D(80), True), None, D(40)),
                ),
            ),
        ),
        indicators=(pr.Indicator("i", input="x", table="tab"),),
        payouts=(pr.Payout("pay", formula="score * 3 + 0.005", cap=D(100), floor=D(0)),),
    )
    return attrs.evolve(base, **changes)


def test_tables_limits_and_rounding_are_exact():
    b = bounds(_scheme())
    assert b["x"] == Range(D(0), D(100))
    assert b["i"] == Range(D(10), D(40))
    assert b["score"] == Range(D(10), D(40))
    assert b["pay"] == Range(D("30.01"), D("100.00"))  # 30.005 rounded half up as money, capped at 100


def test_a_table_is_exact_over_the_pieces_reached():
    metrics = (pr.Metric("x", "number", min=D(50), max=D(79)), pr.Metric("n", "count"))
    assert bounds(_scheme(metrics=metrics))["i"] == Range(D(20), D(20))


def test_the_gs_scheme_qc_factor_is_narrowed_per_branch():
    b = bounds(pr.load_scheme(EXAMPLES / "seed003-gs" / "scheme.yaml"))
    assert b["qc_factor"] == Range(D("-2.50"), D("2.00"))
    assert b["workload_bonus"] == Range(D(-700), None)
    assert b["bonus"] == Range(D("0.00"), D("500.00"))


def test_an_unknown_function_is_unbounded_and_known_ones_are_recognised_by_identity():
    assert apply_range(lambda x: x, [Range(D(0), D(1))], {}) is None
    fake_min = functools.partial(min)
    assert apply_range(fake_min, [Range(D(0), D(1))], {}) is None
    assert apply_range(min, [Range(D(0), D(1)), Range(D(5), None)], {}) == Range(D(0), D(1))
    total = pr.FUNCTIONS["total"].impl
    assert apply_range(total, [ListRange(Range(D(1), D(2)), Range(D(0), D(3)))], {}) == Range(D(0), D(6))


def test_division_by_a_range_holding_zero_is_unbounded():
    assert Range(D(1), D(2)) / Range(D(0), D(1)) == ANY
    assert Range(D(1), D(2)) / Range(D(1), D(4)) == Range(D("0.25"), D(2))


def test_warnings_name_unbounded_money_and_limits_that_never_or_always_bind():
    s = _scheme(
        payouts=(
            pr.Payout("open", formula="n * 2"),
            pr.Payout("loose", formula="x", cap=D(500)),
            pr.Payout("stuck", formula="x - 200", floor=D(0)),
        )
    )
    codes = {(i.code, i.path[:2]) for i in bound_warnings(bounds(s))}
    assert codes == {
        ("unbounded-money", ("payouts", "open")),
        ("cap-never-binds", ("payouts", "loose")),
        ("floor-always-binds", ("payouts", "stuck")),
    }


def test_cli_bounds_prints_every_value_and_validate_warns(capsys):
    assert 0 == main(["bounds", str(EXAMPLES / "seed003-gs" / "scheme.yaml")])
    out = capsys.readouterr().out
    assert "payouts.bonus" in out and "500.00" in out and "metrics.qc_factor" in out
    assert 0 == main(["bounds", "--json", str(EXAMPLES / "seed002" / "scheme.yaml")])
    assert '"max": "100.00"' in capsys.readouterr().out
    assert 0 == main(["validate", str(EXAMPLES / "seed001" / "scheme.yaml")])
    assert "cap-never-binds" in capsys.readouterr().out
    assert 1 == main(["validate", "--strict", str(EXAMPLES / "seed001" / "scheme.yaml")])


def test_unbounded_money_is_reported_where_it_starts_and_only_when_paid_out():
    s = _scheme(
        bonuses=(pr.Bonus("tip", count="n", amount=D(5), unit="money", payout="capped"),),
        payouts=(
            pr.Payout("capped", formula="0", cap=D(300)),
            pr.Payout("open", formula="n * 2"),
            pr.Payout("all_pay", formula="open + capped"),
        ),
    )
    found = [(i.path, i.message) for i in bound_warnings(bounds(s)) if i.code == "unbounded-money"]
    assert [p for p, _ in found] == [("payouts", "open")]
    assert "(and so has all_pay)" in found[0][1]


def test_an_end_that_overflows_becomes_an_open_end():
    from decimal import localcontext

    from perfrules._analysis.interval import CONTEXT

    with localcontext(CONTEXT):
        huge = Range(D("1e999998"), D("1e999998"))
        assert (huge * huge).hi is None and (huge * huge).lo is None
        assert (-huge * huge).text() == "[-inf, +inf]"


def test_the_bound_warnings_are_on_the_python_result_as_validate_reports_them(capsys):
    s = _scheme(payouts=(pr.Payout("open", formula="n * 2"), pr.Payout("loose", formula="x", cap=D(500))))
    found = pr.bounds(s).warnings
    assert [(i.code, i.severity, i.path[:2]) for i in found] == [
        ("unbounded-money", "warning", ("payouts", "open")),
        ("cap-never-binds", "warning", ("payouts", "loose")),
    ]
    assert all(i.hint for i in found)
    # The same warnings, in the same words, as `perfrules validate` prints for a file.
    path = EXAMPLES / "seed001" / "scheme.yaml"
    api = pr.bounds(pr.load_scheme(path)).warnings
    assert api and {i.code for i in api} <= {"unbounded-money", "cap-never-binds", "floor-always-binds"}
    main(["validate", str(path)])
    out = capsys.readouterr().out
    assert all(i.message in out for i in api)
