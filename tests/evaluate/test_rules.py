"""One test per rule of sections 1-7 of seed-rules.md, named by its ID in the docstring.

Rules shown by a bundled example are checked on that example; the others on a
small scheme written here.  (B1-B4, G2, G3 and $6 look at teams and earlier
periods: they come with the teams-and-history issue.)
"""

from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES


def example(name):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
    return plan, pr.score(
        plan, read_population(EXAMPLES / name / "data.csv"), period="2026-04", history=pr.RecordedHistory()
    ).by_employee()


def scheme(text):
    return pr.compile_scheme(pr.scheme_from_text("name: t\n" + text).scheme)


KPI = example("seed003-kpi")
S001 = example("seed001")
S002 = example("seed002")
S004 = example("seed004")


def test_m1_raw_inputs_are_read_exactly():
    """M1: raw inputs per employee (counts, seconds, money) are read as exact Decimals."""
    r = KPI[1]["K02"]
    assert (D(68), D(31), D(109)) == (r.inputs["buyers"], r.inputs["response_seconds"], r.inputs["agent_aov"])


def test_m2_ratio_with_declared_zero_result():
    """M2: derived ratios; a zero denominator gives the declared result, not a crash."""
    r = KPI[1]["K06"]  # no inquiries at all
    assert D(0) == r.values["conversion_rate"]
    assert D("0.68") == KPI[1]["K02"].values["conversion_rate"]


def test_m3_soft_indicators_rated_by_a_person():
    """M3: a soft indicator (supervisor rating) beside hard ones."""
    plan = KPI[0]
    assert {"tasks", "attitude"} == {i.name for i in plan.scheme.indicators if i.kind == "soft"}
    assert D("9.0") == KPI[1]["K02"].indicators["tasks"]


@pytest.mark.parametrize(("emp", "points"), [("K01", "35.00"), ("K02", "28.00"), ("K03", "21.00"), ("K04", "0")])
def test_s1_step_tiers_higher_is_better(emp, points):
    """S1: conversion ≥75% → 100, [65%, 75%) → 80, [50%, 65%) → 60, < 50% → 0, weight 35."""
    assert D(points) == KPI[1][emp].indicators["conversion"]


@pytest.mark.parametrize(
    ("emp", "points"), [("K01", "5.00"), ("K05", "5.00"), ("K02", "4.00"), ("K03", "3.00"), ("K04", "0")]
)
def test_s2_step_tiers_lower_is_better(emp, points):
    """S2: response ≤30 s → 100, (30, 45] → 80, (45, 55] → 60, > 55 → 0, weight 5 (30 s itself scores 100)."""
    assert D(points) == KPI[1][emp].indicators["response"]


@pytest.mark.parametrize(("rate", "points"), [("0.79", 40), ("0.80", 48), ("0.99", 48), ("1", 55), ("1.3", 55)])
def test_s3_absolute_amount_tiers(rate, points):
    """S3: school achievement rate < 80% → 40, 80-99% → 48, ≥ 100% → 55."""
    plan = scheme("""metrics: {rate: {type: percent, scale: fraction}}
indicators:
  achievement: {input: rate, tiers: [{range: "< 0.80", points: 40}, {range: "[0.80, 1)", points: 48}, {range: ">= 1", points: 55}]}
""")
    assert D(points) == pr.evaluate(plan, {"rate": rate}).score


def test_s3_sales_step_table_first_match():
    """S3: monthly sales ≥ 250,000 → 100, ≥ 150,000 → 90, ... written as a first-match step table."""
    plan = scheme("""metrics: {sales: money}
tables:
  sales_pts: {match: first, tiers: [{range: ">= 250000", points: 100}, {range: ">= 150000", points: 90}, {range: ">= 10000", points: 50}, {range: "any", points: 0}]}
indicators:
  sales_kpi: {input: sales, table: sales_pts, weight: 30}
""")
    assert [D("30.0"), D("27.0"), D("15.0"), D(0)] == [
        pr.evaluate(plan, {"sales": x}).score for x in ("250000", "249999.99", "10000", "9999")
    ]


@pytest.mark.parametrize(("actual", "expected"), [("120", "24.0"), ("60", "12.0")])
def test_s4_ratio_to_target(actual, expected):
    """S4: actual / target × weight, and (1 − actual / target) × weight for a lower-is-better rate."""
    plan = scheme("""metrics: {sales: money, complaints: percent}
params: {sales_target: 100, complaint_target: 0.02}
indicators:
  sales_kpi: {input: sales, target: {target: sales_target}, weight: 20}
  complaints_kpi: {input: complaints, target: {target: complaint_target, direction: lower_is_better}, weight: 10}
""")
    r = pr.evaluate(plan, {"sales": actual, "complaints": "0.01"})
    assert (D(expected), D("5.0")) == (r.indicators["sales_kpi"], r.indicators["complaints_kpi"])


