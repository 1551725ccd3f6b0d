"""The Python backend: every node type emitted, constants named after what they are, tracebacks that show the line."""

from __future__ import annotations

import linecache
import re
import traceback
from decimal import Decimal

import pytest

import perfrules as pr
from perfrules._formula import compile_table
from perfrules._ir import (
    BOOL,
    NODE_TYPES,
    NUM,
    Apply,
    Arith,
    Choice,
    Clamp,
    Compare,
    Const,
    Emitter,
    Fact,
    Node,
    Ref,
    Round,
    Step,
    Sum,
    TableLookup,
    Unary,
)
from tests.conftest import EXAMPLES

D = Decimal
_TABLE = compile_table(
    pr.TierTable(
        "pts",
        (
            pr.Tier(None, pr.Bound(D(0), False), D(1)),
            pr.Tier(pr.Bound(D(0), True), None, D(7)),
        ),
        direction="higher_is_better",
    )
)
_X = Ref("x", NUM)


def _double(value: Decimal) -> Decimal:
    return value * 2


def _examples() -> dict[type, list[tuple[Node, dict[str, Decimal], object]]]:
    """For each node type: tiny nodes over the input ``x``, the value of ``x`` to run them at, and the result."""
    one, three = Const(D(1), label="one"), Const(D(3), label="three")
    positive = Compare((">",), (_X, Const(D(0))), BOOL)
    return {
        Const: [(Const(D("2.5"), label="two_and_a_half"), {}, D("2.5")), (Const(True, BOOL), {}, True)],
        Ref: [(_X, {"x": D(4)}, D(4))],
        Unary: [(Unary("-", _X, NUM), {"x": D(4)}, D(-4)), (Unary("not", positive, BOOL), {"x": D(4)}, False)],
        Arith: [(Arith("*", _X, three), {"x": D(4)}, D(12)), (Arith("/", _X, three), {"x": D(1)}, D(1) / 3)],
        Compare: [
            (positive, {"x": D(-1)}, False),
            (Compare(("<=", "<"), (one, _X, three), BOOL), {"x": D(2)}, True),
            (Compare(("and",), (positive, Compare(("<",), (_X, three), BOOL)), BOOL), {"x": D(5)}, False),
        ],
        Choice: [
            (Choice(positive, one, three, NUM), {"x": D(-2)}, D(3)),
            # A branch with a limit needs statements: if/else rather than an expression.
            (Choice(positive, Clamp(_X, None, D(10)), three, NUM), {"x": D(12)}, D(10)),
        ],
        Apply: [
            (Apply(_double, (_X,), NUM, "double"), {"x": D(4)}, D(8)),
            (Apply(_double, (_X,), NUM, "double", inline="({0} + {0})"), {"x": D(4)}, D(8)),
        ],
        TableLookup: [(TableLookup(_TABLE, _X), {"x": D(-3)}, D(1)), (TableLookup(_TABLE, _X), {"x": D(0)}, D(7))],
        Clamp: [
            (Clamp(_X, D(0), D(10)), {"x": D(-3)}, D(0)),
            (Clamp(_X, D(0), D(10)), {"x": D(30)}, D(10)),
            (Clamp(_X, None, D(10)), {"x": D(5)}, D(5)),
            (Clamp(_X, D(0), None), {"x": D(-5)}, D(0)),
        ],
        Round: [(Round(_X, pr.Rounding(1, "half_up")), {"x": D("2.25")}, D("2.3"))],
        Sum: [(Sum(one, ((1, _X), (-1, three))), {"x": D(10)}, D(8)), (Sum(one, ()), {}, D(1))],
        Fact: [(Fact("doubled", Arith("+", _X, _X)), {"x": D(3)}, D(6))],
    }


def _run(node: Node, inputs: dict[str, Decimal], *, traced: bool) -> tuple[object, ...]:
    """Emit ``node`` as the one output of a step, compile the function, and run it."""
    ns: dict[str, object] = {"__builtins__": {}}
    em = Emitter(ns, traced=traced)
    names = em.step(Step(("metrics", "out"), "metric", (("out", node),)))
    args = ", ".join(f"v_{k}" for k in inputs)
    facts = [f"_fact{k}" for k in range(len(em.facts))]
    text = "\n".join(
        [f"def f({args}):", *(f"    {line}" for line, _ in em.body), f"    return ({', '.join(['v_out', *facts])},)"]
    )
    assert names == ["out"]
    exec(compile(text, "<test emitter>", "exec"), ns)  # the test's own nodes
    return ns["f"](*inputs.values())


def test_every_node_type_has_an_example_here():
    """A node type added to the IR without an example here fails this test, so the emitter is tested on it."""
    assert set(_examples()) == set(NODE_TYPES)


