"""Accelerators: marginal tier tables, checked, lowered, scored, explained and round-tripped through files."""

import json
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from perfrules._cli.main import main
from perfrules._kinds.marginal import marginal_slices, marginal_total
from tests.conftest import EXAMPLES

WORKED = ((D(0), D(100000), D("0.0005")), (D(100000), None, D("0.001")))


def _scheme(tiers, *, cap=None, rounding=None, input_="sales"):
    return pr.Scheme(
        name="t",
        metrics=(pr.Metric("sales", type="money"),),
        accelerators=(pr.Accelerator("commission", input_, tuple(tiers), cap=cap, rounding=rounding),),
        payouts=(pr.Payout("pay", formula="commission"),),
    )


def _band(start, rate, end=None):
    return pr.RateBand(D(start), D(rate), None if end is None else D(end))


WORKED_BANDS = (_band(0, "0.0005", 100000), _band(100000, "0.001"))


class TestFunction:
    def test_worked_example(self):
        assert [(D(0), D(100000), D("0.0005"), D(50)), (D(100000), D(50000), D("0.001"), D(50))] == marginal_slices(
            WORKED, D(150000)
        )
        assert D(100) == marginal_total(WORKED, D(150000))

    def test_a_step_table_would_pay_more(self):
        # The difference that makes it marginal: 150,000 at the top rate would be 150.
        assert marginal_total(WORKED, D(150000)) < D(150000) * D("0.001")

    @pytest.mark.parametrize(("x", "total"), [("-5", "0"), ("0", "0"), ("100000", "50"), ("100000.01", "50.00001")])
    def test_edges(self, x, total):
        assert D(total) == marginal_total(WORKED, D(x))

    def test_nothing_below_a_raised_start(self):
        bands = ((D(50), None, D("0.1")),)
        assert [] == marginal_slices(bands, D(50))
        assert D("1.0") == marginal_total(bands, D(60))


@st.composite
def tables(draw):
    start = draw(st.decimals(-1000, 1000, places=2))
    cuts = sorted(set(draw(st.lists(st.decimals(D("0.01"), 5000, places=2), max_size=5))))
    rates = draw(st.lists(st.decimals(0, 2, places=4), min_size=len(cuts) + 1, max_size=len(cuts) + 1))
    bounds = [start, *(start + c for c in cuts)]
    return tuple((lo, hi, r) for lo, hi, r in zip(bounds, [*bounds[1:], None], rates, strict=True))


values = st.decimals(-2000, 10000, places=3)


@given(tables(), values)
def test_total_is_the_sum_of_the_slices(bands, x):
    slices = marginal_slices(bands, x)
    assert marginal_total(bands, x) == sum((s[3] for s in slices), D(0))
    # The slices tile the value from the first start up: widths add up to the part above it.
    assert sum((s[1] for s in slices), D(0)) == max(x - bands[0][0], D(0))


@given(tables(), values, values)
def test_total_is_monotone_in_the_input(bands, x, y):
    lo, hi = sorted((x, y))
    assert marginal_total(bands, lo) <= marginal_total(bands, hi)


@given(tables(), st.data())
def test_inside_the_first_band_it_is_rate_times_value(bands, data):
    start, end, rate = bands[0]
    x = data.draw(st.decimals(start, end if end is not None else start + 10000, places=3))
    assert marginal_total(bands, x) == rate * (x - start)


@given(tables(), values)
def test_the_engine_and_its_explanation_agree_with_the_function(bands, x):
    scheme = _scheme([_band(lo, r, hi) for lo, hi, r in bands], cap=D(500))
    plan = pr.compile_scheme(scheme)
    result = pr.evaluate(plan, {"sales": str(x)})
    want = min(marginal_total(bands, x), D(500)).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert want == result.values["commission"] == result.payouts["pay"]
    line = pr.explain(plan, result).lines[0]
    assert line.facts["total"] == sum((s["amount"] for s in line.facts["slices"]), D(0))
    assert line.facts["total"] == marginal_total(bands, x)