def test_s5_points_off_per_unit_of_shortfall():
    """S5: response ≤30 s earns 15, 97% of tickets in 24 h earns 9 (−1 per 1% under 98%)."""
    r = S002[1]["T01"]
    assert (D(15), D(9)) == (r.indicators["response"], r.indicators["tickets"])
    t2 = S002[1]["T02"]  # 41 s: 11 s over, started units of 5 s: 3 → 15 − 6
    assert D(9) == t2.indicators["response"]


def test_s6_category_floor_at_zero():
    """S6: deductions past a category's points stop at zero (扣完为止); other categories are untouched."""
    r = S004[1]["H02"]
    assert (D(0), D(0), D(0)) == (r.sections["respect"], r.sections["attendance"], r.sections["training"])
    assert D(65) == r.score


def test_s7_veto_zeroes_the_section():
    """S7: a fatal accident zeroes the safety section whatever the other indicators are."""
    plan = scheme("""metrics: {fatal_accidents: count, drills: number, outage_hours: number}
sections:
  safety: {weight: 60}
  operations: {weight: 40}
indicators:
  drill_pts: {input: drills, formula: "clamp(drills, 0, 100)", section: safety}
  accidents: {input: fatal_accidents, formula: "100", section: safety, veto: "fatal_accidents > 0"}
  uptime: {input: outage_hours, formula: "max(100 - outage_hours, 0)", section: operations}
""")
    ok = pr.evaluate(plan, {"fatal_accidents": 0, "drills": 50, "outage_hours": 10})
    bad = pr.evaluate(plan, {"fatal_accidents": 1, "drills": 50, "outage_hours": 10})
    assert (D("90.0"), D("36.0")) == (ok.sections["safety"], bad.score)


def test_a1_weighted_and_sectioned_sums():
    """A1: weighted sum of indicator points; weights grouped in dimensions (25/55/10/10)."""
    r = S002[1]["T01"]
    assert (D(24), D(55), D(10), D(10)) == tuple(r.sections[k] for k in ("service", "results", "teamwork", "growth"))
    assert D("82.00") == KPI[1]["K02"].score


def test_a2_base_plus_minus():
    """A2: score = base − Σ deductions + Σ additions (base 80)."""
    assert D(81) == S001[1]["E002"].score  # 80 − 2 + 3


def test_a3_cap_and_floor():
    """A3: monthly full score 110; anything above counts as 110; floors at zero."""
    assert D(110) == S001[1]["E004"].score
    assert D("110.00") == KPI[1]["K01"].score
    assert D(0) == S001[1]["E005"].score


def test_a4_composite_of_parts():
    """A4: safety performance = Σ part score × part weight."""
    plan = scheme("""metrics: {production: number, business: number}
sections:
  production_safety: {weight: 70}
  business_safety: {weight: 30}
indicators:
  production_pts: {input: production, formula: production, section: production_safety}
  business_pts: {input: business, formula: business, section: business_safety}
""")
    assert D("94.0") == pr.evaluate(plan, {"production": 100, "business": 80}).score


def test_p1_fixed_per_occurrence_no_cap():
    """P1: 100 yuan per refund-and-reorder, no upper limit."""
    _, res = example("seed000-pay")
    assert D(200) == res["A02"].penalties["reorder"]


def test_p2_points_per_occurrence_by_severity():
    """P2: minor 2, moderate 10, severe 20 points each."""
    r = S001[1]["E005"]
    assert (D(4), D(20), D(20)) == (r.penalties["minor"], r.penalties["moderate"], r.penalties["severe"])


def test_p3_tiered_by_magnitude():
    """P3: an incident 1-10 minutes late → −5, 11-30 → −10, over 30 → −20, per incident."""
    assert D(25) == S001[1]["E005"].penalties["incident_delay"]  # 35 → 20, 8 → 5


def test_p4_escalating_by_count():
    """P4: first PC-rule breach 10 yuan, second 30, third dismissal."""
    res = KPI[1]
    assert (D(10), D(40), D(40)) == tuple(res[k].penalties["pc_rule"] for k in ("K02", "K03", "K04"))
    assert "pc_dismissal" in [f.name for f in res["K04"].flags]