@pytest.mark.parametrize("kind", NODE_TYPES, ids=lambda t: t.__name__)
@pytest.mark.parametrize("traced", [False, True], ids=["plain", "traced"])
def test_the_emitter_writes_code_for_every_node_type(kind, traced):
    for node, inputs, want in _examples()[kind]:
        out = _run(node, inputs, traced=traced)
        assert out[0] == want and type(out[0]) is type(want), (node, out)
        # The traced twin records each fact once, after the values; the plain one records none.
        assert len(out) == (1 + (kind is Fact) if traced else 1)
        if traced and kind is Fact:
            assert out[1] == want


def test_facts_of_the_branch_not_taken_are_none():
    fact = Fact("then", Clamp(_X, None, D(10)))
    node = Choice(Compare((">",), (_X, Const(D(0))), BOOL), fact, Const(D(3)), NUM)
    assert _run(node, {"x": D(12)}, traced=True) == (D(10), D(10))
    assert _run(node, {"x": D(-1)}, traced=True) == (D(3), None)


def _bound(plan: pr.Plan) -> dict[str, object]:
    return plan.stages[0].run.__globals__


_SCHEME = pr.Scheme(
    "names",
    params=(pr.Param("rate", D(12)),),
    metrics=(pr.Metric("x"),),
    indicators=(pr.Indicator("quality", formula="x * 1.5", cap=D(90), floor=D(10), weight=D(40)),),
    sections=(),
    penalties=(pr.Penalty("late", count="x", amount=D(2), cap=D(8)),),
    payouts=(pr.Payout("pay", formula="score * rate", cap=D(1000), floor=D(0)),),
)


def test_constants_are_named_after_what_they_are():
    plan = pr.compile_scheme(_SCHEME)
    ns, source = _bound(plan), plan.source
    expected = {
        "_cap_indicators_quality": D(90),
        "_floor_indicators_quality": D(10),
        "_weight_quality": D("0.4"),
        "_cap_penalties_late": D(8),
        "_amount_late": D(2),
        "_param_rate": D(12),
        "_cap_payouts_pay": D(1000),
        "_d_1_5": D("1.5"),
        "_quantum_2": D("0.01"),
    }
    for name, value in expected.items():
        assert re.search(rf"\b{name}\b", source), name
        assert ns[name] == value, name
    assert "cap_" in source and "floor_" in source


_WORDS = {
    "ZERO", "D", "sum", "len", "in", "param", "cap", "floor", "weight", "base", "amount", "share", "quantum",
    "mode", "bisect", "bounds", "points", "grades", "grade", "d", "fn", "schedule", "shortfall", "table",
    "zero", "band", "hundred", "one", "times", "marginal", "slices",
}  # fmt: skip


