import json
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from perfrules._load import scheme_from_text
from tests.strategies import schemes


def issues_of(text: str):
    with pytest.raises(pr.SchemeError) as err:
        scheme_from_text(text, source="s.yaml")
    return err.value.issues


class TestConvert:
    """Plain data into the model, with every problem reported."""

    def test_keyed_mapping_and_shorthand(self):
        s = scheme_from_text("name: x\nparams: {base: 918}\nmetrics:\n  sales: money\n").scheme
        assert (pr.Param("base", D(918)),) == s.params
        assert (pr.Metric("sales", "money"),) == s.metrics

    def test_list_form(self):
        s = scheme_from_text("name: x\nmetrics:\n  - {name: sales, type: money}\n").scheme
        assert "sales" == s.metrics[0].name

    def test_unknown_key_with_suggestion_and_line(self):
        (issue,) = issues_of("name: x\nmetrics:\n  sales: {typ: money}\n")
        assert ("unknown-key", 3, "metrics.sales.typ") == (issue.code, issue.line, issue.where().split("at ")[1])
        assert "did you mean 'type'?" in issue.message

    def test_all_problems_at_once(self):
        issues = issues_of("nme: x\nmetrics:\n  a: {min: lots}\n  b: {type: 3, unit: [1]}\n")
        codes = sorted(i.code for i in issues)
        assert ["missing-key", "unknown-key", "unknown-name", "wrong-type"] == codes
        assert "'lots' is neither a number nor a parameter" in next(
            i.message for i in issues if i.code == "unknown-name"
        )

    def test_a_parameter_stands_wherever_a_number_is_written(self):
        text = (
            "name: x\nparams: {top: 500, base: 80, rate: 0.25}\nmetrics: {n: number}\n"
            "indicators:\n  q: {input: n, tiers: [{range: '>= 0', points: base}], cap: base}\n"
            "payouts:\n  pay: {formula: n * 10, cap: top}\n"
            "penalties:\n  late: {count: n, amount: rate, unit: money, payout: pay}\n"
        )
        s = scheme_from_text(text).scheme
        assert (s.payouts[0].cap, s.indicators[0].cap, s.indicators[0].tiers[0].points) == (500, 80, 80)
        assert s.penalties[0].amount == D("0.25")

    def test_a_misspelt_parameter_is_named_with_a_suggestion(self):
        (issue,) = issues_of("name: x\nparams: {max_bonus: 500}\npayouts:\n  pay: {formula: '1', cap: max_bonu}\n")
        assert (issue.code, issue.line) == ("unknown-name", 4) and "did you mean 'max_bonus'?" in issue.message

    def test_bad_literal_choice(self):
        (issue,) = issues_of("name: x\npenalties:\n  p: {count: n, amount: 1, unit: mony}\n")
        assert "did you mean 'money'?" == issue.hint

    def test_tier_forms(self):
        text = "name: x\ntables:\n  t:\n    tiers:\n      - {range: '>= 1', points: 2}\n      - {min: 0, max: 1, points: 1}\n"
        (table,) = scheme_from_text(text).scheme.tables
        assert [">= 1", "[0, 1)"] == [t.range_text() for t in table.tiers]

    def test_bad_range_is_reported_at_its_line(self):
        (issue,) = issues_of("name: x\ntables:\n  t:\n    tiers:\n      - {range: '1 to 2', points: 2}\n")
        assert ("bad-range", 5) == (issue.code, issue.line)

    def test_model_validator_errors_become_issues(self):
        (issue,) = issues_of("name: x\npenalties:\n  p: {count: n, amount: 1, share: 2, counterpart: boss}\n")
        assert "bad-value" == issue.code
        assert "'share' must be between 0 and 1" in issue.message

    def test_numeric_strings_accepted_for_numbers(self):
        s = pr.scheme_from_data({"name": "x", "params": {"base": "918.50"}})
        assert D("918.50") == s.params[0].value


class TestRoundTrip:
    """What dump writes, load reads back into an equal scheme."""

    @given(schemes())
    def test_yaml(self, scheme):
        assert scheme == scheme_from_text(pr.dump_yaml(scheme)).scheme

    @given(schemes())
    def test_json(self, scheme):
        assert scheme == scheme_from_text(pr.dump_json(scheme), fmt="json").scheme


JSONISH = st.recursive(
    st.none() | st.booleans() | st.text(max_size=8) | st.decimals(allow_nan=False, allow_infinity=False, places=2),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "metrics",
                    "tiers",
                    "formula",
                    "type",
                    "range",
                    "x",
                    "score",
                    "cap",
                    "payouts",
                    "points",
                    "indicators",
                    "input",
                    "tables",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


class TestNeverCrashes:
    """Arbitrary documents give the project's own errors, never a traceback."""

    @given(JSONISH)
    def test_arbitrary_data(self, data):
        try:
            pr.scheme_from_data(data)
        except pr.PerfrulesError:
            pass

    @given(
        st.dictionaries(st.just("name"), st.just("x"), min_size=1).flatmap(
            lambda base: st.fixed_dictionaries(
                {"name": st.just("x")},
                optional={
                    "metrics": st.dictionaries(st.from_regex(r"[a-z]{1,4}", fullmatch=True), JSONISH, max_size=3),
                    "indicators": st.dictionaries(st.from_regex(r"[a-z]{1,4}", fullmatch=True), JSONISH, max_size=3),
                    "score": JSONISH,
                },
            )
        )
    )
    def test_validate_arbitrary_schemes(self, data):
        text = json.dumps(data, default=str)
        try:
            s = scheme_from_text(text, fmt="json").scheme
        except pr.PerfrulesError:
            return
        assert s is not None
        pr.validate(s)


class TestPlainPythonData:
    """scheme_from_data takes what Python code builds: ints are exact, floats are refused with what to do."""

    def test_ints_are_numbers(self):
        s = pr.scheme_from_data({"name": "x", "params": {"b": 80, "c": -5}, "score": {"cap": 110}})
        assert [p.value for p in s.params] == [D(80), D(-5)] and s.score.cap == D(110)

    def test_float_refused_with_the_way_out(self):
        issue = issues_of_data({"name": "x", "params": {"b": 0.8}})
        assert (issue.code, issue.path) == ("wrong-type", ("params", "b", "value"))
        assert "not exact" in issue.hint and "parse_float=Decimal" in issue.hint

    def test_json_read_with_decimals(self):
        data = json.loads('{"name": "x", "params": {"b": 0.65, "c": 3}}', parse_float=D)
        assert [p.value for p in pr.scheme_from_data(data).params] == [D("0.65"), D(3)]

    @pytest.mark.parametrize("value", [10**19, 10**4000])
    def test_huge_ints_refused_cheaply(self, value):
        assert issues_of_data({"name": "x", "params": {"b": value}}).code == "number-out-of-range"

    def test_bool_is_not_a_number(self):
        assert issues_of_data({"name": "x", "params": {"b": True}}).code == "wrong-type"


def issues_of_data(data):
    with pytest.raises(pr.SchemeError) as err:
        pr.scheme_from_data(data)
    (issue,) = err.value.issues
    return issue