def test_p5_repeat_offender_surcharge():
    """P5: two or more moderate or four or more minor breaches cost a further 20 points."""
    assert (D(20), D(20)) == (
        S001[1]["E003"].penalties["repeat_offender"],
        S001[1]["E005"].penalties["repeat_offender"],
    )


def test_p6_capped_money_deduction():
    """P6: 1 yuan per minute late, at most 30 yuan."""
    _, res = example("seed003-front-desk")
    assert (D(30), D(10)) == (res["F01"].penalties["lateness"], res["F03"].penalties["lateness"])


def test_p7_shared_cost_both_sides_shown():
    """P7/T5: 50/50 and 30/70 shared costs: this person's share, and the supervisor's, add up exactly."""
    _, res = example("seed000-pay")
    wrong, neglected = res["A02"].shares["wrong_note"], res["A02"].shares["neglected_request"]
    assert (D("11.73"), D("11.72"), D("23.45")) == (wrong.own, wrong.counterpart_amount, wrong.whole)
    assert (D("30.30"), D("70.70")) == (neglected.own, neglected.counterpart_amount)
    assert ("manager", "S01") == (wrong.counterpart, wrong.charged_to)


def test_p7_counterpart_part_is_charged_into_the_supervisors_own_pay():
    """P7/T5: the supervisor (each agent's manager) bears 11.72 + 5.00 and 70.70, off their own performance bonus."""
    _, res = example("seed000-pay")
    s01 = res["S01"]
    assert {"wrong_note": D("16.72"), "neglected_request": D("70.70")} == dict(s01.charges)
    # 918 × 1.5 × 95 / 100 = 1308.15, less what the agents' shared costs charge the supervisor.
    assert D("1308.15") - D("16.72") - D("70.70") == s01.payouts["performance_bonus"]
    assert {"wrong_note": D(0), "neglected_request": D(0)} == dict(res["A02"].charges)


def test_p8_ranged_penalty_checked_against_its_range():
    """P8: 200-1,000 yuan each time; an amount outside the range is refused with row and column."""
    plan, _ = example("seed000-pay")
    row = {
        "employee_id": "X",
        "month_score": "90",
        "star": "1",
        "days_scheduled": "25",
        "days_worked": "25",
        "training_losses": "150",
    }
    with pytest.raises(pr.InputError, match="row 2, column training_losses"):
        pr.score(plan, [row])


def test_p9_levels_and_approval():
    """P9/W2/H4: points by level; a single deduction over 10 needs approval; the top level flags dismissal."""
    plan = scheme("""metrics: {discipline: list}
score: {base: 100}
penalties:
  discipline_ded: {occurrences: discipline, levels: [1, 2, 3, 5, 10, 20], approval_over: 10}
flags:
  dismissal: {when: "largest(discipline) >= 20", reason: level six means dismissal}
""")
    r = pr.evaluate(plan, {"discipline": "2;20"})
    assert D(78) == r.score
    assert ["dismissal", "approval_required"] == [f.name for f in r.flags]
    with pytest.raises(pr.InputError, match="not one of the levels"):
        pr.evaluate(plan, {"discipline": "4"})


def test_b5_per_occurrence_rewards():
    """B5: +5 points per shift covered; 10 yuan per data error, 30 per accepted suggestion; ranged 200-1,000."""
    assert D(10) == S001[1]["E001"].bonuses["cover"]
    assert (D(20), D(30)) == (KPI[1]["K01"].bonuses["data_errors"], KPI[1]["K01"].bonuses["suggestions"])


def test_b6_reward_points_by_level():
    """B6: reward points by level +1, +2, +3, +5, +8; over 5 at once needs approval."""
    r = KPI[1]["K01"]
    assert D(11) == r.bonuses["merit"]
    assert "approval_required" in [f.name for f in r.flags]


def test_b7_discretionary_adjustment_with_reason():
    """B7: the trainer may add or take off up to 5 points, and must state the reason."""
    assert (D(3), D(-2)) == (S001[1]["E002"].bonuses["trainer"], S001[1]["E005"].bonuses["trainer"])


def test_g1_grade_bands_with_declared_boundaries():
    """G1: above 90 A, (80, 90] B, ...; the scheme declares each boundary's inclusiveness."""
    assert ["A", "B", "C", "F"] == [S001[1][e].grade for e in ("E001", "E002", "E006", "E003")]
    assert ["S", "C"] == [S002[1][e].grade for e in ("T01", "T02")]


def test_1_bonus_base_star_score():
    """$1: bonus = base × star coefficient × score / 100, base 918."""
    _, res = example("seed000-pay")
    assert D("1249.41") == res["A02"].payouts["performance_bonus"]  # 918 × 1.2 × 90% − 200 − 11.73 − 30.30 + 500