@pytest.mark.parametrize("folder", sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml")), ids=lambda p: p.name)
def test_no_example_has_a_constant_without_a_name(folder):
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    names = set(re.findall(r"(?<![\w.])(_[A-Za-z]\w*)", plan.source))
    names -= {n for n in names if re.fullmatch(r"_(t|fact)\d+", n)}
    ns = _bound(plan)
    for name in names:
        assert name.split("_")[1] in _WORDS, f"{name}: a constant named after nothing it is"
        if name.startswith("_d_"):  # a literal is named after its own digits
            spelled = "d_" + format(ns[name], "f").replace("-", "minus_").replace(".", "_")[:24]
            assert re.fullmatch(rf"{spelled}(_\d+)?", name[1:]), (name, ns[name])
        if name not in ("_in",):
            assert name in ns, name


def _failing_plan() -> pr.Plan:
    return pr.compile_scheme(
        pr.Scheme(
            "fails",
            metrics=(pr.Metric("x"), pr.Metric("y")),
            indicators=(pr.Indicator("ratio", formula="x / y", cap=D(100)),),
        )
    )


@pytest.mark.parametrize("trace", [False, True], ids=["plain", "traced"])
def test_a_traceback_through_generated_code_shows_the_generated_line(trace):
    plan = _failing_plan()
    with pytest.raises(pr.EvaluationError) as caught:
        pr.score(plan, [{"employee_id": "E1", "x": "1", "y": "0"}], trace=trace)
    cause = caught.value.__cause__
    assert cause is not None
    text = "".join(traceback.format_exception(cause))
    # The plain code's source is the plan's; each twin's is registered under its own file name.
    filename = plan.filenames[1 if trace else 0]
    source = "".join(linecache.getlines(filename))
    assert trace or source == plan.source
    line = next(line.strip() for line in source.splitlines() if "v_x / v_y" in line)
    assert line in text, text
    assert re.search(rf'File "{re.escape(filename)}", line \d+, in run_0', text), text
    assert "indicators.ratio" in str(caught.value)


@pytest.mark.parametrize("folder", sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml")), ids=lambda p: p.name)
def test_plain_and_traced_code_agree_on_every_value(folder):
    from perfrules._adapters import read_population

    if not (folder / "data.csv").exists():
        pytest.skip("no data")
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    period = {"quarter": "2026-Q2"}.get(plan.scheme.period, "2026-04")
    rows = read_population(folder / "data.csv")
    first = pr.RecordedHistory()  # the first period: nothing recorded before it
    plain = pr.score(plan, rows, period=period, history=first)
    traced = pr.score(plan, rows, period=period, trace=True, history=first)
    assert len(plain) == len(traced) > 0
    for a, b in zip(plain, traced, strict=True):
        assert a.trace is None and b.trace is not None
        assert a.row == b.row and b.trace[: len(b.row)] == b.row
        assert a.to_dict() == b.to_dict()
        assert pr.explain(plan, a).to_dict() == pr.explain(plan, b).to_dict()


def test_a_sum_of_thousands_of_terms_compiles_and_adds_in_order():
    """Python's compiler recurses once per operator: a 10,000-term sum (a score over 10,000 indicators) must still
    compile, as statements, adding left to right."""
    terms = tuple((1 if k % 3 else -1, Ref(f"y{k % 7}", NUM)) for k in range(10_000))
    node = Sum(Const(D("0.1"), label="base"), terms)
    inputs = {f"y{k}": D(k) / 3 for k in range(7)}
    want = D("0.1")
    for sign, ref in terms:
        want = want + inputs[ref.name] if sign > 0 else want - inputs[ref.name]
    for traced in (False, True):
        assert _run(node, inputs, traced=traced) == (want,)


def test_a_long_sum_in_a_branch_not_taken_is_not_computed():
    # Were the long sum's statements written before the choice, 1 / x would divide by zero.
    x = Ref("x", NUM)
    long_sum = Sum(Arith("/", Const(D(1), label="one"), x), tuple((1, x) for _ in range(1_000)))
    node = Choice(Compare((">",), (x, Const(D(0))), BOOL), long_sum, Const(D(5), label="five"), NUM)
    for traced in (False, True):
        assert _run(node, {"x": D(0)}, traced=traced) == (D(5),)
        assert _run(node, {"x": D(2)}, traced=traced) == (D("0.5") + 2_000,)


def test_a_scheme_of_thousands_of_indicators_compiles_and_scores():
    """Found by the scaling test: 3,000 indicators in the score overflowed Python's compiler (RecursionError)."""
    n = 4_000
    scheme = pr.Scheme(
        "wide",
        metrics=tuple(pr.Metric(f"m{k}") for k in range(n)),
        sections=(pr.Section("tenth"),),
        indicators=tuple(
            pr.Indicator(f"i{k}", formula=f"m{k}", section="tenth" if k % 10 == 0 else None) for k in range(n)
        ),
    )
    plan = pr.compile_scheme(scheme)
    r = pr.evaluate(plan, {f"m{k}": str(k) for k in range(n)})
    assert r.sections["tenth"] == sum(range(0, n, 10))
    assert r.score == sum(range(n))


def test_a_table_shared_by_many_indicators_is_one_constant_in_both_twins():
    # Its band finder is a bound method, a new object at each access: still one constant, not one per use
    # (each new name was found by probing _band_pts_2, _band_pts_3, ...: quadratic in the indicators).
    table = pr.TierTable("pts", _TABLE.tiers, direction="higher_is_better")
    scheme = pr.Scheme(
        "shared",
        metrics=(pr.Metric("x"),),
        tables=(table,),
        indicators=tuple(pr.Indicator(f"i{k}", input="x", table="pts") for k in range(50)),
    )
    plan = pr.compile_scheme(scheme)
    for run in (plan.stages[0].run, plan.traced_stages[0].run):
        names = [n for n in run.__globals__ if n.startswith(("_band_pts", "_points_pts", "_bounds_pts"))]
        assert len(names) == len(set(names)) <= 3, names
    r = pr.score(plan, [{"employee_id": "E1", "x": "5"}], trace=True).results[0]
    assert set(r.indicators.values()) == {D(7)}
    bands = {line.facts["band"] for line in pr.explain(plan, r).lines if line.kind == "indicator"}
    assert bands == {">= 0"}


def test_a_rule_that_reads_its_own_value_is_a_loop_not_a_crash():
    # Found by the long fuzz: bonus `when: bonus > 0` compiled, then raised UnboundLocalError in the
    # generated code; a step's reads of its own outputs must count as a loop, as any other.
    scheme = pr.scheme_from_data(
        {
            "name": "x",
            "metrics": {"a": {}},
            "bonuses": {"bonus": {"when": "bonus > 0", "amount": Decimal(5)}},
            "score": {"formula": "a"},
        }
    )
    with pytest.raises(pr.SchemeError) as info:
        pr.compile_scheme(scheme)
    assert [i.code for i in info.value.issues] == ["cycle"]
    assert "bonus → bonus" in info.value.issues[0].message
