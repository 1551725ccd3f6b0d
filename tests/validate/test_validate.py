from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._cli import main
from perfrules._load import scheme_from_text


def findings(text: str):
    loaded = scheme_from_text(text, source="s.yaml", partial=True)
    assert loaded.scheme is not None
    from perfrules._validate.analyse import analyse_scheme
    from perfrules._validate.api import _report
    from perfrules._validate.lint import lint

    a = analyse_scheme(loaded.scheme)
    return _report([*loaded.issues, *a.issues, *lint(a)], loaded.source_map)


def codes(report):
    return sorted(i.code for i in report.issues)


class TestBrokenExample:
    """The issue's acceptance case: three kinds of mistake in one run."""

    def test_all_three_reported_with_lines_and_suggestions(self, examples):
        report = pr.check_file(examples / "broken.yaml")
        by_code = {i.code: i for i in report.issues}
        assert {"unknown-key", "unknown-name", "tier-gap"} <= set(by_code)
        assert "did you mean 'cap'?" in by_code["unknown-key"].message
        assert "did you mean 'sales_qtr'?" in by_code["unknown-name"].message
        assert (24, 15) == (by_code["unknown-name"].line, by_code["unknown-name"].column)
        assert 25 == by_code["unknown-key"].line
        assert 11 == by_code["tier-gap"].line
        assert not report.ok


class TestChecks:
    """Semantic errors."""

    def test_unknown_references(self):
        r = findings("name: x\nmetrics: {a: number}\nindicators:\n  i: {input: a, table: tabel, section: s}\n")
        assert ["unknown-reference", "unknown-reference"] == codes(r)

    def test_duplicate_and_reserved_names(self):
        # A metric may share its name with one other element (see tests/formula/test_names.py), two others may not.
        r = findings("name: x\nmetrics: {a: number, score: number}\nparams: {a: 1}\npayouts: {a: {formula: '1'}}\n")
        assert ["duplicate-name", "reserved-name"] == sorted(i.code for i in r.errors)

    def test_a_table_may_share_its_name_with_the_metric_it_reads(self):
        # Tables are called and elements are read, so `csat(csat)` is not ambiguous: no csat_points workaround.
        scheme = (
            "name: x\nmetrics: {csat: {type: number, min: 0, max: 5}}\n"
            "tables:\n  csat:\n    tiers:\n      - {range: '< 4', points: 0}\n      - {range: '>= 4', points: 100}\n"
            "payouts:\n  bonus: {formula: 'csat(csat) + csat'}\n"
        )
        assert [] == [i.code for i in findings(scheme).errors]
        plan = pr.compile_scheme(scheme_from_text(scheme).scheme)
        (result,) = pr.score(plan, [{"employee_id": "E1", "csat": "4.5"}])
        assert D("104.50") == result.payouts["bonus"]

    def test_two_tables_of_one_name_are_refused(self):
        table = "    tiers:\n      - {range: any, points: 0}\n"
        r = findings(f"name: x\nmetrics: {{a: number}}\ntables:\n  - name: t\n{table}  - name: t\n{table}")
        assert ["duplicate-name"] == [i.code for i in r.errors]

    def test_cycle_names_the_loop(self):
        r = findings("name: x\nmetrics:\n  a: {formula: b + 1}\n  b: {formula: c * 2}\n  c: {formula: a}\n")
        (issue,) = r.issues
        assert "cycle" == issue.code
        assert "a → b → c → a" in issue.message

    def test_unknown_metric_type(self):
        r = findings("name: x\nmetrics: {a: {type: mony}}\n")
        assert "did you mean 'money'?" in r.issues[0].message

    def test_indicator_needs_one_scorer(self):
        r = findings("name: x\nmetrics: {a: number}\nindicators:\n  i: {input: a, formula: a, target: {target: 2}}\n")
        assert "indicator-scorer" in codes(r)

    def test_condition_must_be_bool(self):
        r = findings("name: x\nmetrics: {a: number}\nflags:\n  f: {when: a + 1, reason: r}\n")
        assert ["formula-type"] == codes(r)

    def test_occurrences_must_be_a_list(self):
        r = findings("name: x\nmetrics: {a: count}\npenalties:\n  p: {occurrences: a, amount: 1}\n")
        assert "occurrences-not-list" in codes(r)

    def test_formula_column_is_placed_in_the_file(self):
        r = findings("name: x\nmetrics:\n  a: number\n  b: {formula: 'a + nope'}\n")
        (issue,) = r.issues
        assert (4, 21) == (issue.line, issue.column)  # the 'n' of nope, inside the quotes


