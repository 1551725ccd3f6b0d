"""Grades that carry values, formulas that read the grade, and text inputs compared with words (issue #11)."""

from decimal import Decimal as D

import pytest

import perfrules as pr

GRADED = """
name: pay-by-grade
metrics: {x: number, pot: money}
score: {formula: x}
grades:
  tiers:
    - {range: ">= 90", label: A, values: {pay_pct: 1.2, bonus: 500}}
    - {range: "[70, 90)", label: B, values: {pay_pct: 1.0, bonus: 0}}
    - {range: "< 70", label: C, values: {pay_pct: 0, bonus: 0}}
payouts:
  pay: {formula: "pot * grade_pay_pct + grade_bonus"}
flags:
  top: {when: "grade == 'A'", reason: top grade}
"""


def scored(text, rows):
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    return plan, pr.score(plan, rows).results


def codes(text):
    with pytest.raises(pr.SchemeError) as info:
        pr.compile_scheme(pr.scheme_from_text(text).scheme)
    return [i.code for i in info.value.issues]


class TestGradeValues:
    def test_payout_reads_the_values_of_the_grade_the_score_falls_in(self):
        rows = [{"employee_id": e, "x": x, "pot": "1000"} for e, x in (("a", "95"), ("b", "80"), ("c", "10"))]
        plan, results = scored(GRADED, rows)
        assert [(r.grade, r.payouts["pay"]) for r in results] == [
            ("A", D("1700.00")),
            ("B", D("1000.00")),
            ("C", D("0.00")),
        ]
        assert [[f.name for f in r.flags] for r in results] == [["top"], [], []]
        text = pr.render_text(pr.explain(plan, results[0]))
        assert "grade_bonus=500, grade_pay_pct=1.2" in text

    def test_points_on_a_grade_band_are_refused_not_ignored(self):
        bad = GRADED.replace("values: {pay_pct: 0, bonus: 0}}", "values: {pay_pct: 0, bonus: 0}, points: 3}")
        assert codes(bad) == ["grade-points"]

    def test_a_band_without_a_value_others_give_is_refused(self):
        assert codes(GRADED.replace("values: {pay_pct: 0, bonus: 0}", "values: {pay_pct: 0}")) == ["grade-values"]

    def test_reading_a_grade_a_forced_distribution_may_move_is_refused(self):
        dist = GRADED.replace(
            '    - {range: "< 70", label: C, values: {pay_pct: 0, bonus: 0}}',
            '    - {range: "< 70", label: C, values: {pay_pct: 0, bonus: 0}}\n'
            "  distribution: {quotas: [{grade: A, at_most: 0.1}]}",
        )
        assert codes(dist) == ["grade-not-final", "grade-not-final"]

    def test_reading_the_grade_when_some_are_not_assessed_is_refused(self):
        assert "grade-not-final" in codes(GRADED + "assessed: {when: x > 0, reason: absent}\n")

    def test_values_survive_a_dump_and_load(self):
        scheme = pr.scheme_from_text(GRADED).scheme
        assert pr.scheme_from_text(pr.dump_yaml(scheme)).scheme == scheme

    def test_the_digest_sees_grade_values(self):
        a = pr.scheme_from_text(GRADED).scheme
        b = pr.scheme_from_text(GRADED.replace("bonus: 500", "bonus: 600")).scheme
        assert pr.scheme_digest(a) != pr.scheme_digest(b)


TEXT = """
name: channels
metrics: {calls: count, channel: text}
payouts:
  pay: {formula: "calls * (2 if channel in ('phone', 'chat') else 1) + (5 if channel == 'email' else 0)"}
flags:
  odd: {when: "channel not in ('phone', 'chat', 'email')", reason: unknown channel}
"""


class TestText:
    def test_text_inputs_compare_with_words(self):
        rows = [
            {"employee_id": e, "calls": "3", "channel": c} for e, c in (("a", "phone"), ("b", " email "), ("c", "fax"))
        ]
        _, results = scored(TEXT, rows)
        assert [r.payouts["pay"] for r in results] == [D("6.00"), D("8.00"), D("3.00")]
        assert [[f.name for f in r.flags] for r in results] == [[], [], ["odd"]]

    @pytest.mark.parametrize(
        ("formula", "message"),
        [
            ("channel > 'a'", "does not compare words"),
            ("channel == 3", "must be a text"),
            ("calls in ('a',)", "'in' checks a word"),
            ("channel in ('a', 1)", "words in quotes only"),
            ("channel + 1", "must be a number"),
            ("'x' * 3", "must be a number"),
            ("channel == '" + "w" * 101 + "'", "at most 100"),
            ("prior(channel, 1) == 'a'", "reads numbers and conditions"),
        ],
    )
    def test_wrong_uses_of_text_are_refused_with_the_column(self, formula, message):
        data = {
            "name": "x",
            "metrics": {"calls": "count", "channel": "text"},
            "flags": {"f": {"when": formula, "reason": "r"}},
        }
        with pytest.raises(pr.SchemeError) as info:
            pr.compile_scheme(pr.scheme_from_data(data))
        issue = info.value.issues[0]
        assert issue.code in ("formula-type", "formula-literal") and message in issue.message

    def test_an_empty_text_cell_is_missing_not_a_word(self):
        plan = pr.compile_scheme(pr.scheme_from_text(TEXT).scheme)
        with pytest.raises(pr.InputError) as info:
            pr.score(plan, [{"employee_id": "a", "calls": "1", "channel": ""}])
        assert info.value.issues[0].code == "missing-value"