def test_2_attendance_proration():
    """$2: 25 days scheduled, 23 worked → 918 × 23 / 25 = 844.56."""
    _, res = example("seed000-pay")
    assert D("844.56") == res["A01"].payouts["prorated_base"]


def test_3_linear_pay_around_baseline():
    """$3: baseline 80, 10 yuan per point, capped at ±300."""
    assert (D("150.00"), D("-300.00")) == (S001[1]["E001"].payouts["pay_swing"], S001[1]["E003"].payouts["pay_swing"])


def test_4_pay_percentage_by_band_with_floor():
    """$4: 100 → 100%, 85-94 → 90%, 75-84 → 80%, ≤ 74 → 70%; front-line staff never below 75%."""
    res = KPI[1]
    assert [D("750.00"), D("600.00"), D("562.50"), D("525.00")] == [
        res[k].payouts["perf_pay"] for k in ("K01", "K02", "K03", "K04")
    ]


def test_5_percent_of_a_pot():
    """$5: pot 750; 50 points → 375; 100 points → 750."""
    _, res = example("seed003-pay")
    assert (D("375.00"), D("750.00")) == (res["P01"].payouts["pot_pay"], res["P02"].payouts["pot_pay"])


def test_7_per_mille_on_per_capita_output():
    """$7: the tiered per-mille table; its gaps and overlap are caught by the checker (see test_validate)."""
    plan = scheme("""metrics: {per_capita: money}
tables:
  per_mille: {tiers: [{range: "> 410000", points: 2.5}, {range: "(300000, 410000]", points: 2}, {range: "< 100000", points: 0}, {range: "[100000, 300000]", points: 1}]}
payouts:
  commission: {formula: "per_capita * per_mille(per_capita) / 1000"}
""")
    assert D("800.00") == pr.evaluate(plan, {"per_capita": "400000"}).payouts["commission"]


def test_8_piece_rates_capped():
    """$8: 0.20 yuan per phone ticket, 0.10 per messenger ticket, capped at 500."""
    _, res = example("seed003-pay")
    assert (D("320.00"), D("500.00")) == (res["P01"].payouts["piece_pay"], res["P02"].payouts["piece_pay"])


def test_9_quality_multiplier_bounded():
    """$9: workload bonus × QC factor + contribution + other, bounded 0-500."""
    _, res = example("seed003-gs")
    assert [D("200.00"), D("500.00"), D("300.00"), D("0.00")] == [
        res[k].payouts["bonus"] for k in ("G01", "G02", "G03", "G04")
    ]


def test_10_deduction_ladder_on_pay():
    """$10: pay = total − lateness − discipline (−20 outright) − 2 per work point under 85 − inspection."""
    _, res = example("seed003-front-desk")
    assert [D("370.00"), D("400.00"), D("354.00"), D("0.00")] == [
        res[k].payouts["perf_pay"] for k in ("F01", "F02", "F03", "F04")
    ]


def test_11_pay_structure():
    """$11: 800 + 200 + 200 + performance + 50 + bonus; post wage 70% / performance 30%."""
    assert D("2050.00") == KPI[1]["K01"].payouts["monthly_pay"]  # 1200 + 750 + 50 + 50
    _, res = example("seed000-pay")
    assert (D("2800.00"), D("1080.00")) == (res["A02"].payouts["post_wage"], res["A02"].payouts["performance_wage"])


def test_12_money_rounding_declared():
    """$12: money is exact decimal, rounded to 2 places half up at the payout."""
    plan = scheme("""metrics: {x: money}
money: {places: 2, mode: half_up}
payouts:
  p: {formula: "x / 3"}
  q: {formula: "x / 3", rounding: {places: 0, mode: down}}
""")
    r = pr.evaluate(plan, {"x": "1.015"})
    assert (D("0.34"), D("0")) == (r.payouts["p"], r.payouts["q"])
    assert D("0.02") == pr.evaluate(plan, {"x": "0.045"}).payouts["p"]  # 0.015 → 0.02, half up


def test_p7_charges_have_columns_in_the_results_file():
    """P7: a payroll CSV carries what each person is charged for others' shared costs."""
    from perfrules._adapters import result_rows

    plan, _ = example("seed000-pay")
    res = pr.score(plan, read_population(EXAMPLES / "seed000-pay" / "data.csv"), period="2026-04")
    rows = {r["employee_id"]: r for r in result_rows(res)}
    assert ("16.72", "0") == (rows["S01"]["wrong_note.charged"], rows["A02"]["wrong_note.charged"])