class TestLint:
    """Warnings: legal but probably wrong."""

    def test_per_mille_table_gaps_and_overlap(self):
        # $7 of seed-rules.md, as printed in seed 003.
        r = findings("""name: x
metrics: {per_capita: money}
tables:
  per_mille:
    tiers:
      - {range: "> 410000", points: 2.5}
      - {range: "[310000, 400000]", points: 2}
      - {range: "[210000, 300000]", points: 1.5}
      - {range: "[150000, 200000]", points: 1}
      - {range: "[100000, 150000]", points: 0.5}
      - {range: "< 100000", points: 0}
payouts:
  commission: {formula: per_capita * per_mille(per_capita) / 1000}
""")
        assert ["tier-gap"] * 3 + ["tier-overlap"] == codes(r)
        gaps = [i.message for i in r.issues if i.code == "tier-gap"]
        assert "no tier holds values in (400000, 410000]" in gaps
        overlap = next(i for i in r.issues if i.code == "tier-overlap")
        assert "[150000, 150000]" in overlap.message and all(i.severity == "error" for i in r.issues)

    def test_weights_unused_cap_unreachable_direction(self):
        r = findings("""name: x
metrics: {a: number, unused: number}
indicators:
  i: {input: a, weight: 60, cap: 1, floor: 2, tiers: [{range: ">= 0", points: 5}, {range: ">= 1", points: 1}, {range: "< 0", points: 0}]}
""")
        assert {"weights-sum", "unused-metric", "cap-below-floor", "tier-overlap"} <= set(codes(r))

    def test_unreachable_and_direction(self):
        r = findings("""name: x
metrics: {a: number}
tables:
  t:
    match: first
    direction: higher_is_better
    tiers: [{range: "any", points: 5}, {range: ">= 1", points: 9}]
indicators:
  i: {input: a, table: t}
""")
        assert ["unreachable-tier"] == codes(r)
        r = findings("""name: x
metrics: {a: number}
indicators:
  i: {input: a, table: t}
tables:
  t:
    direction: higher_is_better
    tiers: [{range: "< 1", points: 5}, {range: ">= 1", points: 1}]
""")
        assert ["tier-direction"] == codes(r)

    def test_otherwise_silences_gap(self):
        r = findings(
            "name: x\nmetrics: {a: number}\ntables:\n  t: {otherwise: 0, tiers: [{range: '> 1', points: 1}]}\n"
            "indicators:\n  i: {input: a, table: t}\n"
        )
        assert [] == codes(r)

    def test_money_no_payout_takes_is_named_with_a_suggestion(self, tmp_path, capsys):
        # Money with no payout: is reported and paid nowhere; a payout's formula may still read it.
        text = """name: x
metrics: {sales: money, breaches: count, late: count}
penalties:
  breach: {count: breaches, schedule: [10, 30], unit: money}
  lateness: {count: late, amount: 5, unit: money}
  points_off: {count: late, amount: 1}
bonuses:
  charged: {count: late, amount: 2, unit: money, payout: pay}
payouts:
  pay: {formula: "sales / 100 - lateness"}
"""
        r = findings(text)
        assert ["money-not-paid"] == codes(r)
        (warning,) = r.issues
        assert "warning" == warning.severity and ("penalties", "breach") == warning.path and 4 == warning.line
        assert "penalty 'breach' is money that no payout takes" in warning.message
        assert "payout: pay" in (warning.hint or "")
        scheme = tmp_path / "s.yaml"
        scheme.write_text(text, encoding="utf-8")
        assert 0 == main(["validate", str(scheme)])  # a warning
        assert "warning [money-not-paid]" in capsys.readouterr().out
        assert 1 == main(["validate", "--strict", str(scheme)])  # strict fails on it
        assert [] == codes(findings(text.replace("unit: money}", "unit: money, payout: pay}", 1)))

    @pytest.mark.parametrize(
        "reader",
        [
            'flags:\n  many_late: {when: "late_fee > 50", reason: late}\n',
            'conditions:\n  punctual: "late_fee == 0"\n',
        ],
    )
    def test_money_read_only_by_a_test_is_still_not_paid(self, reader):
        # A flag, a condition or a payout's when: tests the money; only a payout's amount brings it into pay.
        text = (
            "name: x\nmetrics: {sales: money, late: count}\n"
            "penalties:\n  late_fee: {count: late, amount: 20, unit: money}\n" + reader + "payouts:\n"
            '  pay: {formula: "sales / 10", when: "late_fee < 1000"}\n'
        )
        r = findings(text)
        assert ["money-not-paid"] == codes(r)
        assert ("penalties", "late_fee") == r.issues[0].path

    def test_money_read_by_a_payouts_amount_through_a_derived_value_is_paid(self):
        text = (
            'name: x\nmetrics:\n  sales: money\n  late: count\n  net: {formula: "sales / 10 - late_fee"}\n'
            "penalties:\n  late_fee: {count: late, amount: 20, unit: money}\n"
            'payouts:\n  pay: {formula: "net"}\n'
        )
        assert [] == codes(findings(text))

    def test_a_fine_taken_off_a_payout_capped_by_its_own_history_is_named(self):
        # Each fine leaves room under the payout's own year-to-date total, and a later month pays it back.
        text = (
            "name: x\nperiod: month\nmetrics: {sales: money, breaches: count}\n"
            "penalties:\n  breach: {count: breaches, amount: 10, unit: money, payout: bonus}\n"
            'payouts:\n  bonus: {formula: "min(sales / 100, max(250 - prior_sum(bonus, since=year), 0))", cap: 250}\n'
        )
        r = findings(text)
        assert ["money-paid-back"] == codes(r)
        (issue,) = r.issues
        assert "warning" == issue.severity and ("payouts", "bonus") == issue.path
        assert "prior_sum(bonus, since=year)" in issue.message and "'breach'" in issue.message
        # The cap counted before the fines (the history how-to's way) is not named.
        fixed = text.replace(
            'bonus: {formula: "min(sales / 100, max(250 - prior_sum(bonus, since=year), 0))", cap: 250}',
            'capped: {formula: "min(sales / 100, max(250 - prior_sum(capped, since=year), 0))", cap: 250}\n'
            '  bonus: {formula: "capped"}',
        )
        assert [] == codes(findings(fixed))

    @pytest.mark.parametrize("kind", ["penalties", "bonuses"])
    def test_money_attached_to_a_payout_and_read_by_its_formula_is_an_error(self, kind):
        # Attached money is added or taken off after the formula: reading it in the formula too counts it twice.
        sign = "-" if kind == "penalties" else "+"
        text = (
            "name: x\nmetrics: {sales: money, late: count}\n"
            f"{kind}:\n  fee: {{count: late, amount: 20, unit: money, payout: pay}}\n"
            f'payouts:\n  pay: {{formula: "sales / 10 {sign} fee", cap: 5000}}\n'
        )
        r = findings(text)
        assert ["money-twice"] == codes(r)
        (issue,) = r.issues
        assert "error" == issue.severity and ("payouts", "pay", "formula") == issue.path
        assert "'fee'" in issue.message and "payout: pay" in issue.message
        assert f"at column 14 of formula 'sales / 10 {sign} fee'" in issue.message  # placed without a file too
        assert (6, 32) == (issue.line, issue.column)  # the term itself: `  pay: {formula: "sales / 10 - fee"`
        assert "payout: pay" in (issue.hint or "") and "the term 'fee'" in (issue.hint or "")
        assert [] == codes(findings(text.replace(", payout: pay}", "}")))  # one of the two removed
        assert [] == codes(findings(text.replace(f" {sign} fee", "")))  # money-not-paid is not due either
        with pytest.raises(pr.SchemeError) as caught:
            pr.compile_scheme(pr.scheme_from_text(text).scheme)
        assert "money-twice" in [i.code for i in caught.value.issues]

    def test_money_twice_through_a_derived_value_names_the_term_read(self):
        text = (
            'name: x\nmetrics:\n  sales: money\n  late: count\n  net: {formula: "sales / 10 - fee"}\n'
            "penalties:\n  fee: {count: late, amount: 20, unit: money, payout: pay}\n"
            'payouts:\n  pay: {formula: "min(net, 500)"}\n'
        )
        (issue,) = findings(text).issues
        assert "money-twice" == issue.code and "through 'net'" in issue.message and 5 == issue.offset