class TestCheck:
    def _codes(self, scheme):
        return [(i.code, i.path) for i in pr.validate(scheme).errors]

    def test_a_valid_table(self):
        assert [] == self._codes(_scheme(WORKED_BANDS))

    def test_every_problem_at_once_with_its_place(self):
        tiers = [
            _band(0, "0.1", 100),
            _band(150, "0.2", 200),  # gap 100-150
            _band(180, "-0.1", 300),  # overlap, negative rate
            _band(300, "0.3", 300),  # empty band
            _band(300, "0.1"),  # open, but not last
            _band(400, "0.1", 500),  # last has an end
        ]
        got = self._codes(_scheme(tiers, cap=D(-1)))
        p = ("accelerators", "commission")
        assert sorted(got) == sorted(
            [
                ("negative-amount", (*p, "cap")),
                ("accelerator-gap", (*p, "tiers", 1, "start")),
                ("negative-rate", (*p, "tiers", 2, "rate")),
                ("accelerator-overlap", (*p, "tiers", 2, "start")),
                ("bad-range", (*p, "tiers", 3)),
                ("accelerator-open-end", (*p, "tiers", 4)),
                ("accelerator-open-end", (*p, "tiers", 5, "end")),
            ]
        )
        assert all(i.hint for i in pr.validate(_scheme(tiers)).errors if i.code != "bad-range")

    def test_input_is_a_checked_formula(self):
        assert [("unknown-name", ("accelerators", "commission", "input"))] == self._codes(
            _scheme(WORKED_BANDS, input_="salse")
        )

    def test_file_errors_name_the_line(self, tmp_path):
        path = tmp_path / "s.yaml"
        path.write_text(
            "name: t\nmetrics: {sales: money}\naccelerators:\n  c:\n    input: sales\n    tiers:\n"
            "      - {start: 0, end: 10, rate: 0.1}\n      - {start: 12, rate: 0.2}\n",
            encoding="utf-8",
        )
        (issue,) = pr.check_file(path).errors
        assert ("accelerator-gap", 8) == (issue.code, issue.line)
        assert "values from 10 to 12 would earn nothing" in issue.message

    def test_a_float_rate_is_refused(self):
        with pytest.raises(TypeError, match="rate"):
            pr.RateBand(D(0), 0.1)  # type: ignore[arg-type]


class TestScoreAndExplain:
    def test_rounding_defaults_to_money_and_can_be_declared(self):
        tiers = (_band(0, "0.001"),)
        x = {"sales": "1234.5"}
        assert D("1.23") == pr.evaluate(pr.compile_scheme(_scheme(tiers)), x).values["commission"]
        down = pr.Rounding(places=0, mode="up")
        assert D(2) == pr.evaluate(pr.compile_scheme(_scheme(tiers, rounding=down)), x).values["commission"]

    def test_sentences_in_english_and_chinese(self):
        plan = pr.compile_scheme(_scheme(WORKED_BANDS, cap=D(80)))
        trace = pr.explain(plan, pr.evaluate(plan, {"sales": "150000"}, employee="E1"))
        en, zh = pr.render_text(trace, "en").splitlines()[1], pr.render_text(trace, "zh").splitlines()[1]
        assert en == (
            "- commission: sales = 150000; first 100000 at 0.05% = 50; next 50000 at 0.1% = 50; total 100"
            "; capped at 80 (was 100)"
        )
        assert zh == (
            "- commission：sales = 150000，分段累进：首 100000 按 0.05% 计 50；其后 50000 按 0.1% 计 50；合计 100"
            "；封顶 80（原为 100）"
        )

    def test_a_value_below_the_first_band(self):
        plan = pr.compile_scheme(_scheme((_band(1000, "0.1"),)))
        trace = pr.explain(plan, pr.evaluate(plan, {"sales": "999"}))
        assert "- commission: sales = 999, not above the first band's start 1000 → 0" in pr.render_text(trace)
        assert D("0.00") == trace.lines[0].value

    def test_dump_and_load_round_trip(self):
        scheme = _scheme(WORKED_BANDS, cap=D(80), rounding=pr.Rounding(0, "down"))
        assert scheme == pr.scheme_from_text(pr.dump_yaml(scheme), fmt="yaml").scheme
        assert scheme == pr.scheme_from_text(pr.dump_json(scheme), fmt="json").scheme

    def test_cli_round_trip_of_the_example(self, tmp_path, capsys):
        folder = EXAMPLES / "accelerator"
        out = tmp_path / "r.json"
        argv = ["score", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--period", "2026-04"]
        assert 0 == main([*argv, "--out", str(out), "--explain"])
        results = {r["employee"]: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}
        assert "3100.00" == results["C02"]["payouts"]["pay"]  # 3000 + 100 (marginal) + 0
        assert [{"step": "accelerators.commission", "by": "cap", "limit": "1000", "before": "1550.0000"}] == results[
            "C04"
        ]["limits"]
        (line,) = [x for x in results["C02"]["explanation"] if x["step"] == "accelerators.commission"]
        assert [("0", "100000", "50.0000"), ("100000", "150000", "50.000")] == [
            (s["from"], s["to"], s["amount"]) for s in line["facts"]["slices"]
        ]
        assert 0 == main(argv)
        assert "C04" in capsys.readouterr().out