class TestReport:
    """The report's shapes."""

    def test_render_and_dict(self, examples):
        report = pr.check_file(examples / "broken.yaml")
        text = report.render()
        assert "3 error(s), 0 warning(s)" in text
        d = report.to_dict()
        assert d["ok"] is False
        assert {"code", "severity", "message", "path", "line", "column", "hint", "source", "formula_column"} == set(
            d["issues"][0]
        )

    def test_validate_never_raises_on_model_built_in_python(self):
        s = pr.Scheme("x", metrics=(pr.Metric("a"),), payouts=(pr.Payout("p", formula="a / "),))
        report = pr.validate(s)  # a broken formula still counts as using the names it mentions
        assert (["formula-syntax"], False) == (codes(report), report.ok)

    def test_missing_file(self, tmp_path):
        report = pr.check_file(tmp_path / "nope.yaml")
        assert ["file-not-found"] == codes(report)

    def test_clean_example(self, examples):
        assert () == pr.check_file(examples / "seed001" / "scheme.yaml").issues


def test_decimal_weights_sum_exactly():
    s = pr.Scheme(
        "x",
        metrics=(pr.Metric("a"),),
        indicators=tuple(
            pr.Indicator(f"i{k}", input="a", formula="a", weight=D("33.33") if k < 2 else D("33.34")) for k in range(3)
        ),
    )
    assert "weights-sum" not in codes(pr.validate(s))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_json_and_yaml_give_the_same_findings(tmp_path, fmt, examples):
    s = pr.read_scheme(examples / "broken.yaml", partial=True).scheme
    path = tmp_path / f"s.{fmt}"
    path.write_text(pr.dump_json(s) if fmt == "json" else pr.dump_yaml(s), encoding="utf-8")
    assert ["tier-gap", "unknown-name"] == codes(pr.check_file(path))
